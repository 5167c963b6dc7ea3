import { describe, expect, it } from "vitest";

import { safeNext } from "./PublicShell";

describe("where sign-in leads", () => {
  it("follows a page of the app", () => {
    expect(safeNext("/children/Q2hpbGQ6MQ/meals")).toBe("/children/Q2hpbGQ6MQ/meals");
  });
  it("keeps the query of a mailed link (the data export's signature)", () => {
    const link = "/me/exports/7?user=3&expires=1794816000&sig=c2ln-bmF_0";
    expect(safeNext(link, "https://cartable.example")).toBe(link);
  });
  it("never leaves the site nor loops on the sign-in page", () => {
    expect(safeNext("//evil.example/x")).toBe("/");
    expect(safeNext("/\\evil.example")).toBe("/");
    expect(safeNext("https://evil.example")).toBe("/");
    expect(safeNext("/login?next=%2F")).toBe("/");
    expect(safeNext(undefined)).toBe("/");
    expect(safeNext("/\t/evil.example")).toBe("/");
    expect(safeNext("/\n/evil.example/x")).toBe("/");
    expect(safeNext("javascript:alert(1)")).toBe("/");
    expect(safeNext("/%2F%2Fevil.example", "https://cartable.example")).toBe("/%2F%2Fevil.example");
  });
});
