import { createContext, type ComponentChildren } from "preact";
import { useContext } from "preact/hooks";
import { useQuery } from "@urql/preact";

import { ViewerQuery } from "../api/session";
import type { ViewerQuery as ViewerData } from "../gql/graphql";
import { useLang } from "../i18n";

export type Viewer = NonNullable<ViewerData["viewer"]>;
export type ChildSummary = Viewer["children"][number];

const SessionContext = createContext<Viewer | null>(null);

export function useViewer(): Viewer {
  const viewer = useContext(SessionContext);
  if (!viewer) throw new Error("useViewer outside <SignedIn>");
  return viewer;
}

/** Pages for a signed-in parent. Without a session the Viewer query answers `viewer: null`
 * and the client sends the parent to the sign-in page, then back (api/client.ts). */
export function SignedIn({ children }: { children: ComponentChildren }) {
  const [result] = useQuery({ query: ViewerQuery, requestPolicy: "cache-first" });
  const { t } = useLang();
  const viewer = result.data?.viewer;
  if (result.error && !result.data) {
    return (
      <main id="main" class="narrow">
        <p role="alert" class="notice error">{t("common.offline")}</p>
      </main>
    );
  }
  if (!viewer) return <p class="loading" role="status">{t("common.loading")}</p>;
  return <SessionContext.Provider value={viewer}>{children}</SessionContext.Provider>;
}
