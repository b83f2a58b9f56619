// Where a resource is written in the snapshot files the user gave, so a SARIF result can point at that line
// (SARIF 2.1.0 §3.30 region: https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html#_Toc34317685).
// One linear pass per file, without building values: a JSON lexer that tracks only the object nesting, each object's
// `id` and `name` and their positions. Snapshots can be 160 MB, so nothing else is kept, and only the resources asked for
// are recorded.

/** A place in one input file: 1-based lines and columns in UTF-16 code units (SARIF's default `columnKind`). */
export interface SourcePosition {
  /** Index into `SourcePositions.sources`. */
  source: number;
  startLine: number;
  startColumn: number;
  endLine: number;
  /** The column just after the value (SARIF's `endColumn` is exclusive). */
  endColumn: number;
}

/**
 * What to look for: ARM ids (a resource defined with that `id`), and names of sub-resources written without an id
 * (an NSG rule `{ "name": "AllowX", ... }` inside its NSG, a route inside its route table, a firewall rule inside a
 * rule collection group or a classic firewall), keyed by the id of the resource they sit in; `within`, when given, is
 * the named object without an id the child sits in (a firewall rule's rule collection), so a rule is told apart from a
 * collection or a rule of another collection with the same name.
 */
export interface ResourceTargets {
  ids: Iterable<string>;
  children: Iterable<ChildTarget>;
}

export interface ChildTarget {
  parent: string;
  name: string;
  within?: string;
}

/**
 * Options of `locateResources`. `reads(type, id)` says whether the snapshot loader reads a top-level entry with that
 * `type` (undefined when the entry has none) and `id`: an entry of a type the loader ignores (a standalone
 * `securityRules` resource beside the NSG that holds the rule inline) is not where the audit's resource is defined,
 * so neither it nor anything inside it counts. Without it, every entry counts.
 */
export interface LocateOptions {
  reads?: (type: string | undefined, id: string) => boolean;
}

/** The positions found, by `resourceKey` / `childKey`, and the file names they refer to (in input order). */
export interface SourcePositions {
  sources: string[];
  positions: Map<string, SourcePosition>;
}

/** Lookup key of a resource id: ARM ids are case-insensitive (CONTRACT §1.1). */
export function resourceKey(id: string): string {
  return id.toLowerCase();
}

/**
 * Lookup key of a named sub-resource inside the resource `parent` (Azure resource names are case-insensitive too),
 * optionally inside the named object `within` (a rule collection).
 */
export function childKey(parent: string, name: string, within?: string): string {
  return within === undefined ? `${parent.toLowerCase()}\n${name.toLowerCase()}` : `${parent.toLowerCase()}\n${within.toLowerCase()}\n${name.toLowerCase()}`;
}

interface Found extends SourcePosition {
  /** Written as a full resource (with a `name`), not as a reference-like `{ "id", "resourceGroup", ... }`. */
  named: boolean;
}

interface NamedChild {
  name: string;
  at: Found;
  /** The nearest named object without an id it sits in (its rule collection), lower-cased, once known. */
  within?: string;
}

/** Positions found inside one resource, kept until the top-level entry holding them is known to be read. */
interface Held {
  /** Whether the outermost resource closed so far around these records is read by the loader. */
  read: boolean;
  records: [string, Found][];
}

/** The string literal's value: most have no escape, the rest (`\/`, `\u00e9`) are decoded by JSON itself. */
function decode(raw: string): string {
  return raw.includes("\\") ? (JSON.parse(`"${raw}"`) as string) : raw;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;
const KEY_OTHER = 0;
const KEY_ID = 1;
const KEY_NAME = 2;
const KEY_RESOURCE_GROUP = 3;
const KEY_TYPE = 4;

function keyKind(text: string, start: number, end: number): number {
  const len = end - start;
  if (len === 2 && text.startsWith("id", start)) return KEY_ID;
  if (len === 4 && text.startsWith("name", start)) return KEY_NAME;
  if (len === 4 && text.startsWith("type", start)) return KEY_TYPE;
  if (len === 13 && text.startsWith("resourceGroup", start)) return KEY_RESOURCE_GROUP;
  return KEY_OTHER;
}

/**
 * Finds where each target is defined in `files` (JSON text, as read; files in input order). A resource is "defined"
 * by an object holding its `id` and some other field: `{ "id": ... }` alone, or with `resourceGroup` (how `az`
 * prints a reference), is a reference and never counts; one with a `name` is preferred over one without. When a
 * resource is defined more than once the last definition wins, as in the snapshot loader (CONTRACT §1.1). A
 * sub-resource without an id is found by its `name` in the nearest enclosing object that has an id (an NSG's
 * `securityRules[]`, a route table's `routes[]`, a rule collection group's or classic firewall's rules), and inside
 * the nearest named object without an id around it (its rule collection). The position is that of the `"id"` (or `"name"`) member,
 * through the end of its value. With `options.reads`, entries of a type the loader ignores count for nothing. Time is
 * linear in the text; memory is the nesting depth plus what was asked for. Text that is not valid JSON simply yields
 * fewer positions (the caller has parsed it already).
 */
export function locateResources(files: { name: string; text: string }[], targets: ResourceTargets, options: LocateOptions = {}): SourcePositions {
  const ids = new Set<string>();
  const idLengths = new Set<number>();
  for (const id of targets.ids) {
    ids.add(resourceKey(id));
    idLengths.add(id.length);
  }
  const children = new Set<string>();
  const names = new Set<string>();
  const nameLengths = new Set<number>();
  for (const c of targets.children) {
    children.add(childKey(c.parent, c.name, c.within));
    names.add(c.name.toLowerCase());
    nameLengths.add(c.name.length);
    // The parent's id must be read to match its children (it need not be located itself).
    idLengths.add(c.parent.length);
  }
  const positions = new Map<string, SourcePosition>();
  const found = new Map<string, Found>();
  const record = (key: string, at: Found) => {
    const before = found.get(key);
    if (before && before.named && !at.named) return;
    found.set(key, at);
  };
  files.forEach((file, source) => scanFile(file.text, source, { ids, idLengths, children, names, nameLengths, reads: options.reads }, record));
  for (const [key, at] of found) positions.set(key, { source: at.source, startLine: at.startLine, startColumn: at.startColumn, endLine: at.endLine, endColumn: at.endColumn });
  return { sources: files.map((f) => f.name), positions };
}

interface Wanted {
  ids: Set<string>;
  idLengths: Set<number>;
  children: Set<string>;
  names: Set<string>;
  nameLengths: Set<number>;
  reads?: (type: string | undefined, id: string) => boolean;
}

function scanFile(text: string, source: number, wanted: Wanted, record: (key: string, at: Found) => void): void {
  const n = text.length;
  let line = 1;
  let lineStart = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  // One entry per open container; objects keep their id, name, whether they have other members, and the named
  // children waiting for an enclosing object with an id.
  const isObject: boolean[] = [];
  const frameId: (string | null)[] = [];
  const frameIdAt: (Found | null)[] = [];
  const frameName: (string | null)[] = [];
  const frameNameAt: (Found | null)[] = [];
  const frameOther: boolean[] = [];
  const framePending: (NamedChild[] | null)[] = [];
  // The object's `name` whatever its length (a rule collection's, for its rules' `within`), its `id` as written and
  // its `type`, and the positions held for it until its top-level entry closes.
  const frameLabel: (string | null)[] = [];
  const frameRawId: (string | null)[] = [];
  const frameType: (string | null)[] = [];
  const frameHeld: (Held[] | null)[] = [];
  let depth = -1;
  let expectKey = false;
  let valueOf = KEY_OTHER;
  let keyAt: { line: number; column: number } | null = null;
  let i = lineStart;

  const nearestObject = (from: number) => {
    let d = from;
    while (d >= 0 && !isObject[d]) d--;
    return d;
  };

  // Positions found inside a resource go up with it; once no object encloses them, they are recorded if the entry
  // they came from is one the loader reads.
  const handUp = (held: Held[]) => {
    const parent = nearestObject(depth - 1);
    if (parent >= 0) {
      const into = (frameHeld[parent] ??= []);
      for (const h of held) into.push(h);
    } else for (const h of held) if (h.read) for (const [key, at] of h.records) record(key, at);
  };

  const closeObject = () => {
    const id = frameId[depth];
    const pending = framePending[depth];
    const name = frameName[depth];
    const named = name !== null;
    const held = frameHeld[depth];
    if (id !== null) {
      const key = resourceKey(id);
      const defined = frameOther[depth] || named;
      // Everything inside this resource, then its own positions, is now judged by this resource's type: the outermost
      // resource decides, as the loader reads only top-level entries.
      const records: [string, Found][] = [];
      if (held) for (const h of held) for (const r of h.records) records.push(r);
      if (defined && wanted.ids.has(key)) records.push([key, { ...frameIdAt[depth]!, named }]);
      if (defined && pending) for (const child of pending) {
        const ck = `${key}\n${child.name}`;
        if (wanted.children.has(ck)) records.push([ck, child.at]);
        if (child.within !== undefined) {
          const wk = `${key}\n${child.within}\n${child.name}`;
          if (wanted.children.has(wk)) records.push([wk, child.at]);
        }
      }
      if (records.length) {
        const raw = frameRawId[depth]!;
        const read = !wanted.reads || wanted.reads(frameType[depth] ?? undefined, raw.includes("\\") ? decode(raw) : raw);
        handUp([{ read, records }]);
      }
    } else {
      if (held) handUp(held);
      if (pending) {
        const parent = nearestObject(depth - 1);
        if (parent >= 0) {
          // The nearest named object without an id around a child is its collection.
          const label = frameLabel[depth];
          const into = (framePending[parent] ??= []);
          for (const child of pending) {
            if (label && child.within === undefined) child.within = label.toLowerCase();
            into.push(child);
          }
        }
      }
    }
    // "" is a name nobody asked for (see the lexer below).
    if (name) {
      const lower = name.toLowerCase();
      if (wanted.names.has(lower)) {
        const parent = nearestObject(depth - 1);
        if (parent >= 0) (framePending[parent] ??= []).push({ name: lower, at: { ...frameNameAt[depth]!, named: true } });
      }
    }
  };

  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      // The closing quote is the first one preceded by an even number of backslashes.
      let end = text.indexOf('"', i + 1);
      while (end > 0) {
        let b = end - 1;
        while (text.charCodeAt(b) === BACKSLASH) b--;
        if ((end - 1 - b) % 2 === 0) break;
        end = text.indexOf('"', end + 1);
      }
      if (end < 0) return;
      if (expectKey && depth >= 0 && isObject[depth]) {
        const kind = keyKind(text, i + 1, end);
        if (kind === KEY_OTHER || kind === KEY_RESOURCE_GROUP) {
          if (kind === KEY_OTHER) frameOther[depth] = true;
          valueOf = KEY_OTHER;
        } else if (kind === KEY_TYPE) {
          frameOther[depth] = true;
          valueOf = KEY_TYPE;
        } else {
          valueOf = kind;
          keyAt = { line, column: i - lineStart + 1 };
        }
        expectKey = false;
      } else if (valueOf !== KEY_OTHER && depth >= 0) {
        const at: Found | null = valueOf === KEY_TYPE ? null : { source, startLine: keyAt!.line, startColumn: keyAt!.column, endLine: line, endColumn: end + 1 - lineStart + 1, named: false };
        if (at === null) {
          frameType[depth] = decode(text.slice(i + 1, end));
        } else if (valueOf === KEY_ID) {
          const raw = text.slice(i + 1, end);
          frameRawId[depth] = raw;
          // Most ids have a length nobody asked for: skip decoding and lower-casing them.
          const value = raw.includes("\\") ? decode(raw) : wanted.idLengths.has(raw.length) ? raw : null;
          if (value !== null) {
            frameId[depth] = value;
            frameIdAt[depth] = at;
          } else {
            // Still an id (so the object is a resource, not a child to propagate), just not one asked for.
            frameId[depth] = "";
            frameIdAt[depth] = at;
          }
        } else {
          const value = decode(text.slice(i + 1, end));
          frameName[depth] = wanted.nameLengths.has(value.length) ? value : "";
          frameNameAt[depth] = at;
          frameLabel[depth] = value;
        }
        valueOf = KEY_OTHER;
      }
      i = end + 1;
      continue;
    }
    switch (c) {
      case NEWLINE:
        line++;
        lineStart = i + 1;
        break;
      case 0x7b: // {
        depth++;
        isObject[depth] = true;
        frameId[depth] = null;
        frameIdAt[depth] = null;
        frameName[depth] = null;
        frameNameAt[depth] = null;
        frameOther[depth] = false;
        framePending[depth] = null;
        frameLabel[depth] = null;
        frameRawId[depth] = null;
        frameType[depth] = null;
        frameHeld[depth] = null;
        expectKey = true;
        valueOf = KEY_OTHER;
        break;
      case 0x5b: // [
        depth++;
        isObject[depth] = false;
        framePending[depth] = null;
        expectKey = false;
        valueOf = KEY_OTHER;
        break;
      case 0x7d: // }
        if (depth >= 0 && isObject[depth]) closeObject();
        depth--;
        expectKey = false;
        valueOf = KEY_OTHER;
        break;
      case 0x5d: // ]
        depth--;
        expectKey = false;
        valueOf = KEY_OTHER;
        break;
      case 0x2c: // ,
        expectKey = depth >= 0 && isObject[depth];
        valueOf = KEY_OTHER;
        break;
      default:
        break;
    }
    i++;
  }
}
