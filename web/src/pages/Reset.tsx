import { useState } from "preact/hooks";
import { useMutation } from "@urql/preact";

import { RequestResetMutation } from "../api/session";
import { Errors, Status, type UserErrorLike } from "../components/Errors";
import { Page } from "../components/Page";
import { PublicShell } from "../components/PublicShell";
import { useLang } from "../i18n";

/** Forgotten password or username, expired link: a new link by mail (the same answer for
 * any address, known or not). */
export function Reset() {
  const { t } = useLang();
  const [state, request] = useMutation(RequestResetMutation);
  const [sent, setSent] = useState(false);
  const [errors, setErrors] = useState<UserErrorLike[]>([]);
  const onSubmit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const result = await request({ email: String(form.get("email") ?? "").trim() });
    const payload = result.data?.requestPasswordReset;
    if (!payload) return setErrors([{ code: "NETWORK", message: t("common.offline") }]);
    setErrors(payload.errors);
    setSent(payload.ok);
  };
  return (
    <PublicShell>
      <Page title={t("reset.title")}>
        <p>{t("reset.intro")}</p>
        <form onSubmit={onSubmit} class="stack">
          <Errors errors={errors} />
          <label>
            {t("reset.email")}
            <input name="email" type="email" autoComplete="email" required />
          </label>
          <button type="submit" disabled={state.fetching}>
            {t("reset.submit")}
          </button>
        </form>
        <Status>{sent ? t("reset.sent") : null}</Status>
        <p class="muted">{t("reset.noMail")}</p>
        <p>
          <a href="/login">{t("reset.back")}</a>
        </p>
      </Page>
    </PublicShell>
  );
}
