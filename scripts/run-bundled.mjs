#!/usr/bin/env node
// Bundles a CLI entry (cli/<name>.ts) with esbuild, only when a source changed, and runs it.
// A bundle starts faster than compiling TypeScript on every run and calls the engine's functions
// directly, which matters on estates of 10,000 subnets.
import { existsSync, readdirSync, renameSync, rmSync, statSync, utimesSync } from "node:fs";
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

/**
 * A bundle folder not used (built or started from) for this long is removed when a newer one is written. Chunks load
 * lazily, so a folder must outlive the runs that use it: runs longer than this after a rebuild are not expected.
 */
const KEEP_OLD_MS = 60 * 60 * 1000;

/**
 * The esbuild bundle of `entry` (a path under the project root) for the sources as they are now, built into
 * node_modules/.cache/lockdown-auditor/<name>-<version>/ when missing; resolves to the bundle's entry file. The version
 * is the newest mtime under `watch` (folders under the root). ESM bundles are split at dynamic imports, so code a run
 * does not reach (the Azure SDKs, the PDF libraries) is not loaded; `format: "cjs"` gives one file.
 */
export async function cachedBundle({ name, entry, watch = ["lib", "cli"], format = "esm" }) {
  const version = Math.floor(Math.max(...watch.map((d) => newestSource(path.join(root, d)))));
  // One folder per source version: chunks load lazily, so a folder must never change under a running process.
  const dir = path.join(cache, `${name}-${version}`);
  const ext = format === "esm" ? ".mjs" : ".cjs";
  const file = path.join(dir, `${path.basename(entry).replace(/\.tsx?$/, "")}${ext}`);
  if (existsSync(file)) {
    // Marks the folder as in use: cleanup spares folders used within KEEP_OLD_MS.
    try {
      const now = new Date();
      utimesSync(dir, now, now);
    } catch {
      // A read-only cache still runs.
    }
    return file;
  }
  const { build } = await import("esbuild");
  // Written aside, then renamed: two runs starting at once never import a half-written bundle.
  const tmp = `${dir}.${process.pid}.${Date.now()}.tmp`;
  await build({
    entryPoints: [path.join(root, entry)],
    outdir: tmp,
    bundle: true,
    ...(format === "esm" ? { splitting: true } : {}),
    outExtension: { ".js": ext },
    platform: "node",
    format,
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
  return file;
}

/** Builds `cli/<name>.ts` when a source under lib/ or cli/ is newer than its bundle, then runs its `main` as the program. */
export async function runBundled(name) {
  const file = await cachedBundle({ name, entry: `cli/${name}.ts` });
  const { main, runAsProgram } = await import(pathToFileURL(file).href);
  runAsProgram(main, process.argv.slice(2));
}
