// Child-process entry: runs readLiveEstate with the environment it was started with (which is
// where NODE_EXTRA_CA_CERTS must be) and writes the result as JSON to LIVE_READ_OUT.
import { writeFileSync } from "node:fs";
import { readLiveEstate, type LiveReadOptions } from "../../lib/azure";

async function main(): Promise<void> {
  const out = process.env.LIVE_READ_OUT;
  if (!out) throw new Error("LIVE_READ_OUT is not set");
  const options = JSON.parse(process.env.LIVE_READ_OPTIONS ?? "{}") as Omit<LiveReadOptions, "env" | "onProgress" | "credential">;
  const progress: { done: number; total: number }[] = [];
  const result = await readLiveEstate({ ...options, onProgress: (p) => progress.push(p) });
  writeFileSync(out, JSON.stringify({ ...result, progress }));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
