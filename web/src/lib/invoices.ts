// What the invoice list decides on its own: colours, what can be paid, which wallet to offer.

export type InvoiceStatus = "OPEN" | "PAID" | "OVERDUE" | "CREDITED";

/** The contract's colours: OPEN white, PAID green, OVERDUE red, CREDITED blue (a CSS class). */
export function statusClass(status: InvoiceStatus): string {
  return `invoice-${status.toLowerCase()}`;
}

/** Money is still due and a parent may pay it (an OVERDUE invoice too). */
export function isPayable(invoice: { status: InvoiceStatus; due: { cents: number } }): boolean {
  return (invoice.status === "OPEN" || invoice.status === "OVERDUE") && invoice.due.cents > 0;
}

interface WalletLike {
  id: string;
  balance: { cents: number };
}

/** The wallet offered first: the first one holding the whole due, else the fullest one. */
export function suggestedWallet<W extends WalletLike>(wallets: readonly W[], dueCents: number): W | undefined {
  const enough = wallets.find((wallet) => wallet.balance.cents >= dueCents);
  if (enough) return enough;
  return wallets.reduce<W | undefined>(
    (best, wallet) => (!best || wallet.balance.cents > best.balance.cents ? wallet : best),
    undefined,
  );
}

// A document's link works for minutes only: past this age the list is read again first.
export const LINK_FRESH_MS = 5 * 60 * 1000;

export function linkIsStale(loadedAt: number, now: number): boolean {
  return now - loadedAt > LINK_FRESH_MS;
}
