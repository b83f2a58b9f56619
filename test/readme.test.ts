// The README's rule table is documentation users read: keep it in step with the catalogue.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { RULES } from "../lib/rules";

const readme = readFileSync(path.resolve(__dirname, "../README.md"), "utf8");
const table = readme.slice(readme.indexOf("<!-- rules:start -->"), readme.indexOf("<!-- rules:end -->"));

describe("README", () => {
  it("starts with the demo and test commands", () => {
    const head = readme.slice(0, 800);
    expect(head).toContain("npm run demo");
    expect(head).toContain("npm test");
  });

  it("lists every rule of the catalogue with its title, and no other", () => {
    const ids = [...table.matchAll(/^\| `([A-Z0-9-]+)` \|/gm)].map((m) => m[1]);
    expect(ids).toEqual(RULES.map((r) => r.id));
    for (const r of RULES) expect(table).toContain(r.title);
  });
});
