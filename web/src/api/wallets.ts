import { graphql } from "../gql";

export const WalletsQuery = graphql(`
  query Wallets($childId: ID!) {
    viewer {
      child(id: $childId) {
        id
        wallets { id name balance { cents currency } structuredCommunication }
      }
    }
    walletSettings { mealWalletSlot topUpMin { cents } topUpMax { cents } }
  }
`);

// First one event per wallet with its balance, then one per change (contract).
export const WalletChangedSubscription = graphql(`
  subscription WalletChanged($childId: ID!) {
    walletChanged(childId: $childId) {
      wallet { id name }
      balance { cents currency }
      operation { id type }
      sequence
    }
  }
`);

export const StartTopUpMutation = graphql(`
  mutation StartTopUp($walletId: ID!, $amountCents: Int!, $idempotencyKey: String!) {
    startOnlineTopUp(walletId: $walletId, amountCents: $amountCents, idempotencyKey: $idempotencyKey) {
      topUp { id status checkoutUrl amount { cents currency } }
      errors { code message field }
    }
  }
`);

export const TransferMutation = graphql(`
  mutation Transfer($from: ID!, $to: ID!, $amountCents: Int!, $idempotencyKey: String!) {
    transferBetweenWallets(fromWalletId: $from, toWalletId: $to, amountCents: $amountCents, idempotencyKey: $idempotencyKey) {
      from { id balance { cents currency } }
      to { id balance { cents currency } }
      errors { code message field }
    }
  }
`);

export const OperationsQuery = graphql(`
  query Operations($childId: ID!, $filter: OperationFilter, $after: String) {
    viewer {
      child(id: $childId) {
        id
        operations(filter: $filter, first: 30, after: $after) {
          edges {
            node {
              id at type method label
              amount { cents currency } balanceAfter { cents currency }
              wallet { id name }
            }
          }
          pageInfo { hasNextPage endCursor }
        }
      }
    }
  }
`);

export const SalesQuery = graphql(`
  query Sales($childId: ID!, $filter: SaleFilter, $after: String) {
    viewer {
      child(id: $childId) {
        id
        sales(filter: $filter, first: 30, after: $after) {
          edges {
            node {
              id at article quantity amount { cents currency }
              device { id name kind } wallet { id name }
            }
          }
          pageInfo { hasNextPage endCursor }
        }
      }
    }
  }
`);
