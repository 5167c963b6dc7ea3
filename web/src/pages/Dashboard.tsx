import { useEffect } from "preact/hooks";
import { useQuery } from "@urql/preact";

import { DashboardQuery } from "../api/dashboard";
import { Balances } from "../components/Balances";
import { OperationList, SaleList } from "../components/Lists";
import { useLiveWallets } from "../components/LiveWallets";
import { Page } from "../components/Page";
import { PhotosTeaser } from "../components/PhotosTeaser";
import { StatusBadge } from "../components/Invoices";
import { useViewer } from "../components/Session";
import { useChild } from "../components/useChild";
import { useLang } from "../i18n";
import { formatDate, formatDateTime, formatMoney } from "../lib/format";
import { statusClass } from "../lib/invoices";

/** The child's home page (tutorial 2): modules, coming events, unread documents, money. */
export function Dashboard({ childId }: { childId: string }) {
  const { t, lang } = useLang();
  const child = useChild(childId);
  const { school } = useViewer();
  const tz = school.timezone;
  const { version } = useLiveWallets();
  const [result, refetch] = useQuery({ query: DashboardQuery, variables: { childId } });
  useEffect(() => {
    if (version) refetch({ requestPolicy: "network-only" });
  }, [version]);
  const dashboard = result.data?.viewer?.child?.dashboard;
  const base = `/children/${childId}`;
  return (
    <Page title={child ? `${child.firstName} ${child.lastName}` : t("nav.dashboard")}>
      <div class="grid">
        <section class="panel" aria-labelledby="balances-title">
          <h2 id="balances-title">{t("balances.title")}</h2>
          <Balances />
          <p>
            <a href={`${base}/finances`}>{t("dashboard.topUp")}</a>
          </p>
        </section>
        {dashboard && dashboard.openInvoices.length > 0 && (
          <section class="panel" aria-labelledby="open-invoices-title">
            <h2 id="open-invoices-title">{t("invoices.open")}</h2>
            <ul class="rows">
              {dashboard.openInvoices.map((invoice) => (
                <li key={invoice.id} class={`row ${statusClass(invoice.status)}`}>
                  <div>
                    <strong>{invoice.title}</strong>
                    <span class="muted">
                      {t("invoices.dueBy", {
                        amount: formatMoney(invoice.due.cents, invoice.due.currency, lang),
                        date: formatDate(invoice.dueOn, lang),
                      })}
                    </span>
                  </div>
                  <StatusBadge status={invoice.status} />
                </li>
              ))}
            </ul>
            <p>
              <a href={`${base}/finances#invoices`}>{t("invoices.all")}</a>
            </p>
          </section>
        )}
        {school.features.photos && <PhotosTeaser childId={childId} />}
        <section class="panel" aria-labelledby="events-title">
          <h2 id="events-title">{t("dashboard.events")}</h2>
          {!dashboard ? (
            <p class="muted">{t("common.loading")}</p>
          ) : dashboard.upcomingEvents.length === 0 ? (
            <p class="muted">{t("dashboard.noEvents")}</p>
          ) : (
            <ul class="rows">
              {dashboard.upcomingEvents.map((event) => (
                <li key={event.id} class="row">
                  <div>
                    {event.meeting ? (
                      <a href={`${base}/meetings/${event.meeting.id}`}>{event.title}</a>
                    ) : (
                      <strong>{event.title}</strong>
                    )}
                    <span class="muted">{formatDateTime(event.startsAt, tz, lang)}</span>
                  </div>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section class="panel" aria-labelledby="documents-title">
          <h2 id="documents-title">{t("dashboard.unread")}</h2>
          {dashboard && dashboard.unreadDocuments.length === 0 && <p class="muted">{t("documents.allRead")}</p>}
          <ul class="rows">
            {dashboard?.unreadDocuments.map((doc) => (
              <li key={doc.id} class="row">
                <div>
                  <strong>{doc.title}</strong>
                  <span class="muted">{formatDate(doc.date, lang)}</span>
                </div>
              </li>
            ))}
          </ul>
          <p>
            <a href={`${base}/documents`}>{t("dashboard.allDocuments")}</a>
          </p>
        </section>
        <section class="panel" aria-labelledby="operations-title">
          <h2 id="operations-title">{t("dashboard.operations")}</h2>
          {dashboard && <OperationList operations={dashboard.recentOperations} />}
          <p>
            <a href={`${base}/finances/operations`}>{t("dashboard.allOperations")}</a>
          </p>
        </section>
        <section class="panel" aria-labelledby="sales-title">
          <h2 id="sales-title">{t("dashboard.sales")}</h2>
          {dashboard && <SaleList sales={dashboard.recentSales} />}
          <p>
            <a href={`${base}/finances/sales`}>{t("dashboard.allSales")}</a>
          </p>
        </section>
      </div>
    </Page>
  );
}
