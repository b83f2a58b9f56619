// `tsx lib/store/seed-cli.ts <db file> <estate dir> [--fresh]`: used by `npm run demo` and the browser tests.
import { InputError } from "@/lib/errors";
import { removeDatabase, seedFromDirectory } from "./seed";
import { Store } from "./store";

function main(argv: string[]): number {
  const fresh = argv.includes("--fresh");
  const [dbFile, dir] = argv.filter((a) => a !== "--fresh");
  if (!dbFile || !dir) {
    process.stderr.write("usage: tsx lib/store/seed-cli.ts <db file> <estate dir> [--fresh]\n");
    return 2;
  }
  if (fresh) removeDatabase(dbFile);
  const store = Store.open(dbFile);
  try {
    for (const scan of seedFromDirectory(store, dir)) {
      const s = scan.summary;
      process.stdout.write(`seeded scan #${scan.seq} ${scan.id} (${scan.label}): ${s.subnets} subnets, ${s.fail} fail, ${s.warn} warn, ${s.pass} pass, ${s.unscoped} unscoped\n`);
    }
    return 0;
  } catch (e) {
    if (e instanceof InputError) {
      process.stderr.write(`error: ${e.message}\n`);
      return 2;
    }
    throw e;
  } finally {
    store.close();
  }
}

process.exitCode = main(process.argv.slice(2));
