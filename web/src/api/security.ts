import { graphql } from "../gql";

// Two-step sign-in (TOTP): state, enrolment, confirmation, turning it off. Enrolment takes the
// sign-in ticket when the school requires it before the first sign-in (then it signs in too).
export const SecurityQuery = graphql(`
  query Security {
    viewer { totpEnabled recoveryCodesLeft }
  }
`);

export const StartTotpMutation = graphql(`
  mutation StartTotp($ticket: String) {
    startTotpEnrolment(ticket: $ticket) { secret uri qrCode errors { code message field } }
  }
`);

export const ConfirmTotpMutation = graphql(`
  mutation ConfirmTotp($code: String!, $ticket: String) {
    confirmTotpEnrolment(code: $code, ticket: $ticket) { recoveryCodes errors { code message field } }
  }
`);

export const DisableTotpMutation = graphql(`
  mutation DisableTotp($code: String!) {
    disableTotp(code: $code) { disabled errors { code message field } }
  }
`);
