#!/usr/bin/env node
// Bundles a CLI entry (cli/<name>.ts) with esbuild, only when a source changed, and runs it.
// A bundle starts faster than compiling TypeScript on every run and calls the engine's functions
// directly, which matters on estates of 10,000 subnets.
import { build } from "esbuild";
import { existsSync, readdirSync, renameSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds `cli/<name>.ts` into node_modules/.cache when stale, then runs its exported `main` as the program. */
export async function runBundled(name) {
  const out = path.join(root, `node_modules/.cache/lockdown-auditor/${name}.mjs`);
  const stale = !existsSync(out) || statSync(out).mtimeMs < Math.max(newestSource(path.join(root, "lib")), newestSource(path.join(root, "cli")));
  if (stale) {
    // Written aside, then renamed: two runs starting at once never import a half-written bundle.
    const tmp = `${out}.${process.pid}.tmp.mjs`;
    await build({
      entryPoints: [path.join(root, `cli/${name}.ts`)],
      outfile: tmp,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      packages: "external",
      tsconfig: path.join(root, "tsconfig.json"),
      jsx: "automatic",
      logLevel: "error",
    });
    renameSync(tmp, out);
  }
  const { main, runAsProgram } = await import(pathToFileURL(out).href);
  runAsProgram(main, process.argv.slice(2));
}
