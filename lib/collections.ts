// Small collection helpers the engine uses in many places.

/** Appends `value` to the list `map` holds under `key`, starting the list when there is none (a multimap's add). */
export function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
