import { describe, expect, it } from "vitest";

import { safeNext } from "./PublicShell";

describe("where sign-in leads", () => {
  it("follows a page of the app", () => {
    expect(safeNext("/children/Q2hpbGQ6MQ/meals")).toBe("/children/Q2hpbGQ6MQ/meals");
  });
  it("never leaves the site nor loops on the sign-in page", () => {
    expect(safeNext("//evil.example/x")).toBe("/");
    expect(safeNext("/\\evil.example")).toBe("/");
    expect(safeNext("https://evil.example")).toBe("/");
    expect(safeNext("/login?next=%2F")).toBe("/");
    expect(safeNext(undefined)).toBe("/");
  });
});
