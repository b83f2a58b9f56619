// `npm run audit` — the engine on the command line (CONTRACT §2).
import { readFile, writeFile } from "node:fs/promises";
import { InputError } from "../lib/errors";
import { audit } from "../lib/audit";
import { loadSnapshot, parseJsonFile, parseProfile } from "../lib/snapshot";
import type { Source } from "../lib/snapshot";
import type { Profile } from "../lib/model/types";
import type { Report } from "../lib/report/types";
import { renderReport } from "../lib/report/render";
import { type CliOptions, USAGE, parseCliArgs } from "./args";

async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(path, "", code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : `cannot read (${code ?? (e as Error).message})`);
  }
  return parseJsonFile(path, text);
}

async function readSources(opts: CliOptions): Promise<{ sources: Source[]; errors: Report["errors"] }> {
  if (!opts.live) return { sources: await Promise.all(opts.snapshots.map(async (name) => ({ name, value: await readJson(name) }))), errors: undefined };
  const { readLiveEstate } = await import("../lib/azure");
  const progress = process.stderr.isTTY
    ? ({ done, total }: { done: number; total: number }) => process.stderr.write(`\rReading Azure: ${done}/${total} subscriptions`)
    : undefined;
  const live = await readLiveEstate({ resourceGraph: opts.resourceGraph, onProgress: progress });
  if (progress) process.stderr.write("\n");
  if (opts.save) await writeFile(opts.save, JSON.stringify(live.snapshot, null, 2));
  return { sources: [{ name: "azure", value: live.snapshot }], errors: live.errors };
}

export async function main(argv: string[]): Promise<number> {
  const opts = parseCliArgs(argv);
  if (opts.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const [{ sources, errors }, profile, serviceTags] = await Promise.all([
    readSources(opts),
    opts.profile ? readJson(opts.profile).then((v) => parseProfile(opts.profile!, v)) : Promise.resolve<Profile>({ roles: { cyclecloud: [], cluster: [], returnProxy: [] } }),
    opts.serviceTags ? readJson(opts.serviceTags).then((value) => ({ name: opts.serviceTags!, value })) : Promise.resolve(undefined),
  ]);
  const snapshot = loadSnapshot(sources, { serviceTags });
  const report = audit(snapshot, profile, { profileName: opts.profile, sources: sources.map((s) => s.name) });
  if (errors) report.errors = errors;
  const rendered = await renderReport(report, opts.format);
  if (opts.out) await writeFile(opts.out, rendered.body);
  else process.stdout.write(rendered.body);
  if (errors?.length) return 3;
  return report.summary.fail > 0 ? 1 : 0;
}

// Run only as a program, not when a test imports main().
if (process.argv[1] && /cli[\\/]audit\.ts$/.test(process.argv[1])) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      if (e instanceof InputError) {
        process.stderr.write(`error: ${e.message}\n`);
        process.exitCode = 2;
      } else {
        // Not the user's fault: say so in one line; the stack only on request.
        process.stderr.write(`internal error: ${(e as Error)?.message ?? String(e)}${process.env.DEBUG ? `\n${(e as Error)?.stack}` : ""}\n`);
        process.exitCode = 70;
      }
    },
  );
}
