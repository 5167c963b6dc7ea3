import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { useMutation, useQuery, useSubscription } from "@urql/preact";

import { BookMutation, MeetingQuery, MoveMutation, SlotsChangedSubscription } from "../api/meetings";
import { Dialog } from "../components/Dialog";
import { Errors, Status, type UserErrorLike } from "../components/Errors";
import { Page } from "../components/Page";
import { useViewer } from "../components/Session";
import { useLang } from "../i18n";
import { formatDateTime, formatTime } from "../lib/format";
import { useFieldId } from "../lib/ids";
import { applySlotEvent, freeSlots, type LiveSlot } from "../lib/slots";
import { AppointmentList } from "./Meetings";

/** One parent meeting (tutorial 5): pick a teacher, book a free (green) time, move an
 * appointment after a confirmation. Times other parents take disappear live. */
export function Meeting({ childId, meetingId }: { childId: string; meetingId: string }) {
  const { t, lang } = useLang();
  const tz = useViewer().school.timezone;
  const { query } = useLocation();
  const [result, refetch] = useQuery({ query: MeetingQuery, variables: { childId, meetingId } });
  const node = result.data?.node;
  const meeting = node && "slots" in node ? node : null;
  const appointments = (result.data?.viewer?.child?.appointments ?? []).filter(
    (a) => a.meeting.id === meetingId && a.status === "ACTIVE",
  );

  const [slots, setSlots] = useState<Map<string, LiveSlot>>(new Map());
  const live = useRef(false);
  useEffect(() => {
    if (meeting && !live.current) setSlots(applySlotEvent(new Map(), { snapshot: true, slots: meeting.slots }));
  }, [meeting]);
  useSubscription({ query: SlotsChangedSubscription, variables: { meetingId } }, (_prev, data) => {
    live.current = true;
    setSlots((current) => applySlotEvent(current, data.meetingSlotsChanged));
    return data;
  });

  const [teacherId, setTeacherId] = useState<string | null>(query.teacher ?? null);
  const teacher = meeting?.teachers.find((x) => x.id === teacherId) ?? meeting?.teachers[0] ?? null;
  const mine = teacher ? appointments.find((a) => a.teacher.id === teacher.id) ?? null : null;
  const free = useMemo(() => (teacher ? freeSlots(slots, teacher.id) : []), [slots, teacher]);
  // The free times and the child's own appointment with this teacher, in time order.
  const timeline = useMemo(() => {
    const items: { startsAt: string; slot: LiveSlot | null }[] = free.map((slot) => ({ startsAt: slot.startsAt, slot }));
    if (mine) items.push({ startsAt: mine.startsAt, slot: null });
    return items.sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt));
  }, [free, mine]);

  const [book, setBook] = useState<LiveSlot | null>(null);
  const [bookState, bookAppointment] = useMutation(BookMutation);
  const [moveState, moveAppointment] = useMutation(MoveMutation);
  const [errors, setErrors] = useState<UserErrorLike[]>([]);
  const [done, setDone] = useState<string | null>(null);
  const selectId = useFieldId();

  const now = Date.now();
  const closed = meeting
    ? now < Date.parse(meeting.bookingOpensAt) || now > Date.parse(meeting.bookingClosesAt)
    : false;

  const choose = async (slot: LiveSlot) => {
    setDone(null);
    if (mine) return setBook(slot); // moving asks first (tutorial: "demande de confirmation")
    const res = await bookAppointment({ childId, slotId: slot.id });
    const payload = res.data?.bookAppointment;
    setErrors(payload ? payload.errors : [{ code: "NETWORK", message: t("common.offline") }]);
    if (payload && !payload.errors.length) {
      setDone(t("meeting.booked", { time: formatTime(slot.startsAt, tz) }));
      refetch({ requestPolicy: "network-only" });
    }
  };
  const confirmMove = async () => {
    if (!book || !mine) return;
    const res = await moveAppointment({ appointmentId: mine.id, slotId: book.id });
    const payload = res.data?.moveAppointment;
    setErrors(payload ? payload.errors : [{ code: "NETWORK", message: t("common.offline") }]);
    if (payload && !payload.errors.length) {
      setDone(t("meeting.moved", { time: formatTime(book.startsAt, tz) }));
      refetch({ requestPolicy: "network-only" });
    }
    setBook(null);
  };

  return (
    <Page title={meeting?.title ?? t("meetings.title")}>
      <p>
        <a href={`/children/${childId}/meetings`}>{t("meeting.back")}</a>
      </p>
      {meeting && (
        <p class="muted">
          {formatDateTime(meeting.startsAt, tz, lang)} – {formatTime(meeting.endsAt, tz)}
        </p>
      )}
      <section aria-labelledby="mine-title">
        <h2 id="mine-title">{t("meetings.mine")}</h2>
        <AppointmentList
          appointments={appointments.map((a) => ({ ...a, meeting: { id: a.meeting.id } }))}
          onChanged={() => refetch({ requestPolicy: "network-only" })}
        />
      </section>
      {meeting && (
        <section aria-labelledby="slots-title">
          <h2 id="slots-title">{t("meeting.chooseTime")}</h2>
          <label for={selectId}>{t("meeting.teacher")}</label>
          <select id={selectId} value={teacher?.id ?? ""} onChange={(e) => setTeacherId(e.currentTarget.value)}>
            {meeting.teachers.map((x) => (
              <option key={x.id} value={x.id}>
                {x.displayName}
                {x.subject ? ` (${x.subject})` : ""}
              </option>
            ))}
          </select>
          {closed && <p class="notice">{t("meeting.closed", { opens: formatDateTime(meeting.bookingOpensAt, tz, lang), closes: formatDateTime(meeting.bookingClosesAt, tz, lang) })}</p>}
          <Errors errors={errors} />
          <Status>{done}</Status>
          <p class="muted">{mine ? t("meeting.moveHint") : t("meeting.bookHint")}</p>
          {teacher && free.length === 0 && !mine && <p>{t("meeting.noFree")}</p>}
          <ul class="slots" aria-label={t("meeting.slotsOf", { teacher: teacher?.displayName ?? "" })}>
            {timeline.map((item) =>
              item.slot === null ? (
                <li key="mine" class="slot mine">
                  <span>
                    {formatTime(item.startsAt, tz)} <span class="tag">{t("meeting.yours")}</span>
                  </span>
                </li>
              ) : (
                <li key={item.slot.id} class="slot">
                  <button
                    type="button"
                    class="free"
                    disabled={closed || bookState.fetching || moveState.fetching}
                    onClick={() => item.slot && choose(item.slot)}
                  >
                    {formatTime(item.startsAt, tz)}
                    <span class="visually-hidden">
                      {" "}
                      {mine
                        ? t("meeting.moveTo", { teacher: teacher?.displayName ?? "" })
                        : t("meeting.bookWith", { teacher: teacher?.displayName ?? "" })}
                    </span>
                  </button>
                </li>
              ),
            )}
          </ul>
        </section>
      )}
      {book && mine && (
        <Dialog title={t("meeting.moveTitle")} onClose={() => setBook(null)}>
          <p>
            {t("meeting.moveConfirm", {
              teacher: mine.teacher.displayName,
              from: formatTime(mine.startsAt, tz),
              to: formatTime(book.startsAt, tz),
            })}
          </p>
          <div class="actions">
            <button type="button" class="secondary" onClick={() => setBook(null)}>
              {t("common.no")}
            </button>
            <button type="button" onClick={confirmMove} disabled={moveState.fetching}>
              {t("meeting.moveYes")}
            </button>
          </div>
        </Dialog>
      )}
    </Page>
  );
}
