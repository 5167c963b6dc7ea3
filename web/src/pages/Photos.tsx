import { useState } from "preact/hooks";
import { useMutation, useQuery } from "@urql/preact";

import { CancelPhotoOrderMutation, OrderPhotosMutation, PhotoCampaignsQuery, PhotoOrdersQuery } from "../api/photos";
import { Errors, Status, type UserErrorLike } from "../components/Errors";
import { Page } from "../components/Page";
import { useLang } from "../i18n";
import { formatDate, formatMoney } from "../lib/format";
import { useFieldId } from "../lib/ids";
import { newKey } from "../lib/keys";

interface Article {
  id: string;
  name: string;
  price: { cents: number; currency: string };
}

interface Campaign {
  id: string;
  title: string;
  orderUntil: string;
  articles: Article[];
  proofs: { id: string; title: string; downloadUrl: string }[];
}

const ORDERS_CONTEXT = { additionalTypenames: ["PhotoOrder"] };

/** School photos: the campaigns open to this child (articles, the child's proofs, ordering)
 * and the orders placed. */
export function Photos({ childId }: { childId: string }) {
  const { t } = useLang();
  const [result] = useQuery({ query: PhotoCampaignsQuery, variables: { childId } });
  const campaigns = result.data?.viewer?.child?.photoCampaigns;
  return (
    <Page title={t("photos.title")}>
      {campaigns && campaigns.length === 0 && <p class="muted">{t("photos.none")}</p>}
      {campaigns?.map((campaign) => <CampaignPanel key={campaign.id} childId={childId} campaign={campaign} />)}
      <Orders childId={childId} />
    </Page>
  );
}

function CampaignPanel({ childId, campaign }: { childId: string; campaign: Campaign }) {
  const { t, lang } = useLang();
  const [state, order] = useMutation(OrderPhotosMutation);
  const [quantities, setQuantities] = useState<Record<string, number>>({});
  const [errors, setErrors] = useState<UserErrorLike[]>([]);
  const [done, setDone] = useState<string | null>(null);
  const fieldId = useFieldId();
  const total = campaign.articles.reduce((sum, a) => sum + a.price.cents * (quantities[a.id] ?? 0), 0);
  const onSubmit = async (event: Event) => {
    event.preventDefault();
    setDone(null);
    const lines = Object.entries(quantities)
      .filter(([, quantity]) => quantity > 0)
      .map(([articleId, quantity]) => ({ articleId, quantity }));
    if (!lines.length) return setErrors([{ code: "INVALID_INPUT", message: t("photos.chooseSome") }]);
    const response = await order(
      { childId, campaignId: campaign.id, lines, idempotencyKey: newKey() },
      ORDERS_CONTEXT,
    );
    const payload = response.data?.orderPhotos;
    if (!payload) return setErrors([{ code: "NETWORK", message: t("common.offline") }]);
    setErrors(payload.errors);
    if (payload.order) {
      setQuantities({});
      setDone(t("photos.ordered", { amount: formatMoney(payload.order.total.cents, payload.order.total.currency, lang) }));
    }
  };
  const titleId = `campaign-${campaign.id}`;
  return (
    <section class="panel" aria-labelledby={titleId}>
      <h2 id={titleId}>{campaign.title}</h2>
      <p class="muted">{t("photos.orderUntil", { date: formatDate(campaign.orderUntil, lang) })}</p>
      <h3>{t("photos.proofs")}</h3>
      {campaign.proofs.length === 0 && <p class="muted">{t("photos.noProofs")}</p>}
      <ul class="rows">
        {campaign.proofs.map((proof) => (
          <li key={proof.id} class="row">
            <span>{proof.title}</span>
            <a class="button secondary" href={proof.downloadUrl} target="_blank" rel="noopener">
              {t("photos.openProof")}
              <span class="visually-hidden"> {proof.title}</span>
            </a>
          </li>
        ))}
      </ul>
      <h3>{t("photos.articles")}</h3>
      <form onSubmit={onSubmit} class="stack">
        <Errors errors={errors} />
        <Status>{done}</Status>
        <ul class="rows">
          {campaign.articles.map((article) => (
            <li key={article.id} class="row">
              <label for={`${fieldId}-${article.id}`}>
                {article.name} · {formatMoney(article.price.cents, article.price.currency, lang)}
              </label>
              <input
                id={`${fieldId}-${article.id}`}
                type="number"
                min={0}
                max={50}
                inputMode="numeric"
                class="quantity"
                value={quantities[article.id] ?? 0}
                onInput={(event) => {
                  const value = Number((event.currentTarget as HTMLInputElement).value);
                  setQuantities({ ...quantities, [article.id]: Number.isFinite(value) ? Math.max(0, Math.floor(value)) : 0 });
                }}
              />
            </li>
          ))}
        </ul>
        <p>
          <strong>{t("photos.total", { amount: formatMoney(total, "EUR", lang) })}</strong>
        </p>
        <button type="submit" disabled={state.fetching || total === 0}>
          {t("photos.order")}
        </button>
      </form>
    </section>
  );
}

function Orders({ childId }: { childId: string }) {
  const { t, lang } = useLang();
  const [result] = useQuery({ query: PhotoOrdersQuery, variables: { childId }, context: ORDERS_CONTEXT });
  const [, cancel] = useMutation(CancelPhotoOrderMutation);
  const [errors, setErrors] = useState<UserErrorLike[]>([]);
  const orders = result.data?.viewer?.child?.photoOrders;
  if (!orders?.length) return null;
  return (
    <section class="panel" aria-labelledby="photo-orders-title">
      <h2 id="photo-orders-title">{t("photos.orders")}</h2>
      <Errors errors={errors} />
      <ul class="rows">
        {orders.map((order) => (
          <li key={order.id} class="row">
            <div>
              <strong>
                {order.campaign.title} · {formatMoney(order.total.cents, order.total.currency, lang)}
              </strong>
              <span class="muted">
                {order.lines.map((line) => `${line.quantity} × ${line.label}`).join(", ")} ·{" "}
                {order.status === "CANCELLED" ? t("photos.cancelled") : t("photos.active")}
              </span>
            </div>
            {order.status === "ACTIVE" && (
              <button
                type="button"
                class="secondary"
                onClick={async () => {
                  const response = await cancel({ orderId: order.id }, ORDERS_CONTEXT);
                  setErrors(response.data?.cancelPhotoOrder.errors ?? []);
                }}
              >
                {t("photos.cancel")}
                <span class="visually-hidden"> {order.campaign.title}</span>
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
