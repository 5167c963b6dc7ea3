import { useLang, type MessageKey } from "../i18n";

export interface UserErrorLike {
  code: string;
  message: string;
  field?: string | null;
}

/** The interface's own wording for an error code when it has one (Dutch included), else the
 * server's message. */
export function useErrorText(): (error: UserErrorLike) => string {
  const { t } = useLang();
  return (error) => {
    const key = `error.${error.code}` as MessageKey;
    const text = t(key);
    return text === key ? error.message : text;
  };
}

export function Errors({ errors }: { errors: readonly UserErrorLike[] | null | undefined }) {
  const text = useErrorText();
  if (!errors?.length) return null;
  return (
    <div role="alert" class="notice error">
      {errors.map((error) => (
        <p key={error.code}>{text(error)}</p>
      ))}
    </div>
  );
}

export function Status({ children }: { children: string | null }) {
  return (
    <p role="status" class={children ? "notice ok" : "visually-hidden"}>
      {children}
    </p>
  );
}
