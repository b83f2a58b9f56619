// A throwaway PostgreSQL server for tests: `initdb` in a temp folder, `postgres` on a free loopback port with its
// socket in that folder, run as the `postgres` user when the tests run as root (PostgreSQL refuses to run as root).
// Uses Debian's packaged binaries (/usr/lib/postgresql/<version>/bin, `apt-get install postgresql`); PG_BIN
// overrides the folder. https://www.postgresql.org/docs/current/app-initdb.html
import { execFileSync, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";

/** The folder holding initdb, pg_ctl and postgres, or undefined when PostgreSQL is not installed. */
export function postgresBin(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = env.PG_BIN ? [env.PG_BIN] : [];
  const root = "/usr/lib/postgresql";
  if (existsSync(root)) {
    for (const version of readdirSync(root).sort((a, b) => Number(b) - Number(a))) candidates.push(path.join(root, version, "bin"));
  }
  return candidates.find((dir) => ["initdb", "pg_ctl", "postgres"].every((b) => existsSync(path.join(dir, b))));
}

/**
 * Whether the PostgreSQL half of the store suite runs. It is skipped only where the binaries are absent AND this is
 * not CI; in CI (CI set) a missing PostgreSQL fails the suite, since `.ci/run` installs it.
 */
export function postgresAvailable(env: NodeJS.ProcessEnv = process.env): boolean {
  if (postgresBin(env)) return true;
  if (env.CI) throw new Error("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb) but CI is set: run scripts/ensure-postgresql.sh");
  return false;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface PostgresServer {
  port: number;
  /** A libpq URI for `database` on this server (user `lockdown`, trust authentication on loopback). */
  url(database?: string): string;
  /** Creates an empty database and returns its URI. */
  createDatabase(): Promise<string>;
  stop(): void;
}

let counter = 0;

/** Starts a fresh cluster (about 2 s). Stop it with `stop()`; it is also stopped when this process exits. */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = postgresBin();
  if (!bin) throw new Error("PostgreSQL binaries not found (apt-get install postgresql)");
  const dir = mkdtempSync(path.join(tmpdir(), "lockdown-pg-"));
  const data = path.join(dir, "data");
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
    chownSync(dir, uid, gid);
  }
  const as = (cmd: string, args: string[]) => {
    const [file, argv] = asRoot ? ["runuser", ["-u", "postgres", "--", cmd, ...args]] : [cmd, args];
    const result = spawnSync(file, argv, { encoding: "utf8", cwd: dir });
    if (result.status !== 0) throw new Error(`${path.basename(cmd)} failed (${result.status}): ${result.stderr || result.stdout}`);
  };
  as(path.join(bin, "initdb"), ["-D", data, "-A", "trust", "-U", "lockdown", "-E", "UTF8", "--locale=C", "--no-sync"]);
  const port = await freePort();
  // fsync off: a throwaway cluster trades durability for speed. The socket goes in our folder, not /run/postgresql.
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  as(path.join(bin, "pg_ctl"), ["-D", data, "-l", path.join(dir, "server.log"), "-o", options, "-w", "-t", "60", "start"]);

  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try {
      as(path.join(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  process.once("exit", stop);
  const url = (database = "postgres") => `postgres://lockdown@127.0.0.1:${port}/${database}`;
  return {
    port,
    url,
    stop,
    async createDatabase() {
      const name = `t_${process.pid}_${++counter}`;
      const client = new pg.Client({ connectionString: url() });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return url(name);
    },
  };
}
