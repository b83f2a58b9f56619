// JSON files from users: one clear line for an empty or malformed file, with line and column.
import { InputError } from "@/lib/errors";

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES = new Set(['"', "\\", "/", "b", "f", "n", "r", "t"]);
const HEX4 = /^[0-9a-fA-F]{4}$/;

interface JsonProblem {
  offset: number;
  problem: string;
}

function show(ch: string): string {
  return ch === "'" ? `"'"` : `'${ch}'`;
}

/** Scans a string literal starting at the quote; returns the offset after it, or the problem. */
function scanString(text: string, start: number): number | JsonProblem {
  for (let j = start + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 34) return j + 1;
    if (c < 0x20) return { offset: j, problem: "line break or control character inside a string" };
    if (c === 92) {
      const next = text[j + 1];
      if (next === "u" && HEX4.test(text.slice(j + 2, j + 6))) j += 5;
      else if (next !== undefined && ESCAPES.has(next)) j += 1;
      else return { offset: j, problem: "bad escape in a string" };
    }
  }
  return { offset: start, problem: "string is not closed" };
}

/**
 * Finds the first syntax error. V8's messages name a position only for some errors, so the
 * position comes from this small scanner, run only after JSON.parse has failed.
 */
export function locateJsonError(text: string): JsonProblem | undefined {
  const stack: string[] = [];
  let state: "value" | "valueOrEnd" | "key" | "keyOrEnd" | "after" = "value";
  let i = 0;
  for (;;) {
    while (i < text.length && " \t\n\r".includes(text[i])) i++;
    if (i >= text.length) {
      return state === "after" && stack.length === 0 ? undefined : { offset: i, problem: "file ends too early" };
    }
    const ch = text[i];
    if (state === "valueOrEnd" && ch === "]") {
      stack.pop();
      i++;
      state = "after";
      continue;
    }
    if (state === "keyOrEnd" && ch === "}") {
      stack.pop();
      i++;
      state = "after";
      continue;
    }
    if (state === "value" || state === "valueOrEnd") {
      if (ch === "{" || ch === "[") {
        stack.push(ch);
        i++;
        state = ch === "{" ? "keyOrEnd" : "valueOrEnd";
        continue;
      }
      if (ch === '"') {
        const end = scanString(text, i);
        if (typeof end !== "number") return end;
        i = end;
      } else if (ch === "-" || (ch >= "0" && ch <= "9")) {
        NUMBER.lastIndex = i;
        if (!NUMBER.test(text)) return { offset: i, problem: "malformed number" };
        i = NUMBER.lastIndex;
      } else {
        const literal = ["true", "false", "null"].find((word) => text.startsWith(word, i));
        if (!literal) return { offset: i, problem: `expected a value, found ${show(ch)}` };
        i += literal.length;
      }
      state = "after";
      continue;
    }
    if (state === "key" || state === "keyOrEnd") {
      if (ch !== '"') return { offset: i, problem: `expected a property name in double quotes, found ${show(ch)}` };
      const end = scanString(text, i);
      if (typeof end !== "number") return end;
      i = end;
      while (i < text.length && " \t\n\r".includes(text[i])) i++;
      if (text[i] !== ":") return { offset: i, problem: "expected ':' after the property name" };
      i++;
      state = "value";
      continue;
    }
    // state === "after": a value has just ended.
    const open = stack[stack.length - 1];
    if (open === undefined) return { offset: i, problem: `unexpected ${show(ch)} after the JSON value` };
    const close = open === "{" ? "}" : "]";
    if (ch === ",") {
      i++;
      state = open === "{" ? "key" : "value";
    } else if (ch === close) {
      stack.pop();
      i++;
    } else {
      return { offset: i, problem: `expected ',' or '${close}', found ${show(ch)}` };
    }
  }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let at = text.indexOf("\n"); at !== -1 && at < offset; at = text.indexOf("\n", at + 1)) {
    line++;
    lineStart = at + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * Whether text decoded as UTF-8 was written as UTF-16 (Windows PowerShell 5.1's `>` and `Out-File` default): its
 * byte-order mark (FF FE or FE FF) decodes to two U+FFFD, and without one every other character of ASCII text is NUL.
 * Checked only once JSON.parse has failed, so a valid file never pays for it.
 */
function looksLikeUtf16(text: string): boolean {
  if (text.startsWith("\uFFFD\uFFFD")) return true;
  // An undecoded UTF-16 BOM, when the caller decoded the bytes as latin1 or left them to a lenient decoder.
  if (text.startsWith("\u00FF\u00FE") || text.startsWith("\u00FE\u00FF")) return true;
  return text.length >= 2 && (text.charCodeAt(0) === 0 || text.charCodeAt(1) === 0);
}

const UTF16_HINT = "file is UTF-16; save it as UTF-8 (PowerShell: Out-File -Encoding utf8)";

/** A file's text without a UTF-8 byte-order mark; an InputError naming the file when nothing but space is left. */
function jsonBody(name: string, text: string): string {
  // PowerShell's `az ... > file.json` writes a byte-order mark.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (!/\S/.test(body)) throw new InputError(name, "", "file is empty");
  return body;
}

/**
 * A JSON input file's text (decoded as UTF-8) parsed. A UTF-8 byte-order mark (PowerShell 7's `Out-File -Encoding
 * utf8BOM`, Notepad) is skipped. Throws an InputError naming the file: empty, UTF-16, or the line and column of the
 * first syntax error.
 */
export function parseJsonFile(name: string, text: string): unknown {
  const body = jsonBody(name, text);
  try {
    return JSON.parse(body);
  } catch (error) {
    throw syntaxError(name, body, error);
  }
}

/**
 * The one-line InputError for text JSON.parse refused: UTF-16, or the line, column and problem of the first error
 * (from `base` on). `snapshot`: a second document after the first says to give each output its own file.
 */
function syntaxError(name: string, body: string, error: unknown, base = 0, snapshot = false): InputError {
  if (base === 0 && looksLikeUtf16(body)) return new InputError(name, "", UTF16_HINT);
  const found = locateJsonError(body.slice(base)) ?? { offset: 0, problem: (error as Error).message };
  const { line, column } = lineAndColumn(body, base + found.offset);
  return new InputError(name, `line ${line}, column ${column}`, `invalid JSON: ${found.problem}${snapshot && secondDocument(found) ? `; ${ONE_OUTPUT_PER_FILE}` : ""}`);
}

const secondDocument = (found: JsonProblem) => /^unexpected '[[{]' after the JSON value$/.test(found.problem);
const ONE_OUTPUT_PER_FILE = "two JSON documents in one file: give each output as its own snapshot file (-s FILE)";

/**
 * A snapshot file's text parsed (CONTRACT §1.1), as parseJsonFile, plus `az ... list` outputs concatenated into one
 * file (`az network vnet list > all.json; az network nsg list >> all.json`): JSON arrays one after another, read as
 * one array of their resources. Other documents one after another (two `{"value": [...]}` pages, an array and an
 * object) stay an InputError at the second, which says to give each output its own file: merging them could join
 * shapes the loader reads differently (a Resource Graph page's `totalRecords` with another query's rows).
 */
export function parseSnapshotJson(name: string, text: string): unknown {
  const body = jsonBody(name, text);
  try {
    return JSON.parse(body);
  } catch (error) {
    const first = locateJsonError(body);
    if (!first || !secondDocument(first) || body.trimStart()[0] !== "[" || body[first.offset] !== "[") throw syntaxError(name, body, error, 0, true);
    return concatenatedArrays(name, body);
  }
}

/** The items of arrays written one after another (`[...] [...]`), in order; an InputError at the first part that is not one. */
function concatenatedArrays(name: string, body: string): unknown[] {
  const items: unknown[] = [];
  for (let at = 0; at < body.length; ) {
    while (at < body.length && " \t\n\r".includes(body[at])) at++;
    if (at >= body.length) break;
    if (body[at] !== "[") {
      const { line, column } = lineAndColumn(body, at);
      throw new InputError(name, `line ${line}, column ${column}`, `invalid JSON: expected another array after the arrays before it (concatenated az ... list outputs); ${ONE_OUTPUT_PER_FILE}`);
    }
    const problem = locateJsonError(body.slice(at));
    const end = problem && secondDocument(problem) ? at + problem.offset : problem ? -1 : body.length;
    if (end < 0) throw syntaxError(name, body, new Error("invalid JSON"), at, true);
    const part = JSON.parse(body.slice(at, end)) as unknown[];
    for (const item of part) items.push(item);
    at = end;
  }
  return items;
}
