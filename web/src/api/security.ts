import { graphql } from "../gql";

// Two-step sign-in (TOTP) of the signed-in user: state, enrolment, confirmation, turning it off.
export const SecurityQuery = graphql(`
  query Security {
    viewer { totpEnabled recoveryCodesLeft }
  }
`);

export const StartTotpMutation = graphql(`
  mutation StartTotp {
    startTotpEnrolment { secret uri qrCode errors { code message field } }
  }
`);

export const ConfirmTotpMutation = graphql(`
  mutation ConfirmTotp($code: String!) {
    confirmTotpEnrolment(code: $code) { recoveryCodes errors { code message field } }
  }
`);

export const DisableTotpMutation = graphql(`
  mutation DisableTotp($code: String!) {
    disableTotp(code: $code) { disabled errors { code message field } }
  }
`);
