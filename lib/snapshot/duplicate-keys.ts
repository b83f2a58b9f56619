// JSON.parse keeps the last of two equal keys in an object without a word (`{"roles": {...}, "roles": {...}}` drops
// the first). For a small hand-written file such as the profile, that silently drops a setting: this scan finds the
// first key given twice, so the reader can refuse it naming the path (CONTRACT §1.2: never ignored).
import type { JsonPath } from "./validate";

interface Frame {
  /** Where this object or array sits in the document. */
  path: JsonPath;
  /** The keys seen so far (decoded), for an object; undefined for an array. */
  keys?: Set<string>;
  /** In an object: the last key read; in an array: the index of the current item. */
  at: string | number;
  /** In an object: the next string is a key (after `{` or `,`), not a value. */
  expectKey: boolean;
}

/**
 * The JSON path of the first object key given twice in `text` for which `wanted` holds (every one by default) (`["roles"]`, `["deployments", 0, "name"]`), or
 * undefined when every object's keys are distinct. Keys are compared as JSON.parse decodes them (`"a"` and
 * `"\u0061"` are one key). `text` must be JSON that JSON.parse accepts (a leading byte-order mark is skipped): the scan
 * trusts its syntax and reads each token once, linear in its length.
 */
export function firstDuplicateKey(text: string, wanted: (path: JsonPath) => boolean = () => true): JsonPath | undefined {
  const stack: Frame[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  /** Where a value starting now sits: the root, an object's key, or an array's index. */
  const valuePath = (): JsonPath => {
    const top = stack[stack.length - 1];
    return top ? [...top.path, top.at] : [];
  };
  while (i < text.length) {
    const c = text[i];
    if (c === "{" || c === "[") {
      stack.push({ path: valuePath(), ...(c === "{" ? { keys: new Set<string>() } : {}), at: c === "{" ? "" : 0, expectKey: c === "{" });
      i++;
    } else if (c === "}" || c === "]") {
      stack.pop();
      i++;
    } else if (c === ",") {
      const top = stack[stack.length - 1];
      if (top?.keys) top.expectKey = true;
      else if (top) top.at = (top.at as number) + 1;
      i++;
    } else if (c === '"') {
      let end = i + 1;
      // A backslash escapes the next character (`\"`, `\\`), so skip both.
      while (text[end] !== '"') end += text[end] === "\\" ? 2 : 1;
      const top = stack[stack.length - 1];
      if (top?.keys && top.expectKey) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (top.keys.has(key) && wanted([...top.path, key])) return [...top.path, key];
        top.keys.add(key);
        top.at = key;
        top.expectKey = false;
      }
      i = end + 1;
    } else i++;
  }
  return undefined;
}
