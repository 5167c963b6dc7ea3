import { render } from "preact";

import { createApiClient } from "./api/client";
import { App } from "./app";
import { currentLang } from "./i18n";
import "./styles.css";

document.documentElement.lang = currentLang();
render(<App client={createApiClient()} />, document.getElementById("app")!);
