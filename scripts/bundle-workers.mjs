// The worker threads' entries as self-contained ES modules, for builds that ship no sources (NEXT_OUTPUT=standalone,
// the container image). From the project root the server starts each worker from its TypeScript source through tsx
// (app/api/_lib/scan-worker.mjs, lib/report/pdf-worker.mjs); the standalone server has neither the sources nor
// tsconfig's "@/" paths, so next.config.js runs this after Next's compile and the Dockerfile copies the result to
// /app/workers, where lib/ops/worker-file.ts finds it. `node scripts/bundle-workers.mjs <out dir>` runs it by hand.
import path from "node:path";
import { fileURLToPath } from "node:url";

/** Worker name (the bundle is `<name>.mjs`) → its TypeScript entry, relative to the project root. */
export const WORKERS = {
  "scan-worker": "app/api/_lib/scan-worker.ts",
  "pdf-worker": "lib/report/pdf-worker.ts",
};

/**
 * Packages left out of the bundles and resolved from node_modules at run time: native code (better-sqlite3), a driver
 * with optional native parts (pg), and playwright-core, which reads its own files at run time. Next keeps all three
 * out of its server bundle too (serverExternalPackages and its defaults), so the standalone trace ships them.
 */
export const EXTERNAL = ["better-sqlite3", "pg", "playwright-core"];

/**
 * Bundles every WORKERS entry into `<outDir>/<name>.mjs` (Node 20, ESM) with esbuild. Resolves to the files written;
 * rejects with esbuild's error when an entry does not build. https://esbuild.github.io/api/#bundle
 */
export async function bundleWorkers(projectDir, outDir) {
  const { build } = await import("esbuild");
  await build({
    absWorkingDir: projectDir,
    entryPoints: WORKERS,
    outdir: outDir,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    external: EXTERNAL,
    tsconfig: path.join(projectDir, "tsconfig.json"),
    // CommonJS dependencies inside an ES module still call require() for Node's built-ins.
    banner: { js: "import { createRequire as __lockdownRequire } from 'node:module'; const require = __lockdownRequire(import.meta.url);" },
    logLevel: "warning",
  });
  return Object.keys(WORKERS).map((name) => path.join(outDir, `${name}.mjs`));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = process.argv[2];
  if (!out) {
    console.error("usage: node scripts/bundle-workers.mjs <out dir>");
    process.exit(2);
  }
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
  for (const file of await bundleWorkers(root, path.resolve(out))) console.log(file);
}
