

import type { Period } from "../gql/graphql";
import { useLang, type MessageKey } from "../i18n";
import { useFieldId } from "../lib/ids";

export const PERIODS: Period[] = [
  "TODAY",
  "YESTERDAY",
  "LAST_7_DAYS",
  "LAST_30_DAYS",
  "THIS_MONTH",
  "LAST_MONTH",
  "THIS_SCHOOL_YEAR",
];

export interface PeriodChoice {
  period: Period | "CUSTOM";
  from: string;
  to: string;
}

/** The journals' period: a preset (the last 30 days by default) or from–to days. */
export function PeriodFilter({ value, onChange }: { value: PeriodChoice; onChange: (next: PeriodChoice) => void }) {
  const { t } = useLang();
  const id = useFieldId();
  return (
    <fieldset class="filters">
      <legend>{t("journal.period")}</legend>
      <label for={`${id}-p`}>{t("journal.preset")}</label>
      <select
        id={`${id}-p`}
        value={value.period}
        onChange={(e) => onChange({ ...value, period: e.currentTarget.value as PeriodChoice["period"] })}
      >
        {PERIODS.map((period) => (
          <option key={period} value={period}>{t(`period.${period}` as MessageKey)}</option>
        ))}
        <option value="CUSTOM">{t("period.CUSTOM")}</option>
      </select>
      {value.period === "CUSTOM" && (
        <>
          <label for={`${id}-f`}>{t("journal.from")}</label>
          <input id={`${id}-f`} type="date" value={value.from} onChange={(e) => onChange({ ...value, from: e.currentTarget.value })} />
          <label for={`${id}-t`}>{t("journal.to")}</label>
          <input id={`${id}-t`} type="date" value={value.to} onChange={(e) => onChange({ ...value, to: e.currentTarget.value })} />
        </>
      )}
    </fieldset>
  );
}

/** The filter's period part: a custom range wins (the API's rule), else the preset. */
export function periodFilter(choice: PeriodChoice): { period?: Period; from?: string; to?: string } {
  if (choice.period === "CUSTOM") {
    return choice.from && choice.to ? { from: choice.from, to: choice.to } : { period: "LAST_30_DAYS" };
  }
  return { period: choice.period };
}
