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

/** Where to go after signing in: a path of this site only (never another site, nor the
 * sign-in page again). Resolved as the browser would resolve it, so that `//host`, `/\host`
 * or a tab or newline the URL parser drops cannot lead elsewhere. */
export function safeNext(next: string | undefined, origin: string = currentOrigin()): string {
  if (!next || !next.startsWith("/")) return "/";
  let url: URL;
  try {
    url = new URL(next, origin);
  } catch {
    return "/";
  }
  if (url.origin !== new URL(origin).origin || url.pathname.startsWith("/login")) return "/";
  return url.pathname + url.search + url.hash;
}

function currentOrigin(): string {
  return typeof window === "undefined" ? "http://localhost" : window.location.origin;
}
