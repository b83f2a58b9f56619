// The Azure deployment templates (deploy/*.bicep), checked offline: no Bicep compiler is reachable here, so each file
// is parsed with tree-sitter-bicep (web-tree-sitter's WebAssembly build) and symbol checks run over its tree:
// every identifier refers to something declared, no symbol hides a Bicep function namespace (`environment`…),
// each module exists and gets exactly the parameters it declares, and the parameters file sets every required
// parameter while taking secrets only from the environment. `az deployment group what-if` is the check to run
// against Azure itself (README "Deploy").
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import Parser from "web-tree-sitter";
import { beforeAll, describe, expect, it } from "vitest";

type Node = Parser.SyntaxNode;
const DEPLOY = path.join(process.cwd(), "deploy");
let parser: Parser;

beforeAll(async () => {
  await Parser.init();
  const wasm = readFileSync(path.join(process.cwd(), "node_modules/tree-sitter-bicep/tree-sitter-bicep.wasm"));
  parser = new Parser();
  parser.setLanguage(await Parser.Language.load(wasm));
});

function bicepFiles(dir = DEPLOY): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? bicepFiles(path.join(dir, e.name)) : e.name.endsWith(".bicep") ? [path.join(dir, e.name)] : [],
  );
}

const parse = (file: string) => parser.parse(readFileSync(file, "utf8")).rootNode;

function walk(node: Node, visit: (n: Node) => void): void {
  visit(node);
  for (const child of node.children) walk(child, visit);
}

/** Syntax errors as `file:line:column text`. */
function syntaxErrors(file: string): string[] {
  const errors: string[] = [];
  walk(parse(file), (n) => {
    if (n.type === "ERROR" || n.isMissing) errors.push(`${path.relative(process.cwd(), file)}:${n.startPosition.row + 1}:${n.startPosition.column + 1} ${n.text.slice(0, 60)}`);
  });
  return errors;
}

const DECLARATIONS = ["parameter_declaration", "variable_declaration", "resource_declaration", "module_declaration", "output_declaration"];

interface Param {
  name: string;
  required: boolean;
  secure: boolean;
}

function params(root: Node): Param[] {
  return root.namedChildren
    .filter((n) => n.type === "parameter_declaration")
    .map((n) => {
      const decorators = n.previousNamedSibling?.type === "decorators" ? n.previousNamedSibling.text : "";
      // identifier, type, and a default value when there is one.
      return { name: n.namedChildren[0].text, required: n.namedChildren.length < 3, secure: /@secure\(\)/.test(decorators) };
    });
}

/** Identifiers used as values that nothing in the file declares (loop variables and lambda parameters count). */
function undeclared(root: Node): string[] {
  const declared = new Set<string>();
  walk(root, (n) => {
    if (DECLARATIONS.includes(n.type)) declared.add(n.namedChildren[0].text);
    if (n.type === "for_statement") for (const c of n.namedChildren.slice(0, -1)) if (c.type === "identifier") declared.add(c.text);
  });
  const unknown = new Set<string>();
  walk(root, (n) => {
    if (n.type !== "identifier") return;
    const parent = n.parent!;
    if (DECLARATIONS.includes(parent.type) && parent.namedChildren[0].id === n.id) return;
    if (parent.type === "object_property" && parent.namedChildren[0].id === n.id) return; // a key
    if (parent.type === "call_expression" && parent.childForFieldName("function")?.id === n.id) return; // a function name
    if (parent.type === "for_statement") return;
    let up: Node | null = parent;
    while (up) {
      if (up.type === "type" || up.type === "decorator") return;
      up = up.parent;
    }
    if (!declared.has(n.text)) unknown.add(`${n.text} (line ${n.startPosition.row + 1})`);
  });
  return [...unknown];
}

describe("deploy/*.bicep", () => {
  it("parse without a syntax error", () => {
    const files = bicepFiles();
    expect(files.map((f) => path.basename(f)).sort()).toEqual(
      ["acr-pull.bicep", "key-vault-secret-reader.bicep", "main.bicep", "reader-management-group.bicep", "subscription-reader.bicep"].sort(),
    );
    expect(files.flatMap(syntaxErrors)).toEqual([]);
  });

  it("refer only to declared symbols, and never hide a Bicep function namespace", () => {
    for (const file of bicepFiles()) {
      const root = parse(file);
      expect(undeclared(root), path.basename(file)).toEqual([]);
      const names = root.namedChildren.filter((n) => DECLARATIONS.includes(n.type)).map((n) => n.namedChildren[0].text);
      // `resource environment …` would make environment() unusable in the file.
      expect(names.filter((n) => ["environment", "subscription", "resourceGroup", "tenant", "managementGroup", "deployment", "az", "sys"].includes(n))).toEqual([]);
    }
  });

  it("call each module with exactly its parameters, required ones included", () => {
    const root = parse(path.join(DEPLOY, "main.bicep"));
    const modules = root.namedChildren.filter((n) => n.type === "module_declaration");
    expect(modules.length).toBeGreaterThanOrEqual(3);
    for (const mod of modules) {
      const target = path.join(DEPLOY, JSON.parse(mod.namedChildren[1].text.replace(/^'|'$/g, '"')));
      const declared = params(parse(target));
      let given: string[] = [];
      walk(mod, (n) => {
        if (n.type === "object_property" && n.namedChildren[0].text === "params" && n.namedChildren[1]?.type === "object") {
          given = n.namedChildren[1].namedChildren.filter((p) => p.type === "object_property").map((p) => p.namedChildren[0].text);
        }
      });
      const name = mod.namedChildren[0].text;
      expect(given.filter((g) => !declared.some((d) => d.name === g)), `${name}: unknown parameters`).toEqual([]);
      expect(declared.filter((d) => d.required && !given.includes(d.name)).map((d) => d.name), `${name}: missing parameters`).toEqual([]);
    }
  });

  it("assign roles under deterministic names (a redeploy and what-if see the same assignment)", () => {
    for (const file of bicepFiles()) {
      const text = readFileSync(file, "utf8");
      for (const match of text.matchAll(/Microsoft\.Authorization\/roleAssignments@[\d-]+' = \{\s*name: ([^\n]+)/g)) {
        expect(match[1], path.basename(file)).toMatch(/^guid\(/);
        expect(match[1]).not.toMatch(/newGuid|utcNow/);
      }
    }
  });
});

describe("deploy/main.bicepparam", () => {
  const text = () => readFileSync(path.join(DEPLOY, "main.bicepparam"), "utf8");
  // tree-sitter-bicep does not know the .bicepparam syntax (`param x = value`): read its assignments line by line.
  const assignments = () => new Map([...text().matchAll(/^param (\w+) = (.+)$/gm)].map((m) => [m[1], m[2].trim()]));

  it("uses main.bicep, names only its parameters, and sets every required one", () => {
    expect(text()).toMatch(/^using '\.\/main\.bicep'$/m);
    const main = params(parse(path.join(DEPLOY, "main.bicep")));
    const set = assignments();
    expect([...set.keys()].filter((k) => !main.some((p) => p.name === k))).toEqual([]);
    expect(main.filter((p) => p.required && !set.has(p.name)).map((p) => p.name)).toEqual([]);
  });

  it("holds no secret: every secure parameter it sets comes from the environment", () => {
    const main = params(parse(path.join(DEPLOY, "main.bicep")));
    const set = assignments();
    const secure = main.filter((p) => p.secure && set.has(p.name));
    expect(secure.map((p) => p.name).sort()).toEqual(["authSecret", "postgresAdminPassword"]);
    for (const p of secure) expect(set.get(p.name), p.name).toMatch(/^readEnvironmentVariable\('[A-Z_]+'\)$/);
    expect(set.has("entraClientSecret")).toBe(false);
  });
});
