import type { ComponentChildren } from "preact";

import { useLang } from "../i18n";
import { LangSelect } from "./LangSelect";

/** Pages before sign-in: the portal's name, the language, one form. */
export function PublicShell({ children }: { children: ComponentChildren }) {
  const { t } = useLang();
  return (
    <>
      <a class="skip" href="#main">{t("common.skip")}</a>
      <header class="topbar">
        <span class="brand">Cartable</span>
        <LangSelect />
      </header>
      <main id="main" class="narrow">
        {children}
      </main>
    </>
  );
}

/** Where to go after signing in: a page of this app only (never another site, nor the
 * sign-in page again). */
export function safeNext(next: string | undefined): string {
  const local = next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\");
  return local && !next.startsWith("/login") ? next : "/";
}
