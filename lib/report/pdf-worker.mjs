// Worker entry: plain JS, so Node can start it. It runs the TypeScript worker (pdf-worker.ts) as one CommonJS bundle
// that esbuild builds on first use, and again when a source under lib/ changes, into node_modules/.cache (the scheme
// of scripts/run-bundled.mjs); the packages (pdf-lib, fontkit, playwright-core) are left out and loaded by Node
// itself. Loading the sources and those packages through tsx's loader hooks cost ~0.7 s of CPU per PDF (issue 12).
// When the bundle cannot be built (no esbuild, a read-only node_modules), the worker runs through tsx as before.
import { createRequire } from "node:module";

let file;
try {
  const { cachedBundle } = await import("../../scripts/run-bundled.mjs");
  file = await cachedBundle({ name: "pdf-worker", entry: "lib/report/pdf-worker.ts", watch: ["lib"], format: "cjs" });
} catch {
  file = undefined;
}
if (file) createRequire(import.meta.url)(file);
else {
  const { tsImport } = await import("tsx/esm/api");
  await tsImport("./pdf-worker.ts", import.meta.url);
}
