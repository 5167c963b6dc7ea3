import { useQuery } from "@urql/preact";

import { PhotoCampaignsQuery } from "../api/photos";
import { Page } from "../components/Page";
import { useLang } from "../i18n";
import { formatDate, formatMoney } from "../lib/format";

/** School photos: the campaigns open to this child, their articles and the child's proofs. */
export function Photos({ childId }: { childId: string }) {
  const { t, lang } = useLang();
  const [result] = useQuery({ query: PhotoCampaignsQuery, variables: { childId } });
  const campaigns = result.data?.viewer?.child?.photoCampaigns;
  return (
    <Page title={t("photos.title")}>
      {campaigns && campaigns.length === 0 && <p class="muted">{t("photos.none")}</p>}
      {campaigns?.map((campaign) => (
        <section key={campaign.id} class="panel" aria-labelledby={`campaign-${campaign.id}`}>
          <h2 id={`campaign-${campaign.id}`}>{campaign.title}</h2>
          <p class="muted">{t("photos.orderUntil", { date: formatDate(campaign.orderUntil, lang) })}</p>
          <h3>{t("photos.articles")}</h3>
          <ul class="rows">
            {campaign.articles.map((article) => (
              <li key={article.id} class="row">
                <span>{article.name}</span>
                <strong>{formatMoney(article.price.cents, article.price.currency, lang)}</strong>
              </li>
            ))}
          </ul>
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
        </section>
      ))}
    </Page>
  );
}
