import { graphql } from "../gql";

export const DocumentsQuery = graphql(`
  query Documents($childId: ID!, $after: String) {
    viewer {
      child(id: $childId) {
        id
        documents(first: 20, after: $after) {
          edges { node { id title date read kind downloadUrl fileName } }
          pageInfo { hasNextPage endCursor }
        }
      }
    }
  }
`);

export const MarkReadMutation = graphql(`
  mutation MarkRead($documentId: ID!) {
    markDocumentRead(documentId: $documentId) {
      document { id read }
      errors { code message field }
    }
  }
`);
