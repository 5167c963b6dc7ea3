import { useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { useMutation } from "@urql/preact";

import { ActivateMutation } from "../api/session";
import { Errors, type UserErrorLike } from "../components/Errors";
import { Page } from "../components/Page";
import { PublicShell } from "../components/PublicShell";
import { useLang } from "../i18n";

/** The mailed link (activation or password reset): choose a password, then signed in. */
export function Activate() {
  const { t } = useLang();
  const { query } = useLocation();
  const token = query.token ?? "";
  const [state, activate] = useMutation(ActivateMutation);
  const [errors, setErrors] = useState<UserErrorLike[]>([]);
  const onSubmit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const password = String(form.get("password") ?? "");
    if (password !== String(form.get("confirm") ?? "")) {
      return setErrors([{ code: "PASSWORDS_DIFFER", message: t("password.differ") }]);
    }
    const result = await activate({ token, password });
    const payload = result.data?.activateAccount;
    if (!payload) return setErrors([{ code: "NETWORK", message: t("common.offline") }]);
    if (payload.errors.length) return setErrors(payload.errors);
    window.location.assign("/");
  };
  const badToken = errors.some((e) => e.code === "INVALID_TOKEN" || e.code === "TOKEN_EXPIRED");
  return (
    <PublicShell>
      <Page title={t("activate.title")}>
        {!token ? (
          <p role="alert" class="notice error">
            {t("activate.noToken")} <a href="/reset">{t("activate.newLink")}</a>
          </p>
        ) : (
          <form onSubmit={onSubmit} class="stack">
            <p>{t("activate.intro")}</p>
            <Errors errors={errors} />
            {badToken && <p><a href="/reset">{t("activate.newLink")}</a></p>}
            <label>
              {t("password.new")}
              <input name="password" type="password" autoComplete="new-password" required minLength={10} />
            </label>
            <label>
              {t("password.confirm")}
              <input name="confirm" type="password" autoComplete="new-password" required minLength={10} />
            </label>
            <p class="muted">{t("password.rules")}</p>
            <button type="submit" disabled={state.fetching}>
              {t("activate.submit")}
            </button>
          </form>
        )}
      </Page>
    </PublicShell>
  );
}
