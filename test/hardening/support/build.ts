// A production build in its own folder, for tests that need one built with particular settings.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import path from "node:path";
import { baseEnv, ROOT, run } from "./processes";

/**
 * `next build` adds `<distDir>/types/**` globs to tsconfig.json, a shared file. Afterwards put back
 * the original bytes when only our globs changed it, else (another build ran meanwhile) remove just ours.
 */
function restoreTsconfig(original: string, distDir: string): void {
  const file = path.join(ROOT, "tsconfig.json");
  const current = JSON.parse(readFileSync(file, "utf8")) as { include?: string[] };
  current.include = current.include?.filter((entry) => !entry.startsWith(`${distDir}/`));
  if (isDeepStrictEqual(current, JSON.parse(original))) writeFileSync(file, original);
  else writeFileSync(file, `${JSON.stringify(current, null, 2)}\n`);
}

export async function buildApp(distDir: string, env: Record<string, string>): Promise<void> {
  rmSync(path.join(ROOT, distDir), { recursive: true, force: true });
  const original = readFileSync(path.join(ROOT, "tsconfig.json"), "utf8");
  try {
    const result = await run(process.execPath, ["node_modules/next/dist/bin/next", "build"], baseEnv({ ...env, NEXT_DIST_DIR: distDir })).done;
    if (result.code !== 0) throw new Error(`next build failed:\n${result.stdout.slice(-4000)}\n${result.stderr.slice(-4000)}`);
  } finally {
    restoreTsconfig(original, distDir);
  }
}
