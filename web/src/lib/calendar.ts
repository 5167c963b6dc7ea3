// The meal calendar's month grid: weeks from Monday, blanks around the month's days.

export function addMonths(month: string, delta: number): string {
  const [year, mon] = month.split("-").map(Number) as [number, number];
  const index = year * 12 + (mon - 1) + delta;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;
}

/** 0 for Monday ... 6 for Sunday. */
export function weekdayIndex(day: string): number {
  return (new Date(`${day}T12:00:00Z`).getUTCDay() + 6) % 7;
}

export function monthGrid<T extends { date: string }>(days: T[]): (T | null)[][] {
  const weeks: (T | null)[][] = [];
  let week: (T | null)[] = [];
  const first = days[0];
  if (first) week = Array.from({ length: weekdayIndex(first.date) }, () => null);
  for (const day of days) {
    week.push(day);
    if (week.length === 7) {
      weeks.push(week);
      week = [];
    }
  }
  if (week.length) {
    while (week.length < 7) week.push(null);
    weeks.push(week);
  }
  return weeks;
}
