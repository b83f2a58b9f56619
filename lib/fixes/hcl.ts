// Writes HCL as `terraform fmt` would: two-space indents and, within a run of adjacent one-line
// attributes, the `=` signs aligned one space after the longest name. A multi-line attribute stands
// apart (blank lines around it), so every run is unambiguous.
// https://developer.hashicorp.com/terraform/cli/commands/fmt
import { hclString } from "./quote";

/** An expression written here (a reference such as `azurerm_network_security_group.x.id`), not data. */
export class Raw {
  constructor(readonly code: string) {}
}

/** A nested block (`rule { ... }`), which Terraform distinguishes from an attribute holding an object. */
export class Nested {
  constructor(readonly entries: [string, HclValue][]) {}
}

export type HclValue = string | number | boolean | Raw | Nested | HclValue[] | { [key: string]: HclValue };

const KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const key = (k: string) => (KEY.test(k) ? k : hclString(k));

function isScalar(v: HclValue): boolean {
  return typeof v !== "object" || v instanceof Raw;
}

/** The value's text; lists of scalars stay on one line, objects take one attribute per line. */
export function hclValue(v: HclValue, indent = ""): string {
  if (v instanceof Raw) return v.code;
  if (v instanceof Nested) throw new Error("a nested block is not a value");
  if (typeof v === "string") return hclString(v);
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (Array.isArray(v)) {
    if (v.every(isScalar)) return `[${v.map((x) => hclValue(x, indent)).join(", ")}]`;
    const inner = `${indent}  `;
    return `[\n${v.map((x) => `${inner}${hclValue(x, inner)},`).join("\n")}\n${indent}]`;
  }
  const entries = Object.entries(v);
  if (entries.length === 0) return "{}";
  return `{\n${body(entries, `${indent}  `)}\n${indent}}`;
}

/** Attribute lines of a body at `indent`: runs of one-line attributes aligned, multi-line ones apart. */
export function body(entries: [string, HclValue][], indent: string): string {
  const out: string[] = [];
  let run: [string, string][] = [];
  const flush = () => {
    if (!run.length) return;
    const width = Math.max(...run.map(([k]) => k.length));
    if (out.length) out.push("");
    for (const [k, text] of run) out.push(`${indent}${k.padEnd(width)} = ${text}`);
    run = [];
  };
  for (const [k, v] of entries) {
    if (v instanceof Nested) {
      flush();
      if (out.length) out.push("");
      out.push(`${indent}${k} {\n${body(v.entries, `${indent}  `)}\n${indent}}`);
      continue;
    }
    const text = hclValue(v, indent);
    if (!text.includes("\n")) {
      run.push([key(k), text]);
      continue;
    }
    flush();
    if (out.length) out.push("");
    out.push(`${indent}${key(k)} = ${text}`);
  }
  flush();
  return out.join("\n");
}

/** A top-level block: `resource "type" "label" { ... }`; labels must be identifiers written here. */
export function block(kind: string, labels: string[], entries: [string, HclValue][]): string {
  return `${kind} ${labels.map((l) => `"${l}"`).join(" ")} {\n${body(entries, "  ")}\n}`;
}
