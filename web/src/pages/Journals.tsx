import { useEffect, useState } from "preact/hooks";
import { useQuery } from "@urql/preact";

import { OperationsQuery, SalesQuery } from "../api/wallets";
import { OperationList, SaleList } from "../components/Lists";
import { useLiveWallets } from "../components/LiveWallets";
import { Page } from "../components/Page";
import { PeriodFilter, periodFilter, type PeriodChoice } from "../components/PeriodFilter";
import type { OperationType, PaymentMethod } from "../gql/graphql";
import { useLang, type MessageKey } from "../i18n";
import { useFieldId } from "../lib/ids";

const TYPES: OperationType[] = ["TOP_UP", "MEAL", "MEAL_REFUND", "PURCHASE", "PURCHASE_REFUND", "INVOICE_PAYMENT", "TRANSFER_IN", "TRANSFER_OUT", "ADJUSTMENT"];
const METHODS: PaymentMethod[] = ["ONLINE", "BANK_TRANSFER", "INTERNAL", "WALLET", "POS"];
const DEFAULT_PERIOD: PeriodChoice = { period: "LAST_30_DAYS", from: "", to: "" };

function WalletSelect({ value, onChange }: { value: string; onChange: (id: string) => void }) {
  const { t } = useLang();
  const { wallets } = useLiveWallets();
  const id = useFieldId();
  return (
    <>
      <label for={id}>{t("finances.wallet")}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
        <option value="">{t("journal.all")}</option>
        {wallets.map((w) => (
          <option key={w.id} value={w.id}>{w.name}</option>
        ))}
      </select>
    </>
  );
}

/** Financial operations (tutorial 7.3): every movement, filtered by period, wallet, type, method. */
export function Operations({ childId }: { childId: string }) {
  const { t } = useLang();
  const { version } = useLiveWallets();
  const [period, setPeriod] = useState(DEFAULT_PERIOD);
  const [walletId, setWalletId] = useState("");
  const [type, setType] = useState("");
  const [method, setMethod] = useState("");
  const [after, setAfter] = useState<string | null>(null);
  const filter = {
    ...periodFilter(period),
    walletId: walletId || null,
    type: (type || null) as OperationType | null,
    method: (method || null) as PaymentMethod | null,
  };
  const [result, refetch] = useQuery({ query: OperationsQuery, variables: { childId, filter, after } });
  useEffect(() => setAfter(null), [period, walletId, type, method]);
  useEffect(() => {
    if (version) refetch({ requestPolicy: "network-only" });
  }, [version]);
  const connection = result.data?.viewer?.child?.operations;
  const typeId = useFieldId();
  const methodId = useFieldId();
  return (
    <Page title={t("journal.operations")}>
      <p><a href={`/children/${childId}/finances`}>{t("finances.back")}</a></p>
      <form class="filter-bar" onSubmit={(e) => e.preventDefault()} aria-label={t("journal.filters")}>
        <PeriodFilter value={period} onChange={setPeriod} />
        <fieldset class="filters">
          <legend>{t("journal.filters")}</legend>
          <WalletSelect value={walletId} onChange={setWalletId} />
          <label for={typeId}>{t("journal.type")}</label>
          <select id={typeId} value={type} onChange={(e) => setType(e.currentTarget.value)}>
            <option value="">{t("journal.all")}</option>
            {TYPES.map((x) => <option key={x} value={x}>{t(`operationType.${x}` as MessageKey)}</option>)}
          </select>
          <label for={methodId}>{t("journal.method")}</label>
          <select id={methodId} value={method} onChange={(e) => setMethod(e.currentTarget.value)}>
            <option value="">{t("journal.all")}</option>
            {METHODS.map((x) => <option key={x} value={x}>{t(`method.${x}` as MessageKey)}</option>)}
          </select>
        </fieldset>
      </form>
      {connection && <OperationList operations={connection.edges.map((e) => e.node)} />}
      <Pager after={after} next={connection?.pageInfo} onPage={setAfter} />
    </Page>
  );
}

/** Sales journal (tutorial 7.4): what the child bought, by period, wallet, device, article. */
export function Sales({ childId }: { childId: string }) {
  const { t } = useLang();
  const [period, setPeriod] = useState(DEFAULT_PERIOD);
  const [walletId, setWalletId] = useState("");
  const [deviceId, setDeviceId] = useState("");
  const [search, setSearch] = useState("");
  const [after, setAfter] = useState<string | null>(null);
  const [devices, setDevices] = useState<Record<string, string>>({});
  const filter = { ...periodFilter(period), walletId: walletId || null, deviceId: deviceId || null, search: search.trim() || null };
  const [result] = useQuery({ query: SalesQuery, variables: { childId, filter, after } });
  useEffect(() => setAfter(null), [period, walletId, deviceId, search]);
  const connection = result.data?.viewer?.child?.sales;
  useEffect(() => {
    // Parents have no device list: offer the devices their child's purchases name.
    const seen = connection?.edges.map((e) => e.node.device) ?? [];
    if (seen.some((d) => !devices[d.id])) {
      setDevices((known) => Object.fromEntries([...Object.entries(known), ...seen.map((d) => [d.id, d.name])]));
    }
  }, [connection]);
  const deviceSelect = useFieldId();
  const searchId = useFieldId();
  return (
    <Page title={t("journal.sales")}>
      <p><a href={`/children/${childId}/finances`}>{t("finances.back")}</a></p>
      <form class="filter-bar" onSubmit={(e) => e.preventDefault()} aria-label={t("journal.filters")}>
        <PeriodFilter value={period} onChange={setPeriod} />
        <fieldset class="filters">
          <legend>{t("journal.filters")}</legend>
          <WalletSelect value={walletId} onChange={setWalletId} />
          <label for={deviceSelect}>{t("journal.device")}</label>
          <select id={deviceSelect} value={deviceId} onChange={(e) => setDeviceId(e.currentTarget.value)}>
            <option value="">{t("journal.all")}</option>
            {Object.entries(devices).map(([id, name]) => <option key={id} value={id}>{name}</option>)}
          </select>
          <label for={searchId}>{t("journal.search")}</label>
          <input id={searchId} type="search" value={search} onInput={(e) => setSearch(e.currentTarget.value)} />
        </fieldset>
      </form>
      {connection && <SaleList sales={connection.edges.map((e) => e.node)} />}
      <Pager after={after} next={connection?.pageInfo} onPage={setAfter} />
    </Page>
  );
}

function Pager({ after, next, onPage }: { after: string | null; next?: { hasNextPage: boolean; endCursor?: string | null } | undefined; onPage: (cursor: string | null) => void }) {
  const { t } = useLang();
  return (
    <div class="actions">
      {after && <button type="button" class="secondary" onClick={() => onPage(null)}>{t("journal.first")}</button>}
      {next?.hasNextPage && (
        <button type="button" class="secondary" onClick={() => onPage(next.endCursor ?? null)}>{t("common.more")}</button>
      )}
    </div>
  );
}
