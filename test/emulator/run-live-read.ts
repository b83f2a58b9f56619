// Runs the reader in a child process pointed at the emulator (NODE_EXTRA_CA_CERTS only works at start-up).
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { LiveReadOptions, LiveReadResult } from "../../lib/azure";
import type { Emulator } from "./arm-emulator";

export type DriverOptions = Omit<LiveReadOptions, "env" | "onProgress" | "credential">;

export interface DriverResult extends LiveReadResult {
  progress: { done: number; total: number }[];
}

const ROOT = path.resolve(__dirname, "../..");
const TSX_CLI = path.join(ROOT, "node_modules/tsx/dist/cli.mjs");
const DRIVER = path.join(__dirname, "read-live-driver.ts");

export async function runLiveRead(emulator: Emulator, options: DriverOptions = {}, extraEnv: Record<string, string> = {}): Promise<DriverResult> {
  const dir = mkdtempSync(path.join(tmpdir(), "live-read-"));
  const out = path.join(dir, "result.json");
  try {
    const env = emulator.childEnv({ ...extraEnv, LIVE_READ_OUT: out, LIVE_READ_OPTIONS: JSON.stringify(options) });
    const child = spawn(process.execPath, [TSX_CLI, DRIVER], { cwd: ROOT, env: env as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stdout.resume();
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    if (code !== 0) throw new Error(`live read driver exited ${code}: ${stderr.trim()}`);
    return JSON.parse(readFileSync(out, "utf8")) as DriverResult;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
