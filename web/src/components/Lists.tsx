import { useLang, type MessageKey } from "../i18n";
import { formatDateTime, formatMoney } from "../lib/format";
import { useViewer } from "./Session";

interface OperationRow {
  id: string;
  at: string;
  type: string;
  label: string;
  amount: { cents: number; currency: string };
  balanceAfter?: { cents: number; currency: string };
  wallet: { name: string };
  method?: string;
}

export function OperationList({ operations }: { operations: readonly OperationRow[] }) {
  const { t, lang } = useLang();
  const tz = useViewer().school.timezone;
  if (!operations.length) return <p class="muted">{t("operations.none")}</p>;
  return (
    <ul class="rows">
      {operations.map((op) => (
        <li key={op.id} class="row">
          <div>
            <strong>{op.label}</strong>
            <span class="muted">
              {formatDateTime(op.at, tz, lang)} · {t(`operationType.${op.type}` as MessageKey)} · {op.wallet.name}
              {op.method ? ` · ${t(`method.${op.method}` as MessageKey)}` : ""}
            </span>
          </div>
          <div class="amounts">
            <span class={op.amount.cents < 0 ? "amount debit" : "amount credit"}>
              {formatMoney(op.amount.cents, op.amount.currency, lang)}
            </span>
            {op.balanceAfter && (
              <span class="muted">
                {t("operations.after", { amount: formatMoney(op.balanceAfter.cents, op.balanceAfter.currency, lang) })}
              </span>
            )}
          </div>
        </li>
      ))}
    </ul>
  );
}

interface SaleRow {
  id: string;
  at: string;
  article: string;
  quantity: number;
  amount: { cents: number; currency: string };
  device?: { name: string };
}

export function SaleList({ sales }: { sales: readonly SaleRow[] }) {
  const { t, lang } = useLang();
  const tz = useViewer().school.timezone;
  if (!sales.length) return <p class="muted">{t("sales.none")}</p>;
  return (
    <ul class="rows">
      {sales.map((sale) => (
        <li key={sale.id} class="row">
          <div>
            <strong>
              {sale.quantity > 1 ? `${sale.quantity} × ` : ""}
              {sale.article}
            </strong>
            <span class="muted">
              {formatDateTime(sale.at, tz, lang)}
              {sale.device ? ` · ${sale.device.name}` : ""}
            </span>
          </div>
          <span class="amount debit">{formatMoney(sale.amount.cents, sale.amount.currency, lang)}</span>
        </li>
      ))}
    </ul>
  );
}
