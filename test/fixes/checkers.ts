// Offline checkers for generated fixes, used by the fix tests:
// - Bicep: parsed with tree-sitter-bicep (the grammar the Bicep VS Code tooling ships, run through
//   web-tree-sitter's WebAssembly build: no Bicep compiler is reachable offline), then symbol checks over
//   its tree: no duplicate symbols, resource types and API versions from an allow-list of real ones,
//   every `parent` and `<symbol>.id` reference declared.
// - Terraform: parsed with @cdktf/hcl2json (HashiCorp's own HCL parser compiled to WebAssembly), plus a
//   check that `=` signs are aligned the way `terraform fmt` aligns them.
// - az CLI: run by bash with `az` defined as a function that prints its arguments, so the words come back
//   exactly as bash splits them; PowerShell with a tokenizer for the subset the renderer writes.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import Parser from "web-tree-sitter";
import { parse as hclParse } from "@cdktf/hcl2json";
import { API, BICEP_TYPES, bicepDocuments } from "../../lib/fixes/bicep";

type Node = Parser.SyntaxNode;
let parser: Parser | undefined;

async function bicepParser(): Promise<Parser> {
  if (parser) return parser;
  await Parser.init();
  const wasm = readFileSync(path.join(process.cwd(), "node_modules/tree-sitter-bicep/tree-sitter-bicep.wasm"));
  const lang = await Parser.Language.load(wasm);
  parser = new Parser();
  parser.setLanguage(lang);
  return parser;
}

const descendants = (n: Node, type: string): Node[] => n.descendantsOfType(type);

/** The value of a Bicep string literal node: escapes decoded; throws on interpolation. */
export function bicepStringValue(node: Node): string {
  if (descendants(node, "interpolation").length) throw new Error(`interpolation in ${node.text.slice(0, 80)}`);
  const raw = node.text.slice(1, -1);
  return raw.replace(/\\(u\{([0-9A-Fa-f]+)\}|.)/gs, (_, e: string, hex?: string) => {
    if (hex) return String.fromCodePoint(parseInt(hex, 16));
    return ({ n: "\n", r: "\r", t: "\t", "\\": "\\", "'": "'", $: "$" } as Record<string, string>)[e] ?? `\\${e}`;
  });
}

export interface BicepResource {
  symbol: string;
  type: string;
  existing: boolean;
  name: string;
  parent?: string;
}

export interface BicepReport {
  problems: string[];
  resources: BicepResource[];
}

/** Parses every document of a Bicep fix and checks it; `problems` is empty when it passes. */
export async function checkBicep(text: string): Promise<BicepReport> {
  const p = await bicepParser();
  const problems: string[] = [];
  const resources: BicepResource[] = [];
  const allowed = new Set(BICEP_TYPES.map((t) => `${t}@${API}`.toLowerCase()));
  for (const doc of bicepDocuments(text)) {
    const tree = p.parse(doc);
    if (tree.rootNode.hasError) problems.push(`syntax error in: ${doc.slice(0, 200)}`);
    const symbols = new Map<string, number>();
    for (const decl of tree.rootNode.namedChildren) {
      const id = decl.namedChildren.find((c) => c.type === "identifier");
      if (id && decl.type.endsWith("_declaration")) symbols.set(id.text, (symbols.get(id.text) ?? 0) + 1);
    }
    for (const [sym, n] of symbols) if (n > 1) problems.push(`symbol ${sym} declared ${n} times`);
    for (const decl of tree.rootNode.namedChildren.filter((c) => c.type === "resource_declaration")) {
      const symbol = decl.namedChildren[0].text;
      const typeNode = decl.namedChildren[1];
      const type = bicepStringValue(typeNode);
      if (!allowed.has(type.toLowerCase())) problems.push(`resource ${symbol}: type ${type} is not in the allow-list`);
      const body = decl.namedChildren.find((c) => c.type === "object")!;
      const props = new Map(body.namedChildren.filter((c) => c.type === "object_property").map((c) => [c.namedChildren[0].text, c.namedChildren[1]] as const));
      const nameNode = props.get("name");
      const parent = props.get("parent")?.text;
      if (parent && !symbols.has(parent)) problems.push(`resource ${symbol}: parent ${parent} is not declared`);
      if (!nameNode || nameNode.type !== "string") problems.push(`resource ${symbol}: name is not a string literal`);
      resources.push({ symbol, type: type.split("@")[0], existing: /\bexisting\s*=/.test(decl.text.split("{")[0]), name: nameNode?.type === "string" ? bicepStringValue(nameNode) : "", parent });
    }
    for (const m of descendants(tree.rootNode, "member_expression")) {
      const obj = m.childForFieldName("object");
      if (obj?.type === "identifier" && !symbols.has(obj.text) && !["resourceGroup", "subscription"].includes(obj.text)) problems.push(`reference to undeclared symbol ${obj.text}`);
    }
    for (const s of descendants(tree.rootNode, "string")) {
      try {
        bicepStringValue(s);
      } catch (e) {
        problems.push((e as Error).message);
      }
    }
  }
  return { problems, resources };
}

/** An HCL template string from hcl2json's output, as the literal it stands for; throws on interpolation or a directive. */
export function hclLiteral(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    if (s.startsWith("$${", i) || s.startsWith("%%{", i)) {
      out += `${s[i]}{`;
      i += 2;
    } else if (s.startsWith("${", i) || s.startsWith("%{", i)) throw new Error(`template sequence in ${JSON.stringify(s.slice(0, 80))}`);
    else out += s[i];
  }
  return out;
}

/** Lines whose `=` is not where `terraform fmt` puts it: in a run of adjacent one-line attributes at one indent, one space after the longest name. */
export function fmtProblems(text: string): string[] {
  const problems: string[] = [];
  const lines = text.split("\n");
  const attr = /^(\s*)("(?:[^"\\]|\\.)*"|[A-Za-z_][A-Za-z0-9_-]*)(\s*)=(?!=)/;
  let run: { line: number; indent: string; key: string; gap: string }[] = [];
  const flush = () => {
    if (run.length) {
      const width = Math.max(...run.map((r) => r.key.length));
      for (const r of run) if (r.key.length + r.gap.length !== width + 1) problems.push(`line ${r.line + 1}: "=" not aligned (fmt puts it at column ${r.indent.length + width + 1})`);
    }
    run = [];
  };
  lines.forEach((l, i) => {
    const m = attr.exec(l);
    if (l.trimEnd() !== l) problems.push(`line ${i + 1}: trailing whitespace`);
    if (/^\s*#/.test(l) || !m) return flush();
    if (run.length && run[0].indent !== m[1]) flush();
    run.push({ line: i, indent: m[1], key: m[2], gap: m[3] });
    // A multi-line value ends the run: its inner lines are not attributes of this body.
    if (/[{[(]\s*$/.test(l)) flush();
  });
  flush();
  return problems;
}

export interface TerraformReport {
  problems: string[];
  /** `type.label` → the block's attributes as hcl2json gives them. */
  resources: Map<string, Record<string, unknown>>;
}

export async function checkTerraform(text: string): Promise<TerraformReport> {
  const problems = fmtProblems(text);
  const resources = new Map<string, Record<string, unknown>>();
  try {
    const json = (await hclParse("fix.tf", text)) as { resource?: Record<string, Record<string, Record<string, unknown>[]>> };
    for (const [type, byLabel] of Object.entries(json.resource ?? {}))
      for (const [label, blocks] of Object.entries(byLabel)) {
        if (blocks.length !== 1) problems.push(`resource ${type}.${label} declared ${blocks.length} times`);
        resources.set(`${type}.${label}`, blocks[0]);
      }
  } catch (e) {
    problems.push(`hcl: ${(e as Error).message}`);
  }
  return { problems, resources };
}

/** The argument vectors of every `az` command in a bash script, as bash itself splits them (after `bash -n`). */
export function bashAzCommands(script: string): { ok: boolean; error?: string; commands: string[][] } {
  const syntax = spawnSync("bash", ["-n"], { input: script, encoding: "utf8" });
  if (syntax.status !== 0) return { ok: false, error: syntax.stderr, commands: [] };
  const harness = `set -e\naz() { printf '%s\\0' "$#" "$@"; }\n${script}\n`;
  // In the C locale, as many containers and CI runners have it: bash reads `$'\uXXXX'` only in a UTF-8 one, so a name
  // written that way would reach az as other characters there (the bytes of `$'\xHH'` do not depend on the locale).
  const run = spawnSync("bash", ["-c", harness], { encoding: "buffer", maxBuffer: 64 * 1024 * 1024, env: { ...process.env, LC_ALL: "C", LANG: "C" } });
  if (run.status !== 0) return { ok: false, error: run.stderr.toString(), commands: [] };
  const parts = run.stdout.toString("utf8").split("\0");
  parts.pop();
  const commands: string[][] = [];
  for (let i = 0; i < parts.length; ) {
    const n = Number(parts[i]);
    commands.push(parts.slice(i + 1, i + 1 + n));
    i += 1 + n;
  }
  return { ok: true, commands };
}

const PS_QUOTES = "'\u2018\u2019\u201a\u201b";

/**
 * The argument vectors of the `az` lines of a PowerShell fix, read with a tokenizer for what the
 * renderer writes: bare words, single-quoted strings (any of PowerShell's five single quotes, doubled to
 * escape), `(<string> + [char]0xNN + ...)` expressions, and words glued to a quoted string (`--name='x'`).
 */
export function powerShellAzCommands(script: string): string[][] {
  const commands: string[][] = [];
  for (const line of script.split("\n")) {
    if (!line.startsWith("az ")) continue;
    const args: string[] = [];
    let i = 0;
    const quoted = (): string => {
      let s = "";
      i++;
      for (;;) {
        if (i >= line.length) throw new Error(`unterminated string in ${line.slice(0, 80)}`);
        const c = line[i];
        if (PS_QUOTES.includes(c)) {
          if (i + 1 < line.length && PS_QUOTES.includes(line[i + 1])) {
            s += c;
            i += 2;
            continue;
          }
          i++;
          return s;
        }
        s += c;
        i++;
      }
    };
    while (i < line.length) {
      if (line[i] === " ") {
        i++;
        continue;
      }
      let word = "";
      while (i < line.length && line[i] !== " ") {
        if (PS_QUOTES.includes(line[i])) word += quoted();
        else if (line[i] === "(") {
          i++;
          for (;;) {
            while (line[i] === " " || line[i] === "+") i++;
            if (line[i] === ")") {
              i++;
              break;
            }
            if (PS_QUOTES.includes(line[i])) word += quoted();
            else {
              const m = /^\[char\]0x([0-9A-F]+)/.exec(line.slice(i));
              if (!m) throw new Error(`unexpected expression at ${line.slice(i, i + 20)}`);
              word += String.fromCodePoint(parseInt(m[1], 16));
              i += m[0].length;
            }
          }
        } else if (/[;|&`$"{}]/.test(line[i])) throw new Error(`unquoted PowerShell metacharacter ${line[i]} in ${line.slice(0, 80)}`);
        else word += line[i++];
      }
      args.push(word);
    }
    commands.push(args.slice(1));
  }
  return commands;
}

/** A Bicep value node (object, array, string, number, boolean, null) as JSON; an expression such as `nsg.id` as `{ $expr: text }`. */
export function bicepToJson(node: Node): unknown {
  switch (node.type) {
    case "object":
      return Object.fromEntries(
        node.namedChildren
          .filter((c) => c.type === "object_property")
          .map((c) => [c.namedChildren[0].type === "string" ? bicepStringValue(c.namedChildren[0]) : c.namedChildren[0].text, bicepToJson(c.namedChildren[1])]),
      );
    case "array":
      return node.namedChildren.filter((c) => c.type !== "comment").map(bicepToJson);
    case "string":
      return bicepStringValue(node);
    case "number":
      return Number(node.text);
    case "boolean":
      return node.text === "true";
    case "null":
      return null;
    default:
      return { $expr: node.text };
  }
}

/** The `properties` of each non-`existing` resource of a Bicep document, by resource name, as JSON. */
export async function bicepResourceProperties(text: string): Promise<Map<string, unknown>> {
  const p = await bicepParser();
  const out = new Map<string, unknown>();
  for (const doc of bicepDocuments(text)) {
    const tree = p.parse(doc);
    for (const decl of tree.rootNode.namedChildren.filter((c) => c.type === "resource_declaration")) {
      const body = decl.namedChildren.find((c) => c.type === "object")!;
      const json = bicepToJson(body) as Record<string, unknown>;
      if (!/\bexisting\s*=/.test(decl.text.split("{")[0])) out.set(String(json.name), json.properties);
    }
  }
  return out;
}
