import { useLang } from "../i18n";
import { formatMoney } from "../lib/format";
import { useLiveWallets } from "./LiveWallets";

/** The child's balances, live; `data-testid` lets the browser tests read one wallet's. */
export function Balances({ compact = false }: { compact?: boolean }) {
  const { wallets } = useLiveWallets();
  const { t, lang } = useLang();
  if (!wallets.length) return <p class="muted">{t("common.loading")}</p>;
  return (
    <ul class={compact ? "balances compact" : "balances"} aria-label={t("balances.title")}>
      {wallets.map((wallet) => (
        <li key={wallet.id} class={wallet.balance.cents < 0 ? "balance negative" : "balance"}>
          <span class="balance-name">{wallet.name}</span>
          <strong class="balance-amount" data-testid={`balance-${wallet.name}`} aria-live="polite">
            {formatMoney(wallet.balance.cents, wallet.balance.currency, lang)}
          </strong>
        </li>
      ))}
    </ul>
  );
}
