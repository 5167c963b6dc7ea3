// Display helpers. Amounts stay integer cents: they are turned into a decimal string, never a
// float, before Intl formats them.

export type Lang = "fr" | "nl" | "en";

const LOCALES: Record<Lang, string> = { fr: "fr-BE", nl: "nl-BE", en: "en-GB" };

export function localeOf(lang: Lang): string {
  return LOCALES[lang];
}

/** "-12.05" for -1205: the exact decimal, for Intl. */
export function centsToDecimal(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

export function formatMoney(cents: number, currency: string, lang: Lang): string {
  const format = new Intl.NumberFormat(localeOf(lang), { style: "currency", currency });
  return format.format(centsToDecimal(cents) as unknown as number);
}

/** "12", "12,5", "12.50" → cents; null for anything else (negative, three decimals, text). */
export function parseAmountToCents(text: string): number | null {
  const match = /^\s*(\d{1,6})(?:[.,](\d{1,2}))?\s*$/.exec(text);
  if (!match) return null;
  const euros = Number(match[1]);
  const rest = (match[2] ?? "").padEnd(2, "0");
  return euros * 100 + Number(rest);
}

/** "14:05": the start of a slot as the school's clock shows it. */
export function formatTime(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat("en-GB", {
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZone,
  }).format(new Date(iso));
}

/** A calendar date ("2026-12-03") in words; no time zone can move it to another day. */
export function formatDate(day: string, lang: Lang, style: "long" | "medium" | "short" = "long"): string {
  const options: Intl.DateTimeFormatOptions =
    style === "long"
      ? { weekday: "long", day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }
      : style === "medium"
        ? { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" }
        : { day: "numeric", month: "short", timeZone: "UTC" };
  return new Intl.DateTimeFormat(localeOf(lang), options).format(new Date(`${day}T12:00:00Z`));
}

export function formatDateTime(iso: string, timeZone: string, lang: Lang): string {
  return new Intl.DateTimeFormat(localeOf(lang), {
    weekday: "short",
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZone,
  }).format(new Date(iso));
}

/** Today's date ("2026-12-03") on the school's calendar. */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  return new Intl.DateTimeFormat("en-CA", {
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    timeZone,
  }).format(now);
}

/** "2026 décembre" style title of a month "2026-12". */
export function formatMonth(month: string, lang: Lang): string {
  return new Intl.DateTimeFormat(localeOf(lang), {
    month: "long",
    year: "numeric",
    timeZone: "UTC",
  }).format(new Date(`${month}-15T12:00:00Z`));
}

/** "BE71 0961 2345 6769": how an IBAN is read and typed. */
export function groupsOfFour(iban: string): string {
  return iban.replace(/\s+/g, "").replace(/(.{4})(?=.)/g, "$1 ");
}
