import { useEffect } from "preact/hooks";
import { useLocation } from "preact-iso";

import { Page } from "../components/Page";
import { useViewer } from "../components/Session";
import { UserMenu } from "../components/UserMenu";
import { useLang } from "../i18n";

/** One child: straight to the dashboard. Several: choose (tutorial 1.4). */
export function Home() {
  const viewer = useViewer();
  const { t } = useLang();
  const { route } = useLocation();
  const only = viewer.children.length === 1 ? viewer.children[0] : undefined;
  useEffect(() => {
    if (only) route(`/children/${only.id}`, true);
  }, [only, route]);
  if (only) return null;
  return (
    <>
      <a class="skip" href="#main">{t("common.skip")}</a>
      <header class="topbar">
        <span class="brand">{viewer.school.name}</span>
        <UserMenu child={null} />
      </header>
      <main id="main" class="narrow">
        <Page title={t("home.title")}>
          {viewer.children.length === 0 && <p>{t("home.none")}</p>}
          <ul class="cards">
            {viewer.children.map((child) => (
              <li key={child.id} class="card">
                <h2>
                  {child.firstName} {child.lastName}
                </h2>
                {child.className && <p class="muted">{t("home.class", { name: child.className })}</p>}
                <a class="button" href={`/children/${child.id}`}>
                  {t("home.choose")}
                  <span class="visually-hidden"> ({child.firstName})</span>
                </a>
              </li>
            ))}
          </ul>
        </Page>
      </main>
    </>
  );
}
