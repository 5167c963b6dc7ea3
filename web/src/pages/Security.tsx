import { useState } from "preact/hooks";
import { useMutation, useQuery } from "@urql/preact";

import { ConfirmTotpMutation, DisableTotpMutation, SecurityQuery, StartTotpMutation } from "../api/security";
import { Errors, Status, type UserErrorLike } from "../components/Errors";
import { Page } from "../components/Page";
import { useViewer } from "../components/Session";
import { UserMenu } from "../components/UserMenu";
import { useLang } from "../i18n";

interface Enrolment {
  secret: string;
  qrCode: string;
}

/** Two-step sign-in: turn it on (QR code or the secret to type, then a first code), see the
 * recovery codes once, turn it off with a code. */
export function Security() {
  const { t } = useLang();
  const viewer = useViewer();
  const [state, refetch] = useQuery({ query: SecurityQuery, requestPolicy: "network-only" });
  const [started, start] = useMutation(StartTotpMutation);
  const [confirmed, confirm] = useMutation(ConfirmTotpMutation);
  const [disabled, disable] = useMutation(DisableTotpMutation);
  const [errors, setErrors] = useState<UserErrorLike[]>([]);
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const [recovery, setRecovery] = useState<string[] | null>(null);
  const [done, setDone] = useState<string | null>(null);

  // A wrong code is "wrong username or password" for the API: say what it is here.
  const explain = (list: readonly UserErrorLike[]) =>
    list.map((error) =>
      error.code === "INVALID_CREDENTIALS" && error.field === "code"
        ? { code: "WRONG_CODE", message: t("security.wrongCode") }
        : error,
    );
  const offline = () => setErrors([{ code: "NETWORK", message: t("common.offline") }]);

  const onStart = async () => {
    setDone(null);
    const payload = (await start({})).data?.startTotpEnrolment;
    if (!payload) return offline();
    setErrors(explain(payload.errors));
    if (payload.secret && payload.qrCode) setEnrolment({ secret: payload.secret, qrCode: payload.qrCode });
  };
  const onConfirm = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const payload = (await confirm({ code: String(form.get("code") ?? "") })).data?.confirmTotpEnrolment;
    if (!payload) return offline();
    setErrors(explain(payload.errors));
    if (payload.errors.length) return;
    setEnrolment(null);
    setRecovery(payload.recoveryCodes);
    setDone(t("security.enabled"));
    refetch({ requestPolicy: "network-only" });
  };
  const onDisable = async (event: Event) => {
    event.preventDefault();
    const formElement = event.currentTarget as HTMLFormElement;
    const form = new FormData(formElement);
    const payload = (await disable({ code: String(form.get("code") ?? "") })).data?.disableTotp;
    if (!payload) return offline();
    setErrors(explain(payload.errors));
    if (!payload.disabled) return;
    formElement.reset();
    setRecovery(null);
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
          <Errors errors={errors} />
          <Status>{done}</Status>
          {!security ? (
            <p>{t("common.loading")}</p>
          ) : recovery ? (
            <section aria-labelledby="recovery-title" class="stack">
              <h2 id="recovery-title">{t("security.recoveryTitle")}</h2>
              <p>{t("security.recoveryIntro")}</p>
              <ul class="recovery-codes" data-testid="recovery-codes">
                {recovery.map((code) => (
                  <li key={code}>
                    <code>{code}</code>
                  </li>
                ))}
              </ul>
              <button type="button" onClick={() => setRecovery(null)}>
                {t("security.recoverySaved")}
              </button>
            </section>
          ) : security.totpEnabled ? (
            <section aria-labelledby="disable-title" class="stack">
              <p>{t("security.on")}</p>
              <p class="muted">{t("security.codesLeft", { count: String(security.recoveryCodesLeft) })}</p>
              <h2 id="disable-title">{t("security.disableTitle")}</h2>
              <form onSubmit={onDisable} class="stack">
                <label>
                  {t("security.codeOrRecovery")}
                  <input name="code" autoComplete="one-time-code" required autoCapitalize="none" spellcheck={false} />
                </label>
                <button type="submit" class="secondary" disabled={disabled.fetching}>
                  {t("security.disable")}
                </button>
              </form>
            </section>
          ) : enrolment ? (
            <section aria-labelledby="enrol-title" class="stack">
              <h2 id="enrol-title">{t("security.enrolTitle")}</h2>
              <p>{t("security.scan")}</p>
              <img class="qr" src={enrolment.qrCode} alt={t("security.qrAlt")} width={200} height={200} />
              <p>
                {t("security.typeSecret")} <code data-testid="totp-secret">{enrolment.secret}</code>
              </p>
              <form onSubmit={onConfirm} class="stack">
                <label>
                  {t("security.code")}
                  <input
                    name="code"
                    inputMode="numeric"
                    autoComplete="one-time-code"
                    required
                    pattern="[0-9 ]{6,7}"
                    spellcheck={false}
                  />
                </label>
                <button type="submit" disabled={confirmed.fetching}>
                  {t("security.confirm")}
                </button>
              </form>
            </section>
          ) : (
            <section class="stack">
              <p>{t("security.off")}</p>
              <button type="button" onClick={onStart} disabled={started.fetching}>
                {t("security.start")}
              </button>
            </section>
          )}
          <p><a href={home}>{t("common.back")}</a></p>
        </Page>
      </main>
    </>
  );
}
