import { useEffect, useRef, useState } from "preact/hooks";
import { useMutation } from "@urql/preact";

import { LogoutMutation } from "../api/session";
import { useLang } from "../i18n";
import { useFieldId } from "../lib/ids";
import { LangSelect } from "./LangSelect";
import { useViewer, type ChildSummary } from "./Session";

/** The arrow menu of the tutorial (point 3): another child, password, two-step sign-in,
 * language, sign out. */
export function UserMenu({ child }: { child: ChildSummary | null }) {
  const viewer = useViewer();
  const { t } = useLang();
  const [open, setOpen] = useState(false);
  const [, logout] = useMutation(LogoutMutation);
  const menuId = useFieldId();
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") setOpen(false);
    };
    const onClick = (event: MouseEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener("keydown", onKey);
    document.addEventListener("click", onClick);
    return () => {
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("click", onClick);
    };
  }, [open]);
  const signOut = async () => {
    await logout({});
    window.location.assign("/login");
  };
  const others = viewer.children.filter((other) => other.id !== child?.id);
  return (
    <div class="user-menu" ref={root}>
      <button type="button" aria-expanded={open} aria-controls={menuId} onClick={() => setOpen(!open)}>
        <span class="who">{child ? `${child.firstName} ${child.lastName}` : viewer.user.displayName}</span>
        <span aria-hidden="true"> ▾</span>
      </button>
      <div id={menuId} class="menu-panel" hidden={!open}>
        <p class="muted">{t("menu.signedInAs", { name: viewer.user.displayName })}</p>
        {others.length > 0 && (
          <ul class="plain" aria-label={t("menu.switchChild")}>
            {others.map((other) => (
              <li key={other.id}>
                <a href={`/children/${other.id}`} onClick={() => setOpen(false)}>
                  {t("menu.switchTo", { name: `${other.firstName} ${other.lastName}` })}
                </a>
              </li>
            ))}
          </ul>
        )}
        <ul class="plain">
          <li>
            <a href="/account/password" onClick={() => setOpen(false)}>{t("menu.password")}</a>
          </li>
          <li>
            <a href="/account/security" onClick={() => setOpen(false)}>{t("menu.security")}</a>
          </li>
        </ul>
        <LangSelect />
        <button type="button" class="secondary" onClick={signOut}>
          {t("menu.signOut")}
        </button>
      </div>
    </div>
  );
}
