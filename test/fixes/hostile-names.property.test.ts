// Issue 11 item 1: every renderer treats every name as data. Hostile names (newlines, quotes, `${...}`,
// `%{...}`, `*/`, backticks, `$(...)`, bidi controls, unicode, 10,000 characters) for the subnet, VNet,
// resource group, NSG, rule, route table, route, policy, group and collection go through every change
// kind and every form; each form is parsed back by a real parser and the names must come back intact,
// with no command or resource beyond the ones planned.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { azCommands, psProblem } from "../../lib/fixes/az";
import { renderPlan } from "../../lib/fixes/render";
import { shown } from "../../lib/fixes/quote";
import type { Change } from "../../lib/fixes/types";
import { bashAzCommands, checkBicep, checkTerraform, hclLiteral, powerShellAzCommands } from "./checkers";
import { type Names, expectedArgv, plainNames, world } from "./world";

const HOSTILE = [
  'x"\nresource "null_resource" "pwn" {\n  provisioner "local-exec" { command = "id" }\n}\n#',
  "x'\nresource pwn 'Microsoft.Network/networkSecurityGroups@2024-05-01' = {\n  name: 'pwn'\n}\n//",
  "'; rm -rf / #",
  "$(id)`id`",
  "${file(\"/etc/passwd\")}",
  "%{ if true }x%{ endif }",
  "a$${b}c",
  "*/ evil /*",
  "\\'\\\\${x}",
  "a\r\nb\u2028c\u0085d",
  "\u202Eevil\u2066",
  "ñame-名前-🚀",
  "e\u0301-\uF900",
  "‘quoted’ ‚low‛",
  "-n",
  "--help",
  "a&b|c<d>e^f%PATH%!x!",
  "x".repeat(10_000),
];

const hostileName = fc.oneof(
  fc.constantFrom(...HOSTILE),
  fc.string({ unit: "binary", minLength: 1, maxLength: 30 }).filter((s) => !s.includes("\u0000")),
  fc.string({ unit: fc.constantFrom("'", '"', "$", "{", "}", "%", "\\", "\n", "`", "*", "/", "#", ";", "-", "a", "\u2019"), minLength: 1, maxLength: 20 }),
);

const names: fc.Arbitrary<Names> = fc.record({
  subscription: hostileName,
  resourceGroup: hostileName,
  vnet: hostileName,
  subnet: hostileName,
  nsg: hostileName,
  rule: hostileName,
  routeTable: hostileName,
  route: hostileName,
  policy: hostileName,
  group: hostileName,
  collection: hostileName,
  delegation: hostileName,
});

/** Raw characters that would end a comment line or reorder text: none may survive into any rendering. */
const RAW_BREAKS = /[\r\u0085\u2028\u2029\u000b\u000c\u202a-\u202e\u2066-\u2069]/;

/** Resources each change kind declares in Bicep (`existing` included) and Terraform; undefined: no form by design. */
const BICEP_COUNT: Record<Change["kind"], number | undefined> = {
  "add-rule": 2,
  "update-rule": undefined,
  "add-service-endpoint": 2,
  "attach-new-nsg": 3,
  "add-route": 2,
  "delete-route": undefined,
  "delete-rule": undefined,
  "attach-nat-gateway": 4,
  "add-firewall-rule-collection": 2,
};

async function checkChange(n: Names, index: number): Promise<void> {
  const { snapshot, subnet, changes } = world(n);
  const change = changes[index];
  const known = new Set(Object.values(n));
  const fixes = renderPlan(snapshot, { summary: "Test.", changes: [change] }, subnet.key);
  const text = (kind: string) => fixes.find((f) => f.kind === kind)!.text;
  expect(fixes.map((f) => f.kind)).toEqual(["az-cli", "powershell", "bicep", "terraform", "portal"]);
  for (const f of fixes) expect(RAW_BREAKS.test(f.text), `${f.kind} holds a raw line break or bidi control`).toBe(false);

  // az CLI, bash: bash splits the words; they must be exactly the planned argument vectors.
  const planned = azCommands(snapshot, change).map(expectedArgv);
  const bash = bashAzCommands(text("az-cli"));
  expect(bash.error).toBeUndefined();
  expect(bash.commands).toEqual(planned);

  // PowerShell: the same vectors, or refused because cmd.exe would interpret a character.
  const ps = text("powershell");
  if (ps.startsWith("# Not offered")) expect(azCommands(snapshot, change).some((c) => psProblem(c))).toBe(true);
  else expect(powerShellAzCommands(ps)).toEqual(planned);

  // Bicep: parses, no duplicate or dangling symbol, and exactly the planned resources, named as in the estate.
  const bicep = text("bicep");
  const expectedCount = BICEP_COUNT[change.kind];
  if (expectedCount === undefined || (change.kind === "add-firewall-rule-collection" && change.firewallKey)) expect(bicep).toMatch(/^\/\/ Not offered as Bicep/);
  else {
    const report = await checkBicep(bicep);
    expect(report.problems).toEqual([]);
    expect(report.resources).toHaveLength(expectedCount);
    for (const r of report.resources) expect(known.has(r.name) || [...known].some((k) => r.name.includes(k)), `resource name ${shown(r.name)}`).toBe(true);
  }

  // Portal steps show each name quoted, control characters made visible.
  if (change.kind === "add-rule") expect(text("portal")).toContain(shown(n.nsg));

  // Terraform: HashiCorp's parser reads it, `=` aligned as fmt would, every string a literal. HCL turns every
  // string into Unicode NFC, so a name NFC would change has no Terraform form.
  if (text("terraform").startsWith("# Not offered as Terraform: a name is not in Unicode normal form C")) {
    expect(Object.values(n).some((x) => x.normalize("NFC") !== x)).toBe(true);
    return;
  }
  const tf = await checkTerraform(text("terraform"));
  expect(tf.problems).toEqual([]);
  for (const [, attrs] of tf.resources) {
    const strings: string[] = [];
    const walk = (v: unknown) => (typeof v === "string" ? strings.push(v) : v && typeof v === "object" ? Object.values(v).forEach(walk) : undefined);
    walk(attrs);
    // References the renderer writes itself (azurerm_x.label.id, and a depends_on's azurerm_x.label) are expressions;
    // every other string is a literal.
    for (const s of strings) if (!/^\$\{(azurerm|azapi)_[a-z_]+\.[a-z0-9_]+(\.(id|name))?\}$/.test(s)) hclLiteral(s);
    if (typeof attrs.name === "string") expect(known.has(hclLiteral(attrs.name)) || [...known].some((k) => hclLiteral(attrs.name as string).includes(k))).toBe(true);
  }

}

describe("hostile names are data in every fix form", () => {
  const kinds = world(plainNames()).changes.map((c, i) => [c.kind + (c.kind === "add-firewall-rule-collection" ? (c.policyKey ? " (policy)" : " (classic)") : ""), i] as const);
  it.each(kinds)("%s", async (_kind, index) => {
    for (const h of HOSTILE) await checkChange(plainNames({ subnet: h, nsg: h, rule: h, resourceGroup: h, vnet: h, route: h, group: h, collection: h }), index);
    await fc.assert(fc.asyncProperty(names, (n) => checkChange(n, index)), { numRuns: 15 });
  }, 120_000);

  it("refuses a name no language can carry (NUL, a lone surrogate), with a reason instead of text", () => {
    for (const bad of ["a\u0000b", "a\ud800b"]) {
      const { snapshot, subnet, changes } = world(plainNames({ nsg: bad }));
      expect(renderPlan(snapshot, { summary: "x", changes: [changes[0]] }, subnet.key)).toEqual([]);
    }
  });
});
