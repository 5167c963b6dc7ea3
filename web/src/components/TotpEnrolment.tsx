import { useState } from "preact/hooks";
import { useMutation } from "@urql/preact";

import { ConfirmTotpMutation, StartTotpMutation } from "../api/security";
import { useLang } from "../i18n";
import { Errors, type UserErrorLike } from "./Errors";

/** A wrong code is "wrong username or password" for the API: say what it is. */
export function useCodeErrors(): (list: readonly UserErrorLike[]) => UserErrorLike[] {
  const { t } = useLang();
  return (list) =>
    list.map((error) =>
      error.code === "INVALID_CREDENTIALS" && error.field === "code"
        ? { code: "WRONG_CODE", message: t("security.wrongCode") }
        : error,
    );
}

/** Turning two-step sign-in on: a new secret (QR code, or the key to type), then a first code.
 * Signed in, or with the sign-in ticket when the school requires it before signing in. */
export function TotpEnrolment({ ticket, onEnabled }: { ticket?: string; onEnabled: (codes: string[]) => void }) {
  const { t } = useLang();
  const explain = useCodeErrors();
  const [started, start] = useMutation(StartTotpMutation);
  const [confirmed, confirm] = useMutation(ConfirmTotpMutation);
  const [errors, setErrors] = useState<UserErrorLike[]>([]);
  const [enrolment, setEnrolment] = useState<{ secret: string; qrCode: string } | null>(null);
  const offline = () => setErrors([{ code: "NETWORK", message: t("common.offline") }]);

  const onStart = async () => {
    const payload = (await start({ ticket: ticket ?? null })).data?.startTotpEnrolment;
    if (!payload) return offline();
    setErrors(explain(payload.errors));
    if (payload.secret && payload.qrCode) setEnrolment({ secret: payload.secret, qrCode: payload.qrCode });
  };
  const onConfirm = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const code = String(form.get("code") ?? "");
    const payload = (await confirm({ code, ticket: ticket ?? null })).data?.confirmTotpEnrolment;
    if (!payload) return offline();
    setErrors(explain(payload.errors));
    if (!payload.errors.length) onEnabled(payload.recoveryCodes);
  };

  if (!enrolment) {
    return (
      <section class="stack">
        <Errors errors={errors} />
        <button type="button" onClick={onStart} disabled={started.fetching}>
          {t("security.start")}
        </button>
      </section>
    );
  }
  return (
    <section aria-labelledby="enrol-title" class="stack">
      <h2 id="enrol-title">{t("security.enrolTitle")}</h2>
      <p>{t("security.scan")}</p>
      <img class="qr" src={enrolment.qrCode} alt={t("security.qrAlt")} width={200} height={200} />
      <p>
        {t("security.typeSecret")} <code data-testid="totp-secret">{enrolment.secret}</code>
      </p>
      <form onSubmit={onConfirm} class="stack">
        <Errors errors={errors} />
        <label>
          {t("security.code")}
          <input name="code" inputMode="numeric" autoComplete="one-time-code" required pattern="[0-9 ]{6,7}" spellcheck={false} />
        </label>
        <button type="submit" disabled={confirmed.fetching}>
          {t("security.confirm")}
        </button>
      </form>
    </section>
  );
}

/** The recovery codes, shown this once. */
export function RecoveryCodes({ codes, onSaved }: { codes: string[]; onSaved: () => void }) {
  const { t } = useLang();
  return (
    <section aria-labelledby="recovery-title" class="stack">
      <h2 id="recovery-title">{t("security.recoveryTitle")}</h2>
      <p>{t("security.recoveryIntro")}</p>
      <ul class="recovery-codes" data-testid="recovery-codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ul>
      <button type="button" onClick={onSaved}>
        {t("security.recoverySaved")}
      </button>
    </section>
  );
}
