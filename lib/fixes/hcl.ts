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

/** `null` is written `null`, and so is an undefined field of JSON-like data (ARM JSON is written as it is read). */
export type HclValue = string | number | boolean | null | Raw | Nested | HclValue[] | { [key: string]: HclValue };

const KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const key = (k: string) => (KEY.test(k) ? k : hclString(k));

function isScalar(v: HclValue): boolean {
  return v === null || typeof v !== "object" || v instanceof Raw;
}

/**
 * The value's text when it is written on one line (a scalar, a list of scalars, `{}`), else undefined: an object
 * or a list holding one takes one line per attribute or item (`writeMultiline`).
 */
function inline(v: HclValue): string | undefined {
  if (v === null || v === undefined) return "null";
  if (v instanceof Raw) return v.code;
  if (v instanceof Nested) throw new Error("a nested block is not a value");
  if (typeof v === "string") return hclString(v);
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return v.every(isScalar) ? `[${v.map(inline).join(", ")}]` : undefined;
  return Object.keys(v).length ? undefined : "{}";
}

/**
 * Appends a multi-line value to `lines`: its opening bracket ends the last line (`key = {`), then one line per
 * attribute or item, then the closing bracket at `indent`. The whole file is one list of lines joined once, not a
 * string per nesting level copied into its parent.
 */
function writeMultiline(v: HclValue[] | { [key: string]: HclValue }, indent: string, lines: string[]): void {
  const inner = `${indent}  `;
  if (Array.isArray(v)) {
    lines[lines.length - 1] += "[";
    for (const x of v) {
      const text = inline(x);
      if (text !== undefined) lines.push(`${inner}${text},`);
      else {
        lines.push(inner);
        writeMultiline(x as HclValue[] | { [key: string]: HclValue }, inner, lines);
        lines[lines.length - 1] += ",";
      }
    }
    lines.push(`${indent}]`);
    return;
  }
  lines[lines.length - 1] += "{";
  writeBody(Object.entries(v), inner, lines);
  lines.push(`${indent}}`);
}

/** The value's text; lists of scalars stay on one line, objects take one attribute per line. */
export function hclValue(v: HclValue, indent = ""): string {
  const text = inline(v);
  if (text !== undefined) return text;
  const lines = [""];
  writeMultiline(v as HclValue[] | { [key: string]: HclValue }, indent, lines);
  return lines.join("\n");
}

/**
 * Appends the attribute lines of a body at `indent` to `lines`: runs of one-line attributes aligned, multi-line
 * ones (and nested blocks) apart, with a blank line between them.
 */
function writeBody(entries: [string, HclValue][], indent: string, lines: string[]): void {
  const start = lines.length;
  const gap = () => {
    if (lines.length > start) lines.push("");
  };
  let run: [string, string][] = [];
  const flush = () => {
    if (!run.length) return;
    let width = 0;
    for (const [k] of run) width = Math.max(width, k.length);
    gap();
    for (const [k, text] of run) lines.push(`${indent}${k.padEnd(width)} = ${text}`);
    run = [];
  };
  for (const [k, v] of entries) {
    if (v instanceof Nested) {
      flush();
      gap();
      lines.push(`${indent}${k} {`);
      writeBlockBody(v.entries, `${indent}  `, lines);
      lines.push(`${indent}}`);
      continue;
    }
    const text = inline(v);
    if (text !== undefined && !text.includes("\n")) {
      run.push([key(k), text]);
      continue;
    }
    flush();
    gap();
    if (text !== undefined) lines.push(`${indent}${key(k)} = ${text}`);
    else {
      lines.push(`${indent}${key(k)} = `);
      writeMultiline(v as HclValue[] | { [key: string]: HclValue }, indent, lines);
    }
  }
  flush();
}

/** A block's body between its braces: an empty body still takes its (empty) line. */
function writeBlockBody(entries: [string, HclValue][], indent: string, lines: string[]): void {
  const start = lines.length;
  writeBody(entries, indent, lines);
  if (lines.length === start) lines.push("");
}

/** Attribute lines of a body at `indent`: runs of one-line attributes aligned, multi-line ones apart. */
export function body(entries: [string, HclValue][], indent: string): string {
  const lines: string[] = [];
  writeBody(entries, indent, lines);
  return lines.join("\n");
}

/** A top-level block: `resource "type" "label" { ... }`; labels must be identifiers written here. */
export function block(kind: string, labels: string[], entries: [string, HclValue][]): string {
  const lines = [`${kind} ${labels.map((l) => `"${l}"`).join(" ")} {`];
  writeBlockBody(entries, "  ", lines);
  lines.push("}");
  return lines.join("\n");
}
