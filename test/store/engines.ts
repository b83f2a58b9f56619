// Runs a store suite against both engines: SQLite (a temp file) and PostgreSQL (a throwaway server started for the
// test file; skipped only where PostgreSQL is not installed and CI is not set, see postgres-server.ts).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe } from "vitest";
import type { Engine } from "@/lib/store/sql";
import { postgresAvailable, startPostgres, type PostgresServer } from "./postgres-server";

export interface TestEngine {
  name: Engine;
  /** A new, empty database: a SQLite file path or a postgres:// URI. */
  fresh(): Promise<string>;
}

function sqliteEngine(): TestEngine & { start(): void; stop(): void } {
  let dir = "";
  let n = 0;
  return {
    name: "sqlite",
    start: () => void (dir = mkdtempSync(path.join(tmpdir(), "lockdown-store-"))),
    stop: () => rmSync(dir, { recursive: true, force: true }),
    fresh: async () => path.join(dir, `db-${++n}`, "lockdown.db"),
  };
}

function postgresEngine(): TestEngine & { start(): Promise<void>; stop(): void } {
  let server: PostgresServer | undefined;
  return {
    name: "postgresql",
    start: async () => void (server = await startPostgres()),
    stop: () => server?.stop(),
    fresh: () => server!.createDatabase(),
  };
}

/** Declares `suite` once per engine, inside `describe("… on sqlite|postgresql")`. */
export function forEachEngine(title: string, suite: (engine: TestEngine) => void): void {
  const pgOk = postgresAvailable();
  for (const engine of [sqliteEngine(), postgresEngine()]) {
    describe.skipIf(engine.name === "postgresql" && !pgOk)(`${title} on ${engine.name}`, () => {
      beforeAll(() => engine.start());
      afterAll(() => engine.stop());
      suite(engine);
    });
  }
}
