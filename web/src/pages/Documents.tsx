import { useState } from "preact/hooks";
import { useMutation, useQuery } from "@urql/preact";

import { DocumentsQuery, MarkReadMutation } from "../api/documents";
import { Page } from "../components/Page";
import { useLang } from "../i18n";
import { formatDate } from "../lib/format";

// A document's link works for minutes only: past this age the list is read again first.
const LINK_FRESH_MS = 5 * 60 * 1000;

/** Documents (tutorial 6): newest first, unread marked, opened through their short-lived link. */
export function Documents({ childId }: { childId: string }) {
  const { t, lang } = useLang();
  const [after, setAfter] = useState<string | null>(null);
  const [result, refetch] = useQuery({ query: DocumentsQuery, variables: { childId, after } });
  const [, markRead] = useMutation(MarkReadMutation);
  const [loadedAt, setLoadedAt] = useState(() => Date.now());
  const connection = result.data?.viewer?.child?.documents;
  const open = async (event: MouseEvent, id: string) => {
    if (Date.now() - loadedAt > LINK_FRESH_MS) {
      // The link may have expired: read fresh ones, then the parent clicks again.
      event.preventDefault();
      refetch({ requestPolicy: "network-only" });
      setLoadedAt(Date.now());
      return;
    }
    // Opening the link marks it read on the server too; this shows it at once.
    await markRead({ documentId: id });
  };
  return (
    <Page title={t("documents.title")}>
      {connection && connection.edges.length === 0 && <p class="muted">{t("documents.none")}</p>}
      <ul class="rows documents">
        {connection?.edges.map(({ node: doc }) => (
          <li key={doc.id} class={doc.read ? "row" : "row unread"}>
            <div>
              <strong>
                {!doc.read && <span class="tag new">{t("documents.unread")}</span>} {doc.title}
              </strong>
              <span class="muted">
                {formatDate(doc.date, lang)} · {doc.fileName}
              </span>
            </div>
            <a
              class="button secondary"
              href={doc.downloadUrl}
              target="_blank"
              rel="noopener"
              onClick={(event) => open(event as unknown as MouseEvent, doc.id)}
            >
              {t("documents.open")}
              <span class="visually-hidden"> {doc.title}</span>
            </a>
          </li>
        ))}
      </ul>
      {connection?.pageInfo.hasNextPage && (
        <button type="button" class="secondary" onClick={() => setAfter(connection.pageInfo.endCursor ?? null)}>
          {t("common.more")}
        </button>
      )}
      {after && (
        <button type="button" class="secondary" onClick={() => setAfter(null)}>
          {t("documents.newest")}
        </button>
      )}
    </Page>
  );
}
