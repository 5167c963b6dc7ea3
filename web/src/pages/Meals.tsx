import { useState } from "preact/hooks";
import { useMutation, useQuery } from "@urql/preact";

import { CancelMealMutation, MealCalendarQuery, ReserveMealMutation } from "../api/meals";
import { Balances } from "../components/Balances";
import { Dialog } from "../components/Dialog";
import { Errors, Status, type UserErrorLike } from "../components/Errors";
import { useLiveWallets } from "../components/LiveWallets";
import { Page } from "../components/Page";
import { useViewer } from "../components/Session";
import type { MealCalendarQuery as CalendarData } from "../gql/graphql";
import { useLang, type Translate } from "../i18n";
import { addMonths, monthGrid } from "../lib/calendar";
import { newKey } from "../lib/keys";
import { formatDate, formatMoney, formatMonth, todayIn } from "../lib/format";

type MealDay = NonNullable<NonNullable<CalendarData["viewer"]>["child"]>["mealCalendar"]["days"][number];

function weekdayName(day: string, lang: string): string {
  return new Intl.DateTimeFormat(lang, { weekday: "long", timeZone: "UTC" }).format(new Date(`${day}T12:00:00Z`));
}

function dayState(day: MealDay, t: Translate): string {
  if (day.bookable) return t("meals.bookable");
  if (day.articles.length === 0) return t("meals.closed");
  return t("meals.notBookable");
}

/** Meal reservations (tutorial 3): the month, green bookable days, today marked, reserved
 * articles shown; reserving debits the wallet, cancelling refunds it, both at once. */
export function Meals({ childId }: { childId: string }) {
  const { t, lang } = useLang();
  const tz = useViewer().school.timezone;
  const [month, setMonth] = useState(() => todayIn(tz).slice(0, 7));
  const [result, refetch] = useQuery({ query: MealCalendarQuery, variables: { childId, month } });
  const [open, setOpen] = useState<string | null>(null);
  const days = result.data?.viewer?.child?.mealCalendar.days ?? [];
  const openDay = days.find((day) => day.date === open) ?? null;
  const weekdays = [0, 1, 2, 3, 4, 5, 6].map((i) =>
    new Intl.DateTimeFormat(lang, { weekday: "short", timeZone: "UTC" }).format(new Date(Date.UTC(2026, 10, 2 + i, 12))),
  );
  return (
    <Page title={t("meals.title")}>
      <Balances compact />
      <div class="month-bar">
        <button type="button" class="secondary" onClick={() => setMonth(addMonths(month, -1))}>
          <span aria-hidden="true">‹ </span>
          {t("meals.previous")}
        </button>
        <h2 aria-live="polite">{formatMonth(month, lang)}</h2>
        <button type="button" class="secondary" onClick={() => setMonth(addMonths(month, 1))}>
          {t("meals.next")}
          <span aria-hidden="true"> ›</span>
        </button>
      </div>
      <ul class="legend" aria-label={t("meals.legend")}>
        <li><span class="swatch bookable" aria-hidden="true" /> {t("meals.bookable")}</li>
        <li><span class="swatch today" aria-hidden="true" /> {t("meals.today")}</li>
        <li><span class="swatch reserved" aria-hidden="true" /> {t("meals.reserved")}</li>
      </ul>
      {result.fetching && !days.length && <p class="muted">{t("common.loading")}</p>}
      <table class="calendar">
        <caption class="visually-hidden">{formatMonth(month, lang)}</caption>
        <thead>
          <tr>
            {weekdays.map((name) => (
              <th key={name} scope="col">{name}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {monthGrid(days).map((week, index) => (
            <tr key={index}>
              {week.map((day, col) =>
                day ? (
                  <td key={day.date} class={[day.bookable ? "bookable" : "", day.isToday ? "today" : ""].join(" ")}>
                    <button type="button" class="day" data-date={day.date} onClick={() => setOpen(day.date)}>
                      {/* Read as "mardi 8 décembre 2026, réservable, réservé : Repas chaud". */}
                      <span class="visually-hidden">{weekdayName(day.date, lang)} </span>
                      <span class="day-number">{Number(day.date.slice(8))}</span>
                      <span class="visually-hidden">
                        {" "}
                        {formatMonth(day.date.slice(0, 7), lang)}, {day.isToday ? `${t("meals.today")}, ` : ""}
                        {dayState(day, t)}
                      </span>
                      {day.reservations.map((r) => (
                        <span key={r.id} class="reserved-item">
                          <span class="visually-hidden">, {t("meals.reserved")} : </span>
                          {r.article.name}
                        </span>
                      ))}
                    </button>
                  </td>
                ) : (
                  <td key={`blank-${col}`} class="blank" />
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {openDay && (
        <DayDialog
          childId={childId}
          day={openDay}
          onClose={() => setOpen(null)}
          onChanged={() => refetch({ requestPolicy: "network-only" })}
        />
      )}
    </Page>
  );
}

function DayDialog({ childId, day, onClose, onChanged }: { childId: string; day: MealDay; onClose: () => void; onChanged: () => void }) {
  const { t, lang } = useLang();
  const { settle } = useLiveWallets();
  const [reserveState, reserve] = useMutation(ReserveMealMutation);
  const [cancelState, cancel] = useMutation(CancelMealMutation);
  const [errors, setErrors] = useState<UserErrorLike[]>([]);
  const [done, setDone] = useState<string | null>(null);
  const busy = reserveState.fetching || cancelState.fetching;
  const after = (payload: { wallet?: { id: string; balance: { cents: number } } | null; errors: UserErrorLike[] } | undefined, message: string) => {
    if (!payload) return setErrors([{ code: "NETWORK", message: t("common.offline") }]);
    setErrors(payload.errors);
    if (payload.wallet) settle(payload.wallet.id, payload.wallet.balance.cents);
    if (!payload.errors.length) {
      setDone(message);
      onChanged();
    }
  };
  return (
    <Dialog title={formatDate(day.date, lang)} onClose={onClose}>
      <Errors errors={errors} />
      <Status>{done}</Status>
      {day.reservations.length > 0 && (
        <>
          <h3>{t("meals.yourReservations")}</h3>
          <ul class="rows">
            {day.reservations.map((r) => (
              <li key={r.id} class="row">
                <span>
                  {r.article.name} · {formatMoney(r.price.cents, r.price.currency, lang)}
                </span>
                {r.cancellable ? (
                  <button
                    type="button"
                    class="danger"
                    disabled={busy}
                    onClick={async () => {
                      const result = await cancel({ reservationId: r.id });
                      after(result.data?.cancelMealReservation, t("meals.cancelled", { name: r.article.name }));
                    }}
                  >
                    {t("meals.cancel")}
                    <span class="visually-hidden"> {r.article.name}</span>
                  </button>
                ) : (
                  <span class="muted">{t("meals.notCancellable")}</span>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
      {day.bookable ? (
        <>
          <h3>{t("meals.offered")}</h3>
          <ul class="rows">
            {day.articles.map((article) => (
              <li key={article.id} class="row">
                <span>
                  {article.name} · {formatMoney(article.price.cents, article.price.currency, lang)}
                </span>
                <button
                  type="button"
                  disabled={busy}
                  onClick={async () => {
                    const result = await reserve({
                      childId,
                      date: day.date,
                      articleId: article.id,
                      idempotencyKey: newKey(),
                    });
                    after(result.data?.reserveMeal, t("meals.reservedDone", { name: article.name }));
                  }}
                >
                  {t("meals.reserve")}
                  <span class="visually-hidden"> {article.name}</span>
                </button>
              </li>
            ))}
          </ul>
          <p class="muted">{t("meals.payNote")}</p>
        </>
      ) : (
        <p>{day.articles.length === 0 ? t("meals.closedExplained") : t("meals.notBookableExplained")}</p>
      )}
    </Dialog>
  );
}
