import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";

import { useLang } from "../i18n";
import { useFieldId } from "../lib/ids";

/** A modal on the native <dialog>: focus kept inside, Escape closes, focus returns after. */
export function Dialog({ title, onClose, children }: { title: string; onClose: () => void; children: ComponentChildren }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useFieldId();
  const { t } = useLang();
  useEffect(() => {
    const dialog = ref.current;
    const opener = document.activeElement as HTMLElement | null;
    dialog?.showModal();
    return () => {
      dialog?.close();
      opener?.focus?.();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <div class="dialog-head">
        <h2 id={titleId}>{title}</h2>
        <button type="button" class="icon" onClick={onClose} aria-label={t("common.close")}>
          ×
        </button>
      </div>
      {children}
    </dialog>
  );
}
