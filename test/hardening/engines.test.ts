// `npm ci` on this machine's Node (20.x; better-sqlite3 compiles against its headers) prints no EBADENGINE warning:
// every locked package's `engines.node` accepts the running Node, and so does package.json's own range.
// npm checks exactly this when it installs: https://docs.npmjs.com/cli/v11/configuring-npm/package-json#engines
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";

// npm's own range matcher (semver, installed with every npm project's tooling); no type package for it here.
const semver = createRequire(import.meta.url)("semver") as { satisfies(version: string, range: string): boolean };

const root = process.cwd();
const lock = JSON.parse(readFileSync(path.join(root, "package-lock.json"), "utf8")) as {
  packages: Record<string, { version?: string; engines?: Record<string, string> | string[]; optional?: boolean }>;
};

describe("engines", () => {
  it("every locked package accepts the Node running here", () => {
    const node = process.versions.node;
    const refused = Object.entries(lock.packages)
      .filter(([, p]) => p.engines && !Array.isArray(p.engines) && typeof p.engines.node === "string" && !semver.satisfies(node, p.engines.node))
      .map(([name, p]) => `${name.replace(/^.*node_modules\//, "")}@${p.version} wants node ${(p.engines as Record<string, string>).node}`);
    expect(refused).toEqual([]);
  });
});
