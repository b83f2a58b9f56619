// A map that reads through to a base map, with a few entries replaced: applying a fix to a snapshot of
// 10,000 subnets changes one or two entries, and copying every map for each fix would make
// verification quadratic.
export class OverlayMap<K, V> extends Map<K, V> {
  constructor(
    private readonly base: ReadonlyMap<K, V>,
    overrides: Iterable<[K, V]> = [],
  ) {
    super(overrides);
  }
  override get(key: K): V | undefined {
    return super.has(key) ? super.get(key) : this.base.get(key);
  }
  override has(key: K): boolean {
    return super.has(key) || this.base.has(key);
  }
  override get size(): number {
    let n = this.base.size;
    for (const k of super.keys()) if (!this.base.has(k)) n++;
    return n;
  }
  override *entries(): MapIterator<[K, V]> {
    for (const [k, v] of this.base) yield [k, super.has(k) ? super.get(k)! : v];
    for (const [k, v] of super.entries()) if (!this.base.has(k)) yield [k, v];
  }
  override *keys(): MapIterator<K> {
    for (const [k] of this.entries()) yield k;
  }
  override *values(): MapIterator<V> {
    for (const [, v] of this.entries()) yield v;
  }
  override [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }
  override forEach(fn: (value: V, key: K, map: Map<K, V>) => void, thisArg?: unknown): void {
    for (const [k, v] of this.entries()) fn.call(thisArg, v, k, this);
  }
}
