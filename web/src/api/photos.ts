import { graphql } from "../gql";

export const PhotoCampaignsQuery = graphql(`
  query PhotoCampaigns($childId: ID!) {
    viewer {
      child(id: $childId) {
        id
        photoCampaigns {
          id title orderUntil
          articles { id name price { cents currency } }
          proofs { id title read downloadUrl fileName }
        }
      }
    }
  }
`);

export const PhotoOrdersQuery = graphql(`
  query PhotoOrders($childId: ID!) {
    viewer {
      child(id: $childId) {
        id
        photoOrders {
          id status
          total { cents currency }
          campaign { id title }
          lines { label quantity amount { cents currency } }
        }
      }
    }
  }
`);

export const OrderPhotosMutation = graphql(`
  mutation OrderPhotos($childId: ID!, $campaignId: ID!, $lines: [PhotoOrderLineInput!]!, $idempotencyKey: String!) {
    orderPhotos(childId: $childId, campaignId: $campaignId, lines: $lines, idempotencyKey: $idempotencyKey) {
      order { id status total { cents currency } }
      errors { code message field }
    }
  }
`);

export const CancelPhotoOrderMutation = graphql(`
  mutation CancelPhotoOrder($orderId: ID!) {
    cancelPhotoOrder(orderId: $orderId) {
      order { id status }
      errors { code message field }
    }
  }
`);
