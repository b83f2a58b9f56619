// Names in a snapshot are untrusted input (an uploaded file can hold any string), so every renderer
// treats them as data: quoted for its target language, never pasted raw into code or comments.
// Each function here returns a complete literal of its language that evaluates to exactly `s`.

/** A code point that must not appear raw in generated code: C0/C1 controls, DEL, line/paragraph separators, bidi controls. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/;
const CONTROL_G = new RegExp(CONTROL.source, "g");
const SURROGATE = /[\ud800-\udfff]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why a value cannot be rendered in any language (a NUL cannot be an argument; a lone surrogate is not text), or undefined. */
export function unrenderable(s: string): string | undefined {
  if (s.includes("\u0000")) return "holds a NUL character";
  // Most names hold no surrogate at all: a plain scan settles those before the look-around pattern runs.
  if (SURROGATE.test(s) && LONE_SURROGATE.test(s)) return "is not valid Unicode (a lone surrogate)";
  return undefined;
}

export const hasControl = (s: string) => CONTROL.test(s);

// The patterns of the common paths are module constants (a regular expression literal inside a function is a new
// object per call), and a value with nothing to escape is quoted as is: these run for every value of every fix.
const BASH_PLAIN = /^[A-Za-z0-9_.\-/:,+=@%]+$/;
const SINGLE_QUOTE_G = /'/g;
const BASH_ESCAPE_G = /[\\']/g;
const PS_QUOTE = /['\u2018\u2019\u201a\u201b]/;
const PS_QUOTES_G = new RegExp(PS_QUOTE.source, "g");
/** A value Bicep writes as is between quotes: no `\`, `'`, `${`, `//`, `/*`, or control character. */
const BICEP_SPECIAL = new RegExp(`[\\\\']|\\$\\{|\\/[/*]|${CONTROL.source}`);
/** A value HCL writes as is between quotes: no `"`, `\`, `${`, `%{`, or control character. */
const HCL_SPECIAL = new RegExp(`[\\\\"]|[$%]\\{|${CONTROL.source}`);

const psQuote = (t: string) => `'${PS_QUOTE.test(t) ? t.replace(PS_QUOTES_G, (c) => c + c) : t}'`;
const NOT_IDENTIFIER_G = /[^a-z0-9_]+/g;
const EDGE_UNDERSCORES_G = /^_+|_+$/g;
const IDENTIFIER_START = /^[a-z_]/;

const hex = (c: string, width = 4) => c.codePointAt(0)!.toString(16).toUpperCase().padStart(width, "0");
const UTF8 = new TextEncoder();
const utf8Bytes = (c: string) => [...UTF8.encode(c)].map((b) => `\\x${b.toString(16).toUpperCase().padStart(2, "0")}`).join("");

/**
 * A bash word that expands to exactly `s`: plain when it holds only characters bash never interprets,
 * `'…'` otherwise (`'` written as `'\''`), `$'…'` with escapes when it holds control characters.
 * https://www.gnu.org/software/bash/manual/bash.html#Quoting
 */
export function bashWord(s: string): string {
  if (BASH_PLAIN.test(s)) return s;
  if (!hasControl(s)) return `'${s.replace(SINGLE_QUOTE_G, `'\\''`)}'`;
  // A character past ASCII as its UTF-8 bytes: bash reads `\uXXXX` only in a UTF-8 locale (under LC_ALL=C, common in
  // containers and CI, it stays six literal characters), while `\xHH` bytes are the same in every locale.
  return `$'${s.replace(BASH_ESCAPE_G, (c) => `\\${c}`).replace(CONTROL_G, (c) => (c.charCodeAt(0) < 0x80 ? `\\x${hex(c, 2)}` : utf8Bytes(c)))}'`;
}

/**
 * A PowerShell expression that evaluates to exactly `s`: a single-quoted string (PowerShell also takes
 * the typographic quotes ‘ ’ ‚ ‛ as single quotes, so they are doubled too), with control characters
 * spliced in as `[char]0x…`.
 * https://learn.microsoft.com/powershell/module/microsoft.powershell.core/about/about_quoting_rules
 */
export function psString(s: string): string {
  if (!hasControl(s)) return psQuote(s);
  const parts: string[] = [];
  let last = 0;
  for (const m of s.matchAll(CONTROL_G)) {
    if (m.index! > last) parts.push(psQuote(s.slice(last, m.index)));
    parts.push(`[char]0x${hex(m[0])}`);
    last = m.index! + m[0].length;
  }
  if (last < s.length) parts.push(psQuote(s.slice(last)));
  return `(${parts.join(" + ")})`;
}

/**
 * Characters cmd.exe interprets even when PowerShell quotes an argument: on Windows `az` is `az.cmd`,
 * so PowerShell hands its arguments to cmd.exe.
 * https://learn.microsoft.com/cli/azure/use-azure-cli-successfully-quoting#powershell
 */
export const CMD_UNSAFE = /["&|<>^%!`\r\n]/;

/**
 * A Bicep string literal for `s`: `\\`, `\'`, `\${` escaped, control characters as `\u{…}`.
 * https://learn.microsoft.com/azure/azure-resource-manager/bicep/data-types#strings
 */
export function bicepString(s: string): string {
  if (!BICEP_SPECIAL.test(s)) return `'${s}'`;
  const body = s
    .replace(/\\/g, "\\\\")
    .replace(/'/g, "\\'")
    .replace(/\$\{/g, "\\${")
    .replace(CONTROL_G, (c) => (c === "\n" ? "\\n" : c === "\r" ? "\\r" : c === "\t" ? "\\t" : `\\u{${hex(c, 1)}}`))
    // `//` and `/*` inside a string are plain text to Bicep, but a tool with a looser lexer (tree-sitter-bicep,
    // which our tests parse with) can take them for a comment: the second character is written as an escape.
    .replace(/(?<=\/)([/*])/g, (c) => `\\u{${hex(c, 1)}}`);
  return `'${body}'`;
}

/**
 * An HCL quoted template that evaluates to exactly `s`: `"` and `\` escaped, `${` and `%{` doubled
 * so no interpolation or directive starts, control characters as `\uNNNN`.
 * https://developer.hashicorp.com/terraform/language/expressions/strings#escape-sequences
 */
export function hclString(s: string): string {
  if (!HCL_SPECIAL.test(s)) return `"${s}"`;
  const body = s
    .replace(/\\/g, "\\\\")
    .replace(/"/g, '\\"')
    // A function, not a replacement string: in one, "$$" would stand for a single "$".
    .replace(/\$\{/g, () => "$${")
    .replace(/%\{/g, () => "%%{")
    .replace(CONTROL_G, (c) => (c === "\n" ? "\\n" : c === "\r" ? "\\r" : c === "\t" ? "\\t" : `\\u${hex(c)}`));
  return `"${body}"`;
}

/** A name shown to a person (portal steps, summaries): in quotes, control characters made visible as `\u{…}`, cut at 200 characters. */
export function shown(s: string): string {
  const visible = s.replace(CONTROL_G, (c) => `\\u{${hex(c, 1)}}`);
  return `"${visible.length > 200 ? `${visible.slice(0, 200)}…` : visible}"`;
}

/**
 * An identifier for a Bicep symbol or Terraform label derived from a name: `[a-z0-9_]`, starting with
 * a letter or `_`, at most 48 characters, unique within `taken` (a counter is appended on a clash).
 */
export function identifier(name: string, taken: Set<string>, prefix = ""): string {
  let base = `${prefix}${name}`.toLowerCase().replace(NOT_IDENTIFIER_G, "_").replace(EDGE_UNDERSCORES_G, "").slice(0, 48) || "r";
  if (!IDENTIFIER_START.test(base)) base = `_${base}`;
  let id = base;
  for (let i = 2; taken.has(id); i++) id = `${base}_${i}`;
  taken.add(id);
  return id;
}
