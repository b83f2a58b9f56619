// Reading the store's own copy of an earlier scan's input (LoadOptions `stored`): refusals added since that scan was
// audited must not keep its pages from opening (the contract: bad input never loses data already saved). Checks deep
// in the schemas ask `readingStored()` rather than taking an option through every reader; loadSnapshot is
// synchronous, so the flag holds exactly while it runs.
let depth = 0;

/** Whether the sources being read are a stored scan's, already audited. */
export function readingStored(): boolean {
  return depth > 0;
}

/** Runs `read` as a read of stored sources (`readingStored()` is true inside it). */
export function asStoredRead<T>(read: () => T): T {
  depth++;
  try {
    return read();
  } finally {
    depth--;
  }
}
