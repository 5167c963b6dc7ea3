import type { ComponentChildren } from "preact";
import { useLocation } from "preact-iso";

import { useLang, type MessageKey } from "../i18n";
import { LiveWallets } from "./LiveWallets";
import { useViewer, type ChildSummary } from "./Session";
import { UserMenu } from "./UserMenu";

interface Section {
  path: string;
  label: MessageKey;
  shown: boolean;
}

/** A child's pages: the school's bar, the user menu, the modules' navigation. */
export function ChildShell({ child, children }: { child: ChildSummary; children: ComponentChildren }) {
  const viewer = useViewer();
  const { t } = useLang();
  const { path } = useLocation();
  const features = viewer.school.features;
  const base = `/children/${child.id}`;
  const sections: Section[] = [
    { path: "", label: "nav.dashboard", shown: true },
    { path: "/meals", label: "nav.meals", shown: features.meals },
    { path: "/meetings", label: "nav.meetings", shown: features.meetings },
    { path: "/documents", label: "nav.documents", shown: true },
    { path: "/finances", label: "nav.finances", shown: true },
    { path: "/photos", label: "nav.photos", shown: features.photos },
  ];
  const current = (section: Section) =>
    section.path === "" ? path === base || path === `${base}/` : path.startsWith(base + section.path);
  return (
    <LiveWallets childId={child.id}>
      <a class="skip" href="#main">{t("common.skip")}</a>
      <header class="topbar">
        <a class="brand" href={base}>
          {viewer.school.name}
        </a>
        <UserMenu child={child} />
      </header>
      <nav class="modules" aria-label={t("nav.label")}>
        <ul>
          {sections
            .filter((section) => section.shown)
            .map((section) => (
              <li key={section.path}>
                <a href={base + section.path} aria-current={current(section) ? "page" : undefined}>
                  {t(section.label)}
                </a>
              </li>
            ))}
        </ul>
      </nav>
      <main id="main">{children}</main>
    </LiveWallets>
  );
}
