import { describe, expect, it } from "vitest";

import { addMonths, monthGrid, weekdayIndex } from "./calendar";
import {
  centsToDecimal,
  formatDate,
  formatMoney,
  formatTime,
  groupsOfFour,
  parseAmountToCents,
  todayIn,
} from "./format";
import { applySlotEvent, freeSlots, type LiveSlot } from "./slots";

describe("money", () => {
  it("keeps cents exact", () => {
    expect(centsToDecimal(5000)).toBe("50.00");
    expect(centsToDecimal(-1205)).toBe("-12.05");
    expect(centsToDecimal(7)).toBe("0.07");
  });
  it("formats euros the Belgian way in French", () => {
    expect(formatMoney(123456, "EUR", "fr").replace(/\s/g, " ")).toBe("1 234,56 €");
    expect(formatMoney(-350, "EUR", "en")).toBe("-€3.50");
  });
  it("reads what a parent types", () => {
    expect(parseAmountToCents("12")).toBe(1200);
    expect(parseAmountToCents("12,5")).toBe(1250);
    expect(parseAmountToCents(" 0.07 ")).toBe(7);
    expect(parseAmountToCents("1.234")).toBeNull();
    expect(parseAmountToCents("-5")).toBeNull();
    expect(parseAmountToCents("dix")).toBeNull();
  });
});

describe("bank details", () => {
  it("groups an IBAN by four", () => {
    expect(groupsOfFour("BE71096123456769")).toBe("BE71 0961 2345 6769");
    expect(groupsOfFour("BE71 0961 2345 6769")).toBe("BE71 0961 2345 6769");
  });
});

describe("school time", () => {
  it("shows a slot's start on the school's clock", () => {
    expect(formatTime("2026-12-03T17:05:00+00:00", "Europe/Brussels")).toBe("18:05");
    expect(formatTime("2026-07-03T17:05:00+00:00", "Europe/Brussels")).toBe("19:05");
  });
  it("knows the school's today near midnight", () => {
    expect(todayIn("Europe/Brussels", new Date("2026-12-03T23:30:00Z"))).toBe("2026-12-04");
  });
  it("never shifts a calendar date", () => {
    expect(formatDate("2026-12-03", "fr")).toBe("jeudi 3 décembre 2026");
  });
  it("has a medium date with the year for invoices", () => {
    expect(formatDate("2026-12-03", "fr", "medium")).toBe("3 déc. 2026");
    expect(formatDate("2026-12-03", "en", "medium")).toBe("3 Dec 2026");
  });
});

describe("month grid", () => {
  it("starts weeks on Monday", () => {
    expect(weekdayIndex("2026-12-07")).toBe(0);
    const days = ["2026-12-01", "2026-12-02"].map((date) => ({ date }));
    const weeks = monthGrid(days);
    expect(weeks).toHaveLength(1);
    expect(weeks[0]?.map((d) => d?.date ?? null)).toEqual([
      null, "2026-12-01", "2026-12-02", null, null, null, null,
    ]);
  });
  it("walks over years", () => {
    expect(addMonths("2026-12", 1)).toBe("2027-01");
    expect(addMonths("2027-01", -1)).toBe("2026-12");
  });
});

describe("live slots", () => {
  const slot = (id: string, teacher: string, at: string, available = true): LiveSlot => ({
    id, startsAt: at, endsAt: at, available, teacher: { id: teacher },
  });
  it("drops a slot another parent took and keeps the rest in time order", () => {
    let slots = applySlotEvent(new Map(), {
      snapshot: true,
      slots: [slot("b", "t1", "2026-12-03T17:10:00Z"), slot("a", "t1", "2026-12-03T17:00:00Z"),
        slot("c", "t2", "2026-12-03T17:00:00Z")],
    });
    expect(freeSlots(slots, "t1").map((s) => s.id)).toEqual(["a", "b"]);
    slots = applySlotEvent(slots, { snapshot: false, slots: [slot("a", "t1", "2026-12-03T17:00:00Z", false)] });
    expect(freeSlots(slots, "t1").map((s) => s.id)).toEqual(["b"]);
    slots = applySlotEvent(slots, { snapshot: true, slots: [slot("c", "t2", "2026-12-03T17:00:00Z")] });
    expect(freeSlots(slots, "t1")).toEqual([]);
  });
});
