import type { Report } from "./types";

/** The report of CONTRACT §3, as the CLI prints it and the API serves it. */
export function renderJson(report: Report): string {
  return JSON.stringify(report, null, 2) + "\n";
}

/** Subnets per piece: large enough that a piece costs one JSON.stringify call, small enough to stay a few MB. */
const BATCH = 64;

const utf8 = (text: string) => Buffer.from(text, "utf8");

/**
 * The same bytes as `renderJson`, as UTF-8 pieces of up to BATCH subnets, so a 10,000-subnet report (~240 MB)
 * is written without first being held as one string and again as one buffer. Each piece is stringified
 * inside a stand-in object of the same depth, so JSON.stringify itself indents it as it would in the whole
 * report; the stand-in's ASCII head and tail are cut off the encoded bytes (a view, not a copy), because
 * cutting the string first would copy every piece once more before encoding.
 */
export function* renderJsonChunks(report: Report): Generator<Uint8Array> {
  const entries = Object.entries(report).filter(([, v]) => v !== undefined && typeof v !== "function" && typeof v !== "symbol");
  if (entries.length === 0) {
    yield utf8("{}\n");
    return;
  }
  yield utf8("{");
  for (let i = 0; i < entries.length; i++) {
    const [key, value] = entries[i];
    const head = `${i ? "," : ""}\n  ${JSON.stringify(key)}: `;
    if (key === "subnets" && Array.isArray(value) && value.length) {
      yield utf8(`${head}[`);
      for (let j = 0; j < value.length; j += BATCH) {
        // `{\n  "s": [` … `\n  ]\n}` around the elements, each already at the report's depth.
        const wrapped = utf8(JSON.stringify({ s: value.slice(j, j + BATCH) }, null, 2));
        if (j) yield utf8(",");
        yield wrapped.subarray(WRAP_HEAD.length, wrapped.length - WRAP_TAIL.length);
      }
      yield utf8("\n  ]");
    } else yield utf8(head + (JSON.stringify(value, null, 2) ?? "null").replaceAll("\n", "\n  "));
  }
  yield utf8("\n}\n");
}

const WRAP_HEAD = '{\n  "s": [';
const WRAP_TAIL = "\n  ]\n}";
