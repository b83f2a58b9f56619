#!/usr/bin/env node
// Bundles a CLI entry (cli/<name>.ts) with esbuild, only when a source changed, and runs it.
// A bundle starts faster than compiling TypeScript on every run and calls the engine's functions
// directly, which matters on estates of 10,000 subnets.
import { existsSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const cache = path.join(root, "node_modules/.cache/lockdown-auditor");

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** Bundles older than this are removed when a newer one is written; a run started before still has its files. */
const KEEP_OLD_MS = 60 * 60 * 1000;

/**
 * Builds `cli/<name>.ts` into node_modules/.cache when a source is newer than the bundle, then runs its exported
 * `main` as the program. The bundle is split at dynamic imports, so the Azure SDKs (the live read) and the PDF
 * libraries load only in the runs that use them: an audit of an export starts ~0.8 s sooner.
 */
export async function runBundled(name) {
  const version = Math.floor(Math.max(newestSource(path.join(root, "lib")), newestSource(path.join(root, "cli"))));
  // One folder per source version: chunks load lazily, so a folder must never change under a running process.
  const dir = path.join(cache, `${name}-${version}`);
  const entry = path.join(dir, `${name}.mjs`);
  if (!existsSync(entry)) {
    const { build } = await import("esbuild");
    // Written aside, then renamed: two runs starting at once never import a half-written bundle.
    const tmp = `${dir}.${process.pid}.tmp`;
    await build({
      entryPoints: [path.join(root, `cli/${name}.ts`)],
      outdir: tmp,
      bundle: true,
      splitting: true,
      outExtension: { ".js": ".mjs" },
      platform: "node",
      format: "esm",
      target: "node20",
      packages: "external",
      tsconfig: path.join(root, "tsconfig.json"),
      jsx: "automatic",
      logLevel: "error",
    });
    try {
      renameSync(tmp, dir);
    } catch {
      // Another run renamed its identical build first.
      rmSync(tmp, { recursive: true, force: true });
    }
    for (const old of readdirSync(cache)) {
      const m = new RegExp(`^${name}-(\\d+)$`).exec(old);
      if (m && Number(m[1]) < version && Date.now() - statSync(path.join(cache, old)).mtimeMs > KEEP_OLD_MS) rmSync(path.join(cache, old), { recursive: true, force: true });
    }
  }
  const { main, runAsProgram } = await import(pathToFileURL(entry).href);
  runAsProgram(main, process.argv.slice(2));
}
