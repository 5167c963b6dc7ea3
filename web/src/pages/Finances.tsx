import { Fragment } from "preact";
import { useState } from "preact/hooks";
import { useMutation } from "@urql/preact";

import { StartTopUpMutation, TransferMutation } from "../api/wallets";
import { Balances } from "../components/Balances";
import { CopyText } from "../components/CopyText";
import { Errors, Status, type UserErrorLike } from "../components/Errors";
import { InvoiceList } from "../components/Invoices";
import { useLiveWallets } from "../components/LiveWallets";
import { Page } from "../components/Page";
import { useViewer } from "../components/Session";
import { useLang } from "../i18n";
import { formatMoney, groupsOfFour, parseAmountToCents } from "../lib/format";
import { useFieldId } from "../lib/ids";
import { newKey } from "../lib/keys";

/** Finances (tutorial 7): live balances, invoices, online top-up, transfer details, internal
 * transfer. */
export function Finances({ childId }: { childId: string }) {
  const { t } = useLang();
  const { school } = useViewer();
  const { wallets } = useLiveWallets();
  const base = `/children/${childId}/finances`;
  return (
    <Page title={t("finances.title")}>
      <nav aria-label={t("finances.journals")} class="subnav">
        <a href={`${base}/operations`}>{t("dashboard.allOperations")}</a>
        <a href={`${base}/sales`}>{t("dashboard.allSales")}</a>
      </nav>
      <section class="panel" aria-labelledby="balances-title">
        <h2 id="balances-title">{t("balances.title")}</h2>
        <Balances />
      </section>
      <InvoiceList childId={childId} />
      {school.features.onlineTopUp && <OnlineTopUp />}
      {school.features.bankTransferTopUp && school.bankAccount && (
        <section class="panel" aria-labelledby="transfer-title">
          <h2 id="transfer-title">{t("finances.bankTransfer")}</h2>
          <p>{t("finances.bankTransferIntro")}</p>
          <dl class="details">
            <dt>{t("finances.holder")}</dt>
            <dd>{school.bankAccount.holder}</dd>
            <dt>IBAN</dt>
            <dd>
              <CopyText text={school.bankAccount.iban} shown={groupsOfFour(school.bankAccount.iban)} label="IBAN" />
            </dd>
            {school.bankAccount.bic && (
              <>
                <dt>BIC</dt>
                <dd>{school.bankAccount.bic}</dd>
              </>
            )}
            {wallets.map((wallet) => (
              <Fragment key={wallet.id}>
                <dt>{t("finances.communication", { wallet: wallet.name })}</dt>
                <dd>
                  <CopyText text={wallet.structuredCommunication} label={t("finances.communication", { wallet: wallet.name })} />
                </dd>
              </Fragment>
            ))}
          </dl>
          <p class="muted">{t("finances.bankTransferDelay")}</p>
        </section>
      )}
      {school.features.internalTransfer && wallets.length > 1 && <InternalTransfer />}
    </Page>
  );
}

function OnlineTopUp() {
  const { t, lang } = useLang();
  const { wallets, topUpMinCents, topUpMaxCents } = useLiveWallets();
  const [state, start] = useMutation(StartTopUpMutation);
  const [errors, setErrors] = useState<UserErrorLike[]>([]);
  const [checkout, setCheckout] = useState<{ url: string; amount: string } | null>(null);
  const walletId = useFieldId();
  const amountId = useFieldId();
  const onSubmit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const cents = parseAmountToCents(String(form.get("amount") ?? ""));
    setCheckout(null);
    if (cents === null || cents < topUpMinCents || cents > topUpMaxCents) {
      return setErrors([{ code: "INVALID_AMOUNT", message: t("error.INVALID_AMOUNT") }]);
    }
    const result = await start({ walletId: String(form.get("wallet")), amountCents: cents, idempotencyKey: newKey() });
    const payload = result.data?.startOnlineTopUp;
    if (!payload) return setErrors([{ code: "NETWORK", message: t("common.offline") }]);
    setErrors(payload.errors);
    const topUp = payload.topUp;
    if (topUp?.checkoutUrl) {
      setCheckout({ url: topUp.checkoutUrl, amount: formatMoney(topUp.amount.cents, topUp.amount.currency, lang) });
    }
  };
  const euros = (cents: number) => formatMoney(cents, "EUR", lang);
  return (
    <section class="panel" aria-labelledby="topup-title">
      <h2 id="topup-title">{t("finances.topUp")}</h2>
      <form onSubmit={onSubmit} class="stack">
        <Errors errors={errors} />
        <label for={walletId}>{t("finances.wallet")}</label>
        <select id={walletId} name="wallet">
          {wallets.map((wallet) => (
            <option key={wallet.id} value={wallet.id}>
              {wallet.name}
            </option>
          ))}
        </select>
        <label for={amountId}>{t("finances.amount", { min: euros(topUpMinCents), max: euros(topUpMaxCents) })}</label>
        <input id={amountId} name="amount" inputMode="decimal" autoComplete="off" required />
        <button type="submit" disabled={state.fetching}>
          {t("finances.pay")}
        </button>
      </form>
      {checkout && (
        <div class="notice ok" role="status">
          <p>{t("finances.checkoutReady", { amount: checkout.amount })}</p>
          <a class="button" href={checkout.url} target="_blank" rel="noopener">
            {t("finances.openCheckout")}
          </a>
          <p class="muted">{t("finances.checkoutNote")}</p>
        </div>
      )}
    </section>
  );
}

function InternalTransfer() {
  const { t, lang } = useLang();
  const { wallets, settle } = useLiveWallets();
  const [state, transfer] = useMutation(TransferMutation);
  const [errors, setErrors] = useState<UserErrorLike[]>([]);
  const [done, setDone] = useState<string | null>(null);
  const fromId = useFieldId();
  const toId = useFieldId();
  const amountId = useFieldId();
  const onSubmit = async (event: Event) => {
    event.preventDefault();
    const formElement = event.currentTarget as HTMLFormElement;
    const form = new FormData(formElement);
    const cents = parseAmountToCents(String(form.get("amount") ?? ""));
    setDone(null);
    if (cents === null || cents <= 0) return setErrors([{ code: "INVALID_AMOUNT", message: t("error.INVALID_AMOUNT") }]);
    const from = String(form.get("from"));
    const to = String(form.get("to"));
    if (from === to) return setErrors([{ code: "SAME_WALLET", message: t("finances.sameWallet") }]);
    const result = await transfer({ from, to, amountCents: cents, idempotencyKey: newKey() });
    const payload = result.data?.transferBetweenWallets;
    if (!payload) return setErrors([{ code: "NETWORK", message: t("common.offline") }]);
    setErrors(payload.errors);
    for (const wallet of [payload.from, payload.to]) if (wallet) settle(wallet.id, wallet.balance.cents);
    if (!payload.errors.length) {
      (formElement.elements.namedItem("amount") as HTMLInputElement).value = "";
      setDone(t("finances.transferred", { amount: formatMoney(cents, "EUR", lang) }));
    }
  };
  return (
    <section class="panel" aria-labelledby="internal-title">
      <h2 id="internal-title">{t("finances.internal")}</h2>
      <form onSubmit={onSubmit} class="stack">
        <Errors errors={errors} />
        <Status>{done}</Status>
        <label for={fromId}>{t("finances.from")}</label>
        <select id={fromId} name="from">
          {wallets.map((wallet) => (
            <option key={wallet.id} value={wallet.id}>{wallet.name}</option>
          ))}
        </select>
        <label for={toId}>{t("finances.to")}</label>
        <select id={toId} name="to">
          {wallets.map((wallet, index) => (
            <option key={wallet.id} value={wallet.id} selected={index === 1}>{wallet.name}</option>
          ))}
        </select>
        <label for={amountId}>{t("finances.transferAmount")}</label>
        <input id={amountId} name="amount" inputMode="decimal" autoComplete="off" required />
        <button type="submit" disabled={state.fetching}>{t("finances.transfer")}</button>
        <p class="muted">{t("finances.internalNote")}</p>
      </form>
    </section>
  );
}
