// Usage errors of the audit and query CLIs are one line naming the flag (CONTRACT §2, exit 2), also for a flag whose
// value is missing or looks like another flag, which node's parseArgs words in three lines.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../lib/errors";
import { parseCliArgs, refuseMissingValues } from "./args";
import { main as query } from "./query";

const messageOf = (run: () => unknown): string => {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error("expected an InputError");
};

describe("a flag without its value", () => {
  it("is one line naming the flag and what followed it (audit)", () => {
    expect(messageOf(() => parseCliArgs(["-s", "a.json", "--out", "-x"]))).toBe('arguments: --out: expected a value, got "-x" (a value that starts with "-" is written --out=-x)');
    expect(messageOf(() => parseCliArgs(["-s", "a.json", "-o", "-x"]))).toBe('arguments: --out: expected a value, got "-x" (a value that starts with "-" is written --out=-x)');
    expect(messageOf(() => parseCliArgs(["-s", "--profile", "p.json"]))).toBe('arguments: --snapshot: expected a value, got "--profile" (a value that starts with "-" is written --snapshot=--profile)');
    expect(messageOf(() => parseCliArgs(["-s", "a.json", "--format"]))).toBe("arguments: --format: expected a value, got nothing");
  });

  it("takes --flag=-value, and a value of - (standard input)", () => {
    expect(parseCliArgs(["-s", "a.json", "--out=-x"]).out).toBe("-x");
    expect(parseCliArgs(["-s", "-"]).snapshots).toEqual(["-"]);
  });

  it("leaves boolean switches and unknown flags to parseArgs, on one line", () => {
    expect(parseCliArgs(["-s", "a.json", "--help"]).help).toBe(true);
    expect(messageOf(() => parseCliArgs(["-s", "a.json", "--bogus"]))).toBe("arguments: Unknown option '--bogus'");
    expect(() => refuseMissingValues(["--live", "--help"], { live: { type: "boolean" }, help: { type: "boolean" } })).not.toThrow();
  });

  it("is one line for the query CLI too, and --port=-1 reaches the port's own check", async () => {
    await expect(query(["-s", "x.json", "--from", "a", "--to", "b", "--port", "-1"])).rejects.toThrow(/^--port: expected a value, got "-1" \(a value that starts with "-" is written --port=-1\)$/);
    const vnets = path.resolve(__dirname, "../fixtures/demo/vnets.json");
    await expect(query(["-s", vnets, "--from", "vnet-hpc-spoke/snet-compute", "--to", "Storage", "--port=-1"])).rejects.toThrow(/^--port: expected a port 0-65535 or a range N-M, got "-1"$/);
  });
});
