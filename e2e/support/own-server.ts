// A server of the built app (scripts/serve.mjs) that one spec starts for itself, over its own database, when its
// settings or its writes must not reach the shared suite's server.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";

const root = path.resolve(__dirname, "..", "..");

export interface OwnServer {
  base: string;
  process: ChildProcess;
  /** Stops the server (SIGTERM) and removes its database. */
  stop(): void;
}

/**
 * Seeds `db` with the demo estate (fresh), starts the server on 127.0.0.1:`port` with only the given environment on
 * top of a minimal one (PATH, HOME, production, the build folder), and resolves once GET /api/scans answers 200.
 * @throws when seeding fails or the server does not answer within two minutes.
 */
export async function startOwnServer(opts: { name: string; port: number; db: string; env?: Record<string, string> }): Promise<OwnServer> {
  rmSync(opts.db, { force: true });
  const seeded = spawnSync(process.execPath, [path.join(root, "node_modules/tsx/dist/cli.mjs"), path.join(root, "lib/store/seed-cli.ts"), opts.db, path.join(root, "fixtures/demo"), "--fresh"], { cwd: root, stdio: "inherit" });
  if (seeded.status !== 0) throw new Error(`seeding ${opts.db} for the ${opts.name} server failed (exit ${seeded.status})`);
  const child = spawn(process.execPath, [path.join(root, "scripts/serve.mjs")], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      ...(process.env.NEXT_DIST_DIR ? { NEXT_DIST_DIR: process.env.NEXT_DIST_DIR } : {}),
      PORT: String(opts.port),
      HOST: "127.0.0.1",
      LOCKDOWN_DB: opts.db,
      ...opts.env,
    },
  });
  const base = `http://127.0.0.1:${opts.port}`;
  const server: OwnServer = {
    base,
    process: child,
    stop() {
      if (child.pid) process.kill(child.pid, "SIGTERM");
      rmSync(opts.db, { force: true });
    },
  };
  for (let i = 0; i < 240; i++) {
    try {
      if ((await fetch(`${base}/api/scans`)).ok) return server;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  server.stop();
  throw new Error(`the ${opts.name} server did not start`);
}
