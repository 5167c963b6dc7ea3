import { useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { useMutation } from "@urql/preact";

import { CompleteLoginMutation, LoginMutation } from "../api/session";
import { Errors, type UserErrorLike } from "../components/Errors";
import { Page } from "../components/Page";
import { PublicShell, safeNext } from "../components/PublicShell";
import { RecoveryCodes, TotpEnrolment } from "../components/TotpEnrolment";
import { useLang } from "../i18n";

export function Login() {
  const { t } = useLang();
  const { query } = useLocation();
  const [state, login] = useMutation(LoginMutation);
  const [second, complete] = useMutation(CompleteLoginMutation);
  const [errors, setErrors] = useState<UserErrorLike[]>([]);
  // Set when the password was right and the account asks for a code.
  const [ticket, setTicket] = useState<string | null>(null);
  // Set when the school requires two-step sign-in and the account has none yet: enrol first.
  const [enrolTicket, setEnrolTicket] = useState<string | null>(null);
  const [recovery, setRecovery] = useState<string[] | null>(null);
  const onCode = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const result = await complete({ ticket: ticket ?? "", code: String(form.get("code") ?? "") });
    const payload = result.data?.completeLogin;
    if (!payload) return setErrors([{ code: "NETWORK", message: t("common.offline") }]);
    if (payload.errors.length) return setErrors(payload.errors);
    window.location.assign(safeNext(query.next));
  };
  const onSubmit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const result = await login({
      username: String(form.get("username") ?? "").trim(),
      password: String(form.get("password") ?? ""),
    });
    const payload = result.data?.login;
    if (!payload) return setErrors([{ code: "NETWORK", message: t("common.offline") }]);
    if (payload.errors.length) return setErrors(payload.errors);
    if (payload.totpEnrolmentRequired && payload.ticket) {
      setErrors([]);
      return setEnrolTicket(payload.ticket);
    }
    if (payload.totpRequired && payload.ticket) {
      setErrors([]);
      return setTicket(payload.ticket);
    }
    // A fresh page: the session cookie is set; every cache and socket starts signed in.
    window.location.assign(safeNext(query.next));
  };
  if (enrolTicket) {
    // Confirming with the ticket signs in (the cookie is set): the codes, then the portal.
    return (
      <PublicShell>
        <Page title={t("security.title")}>
          {recovery ? (
            <RecoveryCodes codes={recovery} onSaved={() => window.location.assign(safeNext(query.next))} />
          ) : (
            <>
              <p>{t("login.enrolNeeded")}</p>
              <TotpEnrolment ticket={enrolTicket} onEnabled={setRecovery} />
            </>
          )}
        </Page>
      </PublicShell>
    );
  }
  if (ticket) {
    return (
      <PublicShell>
        <Page title={t("login.title")}>
          <p>{t("login.codeIntro")}</p>
          <form onSubmit={onCode} class="stack">
            <Errors errors={errors} />
            <label>
              {t("login.code")}
              <input name="code" autoComplete="one-time-code" required autoCapitalize="none" spellcheck={false} />
            </label>
            <button type="submit" disabled={second.fetching}>
              {t("login.submit")}
            </button>
          </form>
        </Page>
      </PublicShell>
    );
  }
  return (
    <PublicShell>
      <Page title={t("login.title")}>
        <p>{t("login.intro")}</p>
        <form onSubmit={onSubmit} class="stack">
          <Errors errors={errors} />
          <label>
            {t("login.username")}
            <input name="username" autoComplete="username" required autoCapitalize="none" spellcheck={false} />
          </label>
          <label>
            {t("login.password")}
            <input name="password" type="password" autoComplete="current-password" required />
          </label>
          <button type="submit" disabled={state.fetching}>
            {t("login.submit")}
          </button>
        </form>
        <p>
          <a href="/reset">{t("login.forgot")}</a>
        </p>
        <p class="muted">{t("login.firstTime")}</p>
      </Page>
    </PublicShell>
  );
}
