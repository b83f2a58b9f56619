// Turns an ARM REST resource into the flattened form `az` and the SDKs print: every object's
// `properties` lifted to its own level, and `resourceGroup` added next to every id (as az does).
export function flattenResource(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(flattenResource);
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (key === "properties" && typeof field === "object" && field !== null && !Array.isArray(field)) {
      Object.assign(out, flattenResource(field));
    } else {
      out[key] = flattenResource(field);
    }
  }
  const id = out.id;
  if (typeof id === "string") {
    const match = /\/resourceGroups\/([^/]+)/i.exec(id);
    if (match) out.resourceGroup = match[1];
  }
  return out;
}
