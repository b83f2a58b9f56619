// `npm run audit` — the engine on the command line (CONTRACT §2).
import { mkdir, open, readFile, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { getHeapStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { type FixBundle, fixAll } from "../lib/fixes/fix-all";
import { InputError, printable } from "../lib/errors";
import { audit } from "../lib/audit";
import { isNothingReadError, loadSnapshot, parseJsonFile, parseProfileText, parseSnapshotJson } from "../lib/snapshot";
import { readErrorLines } from "../lib/partial-read";
import type { Source } from "../lib/snapshot";
import type { Profile } from "../lib/model/types";
import type { Report } from "../lib/report/types";
import { renderReport } from "../lib/report/render";
import { renderJsonChunks } from "../lib/report/json";
import { sarifLocationTargets } from "../lib/report/sarif";
import { locateResources } from "../lib/report/source-positions";
import { readsEntry } from "../lib/snapshot/load-snapshot";
import { readMethodOf, readNotes } from "../lib/live/read-notes";
import { type CliOptions, USAGE, parseCliArgs } from "./args";
import { applyGates, gateExitCode, readGates } from "./gates";
import { DEFAULT_HEAP_BUDGET_BYTES, heapBudget } from "./heap-budget";

/** An input file's text; a missing or unreadable file is an InputError naming it (exit 2). */
async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(path, "", code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : `cannot read (${code ?? (e as Error).message})`);
  }
}

/**
 * The one line for an output the CLI could not write (a missing directory, a directory, a full disk): the report was
 * not delivered, which is the user's environment, not the gate's verdict nor a bug (exit 2, not 1 or 70).
 */
function cannotWrite(path: string, e: unknown): InputError {
  return new InputError(path, "", `cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
}

/** Writes a whole output file; any failure is an InputError naming it (exit 2). */
async function writeOutput(path: string, data: string | Uint8Array, mode?: number): Promise<void> {
  await writeFile(path, data, mode === undefined ? undefined : { mode }).catch((e: unknown) => {
    throw cannotWrite(path, e);
  });
}

/** A JSON input file, parsed; a missing or unreadable file or bad JSON is an InputError naming it (exit 2). */
export async function readJson(path: string): Promise<unknown> {
  return parseJsonFile(path, await readText(path));
}

/** A snapshot file, parsed as readJson does, also when it holds `az ... list` outputs concatenated (CONTRACT §1.1). */
export async function readSnapshotJson(path: string): Promise<unknown> {
  return parseSnapshotJson(path, await readText(path));
}

/**
 * The snapshot files, parsed, and for `--format sarif` their text too (in input order), so results can point at the
 * line where each deciding resource is written (lib/report/source-positions.ts). Other formats let the text go.
 */
async function readSources(opts: CliOptions): Promise<{ sources: Source[]; errors: Report["errors"]; texts?: { name: string; text: string }[] }> {
  if (!opts.live) {
    const keep = opts.format === "sarif";
    const read = await Promise.all(opts.snapshots.map(async (name) => {
      const text = await readText(name);
      return { source: { name, value: parseSnapshotJson(name, text) }, text: keep ? text : undefined };
    }));
    return { sources: read.map((r) => r.source), errors: undefined, texts: keep ? read.map((r) => ({ name: r.source.name, text: r.text! })) : undefined };
  }
  const { readLiveEstate } = await import("../lib/azure");
  const progress = process.stderr.isTTY
    ? ({ done, total }: { done: number; total: number }) => process.stderr.write(`\rReading Azure: ${done}/${total} subscriptions`)
    : undefined;
  const live = await readLiveEstate({ resourceGraph: opts.resourceGraph, onProgress: progress });
  if (progress) process.stderr.write("\n");
  // How it was read and a partial read's errors go with what it saved: an audit of the file later is judged, and
  // carries the same notes (Resource Graph's caveat, lib/live/read-notes.ts), as this one.
  // The errors go in too: a read that found no subnet is then told apart by its failed calls (exit 3), as its saved
  // file is when audited later, not by the export hint a file without VNets gets.
  const read = { ...live.snapshot, readMethod: readMethodOf(opts.resourceGraph) };
  const snapshot = live.errors.length ? { ...read, readErrors: live.errors } : read;
  if (opts.save) await writeOutput(opts.save, JSON.stringify(snapshot, null, 2));
  return { sources: [{ name: "azure", value: snapshot }], errors: live.errors };
}

/**
 * Creates `dir` and its missing parents one level at a time. Node's `mkdir(…, { recursive: true })` never returns under
 * a path it may not create in some file systems (`/proc/nope` spins at full CPU on Linux), so the parents are created
 * here with plain mkdir calls, each of which fails at once. An existing directory is fine.
 */
async function makeDirectory(dir: string): Promise<void> {
  try {
    await mkdir(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EEXIST" && (await stat(dir)).isDirectory()) return;
    if (code !== "ENOENT" || dirname(dir) === dir) throw e;
    await makeDirectory(dirname(dir));
    await mkdir(dir);
  }
}

/** Writes the fix-all bundle's four files into `dir` (created when missing). */
async function writeFixAll(dir: string, bundle: FixBundle): Promise<void> {
  try {
    await makeDirectory(dir);
  } catch (e) {
    throw new InputError(dir, "", `cannot create the --fix-all directory (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  for (const [ext, text] of [["sh", bundle.sh], ["ps1", bundle.ps1], ["bicep", bundle.bicep], ["tf", bundle.tf]] as const) await writeOutput(join(dir, `fix-all.${ext}`), text, ext === "sh" ? 0o755 : 0o644);
}

/**
 * Writes UTF-8 pieces to a file (or stdout) as they come, waiting for stdout to drain: a large JSON report
 * never exists as one string or one buffer. An unwritable --out is an InputError naming it.
 */
async function writeChunks(out: string | undefined, chunks: Iterable<Uint8Array>): Promise<void> {
  const file = out ? await open(out, "w").catch((e: unknown) => {
    throw cannotWrite(out, e);
  }) : undefined;
  try {
    for (const chunk of chunks) {
      // A write may take part of a buffer; the rest follows.
      if (file) for (let at = 0; at < chunk.length; ) at += (await file.write(chunk, at)).bytesWritten;
      else if (stdoutClosed) break;
      else if (!process.stdout.write(chunk)) await drainOrClose();
    }
  } catch (e) {
    // A full disk (ENOSPC on /dev/full) or a failing device shows at the first write, not at open.
    throw out ? cannotWrite(out, e) : e;
  } finally {
    await file?.close().catch(() => undefined);
  }
}

/**
 * Set once stdout's reader has gone (`npm run audit -- ... | head -c 10`): Node reports EPIPE as an `error` event on
 * stdout, which would be an uncaught exception with a stack. The rest of the output is dropped and the run ends as
 * usual, its exit code the verdict's (a pipeline's `set -o pipefail` then still sees whether the gate failed).
 */
let stdoutClosed = false;
/**
 * Set when stdout failed for another reason (ENOSPC, EIO): the report is lost, so the run exits 2 with one line, as an
 * unwritable --out does; the gate's 0 or 1 would read as a verdict nobody received.
 */
let stdoutFailed = false;

function watchStdout(): void {
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (!stdoutClosed && e.code !== "EPIPE") {
      process.stderr.write(`error: stdout: cannot write (${e.code ?? e.message})\n`);
      stdoutFailed = true;
      process.exitCode = 2;
    }
    stdoutClosed = true;
  });
}

/** Waits until stdout takes more, or has closed (then no `drain` ever comes). */
function drainOrClose(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.stdout.off("drain", done);
      process.stdout.off("error", done);
      resolve();
    };
    process.stdout.once("drain", done);
    process.stdout.once("error", done);
  });
}

/** Phase timings for `npm run bench` (LOCKDOWN_STATS=1): one JSON line on stderr at the end. */
class Stats {
  private last = performance.now();
  readonly phases: Record<string, number> = {};
  mark(phase: string) {
    const now = performance.now();
    this.phases[phase] = Math.round(now - this.last);
    this.last = now;
  }
  print(budgetCollections?: number) {
    if (!process.env.LOCKDOWN_STATS) return;
    const cpu = process.cpuUsage();
    // CPU time (user + system) tells more than wall time on a shared, loaded machine.
    process.stderr.write(`${JSON.stringify({ phasesMs: this.phases, cpuMs: Math.round((cpu.user + cpu.system) / 1000), maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024), ...(budgetCollections === undefined ? {} : { budgetCollections }) })}\n`);
  }
}

export async function main(argv: string[]): Promise<number> {
  const stats = new Stats();
  const opts = parseCliArgs(argv);
  const heapBudgetBytes = heapBudgetFromEnv(process.env.LOCKDOWN_HEAP_BUDGET_MB);
  if (opts.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const [{ sources, errors, texts }, profile, serviceTags, gates] = await Promise.all([
    readSources(opts),
    opts.profile ? readText(opts.profile).then((text) => parseProfileText(opts.profile!, text)) : Promise.resolve<Profile>({ roles: { cyclecloud: [], cluster: [], returnProxy: [] } }),
    opts.serviceTags ? readJson(opts.serviceTags).then((value) => ({ name: opts.serviceTags!, value })) : Promise.resolve(undefined),
    readGates(opts, readJson),
  ]);
  stats.mark("read+parse");
  const names = sources.map((s) => s.name);
  let snapshot;
  try {
    snapshot = loadSnapshot(sources, { serviceTags });
  } catch (e) {
    // Nothing to audit because the read failed (sign-in, Resource Graph, every VNet list): its calls are the cause.
    if (!isNothingReadError(e)) throw e;
    // One line per call: a saved read's `readErrors` come from the file, so each is made printable (a newline in one
    // would print a line of its own).
    process.stderr.write(`error: ${printable(e.file)}: nothing to audit: the read found no virtual network or subnet; its failed calls:\n${readErrorLines(e.errors).map((l) => `  ${printable(l)}\n`).join("")}`);
    return 3;
  }
  // The parsed JSON is no longer needed; letting it go keeps garbage collection cheap during the audit.
  sources.length = 0;
  stats.mark("load");
  // A CI gate run with a wrong or missing profile would otherwise audit nothing and go green (CONTRACT §1.2).
  const roleCount = profile.roles.cyclecloud.length + profile.roles.cluster.length + profile.roles.returnProxy.length;
  if (roleCount === 0) throw new InputError(opts.profile ?? "--profile", "", opts.profile ? "no subnet has a role: name the CycleCloud and cluster subnets under roles or deployments" : "missing: give --profile FILE naming the CycleCloud and cluster subnets (nothing would be audited without it)");
  // Gate lines name findings, subnets and files from the input: each stays one printable line.
  const stderr = (line: string) => process.stderr.write(`${printable(line)}\n`);
  const budget = collectGarbage && heapBudgetBytes ? heapBudget({ budgetBytes: heapBudgetBytes, usedBytes: () => getHeapStatistics().used_heap_size, collect: collectGarbage }) : undefined;
  // A partial read (CONTRACT §2 exit 3): passes become warnings and profile entries matching nothing read are listed.
  const report = applyGates(audit(snapshot, profile, { profileName: opts.profile, sources: names, readErrors: errors, checkpoint: budget?.checkpoint }), gates, undefined, stderr);
  if (errors) report.errors = errors;
  // Derived from the snapshot (its `readMethod`), so a saved Resource Graph read audited later keeps the caveat.
  const notes = readNotes(snapshot);
  if (notes) report.notes = notes;
  stats.mark("audit");
  // The planning state is garbage now and only the report and the estate are live (~0.36 GB on the bench estate):
  // one full collection here sets the heap's next limit from that, so writing the report does not grow it further.
  collectGarbage?.();
  if (opts.format === "json") await writeChunks(opts.out, renderJsonChunks(report));
  else {
    // One pass over each snapshot's text finds the lines of the resources the results point at.
    const sourcePositions = texts && opts.format === "sarif" ? locateResources(texts, sarifLocationTargets(report), { reads: readsEntry }) : undefined;
    const rendered = await renderReport(report, opts.format, { baseUrl: opts.baseUrl, sourcePositions });
    if (opts.out) await writeOutput(opts.out, rendered.body);
    else if (!stdoutClosed) process.stdout.write(rendered.body);
  }
  if (opts.fixAll) await writeFixAll(opts.fixAll, fixAll(snapshot, profile, report, { profileName: opts.profile, readErrors: errors, checkpoint: budget?.checkpoint }));
  stats.mark("render+write");
  stats.print(budget?.collections());
  // A live read that reached part of the estate, now or when the audited snapshot was saved (CONTRACT §2).
  if (report.errors?.length) return 3;
  return gateExitCode(report, opts, gates, stderr);
}

/**
 * V8 lets the heap grow to up to 4 × what was live after its last full collection before collecting again. On a
 * 10,000-subnet estate ~0.45 GB stays live, so the process peaked at 1.24–1.43 GB of RSS. Growing by 2 × at most keeps
 * it at 0.9–1.06 GB for 3–8 % more CPU (`npm run bench`, README "Benchmarks"). The flag is read at each collection, so
 * setting it before any work takes effect (https://nodejs.org/api/v8.html#v8setflagsfromstringflags).
 */
const HEAP_GROWING_PERCENT = 100;

/** A full garbage collection, when the process runs as the CLI (tests calling main() leave their heap alone). */
let collectGarbage: (() => void) | undefined;

/**
 * The heap budget the audit's checkpoints hold (cli/heap-budget.ts) in bytes: LOCKDOWN_HEAP_BUDGET_MB, in MB of 2^20
 * bytes (0 turns it off, for a machine with memory to spare: a few full collections fewer), else the default.
 * Anything but a whole number ≥ 0 is an InputError naming it (exit 2).
 */
function heapBudgetFromEnv(value: string | undefined): number {
  if (value === undefined || value === "") return DEFAULT_HEAP_BUDGET_BYTES;
  if (!/^\d+$/.test(value.trim())) throw new InputError("LOCKDOWN_HEAP_BUDGET_MB", "", `expected a whole number of MB (0 turns the budget off), got ${JSON.stringify(value)}`);
  return Number(value.trim()) * 2 ** 20;
}

/** Runs main() and turns its outcome into an exit code: bad input is one line on stderr, never a stack. */
export function runAsProgram(run: typeof main, argv: string[]): void {
  watchStdout();
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  // V8 exposes `gc` to contexts created after this flag is set, so a new context hands it over without a command-line
  // flag (the `npm run audit` launcher runs the bundle in this process).
  setFlagsFromString("--expose-gc");
  try {
    collectGarbage = runInNewContext("gc") as () => void;
  } catch {
    // A runtime that does not hand it over: the heap grows further while the report is written, nothing else changes.
  }
  run(argv).then(
    (code) => {
      // A stdout failure may also come after this (the last write's error is reported later): watchStdout sets 2 then.
      process.exitCode = stdoutFailed ? 2 : code;
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

// Run directly (`tsx cli/audit.ts`), not when imported by a test or by scripts/audit.mjs.
if (process.argv[1] && /cli[\\/]audit\.ts$/.test(process.argv[1])) runAsProgram(main, process.argv.slice(2));
