import { graphql } from "../gql";

// Newest first (contract). The PDF's link is short-lived: the list is read again when stale.
export const InvoicesQuery = graphql(`
  query Invoices($childId: ID!, $after: String) {
    viewer {
      child(id: $childId) {
        id
        invoices(first: 20, after: $after) {
          edges { node { ...InvoiceFields } }
          pageInfo { hasNextPage endCursor }
        }
      }
    }
  }
`);

export const InvoiceFieldsFragment = graphql(`
  fragment InvoiceFields on Invoice {
    id number title issuedOn dueOn status structuredCommunication
    total { cents currency } paid { cents currency } credited { cents currency } due { cents currency }
    document { id downloadUrl fileName read }
  }
`);

export const PayInvoiceFromWalletMutation = graphql(`
  mutation PayInvoiceFromWallet($invoiceId: ID!, $walletId: ID!, $idempotencyKey: String!) {
    payInvoiceFromWallet(invoiceId: $invoiceId, walletId: $walletId, idempotencyKey: $idempotencyKey) {
      invoice { ...InvoiceFields }
      wallet { id balance { cents currency } }
      errors { code message field }
    }
  }
`);

// Pay what is due online, at the top-ups' provider; the webhook pays the invoice (contract).
export const StartInvoicePaymentMutation = graphql(`
  mutation StartInvoicePayment($invoiceId: ID!, $idempotencyKey: String!) {
    startInvoicePayment(invoiceId: $invoiceId, idempotencyKey: $idempotencyKey) {
      payment { id status checkoutUrl amount { cents currency } }
      errors { code message field }
    }
  }
`);
