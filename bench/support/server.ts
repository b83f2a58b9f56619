// What the benchmarks that serve the built app share: a free loopback port, waiting for the server, numeric flags.
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { createServer } from "node:net";

/** Loopback only: the benchmarks never measure (or load) anything beyond this machine. */
export const HOST = "127.0.0.1";

export function flag(name: string, fallback: number, max: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at > 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0 || value > max) throw new Error(`--${name} must be a number in 1..${max}`);
  return value;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, HOST, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function waitForServer(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(5_000) })).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`server did not answer ${url}`);
}

export interface RunningApp {
  base: string;
  server: ChildProcess;
  stop(): void;
}

/** The built app (scripts/serve.mjs) on a free loopback port over `db`, stopped when the benchmark exits. */
export async function startApp(opts: { root: string; distDir: string; db: string; env?: Record<string, string>; readyPath?: string }): Promise<RunningApp> {
  const port = await freePort();
  const base = `http://${HOST}:${port}`;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    NEXT_DIST_DIR: opts.distDir,
    LOCKDOWN_DB: opts.db,
    HOST,
    PORT: String(port),
    ...opts.env,
  };
  const server = spawn(process.execPath, [path.join(opts.root, "scripts/serve.mjs")], { cwd: opts.root, env, stdio: ["ignore", "ignore", "inherit"] });
  const stop = () => {
    if (server.exitCode === null) server.kill("SIGTERM");
  };
  process.on("exit", stop);
  await waitForServer(`${base}${opts.readyPath ?? "/api/scans"}`, server);
  return { base, server, stop };
}
