import { Client, cacheExchange, fetchExchange, mapExchange, subscriptionExchange } from "@urql/core";
import { createClient as createSocketClient } from "graphql-ws";

import { currentLang } from "../i18n";

/** The websocket URL of the API on this page's own origin (the cookie is sent with it). */
export function socketUrl(location: Pick<Location, "protocol" | "host">): string {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}/graphql`;
}

const PUBLIC_PAGES = ["/login", "/activate", "/reset"];

/** The session ended (expired, signed out elsewhere, password changed on another device):
 * a query answers `viewer: null`, and the parent is sent to the sign-in page, then back. */
function signedOut(): void {
  const { pathname, search } = window.location;
  if (PUBLIC_PAGES.includes(pathname)) return;
  window.location.assign(`/login?next=${encodeURIComponent(pathname + search)}`);
}

export function createApiClient(): Client {
  // Lazy: the socket opens with the first subscription (signed-in pages only) and closes
  // with the last one. The session is the cookie the server set at sign-in.
  const sockets = createSocketClient({
    url: socketUrl(window.location),
    lazy: true,
    retryAttempts: 20,
    shouldRetry: () => true,
  });
  return new Client({
    url: "/graphql",
    requestPolicy: "cache-and-network",
    // The session cookie counts on POSTs only (the server ignores it on GET).
    preferGetMethod: false,
    fetchOptions: () => ({
      credentials: "same-origin",
      headers: { "accept-language": currentLang() },
    }),
    exchanges: [
      mapExchange({
        onResult(result) {
          const data = result.data as { viewer?: unknown } | undefined;
          if (result.operation.kind === "query" && data && "viewer" in data && data.viewer === null) signedOut();
          return result;
        },
      }),
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query ?? "" };
          return {
            subscribe(sink) {
              const unsubscribe = sockets.subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });
}
