import { useState } from "preact/hooks";

import { useLang } from "../i18n";

/** A value to type into a banking app (IBAN, structured communication) with a copy button. */
export function CopyText({ text, label, shown }: { text: string; label: string; shown?: string }) {
  const { t } = useLang();
  const [copied, setCopied] = useState(false);
  return (
    <span class="copy">
      <code>{shown ?? text}</code>
      <button
        type="button"
        class="secondary small"
        onClick={async () => {
          await navigator.clipboard?.writeText(text).catch(() => undefined);
          setCopied(true);
        }}
      >
        {t("finances.copy")}
        <span class="visually-hidden"> {label}</span>
      </button>
      <span role="status" class={copied ? "muted" : "visually-hidden"}>
        {copied ? t("finances.copied") : ""}
      </span>
    </span>
  );
}
