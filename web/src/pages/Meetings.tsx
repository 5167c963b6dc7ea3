import { useState } from "preact/hooks";
import { useMutation, useQuery } from "@urql/preact";

import { CancelAppointmentMutation, MeetingsQuery } from "../api/meetings";
import { Dialog } from "../components/Dialog";
import { Errors, Status, type UserErrorLike } from "../components/Errors";
import { Page } from "../components/Page";
import { useViewer } from "../components/Session";
import { useLang } from "../i18n";
import { formatDateTime, formatTime } from "../lib/format";

export interface AppointmentRow {
  id: string;
  startsAt: string;
  status: string;
  teacher: { id: string; displayName: string };
  meeting: { id: string; title?: string };
}

/** My appointments (on top, with delete), then the meetings open to the child. */
export function Meetings({ childId }: { childId: string }) {
  const { t, lang } = useLang();
  const tz = useViewer().school.timezone;
  const [result, refetch] = useQuery({ query: MeetingsQuery, variables: { childId } });
  const child = result.data?.viewer?.child;
  const base = `/children/${childId}`;
  return (
    <Page title={t("meetings.title")}>
      <section aria-labelledby="mine-title">
        <h2 id="mine-title">{t("meetings.mine")}</h2>
        {child && (
          <AppointmentList
            appointments={child.appointments}
            onChanged={() => refetch({ requestPolicy: "network-only" })}
            linkBase={base}
          />
        )}
      </section>
      <section aria-labelledby="open-title">
        <h2 id="open-title">{t("meetings.open")}</h2>
        {child && child.meetings.length === 0 && <p class="muted">{t("meetings.none")}</p>}
        <ul class="rows">
          {child?.meetings.map((meeting) => (
            <li key={meeting.id} class="row">
              <div>
                <a href={`${base}/meetings/${meeting.id}`}>{meeting.title}</a>
                <span class="muted">
                  {formatDateTime(meeting.startsAt, tz, lang)} – {formatTime(meeting.endsAt, tz)}
                </span>
              </div>
            </li>
          ))}
        </ul>
      </section>
    </Page>
  );
}

export function AppointmentList({
  appointments,
  onChanged,
  linkBase,
}: {
  appointments: readonly AppointmentRow[];
  onChanged: () => void;
  linkBase?: string;
}) {
  const { t, lang } = useLang();
  const tz = useViewer().school.timezone;
  const [deleting, setDeleting] = useState<AppointmentRow | null>(null);
  const [state, cancel] = useMutation(CancelAppointmentMutation);
  const [errors, setErrors] = useState<UserErrorLike[]>([]);
  const [done, setDone] = useState<string | null>(null);
  const active = appointments.filter((a) => a.status === "ACTIVE");
  const describe = (a: AppointmentRow) =>
    t("meetings.appointment", { teacher: a.teacher.displayName, when: formatDateTime(a.startsAt, tz, lang) });
  return (
    <>
      <Errors errors={errors} />
      <Status>{done}</Status>
      {active.length === 0 ? (
        <p class="muted">{t("meetings.noAppointment")}</p>
      ) : (
        <ul class="rows appointments">
          {active.map((a) => (
            <li key={a.id} class="row">
              <div>
                <strong>{a.teacher.displayName}</strong>
                <span>
                  {formatDateTime(a.startsAt, tz, lang)}
                  {a.meeting.title ? ` · ${a.meeting.title}` : ""}
                </span>
              </div>
              <div class="actions">
                {linkBase && (
                  <a href={`${linkBase}/meetings/${a.meeting.id}?teacher=${encodeURIComponent(a.teacher.id)}`}>
                    {t("meetings.move")}
                    <span class="visually-hidden"> {describe(a)}</span>
                  </a>
                )}
                <button type="button" class="danger" onClick={() => setDeleting(a)}>
                  {t("meetings.delete")}
                  <span class="visually-hidden"> {describe(a)}</span>
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
      {deleting && (
        <Dialog title={t("meetings.deleteTitle")} onClose={() => setDeleting(null)}>
          <p>{t("meetings.deleteConfirm", { what: describe(deleting) })}</p>
          <div class="actions">
            <button type="button" class="secondary" onClick={() => setDeleting(null)}>
              {t("common.no")}
            </button>
            <button
              type="button"
              class="danger"
              disabled={state.fetching}
              onClick={async () => {
                const result = await cancel({ appointmentId: deleting.id });
                const payload = result.data?.cancelAppointment;
                setErrors(payload ? payload.errors : [{ code: "NETWORK", message: t("common.offline") }]);
                if (payload && !payload.errors.length) {
                  setDone(t("meetings.deleted"));
                  onChanged();
                }
                setDeleting(null);
              }}
            >
              {t("meetings.deleteYes")}
            </button>
          </div>
        </Dialog>
      )}
    </>
  );
}
