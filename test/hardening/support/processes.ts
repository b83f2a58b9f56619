// Child processes and ports for the hardening tests (loopback only; every child is stopped by its id).
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";

export const ROOT = process.cwd();

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A clean environment: only what a server needs, so the developer's own AUTH_* never leak into a test. */
export function baseEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { ...extra, NODE_ENV: "production", PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NEXT_TELEMETRY_DISABLED: "1" };
}

export function run(command: string, args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; done: Promise<Finished> } {
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d) => (stdout += d));
  child.stderr?.on("data", (d) => (stderr += d));
  const done = new Promise<Finished>((resolve, reject) => {
    child.on("error", reject);
    // "close", not "exit": output still in the pipes is read before the process is reported finished.
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

/** Polls until the server answers (any HTTP status) or the process has exited. */
export async function waitForHttp(url: string, child: ChildProcess, attempts = 240): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`server exited (${child.exitCode ?? child.signalCode}) before answering ${url}`);
    try {
      await fetch(url, { redirect: "manual", signal: AbortSignal.timeout(5_000) });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`no answer from ${url}`);
}

export async function stop(child: ChildProcess, done: Promise<Finished>, signal: NodeJS.Signals = "SIGTERM"): Promise<Finished> {
  if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  return done;
}
