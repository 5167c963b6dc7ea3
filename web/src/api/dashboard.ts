import { graphql } from "../gql";

export const DashboardQuery = graphql(`
  query Dashboard($childId: ID!) {
    viewer {
      child(id: $childId) {
        id
        dashboard {
          modules
          wallets { id name balance { cents currency } }
          upcomingEvents(limit: 5) { id title startsAt endsAt kind meeting { id } }
          unreadDocuments(limit: 5) { id title date }
          recentOperations(limit: 5) {
            id at type label amount { cents currency } wallet { id name }
          }
          recentSales(limit: 5) { id at article quantity amount { cents currency } }
          openInvoices(limit: 5) { id number title dueOn status due { cents currency } }
        }
      }
    }
  }
`);
