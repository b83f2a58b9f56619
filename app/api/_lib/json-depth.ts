// Deeply nested JSON parses fine (V8's JSON.parse is iterative) but overflows the stack of every recursive walk
// after it (validation, JSON.stringify when a scan is stored): refuse it at the door, naming where it gets too deep.
import { InputError, formatJsonPath } from "@/lib/errors";

/** Far deeper than any Azure resource (an NSG rule sits about 8 levels down; a saved snapshot adds 2). */
export const MAX_JSON_DEPTH = 256;

/**
 * Throws an InputError (`file: json.path: nested deeper than N levels`) when `value` nests objects/arrays more
 * than `max` levels deep. Iterative, so it cannot itself overflow; O(size of the value).
 */
export function assertJsonDepth(file: string, value: unknown, max = MAX_JSON_DEPTH): void {
  // Paths are rebuilt only for the one node that fails: each entry keeps its parent link and key.
  type Node = { value: unknown; depth: number; parent?: Node; key?: PropertyKey };
  const pathOf = (node: Node): PropertyKey[] => {
    const out: PropertyKey[] = [];
    for (let n: Node | undefined = node; n?.parent; n = n.parent) out.push(n.key!);
    return out.reverse();
  };
  const todo: Node[] = [{ value, depth: 0 }];
  while (todo.length) {
    const node = todo.pop()!;
    const v = node.value;
    if (v === null || typeof v !== "object") continue;
    if (node.depth >= max) {
      const path = pathOf(node);
      const shown = path.length > 8 ? `${formatJsonPath(path.slice(0, 6))}…(${path.length - 6} more levels)` : formatJsonPath(path);
      throw new InputError(file, shown, `nested deeper than ${max} levels; Azure exports are never this deep`);
    }
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) if (v[i] !== null && typeof v[i] === "object") todo.push({ value: v[i], depth: node.depth + 1, parent: node, key: i });
    } else {
      for (const key of Object.keys(v)) {
        const child = (v as Record<string, unknown>)[key];
        if (child !== null && typeof child === "object") todo.push({ value: child, depth: node.depth + 1, parent: node, key });
      }
    }
  }
}
