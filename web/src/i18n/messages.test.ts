import { describe, expect, it } from "vitest";

import { en } from "./en";
import { fr } from "./fr";
import { translate } from "./index";
import { nl } from "./nl";

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("translations", () => {
  it("give Dutch and English every French message with the same placeholders", () => {
    for (const [key, text] of Object.entries(fr)) {
      for (const other of [nl, en] as Record<string, string>[]) {
        expect(other[key], key).toBeTruthy();
        expect(placeholders(other[key] ?? ""), key).toEqual(placeholders(text));
      }
    }
    expect(Object.keys(nl).sort()).toEqual(Object.keys(fr).sort());
    expect(Object.keys(en).sort()).toEqual(Object.keys(fr).sort());
  });
  it("fills placeholders", () => {
    expect(translate("fr", "meeting.booked", { time: "18:05" })).toBe("Rendez-vous pris à 18:05.");
    expect(translate("nl", "meeting.booked", { time: "18:05" })).toBe("Afspraak gemaakt om 18:05.");
  });
});
