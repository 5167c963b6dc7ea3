import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { useMutation, useQuery } from "@urql/preact";

import { MarkReadMutation } from "../api/documents";
import { InvoicesQuery, PayInvoiceFromWalletMutation, StartInvoicePaymentMutation } from "../api/invoices";
import type { InvoiceFieldsFragment as Invoice } from "../gql/graphql";
import { useLang, type MessageKey } from "../i18n";
import { formatDate, formatMoney } from "../lib/format";
import { useFieldId } from "../lib/ids";
import { isPayable, linkIsStale, statusClass, suggestedWallet } from "../lib/invoices";
import { newKey } from "../lib/keys";
import { CopyText } from "./CopyText";
import { Dialog } from "./Dialog";
import { Errors, Status, type UserErrorLike } from "./Errors";
import { useLiveWallets } from "./LiveWallets";
import { useViewer } from "./Session";

// A payment changes invoices and wallets: queries holding either are read again.
const PAY_CONTEXT = { additionalTypenames: ["Invoice", "Wallet"] };
const CHECKOUT_POLL_MS = 3000;

export function StatusBadge({ status }: { status: Invoice["status"] }) {
  const { t } = useLang();
  return <span class="status-badge">{t(`invoices.status.${status}` as MessageKey)}</span>;
}

/** The child's invoices (newest first) in Finances: status colours, amounts, the structured
 * communication, the PDF and, where the school allows it, payment from a wallet. */
export function InvoiceList({ childId }: { childId: string }) {
  const { t, lang } = useLang();
  const { school } = useViewer();
  const [after, setAfter] = useState<string | null>(null);
  const [result, refetch] = useQuery({ query: InvoicesQuery, variables: { childId, after } });
  const [, markRead] = useMutation(MarkReadMutation);
  const [loadedAt, setLoadedAt] = useState(() => Date.now());
  const [paying, setPaying] = useState<Invoice | null>(null);
  // The invoice a payment answered with, shown at once (the list is read again behind it).
  const [answered, setAnswered] = useState<Record<string, Invoice>>({});
  const [done, setDone] = useState<string | null>(null);
  // The paid invoice's heading takes the focus (its pay button, the dialog's opener, is gone).
  const [paidId, setPaidId] = useState<string | null>(null);
  const connection = result.data?.viewer?.child?.invoices;
  // While a checkout page is open elsewhere the webhook pays the invoice: read the list again
  // now and then, and when the parent comes back to this tab.
  const [checkoutOpen, setCheckoutOpen] = useState(false);
  useEffect(() => {
    if (!checkoutOpen) return;
    const again = () => refetch({ requestPolicy: "network-only" });
    const timer = window.setInterval(again, CHECKOUT_POLL_MS);
    window.addEventListener("focus", again);
    return () => {
      window.clearInterval(timer);
      window.removeEventListener("focus", again);
    };
  }, [checkoutOpen]);
  // A fresh read of the list supersedes what a payment answered.
  useEffect(() => setAnswered({}), [connection]);
  const openPdf = async (event: MouseEvent, invoice: Invoice) => {
    if (linkIsStale(loadedAt, Date.now())) {
      // The link may have expired: read fresh ones, then the parent clicks again.
      event.preventDefault();
      refetch({ requestPolicy: "network-only" });
      setLoadedAt(Date.now());
      return;
    }
    await markRead({ documentId: invoice.document.id });
  };
  const onPaid = (invoice: Invoice) => {
    setAnswered((known) => ({ ...known, [invoice.id]: invoice }));
    setPaidId(invoice.id);
    setDone(t("invoices.paidNow", { number: invoice.number, amount: formatMoney(invoice.paid.cents, invoice.paid.currency, lang) }));
    setPaying(null);
  };
  return (
    <section class="panel" aria-labelledby="invoices-title" id="invoices">
      <h2 id="invoices-title">{t("invoices.title")}</h2>
      <Status>{done}</Status>
      {!connection && <p class="muted">{t("common.loading")}</p>}
      {connection && connection.edges.length === 0 && <p class="muted">{t("invoices.none")}</p>}
      <ul class="cards invoices">
        {connection?.edges.map(({ node }) => {
          const invoice = answered[node.id] ?? node;
          return (
            <InvoiceCard
              key={invoice.id}
              invoice={invoice}
              canPay={school.features.payInvoiceFromWallet && isPayable(invoice)}
              canPayOnline={school.features.onlineTopUp && isPayable(invoice)}
              onCheckout={() => setCheckoutOpen(true)}
              focus={invoice.id === paidId}
              onPdf={(event) => openPdf(event, invoice)}
              onPay={() => {
                setDone(null);
                setPaying(invoice);
              }}
            />
          );
        })}
      </ul>
      {connection?.pageInfo.hasNextPage && (
        <button type="button" class="secondary" onClick={() => setAfter(connection.pageInfo.endCursor ?? null)}>
          {t("common.more")}
        </button>
      )}
      {after && (
        <button type="button" class="secondary" onClick={() => setAfter(null)}>
          {t("invoices.newest")}
        </button>
      )}
      {paying && <PayFromWallet invoice={paying} onClose={() => setPaying(null)} onPaid={onPaid} />}
    </section>
  );
}

function InvoiceCard({
  invoice,
  canPay,
  canPayOnline,
  onCheckout,
  focus,
  onPdf,
  onPay,
}: {
  invoice: Invoice;
  canPay: boolean;
  canPayOnline: boolean;
  onCheckout: () => void;
  focus: boolean;
  onPdf: (event: MouseEvent) => void;
  onPay: () => void;
}) {
  const { t, lang } = useLang();
  const money = (amount: { cents: number; currency: string }) => formatMoney(amount.cents, amount.currency, lang);
  const titleId = useFieldId();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (focus) heading.current?.focus();
  }, [focus]);
  return (
    <li class={`card invoice ${statusClass(invoice.status)}`} aria-labelledby={titleId}>
      <div class="invoice-head">
        <h3 id={titleId} ref={heading} tabIndex={-1}>
          {invoice.title}
          <span class="visually-hidden"> ({t(`invoices.status.${invoice.status}` as MessageKey)})</span>
        </h3>
        <StatusBadge status={invoice.status} />
      </div>
      <dl class="invoice-details">
        <Detail term={t("invoices.number")}>{invoice.number}</Detail>
        <Detail term={t("invoices.total")}>{money(invoice.total)}</Detail>
        <Detail term={t("invoices.issuedOn")}>{formatDate(invoice.issuedOn, lang, "medium")}</Detail>
        <Detail term={t("invoices.paid")}>{money(invoice.paid)}</Detail>
        <Detail term={t("invoices.dueOn")}>{formatDate(invoice.dueOn, lang, "medium")}</Detail>
        {invoice.credited.cents > 0 && (
          <Detail term={t("invoices.credited")}>{money(invoice.credited)}</Detail>
        )}
        <Detail term={t("invoices.due")}>
          <span class="amount">{money(invoice.due)}</span>
        </Detail>
        <Detail term={t("invoices.communication")} wide>
          <CopyText
            text={invoice.structuredCommunication}
            label={t("invoices.communicationOf", { number: invoice.number })}
          />
        </Detail>
      </dl>
      <div class="actions">
        <a
          class="button secondary"
          href={invoice.document.downloadUrl}
          target="_blank"
          rel="noopener"
          onClick={(event) => onPdf(event as unknown as MouseEvent)}
        >
          {t("invoices.pdf")}
          <span class="visually-hidden"> {invoice.number}</span>
        </a>
        {canPay && (
          <button type="button" onClick={onPay}>
            {t("invoices.payFromWallet")}
            <span class="visually-hidden"> {invoice.number}</span>
          </button>
        )}
        {canPayOnline && <PayOnline invoice={invoice} onCheckout={onCheckout} />}
      </div>
    </li>
  );
}

/** Online payment of the due: a checkout at the provider, opened in a new tab as for top-ups. */
function PayOnline({ invoice, onCheckout }: { invoice: Invoice; onCheckout: () => void }) {
  const { t, lang } = useLang();
  const [state, start] = useMutation(StartInvoicePaymentMutation);
  const [errors, setErrors] = useState<UserErrorLike[]>([]);
  const [checkout, setCheckout] = useState<{ url: string; amount: string } | null>(null);
  const onClick = async () => {
    setCheckout(null);
    const result = await start({ invoiceId: invoice.id, idempotencyKey: newKey() });
    const payload = result.data?.startInvoicePayment;
    if (!payload) return setErrors([{ code: "NETWORK", message: t("common.offline") }]);
    setErrors(payload.errors);
    const payment = payload.payment;
    if (payment?.checkoutUrl) {
      setCheckout({ url: payment.checkoutUrl, amount: formatMoney(payment.amount.cents, payment.amount.currency, lang) });
      onCheckout();
    }
  };
  return (
    <>
      <button type="button" class="secondary" onClick={onClick} disabled={state.fetching}>
        {t("invoices.payOnline")}
        <span class="visually-hidden"> {invoice.number}</span>
      </button>
      <div class="actions-notice">
        <Errors errors={errors} />
        {checkout && (
          <div class="notice ok" role="status">
            <p>{t("finances.checkoutReady", { amount: checkout.amount })}</p>
            <a class="button" href={checkout.url} target="_blank" rel="noopener">
              {t("finances.openCheckout")}
              <span class="visually-hidden"> ({invoice.number})</span>
            </a>
            <p class="muted">{t("invoices.checkoutNote")}</p>
          </div>
        )}
      </div>
    </>
  );
}

/** One term and its value, kept together (a <div> inside <dl> is allowed) for the grid. */
function Detail({ term, wide, children }: { term: string; wide?: boolean; children: ComponentChildren }) {
  return (
    <div class={wide ? "wide" : undefined}>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function PayFromWallet({ invoice, onClose, onPaid }: { invoice: Invoice; onClose: () => void; onPaid: (invoice: Invoice) => void }) {
  const { t, lang } = useLang();
  const { wallets, settle } = useLiveWallets();
  const [state, pay] = useMutation(PayInvoiceFromWalletMutation);
  const [errors, setErrors] = useState<UserErrorLike[]>([]);
  const walletId = useFieldId();
  const suggested = suggestedWallet(wallets, invoice.due.cents);
  const due = formatMoney(invoice.due.cents, invoice.due.currency, lang);
  const onSubmit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const result = await pay(
      { invoiceId: invoice.id, walletId: String(form.get("wallet")), idempotencyKey: newKey() },
      PAY_CONTEXT,
    );
    const payload = result.data?.payInvoiceFromWallet;
    if (!payload) return setErrors([{ code: "NETWORK", message: t("common.offline") }]);
    setErrors(payload.errors);
    if (payload.wallet) settle(payload.wallet.id, payload.wallet.balance.cents);
    if (!payload.errors.length && payload.invoice) onPaid(payload.invoice);
  };
  return (
    <Dialog title={t("invoices.payTitle", { number: invoice.number })} onClose={onClose}>
      <form onSubmit={onSubmit} class="stack">
        <p>{t("invoices.payIntro", { title: invoice.title, amount: due })}</p>
        <Errors errors={errors} />
        <label for={walletId}>{t("invoices.payWallet")}</label>
        <select id={walletId} name="wallet">
          {wallets.map((wallet) => (
            <option key={wallet.id} value={wallet.id} selected={wallet.id === suggested?.id}>
              {wallet.name} ({formatMoney(wallet.balance.cents, wallet.balance.currency, lang)})
            </option>
          ))}
        </select>
        <div class="actions">
          <button type="submit" disabled={state.fetching}>
            {t("invoices.payConfirm", { amount: due })}
          </button>
          <button type="button" class="secondary" onClick={onClose}>
            {t("invoices.cancel")}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
