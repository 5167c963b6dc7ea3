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
