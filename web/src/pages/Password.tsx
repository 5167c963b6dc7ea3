import { useState } from "preact/hooks";
import { useMutation } from "@urql/preact";

import { ChangePasswordMutation } from "../api/session";
import { Errors, Status, type UserErrorLike } from "../components/Errors";
import { Page } from "../components/Page";
import { useViewer } from "../components/Session";
import { UserMenu } from "../components/UserMenu";
import { useLang } from "../i18n";

export function Password() {
  const { t } = useLang();
  const viewer = useViewer();
  const [state, change] = useMutation(ChangePasswordMutation);
  const [errors, setErrors] = useState<UserErrorLike[]>([]);
  const [done, setDone] = useState(false);
  const onSubmit = async (event: Event) => {
    event.preventDefault();
    const formElement = event.currentTarget as HTMLFormElement;
    const form = new FormData(formElement);
    const newPassword = String(form.get("newPassword") ?? "");
    setDone(false);
    if (newPassword !== String(form.get("confirm") ?? "")) {
      return setErrors([{ code: "PASSWORDS_DIFFER", message: t("password.differ") }]);
    }
    const result = await change({ currentPassword: String(form.get("currentPassword") ?? ""), newPassword });
    const payload = result.data?.changePassword;
    if (!payload) return setErrors([{ code: "NETWORK", message: t("common.offline") }]);
    setErrors(payload.errors);
    if (!payload.errors.length) {
      formElement.reset();
      setDone(true);
    }
  };
  const home = viewer.children.length === 1 ? `/children/${viewer.children[0]?.id}` : "/";
  return (
    <>
      <a class="skip" href="#main">{t("common.skip")}</a>
      <header class="topbar">
        <a class="brand" href={home}>{viewer.school.name}</a>
        <UserMenu child={null} />
      </header>
      <main id="main" class="narrow">
        <Page title={t("password.title")}>
          <form onSubmit={onSubmit} class="stack">
            <Errors errors={errors} />
            <input type="text" name="username" autoComplete="username" value={viewer.user.username} hidden readOnly />
            <label>
              {t("password.current")}
              <input name="currentPassword" type="password" autoComplete="current-password" required />
            </label>
            <label>
              {t("password.new")}
              <input name="newPassword" type="password" autoComplete="new-password" required minLength={10} />
            </label>
            <label>
              {t("password.confirm")}
              <input name="confirm" type="password" autoComplete="new-password" required minLength={10} />
            </label>
            <p class="muted">{t("password.rules")}</p>
            <button type="submit" disabled={state.fetching}>{t("password.submit")}</button>
          </form>
          <Status>{done ? t("password.changed") : null}</Status>
          <p><a href={home}>{t("common.back")}</a></p>
        </Page>
      </main>
    </>
  );
}
