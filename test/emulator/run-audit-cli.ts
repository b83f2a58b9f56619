// The audit CLI in a child process against the ARM emulator (its environment points @azure/identity and the SDKs at
// it), as a user runs it: exit code, stdout and stderr.
import { spawn } from "node:child_process";
import path from "node:path";
import type { Emulator } from "./arm-emulator";

const ROOT = path.resolve(__dirname, "../..");
const TSX_CLI = path.join(ROOT, "node_modules/tsx/dist/cli.mjs");

/** Runs `cli/audit.ts` with `args` against `emu` (plus `extraEnv`); resolves when the process exits. */
export function runAuditCli(emu: Emulator, args: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [TSX_CLI, "cli/audit.ts", ...args], { cwd: ROOT, env: emu.childEnv(extraEnv) as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}
