// `npm run query` — one flow through every stage of the path (CONTRACT §2 "Asking for one flow").
// Exit 0 allowed, 1 blocked or partial, 2 bad input or usage.
import { parseArgs } from "node:util";
import { InputError } from "../lib/errors";
import { type FlowQuery, queryAppProtocol, queryFlow } from "../lib/path/query";
import { loadSnapshot } from "../lib/snapshot";
import { readJson, readSnapshotJson, runAsProgram } from "./audit";
import { parseArgsMessage, refuseMissingValues, refuseRepeatedFlags } from "./args";

export { runAsProgram };

export const QUERY_USAGE = `Usage:
  npm run --silent query -- --snapshot FILE [--snapshot FILE ...] [--service-tags FILE]
      --from <subnet ref | NIC id | scale set id | IP> --to <subnet ref | IP | CIDR | service tag | FQDN>
      --protocol tcp|udp|icmp|any --port N[-M] [--app http|https|other]

--app says what TCP traffic speaks above TCP (tcp only): an Azure Firewall application rule meets only the
protocol type it names on each port (Http:80, Https:443), so "other" (AMQP, SSH, ...) meets none. Without it,
traffic to a name (FQDN, service tag, storage account) on TCP 443 is taken as HTTPS; any other traffic meets
application rules on any of their ports, with a note saying so.

Prints {"verdict": "allowed|blocked|partial", "parts": [...], "stages": [...]}.
Exit codes: 0 allowed, 1 blocked or partial, 2 bad input or usage.`;

const PROTOCOLS = new Set(["tcp", "udp", "icmp", "any"]);

const OPTIONS = {
  snapshot: { type: "string", multiple: true, short: "s" },
  "service-tags": { type: "string" },
  from: { type: "string" },
  to: { type: "string" },
  protocol: { type: "string" },
  port: { type: "string" },
  app: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export async function main(argv: string[]): Promise<number> {
  refuseMissingValues(argv, OPTIONS);
  let values;
  let tokens;
  try {
    ({ values, tokens } = parseArgs({ args: argv, strict: true, allowPositionals: false, tokens: true, options: OPTIONS }));
  } catch (e) {
    throw new InputError("usage", "", `${parseArgsMessage(e)}; see --help`);
  }
  refuseRepeatedFlags(tokens, OPTIONS);
  if (values.help) {
    process.stdout.write(`${QUERY_USAGE}\n`);
    return 0;
  }
  if (!values.snapshot?.length) throw new InputError("--snapshot", "", "missing: give at least one snapshot file");
  if (!values.from) throw new InputError("--from", "", "missing: the source (subnet ref, NIC id, scale set id or IP)");
  if (!values.to) throw new InputError("--to", "", "missing: the destination (subnet ref, IP, CIDR, service tag or FQDN)");
  const protocol = (values.protocol ?? "tcp").toLowerCase();
  if (!PROTOCOLS.has(protocol)) throw new InputError("--protocol", "", `expected tcp, udp, icmp or any, got ${JSON.stringify(values.protocol)}`);
  if (protocol !== "icmp" && protocol !== "any" && values.port === undefined) throw new InputError("--port", "", "missing: give a port N or a range N-M");
  // Checked before the snapshots are read, as the other flags are.
  const app = queryAppProtocol(values.app, protocol);
  const sources = await Promise.all(values.snapshot.map(async (name) => ({ name, value: await readSnapshotJson(name) })));
  const tags = values["service-tags"] ? { name: values["service-tags"], value: await readJson(values["service-tags"]) } : undefined;
  const snapshot = loadSnapshot(sources, tags ? { serviceTags: tags } : {});
  const query: FlowQuery = { from: values.from, to: values.to, protocol: protocol as FlowQuery["protocol"], ...(values.port !== undefined ? { port: values.port } : {}), ...(app ? { app } : {}) };
  const answer = queryFlow(snapshot, query);
  process.stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
  return answer.verdict === "allowed" ? 0 : 1;
}

// Run directly (`tsx cli/query.ts`), not when imported by a test or by scripts/query.mjs.
if (process.argv[1] && /cli[\\/]query\.ts$/.test(process.argv[1])) runAsProgram(main, process.argv.slice(2));
