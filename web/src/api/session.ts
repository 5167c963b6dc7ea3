import { graphql } from "../gql";

// The signed-in parent, the school and the children: read once by the shell. The sign-in
// mutations never select `token`: the browser session is the server's HttpOnly cookie.
export const ViewerQuery = graphql(`
  query Viewer {
    viewer {
      user { id displayName username email }
      school {
        id name timezone
        features { meals meetings photos onlineTopUp bankTransferTopUp internalTransfer payInvoiceFromWallet }
        bankAccount { iban bic holder }
      }
      children { id firstName lastName className }
    }
  }
`);

export const LoginMutation = graphql(`
  mutation Login($username: String!, $password: String!) {
    login(username: $username, password: $password) {
      user { id }
      totpRequired totpEnrolmentRequired ticket
      errors { code message field }
    }
  }
`);

// The second step of signing in, for an account with two-step sign-in.
export const CompleteLoginMutation = graphql(`
  mutation CompleteLogin($ticket: String!, $code: String!) {
    completeLogin(ticket: $ticket, code: $code) {
      user { id }
      errors { code message field }
    }
  }
`);

export const ActivateMutation = graphql(`
  mutation Activate($token: String!, $password: String!) {
    activateAccount(token: $token, password: $password) {
      user { id }
      errors { code message field }
    }
  }
`);

export const ChangePasswordMutation = graphql(`
  mutation ChangePassword($currentPassword: String!, $newPassword: String!) {
    changePassword(currentPassword: $currentPassword, newPassword: $newPassword) {
      user { id }
      errors { code message field }
    }
  }
`);

export const RequestResetMutation = graphql(`
  mutation RequestReset($email: String!) {
    requestPasswordReset(email: $email) { ok errors { code message field } }
  }
`);

export const LogoutMutation = graphql(`
  mutation Logout { logout }
`);
