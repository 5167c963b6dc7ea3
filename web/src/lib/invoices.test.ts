import { describe, expect, it } from "vitest";

import { isPayable, linkIsStale, statusClass, suggestedWallet } from "./invoices";

const wallet = (id: string, cents: number) => ({ id, balance: { cents } });

describe("invoices", () => {
  it("gives each status its contract colour class", () => {
    expect(["OPEN", "PAID", "OVERDUE", "CREDITED"].map((s) => statusClass(s as never))).toEqual([
      "invoice-open",
      "invoice-paid",
      "invoice-overdue",
      "invoice-credited",
    ]);
  });

  it("offers payment only for money still due", () => {
    expect(isPayable({ status: "OPEN", due: { cents: 1850 } })).toBe(true);
    expect(isPayable({ status: "OVERDUE", due: { cents: 1 } })).toBe(true);
    expect(isPayable({ status: "PAID", due: { cents: 0 } })).toBe(false);
    expect(isPayable({ status: "CREDITED", due: { cents: 0 } })).toBe(false);
    expect(isPayable({ status: "OPEN", due: { cents: 0 } })).toBe(false);
  });

  it("suggests the first wallet that holds the whole due, else the fullest", () => {
    const wallets = [wallet("meals", 5000), wallet("activities", 2000)];
    expect(suggestedWallet(wallets, 1850)?.id).toBe("meals");
    expect(suggestedWallet([wallet("a", 1000), wallet("b", 3000)], 2500)?.id).toBe("b");
    expect(suggestedWallet([wallet("a", 1000), wallet("b", 300)], 2500)?.id).toBe("a");
    expect(suggestedWallet([], 100)).toBeUndefined();
  });

  it("reads links again once they may have expired", () => {
    expect(linkIsStale(0, 4 * 60 * 1000)).toBe(false);
    expect(linkIsStale(0, 6 * 60 * 1000)).toBe(true);
  });
});
