// Picks rule priorities for fixes: free in the NSG (no collision, in either direction, with a rule
// there or with another fix of the same audit, so every suggested fix can be pasted together) and
// lower-numbered than the rule that currently decides, so the new rule wins.
import type { Nsg } from "../model/types";

export const MIN_PRIORITY = 100;
export const MAX_PRIORITY = 4096;

export class PriorityAllocator {
  private used = new Map<string, Set<number>>();
  private collections = new Map<string, Set<number>>();
  private cursors = new Map<string, number>();

  /**
   * A free rule collection priority in a group (or classic firewall) `scope`, above every collection it holds
   * (`held`): the next hundred, or the next number free of what earlier fixes of this audit took, reserved so that
   * fixes applied together never share a priority. Undefined past 65,000, the highest Azure accepts.
   * https://learn.microsoft.com/azure/firewall/rule-processing
   */
  pickCollection(scope: string, held: readonly number[]): number | undefined {
    let taken = this.collections.get(scope);
    if (!taken) this.collections.set(scope, (taken = new Set()));
    const top = held.length ? Math.max(...held) : 100;
    const start = top + 100 - (top % 100);
    // Every number from `start` up to the cursor is taken by an earlier pick, so a scope with thousands of
    // picks (one per subnet behind a hub firewall) costs one step per pick, not a walk over all of them.
    const cursorKey = `${scope}|${start}`;
    let p = this.cursors.get(cursorKey) ?? start;
    while (p <= 65000 && taken.has(p)) p++;
    this.cursors.set(cursorKey, p);
    for (; p <= 65000; p++) {
      if (taken.has(p) || held.includes(p)) continue;
      taken.add(p);
      return p;
    }
    return undefined;
  }

  private usedIn(nsg: Nsg): Set<number> {
    let set = this.used.get(nsg.key);
    if (!set) {
      set = new Set(nsg.securityRules.map((r) => r.priority));
      this.used.set(nsg.key, set);
    }
    return set;
  }

  /** The lowest free priority strictly above `after`, reserved; undefined when none is left (to move a rule out of the way). */
  pickAbove(nsg: Nsg, after: number): number | undefined {
    const used = this.usedIn(nsg);
    for (let p = Math.max(after + 1, MIN_PRIORITY); p <= MAX_PRIORITY; p++) {
      if (!used.has(p)) {
        used.add(p);
        return p;
      }
    }
    return undefined;
  }

  private moved = new Map<string, number>();

  /**
   * Where earlier fixes of this audit moved a rule (each one that needs a slot below it moves it one free
   * slot further and takes the slot it left), so all of them can be applied together.
   */
  movedTo(nsg: Nsg, ruleName: string): number | undefined {
    return this.moved.get(`${nsg.key}|${ruleName.toLowerCase()}`);
  }

  recordMove(nsg: Nsg, ruleName: string, to: number): void {
    this.moved.set(`${nsg.key}|${ruleName.toLowerCase()}`, to);
  }

  /** The highest free priority strictly below `winsOver`, or undefined when none is left. */
  pick(nsg: Nsg, winsOver: number): number | undefined {
    const used = this.usedIn(nsg);
    for (let p = Math.min(winsOver - 1, MAX_PRIORITY); p >= MIN_PRIORITY; p--) {
      if (!used.has(p)) {
        used.add(p);
        return p;
      }
    }
    return undefined;
  }
}

/** A rule name not yet used in the NSG. */
export function freeRuleName(nsg: Nsg | undefined, wanted: string, taken: Set<string> = new Set()): string {
  const names = new Set([...(nsg?.securityRules ?? []).map((r) => r.name.toLowerCase()), ...taken]);
  let name = wanted;
  for (let i = 2; names.has(name.toLowerCase()); i++) name = `${wanted}-${i}`;
  taken.add(name.toLowerCase());
  return name;
}
