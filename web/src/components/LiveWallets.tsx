import { createContext, type ComponentChildren } from "preact";
import { useCallback, useContext, useMemo, useState } from "preact/hooks";
import { useQuery, useSubscription } from "@urql/preact";

import { WalletChangedSubscription, WalletsQuery } from "../api/wallets";
import type { WalletsQuery as WalletsData } from "../gql/graphql";

export type Wallet = NonNullable<NonNullable<WalletsData["viewer"]>["child"]>["wallets"][number];

interface LiveWalletsState {
  wallets: Wallet[];
  /** 1 or 2: the wallet meals are paid from. */
  mealWalletSlot: number;
  topUpMinCents: number;
  topUpMaxCents: number;
  /** Grows with every operation pushed live: lists of operations refetch on it. */
  version: number;
  /** A balance a mutation answered with, shown at once (the push follows). */
  settle: (walletId: string, cents: number) => void;
}

const LiveWalletsContext = createContext<LiveWalletsState | null>(null);

export function useLiveWallets(): LiveWalletsState {
  const state = useContext(LiveWalletsContext);
  if (!state) throw new Error("useLiveWallets outside <LiveWallets>");
  return state;
}

/** A child's wallets with their balances kept live by `walletChanged`. */
export function LiveWallets({ childId, children }: { childId: string; children: ComponentChildren }) {
  const [result] = useQuery({ query: WalletsQuery, variables: { childId } });
  const [pushed, setPushed] = useState<Record<string, number>>({});
  const [version, setVersion] = useState(0);
  useSubscription({ query: WalletChangedSubscription, variables: { childId } }, (_previous, data) => {
    const event = data.walletChanged;
    setPushed((balances) => ({ ...balances, [event.wallet.id]: event.balance.cents }));
    if (event.operation) setVersion((v) => v + 1);
    return data;
  });
  const settle = useCallback((walletId: string, cents: number) => {
    setPushed((balances) => ({ ...balances, [walletId]: cents }));
  }, []);
  const value = useMemo<LiveWalletsState>(() => {
    const wallets = (result.data?.viewer?.child?.wallets ?? []).map((wallet) => {
      const cents = pushed[wallet.id];
      return cents === undefined ? wallet : { ...wallet, balance: { ...wallet.balance, cents } };
    });
    const settings = result.data?.walletSettings;
    return {
      wallets,
      mealWalletSlot: settings?.mealWalletSlot ?? 1,
      topUpMinCents: settings?.topUpMin.cents ?? 100,
      topUpMaxCents: settings?.topUpMax.cents ?? 50000,
      version,
      settle,
    };
  }, [result.data, pushed, version, settle]);
  return <LiveWalletsContext.Provider value={value}>{children}</LiveWalletsContext.Provider>;
}
