// Applies az CLI fix text to an EstateBuilder the way Azure would: the words come back from bash itself
// (checkers.bashAzCommands), then `nsg rule create`/`update`, `vnet subnet update --service-endpoints` (or its
// generic update: `--add serviceEndpoints service=X`, which appends one endpoint, or `--set serviceEndpoints=<JSON>`,
// which sets the list; both keep endpoints' locations) change the builder's estate, so a test can re-audit what a
// person would get by pasting the fix.
import type { EstateBuilder, RuleSpec } from "../helpers/estate-builder";
import { bashAzCommands } from "./checkers";

function flags(argv: string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const a of argv) {
    const eq = /^(--[a-z-]+)=(.*)$/s.exec(a);
    if (eq) {
      out.set(eq[1], [eq[2]]);
      current = undefined;
    } else if (a.startsWith("--")) out.set(a, (current = []));
    else current?.push(a);
  }
  return out;
}

/** Applies every az command of `text` to `b`; returns how many it applied. Throws on a command it does not know. */
export function applyAz(b: EstateBuilder, text: string): number {
  const run = bashAzCommands(text);
  if (!run.ok) throw new Error(run.error);
  const nsgs = (b as unknown as { nsgs: Map<string, RuleSpec[]> }).nsgs;
  for (const argv of run.commands) {
    const f = flags(argv);
    const one = (k: string) => f.get(k)?.[0];
    const verb = argv.slice(0, 4).join(" ");
    if (verb === "network nsg rule create" || verb === "network nsg rule update") {
      const rules = nsgs.get(one("--nsg-name")!)!;
      const name = one("--name")!;
      const existing = rules.find((r) => r.name.toLowerCase() === name.toLowerCase());
      if (verb.endsWith("create") && existing) throw new Error(`rule ${name} exists`);
      const rule: RuleSpec = existing ?? { name, priority: 0, direction: "Inbound", access: "Allow" };
      if (f.has("--priority")) rule.priority = Number(one("--priority"));
      if (f.has("--direction")) rule.direction = one("--direction") as RuleSpec["direction"];
      if (f.has("--access")) rule.access = one("--access") as RuleSpec["access"];
      if (f.has("--protocol")) rule.protocol = one("--protocol");
      if (f.has("--source-address-prefixes")) rule.src = f.get("--source-address-prefixes");
      if (f.has("--destination-address-prefixes")) rule.dst = f.get("--destination-address-prefixes");
      if (f.has("--source-port-ranges")) rule.srcPorts = f.get("--source-port-ranges");
      if (f.has("--destination-port-ranges")) rule.ports = f.get("--destination-port-ranges");
      const clash = rules.find((r) => r !== rule && r.direction === rule.direction && r.priority === rule.priority);
      if (clash) throw new Error(`priority ${rule.priority} ${rule.direction} already taken by ${clash.name} in ${one("--nsg-name")}`);
      if (!existing) rules.push(rule);
    } else if (verb === "network vnet subnet update" && (f.has("--service-endpoints") || one("--set")?.startsWith("serviceEndpoints=") || one("--add") === "serviceEndpoints")) {
      type Endpoint = { service: string; locations?: string[] };
      const vnets = (b as unknown as { vnets: Map<string, { subnets: { name: string; opts: { serviceEndpoints?: Endpoint[] } }[] }> }).vnets;
      const subnet = vnets.get(one("--vnet-name")!)!.subnets.find((x) => x.name === one("--name"))!;
      // As azure-cli builds the PUT: `--service-endpoints` sends each endpoint with its service alone; `--set` sends the
      // JSON list as written; `--add <path> key=value` appends one object built of its key=value words to the list as read.
      let endpoints: Endpoint[];
      if (f.has("--service-endpoints")) endpoints = f.get("--service-endpoints")!.map((service) => ({ service }));
      else if (f.has("--set")) endpoints = JSON.parse(one("--set")!.slice("serviceEndpoints=".length)) as Endpoint[];
      else {
        const fields: Record<string, string> = Object.fromEntries(f.get("--add")!.slice(1).map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]));
        if (!fields.service) throw new Error(`--add serviceEndpoints without service=: ${f.get("--add")!.join(" ")}`);
        const added: Endpoint = { ...fields, service: fields.service };
        const current = subnet.opts.serviceEndpoints ?? [];
        // A fix that appends an endpoint the subnet has would send Azure the same service twice.
        if (current.some((e) => e.service.toLowerCase() === added.service.toLowerCase())) throw new Error(`${added.service} is already on ${one("--name")}`);
        endpoints = [...current, added];
      }
      subnet.opts = { ...subnet.opts, serviceEndpoints: endpoints };
    } else throw new Error(`applyAz does not know: az ${argv.slice(0, 5).join(" ")}`);
  }
  return run.commands.length;
}
