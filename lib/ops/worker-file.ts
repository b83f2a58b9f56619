// Where a worker thread's entry file is, in both ways the server runs: from the project root (`npm start`, tests), the
// entry is a small .mjs next to its TypeScript source that loads it through tsx; in the standalone build (the container
// image) there are no sources, and the entry is the prebuilt bundle scripts/bundle-workers.mjs wrote, which the
// Dockerfile copies to /app/workers. Both are found from the working directory (the project root, or /app where
// scripts/standalone-start.mjs changes to), not bundled: Next must not trace or inline a worker's code.
// https://nodejs.org/api/worker_threads.html#new-workerfilename-options
import { existsSync } from "node:fs";
import path from "node:path";
import { logEvent } from "./log";

/** The folder, under the working directory, that holds the prebuilt worker bundles in a standalone build. */
export const WORKER_BUNDLE_DIR = "workers";

const warned = new Set<string>();

/**
 * The entry file of worker `name`: `<cwd>/<sourceEntry>` when the sources are there, else the bundle
 * `<cwd>/workers/<name>.mjs`, else undefined (the caller then works on the main thread; a warning is logged once per
 * worker, since that loses the worker's protection, e.g. SCAN_TIME_LIMIT_S). `sourceEntry` is relative to the root.
 */
export function workerFile(name: string, sourceEntry: string): string | undefined {
  const candidates = [
    path.join(/*turbopackIgnore: true*/ process.cwd(), sourceEntry),
    path.join(/*turbopackIgnore: true*/ process.cwd(), WORKER_BUNDLE_DIR, `${name}.mjs`),
  ];
  for (const file of candidates) {
    if (existsSync(/*turbopackIgnore: true*/ file)) return file;
  }
  if (!warned.has(name)) {
    warned.add(name);
    logEvent("warn", "worker entry missing: running on the main thread", { worker: name, looked: candidates });
  }
  return undefined;
}
