import { useState } from "preact/hooks";
import { useMutation, useQuery } from "@urql/preact";

import { DisableTotpMutation, SecurityQuery } from "../api/security";
import { Errors, Status, type UserErrorLike } from "../components/Errors";
import { Page } from "../components/Page";
import { useViewer } from "../components/Session";
import { RecoveryCodes, TotpEnrolment, useCodeErrors } from "../components/TotpEnrolment";
import { UserMenu } from "../components/UserMenu";
import { useLang } from "../i18n";

/** Two-step sign-in: turn it on (QR code or the key to type, then a first code), see the
 * recovery codes once, turn it off with a code. */
export function Security() {
  const { t } = useLang();
  const viewer = useViewer();
  const explain = useCodeErrors();
  const [state, refetch] = useQuery({ query: SecurityQuery, requestPolicy: "network-only" });
  const [disabled, disable] = useMutation(DisableTotpMutation);
  const [errors, setErrors] = useState<UserErrorLike[]>([]);
  const [recovery, setRecovery] = useState<string[] | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const onEnabled = (codes: string[]) => {
    setRecovery(codes);
    setDone(t("security.enabled"));
    refetch({ requestPolicy: "network-only" });
  };
  const onDisable = async (event: Event) => {
    event.preventDefault();
    const formElement = event.currentTarget as HTMLFormElement;
    const form = new FormData(formElement);
    const payload = (await disable({ code: String(form.get("code") ?? "") })).data?.disableTotp;
    if (!payload) return setErrors([{ code: "NETWORK", message: t("common.offline") }]);
    setErrors(explain(payload.errors));
    if (!payload.disabled) return;
    formElement.reset();
    setDone(t("security.disabled"));
    refetch({ requestPolicy: "network-only" });
  };

  const security = state.data?.viewer;
  const home = viewer.children.length === 1 ? `/children/${viewer.children[0]?.id}` : "/";
  return (
    <>
      <a class="skip" href="#main">{t("common.skip")}</a>
      <header class="topbar">
        <a class="brand" href={home}>{viewer.school.name}</a>
        <UserMenu child={null} />
      </header>
      <main id="main" class="narrow">
        <Page title={t("security.title")}>
          <p>{t("security.intro")}</p>
          <Status>{done}</Status>
          {!security ? (
            <p>{t("common.loading")}</p>
          ) : recovery ? (
            <RecoveryCodes codes={recovery} onSaved={() => setRecovery(null)} />
          ) : security.totpEnabled ? (
            <section aria-labelledby="disable-title" class="stack">
              <p>{t("security.on")}</p>
              <p class="muted">{t("security.codesLeft", { count: security.recoveryCodesLeft })}</p>
              <h2 id="disable-title">{t("security.disableTitle")}</h2>
              <form onSubmit={onDisable} class="stack">
                <Errors errors={errors} />
                <label>
                  {t("security.codeOrRecovery")}
                  <input name="code" autoComplete="one-time-code" required autoCapitalize="none" spellcheck={false} />
                </label>
                <button type="submit" class="secondary" disabled={disabled.fetching}>
                  {t("security.disable")}
                </button>
              </form>
            </section>
          ) : (
            <>
              <p>{t("security.off")}</p>
              <TotpEnrolment onEnabled={onEnabled} />
            </>
          )}
          <p><a href={home}>{t("common.back")}</a></p>
        </Page>
      </main>
    </>
  );
}
