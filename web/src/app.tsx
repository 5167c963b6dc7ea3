import { LocationProvider, Route, Router, useLocation } from "preact-iso";
import { Provider } from "@urql/preact";
import type { Client } from "@urql/core";

import { ChildShell } from "./components/ChildShell";
import { Page } from "./components/Page";
import { PublicShell } from "./components/PublicShell";
import { SignedIn } from "./components/Session";
import { useChild } from "./components/useChild";
import { LangProvider, useLang } from "./i18n";
import { Activate } from "./pages/Activate";
import { Dashboard } from "./pages/Dashboard";
import { Documents } from "./pages/Documents";
import { Finances } from "./pages/Finances";
import { Home } from "./pages/Home";
import { Operations, Sales } from "./pages/Journals";
import { Login } from "./pages/Login";
import { Meals } from "./pages/Meals";
import { Meeting } from "./pages/Meeting";
import { Meetings } from "./pages/Meetings";
import { Password } from "./pages/Password";
import { Photos } from "./pages/Photos";
import { Reset } from "./pages/Reset";
import { Security } from "./pages/Security";

/** The pages under /children/{childId}: one shell (and one live balance feed) for them all. */
export function childPage(childId: string, rest: string) {
  const path = rest.replace(/\/+$/, "") || "/";
  const meeting = /^\/meetings\/([^/]+)$/.exec(path);
  if (path === "/") return <Dashboard childId={childId} />;
  if (path === "/meals") return <Meals childId={childId} />;
  if (path === "/meetings") return <Meetings childId={childId} />;
  if (meeting?.[1]) return <Meeting key={meeting[1]} childId={childId} meetingId={decodeURIComponent(meeting[1])} />;
  if (path === "/documents") return <Documents childId={childId} />;
  if (path === "/finances") return <Finances childId={childId} />;
  if (path === "/photos") return <Photos childId={childId} />;
  if (path === "/finances/operations") return <Operations childId={childId} />;
  if (path === "/finances/sales") return <Sales childId={childId} />;
  return null;
}

function ChildArea() {
  const { path } = useLocation();
  const [, , id = "", ...rest] = path.split("/");
  const childId = decodeURIComponent(id);
  return (
    <SignedIn>
      <ChildGate childId={childId} rest={`/${rest.join("/")}`} />
    </SignedIn>
  );
}

function ChildGate({ childId, rest }: { childId: string; rest: string }) {
  const child = useChild(childId);
  const page = child ? childPage(childId, rest) : null;
  if (!child || !page) return <NotFound />;
  return (
    <ChildShell key={childId} child={child}>
      {page}
    </ChildShell>
  );
}

function NotFound() {
  const { t } = useLang();
  return (
    <PublicShell>
      <Page title={t("notFound.title")}>
        <p>{t("notFound.text")}</p>
        <p><a href="/">{t("notFound.home")}</a></p>
      </Page>
    </PublicShell>
  );
}

const SignedInHome = () => (
  <SignedIn>
    <Home />
  </SignedIn>
);
const SignedInPassword = () => (
  <SignedIn>
    <Password />
  </SignedIn>
);

const SignedInSecurity = () => (
  <SignedIn>
    <Security />
  </SignedIn>
);

export function App({ client }: { client: Client }) {
  return (
    <LangProvider>
      <Provider value={client}>
        <LocationProvider>
          <Router>
            <Route path="/" component={SignedInHome} />
            <Route path="/login" component={Login} />
            <Route path="/activate" component={Activate} />
            <Route path="/reset" component={Reset} />
            <Route path="/account/password" component={SignedInPassword} />
            <Route path="/account/security" component={SignedInSecurity} />
            <Route path="/children/:rest*" component={ChildArea} />
            <Route default component={NotFound} />
          </Router>
        </LocationProvider>
      </Provider>
    </LangProvider>
  );
}
