// What an uploaded JSON file is (Azure resources, a profile, service tags) and whether the server will take it as
// that, decided in the browser by the server's own functions: `looksLikeProfile` and `parseProfile` for profiles
// (lib/snapshot/parse-profile.ts), `unwrapSource` for snapshots (lib/snapshot/source-shapes.ts), which refuses a
// profile or service tags file given as Azure resources. So the form's "Use as" default and its red line agree with
// what POST /api/scans does with the file (README "Inputs", "Dashboard").
import { InputError } from "@/lib/errors";
import type { Profile } from "@/lib/model/types";
import { SINGLE_DEPLOYMENT, looksLikeProfile, looksLikeServiceTags, parseProfile } from "@/lib/snapshot/parse-profile";
import { unwrapSource } from "@/lib/snapshot/source-shapes";
import { isEffectiveRouteRow, isEffectiveRouteTable, readEffectiveRouteTable, rowsWithoutNic } from "@/lib/snapshot/read-effective-routes";

export type UploadKind = "snapshot" | "profile" | "serviceTags";

export interface UploadCheck {
  /** One line on what the file holds, shown beside its size. */
  summary?: string;
  /** The server's own one-line error for this file taken as this kind (`file: path: message`). */
  error?: string;
  /** What the server accepts but reads nothing from, said beside the file rather than dropped silently. */
  notice?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The kind a parsed file is most likely meant as: a profile when it has the profile's keys (`roles`, `deployments`,
 * `cyclecloudServer`, `proxy`, `storageAccount`) and no resource list, service tags when it is `{ "values": [...] }`
 * (ServiceTags_Public_*.json), else Azure resources.
 */
export function detectKind(value: unknown): UploadKind {
  if (looksLikeProfile(value)) return "profile";
  if (looksLikeServiceTags(value)) return "serviceTags";
  return "snapshot";
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? "" : "s"}`;

/** "prod: 1 CycleCloud, 2 cluster subnets; CycleCloud server, proxy, storage account" per deployment. */
function profileSummary(profile: Profile): string {
  const deployments = profile.deployments ?? [{ name: SINGLE_DEPLOYMENT, roles: profile.roles, cyclecloudServer: [] }];
  const parts = deployments.map((d) => {
    const roles = [`${d.roles.cyclecloud.length} CycleCloud`, `${d.roles.cluster.length} cluster`, ...(d.roles.returnProxy.length ? [`${d.roles.returnProxy.length} return proxy`] : [])];
    const named = [...(d.cyclecloudServer.length ? ["CycleCloud server"] : []), ...(d.proxy ? ["proxy"] : []), ...(d.storageAccount ? ["storage account"] : [])];
    const text = `${roles.join(", ")} subnets${named.length ? `; ${named.join(", ")}` : ""}`;
    return deployments.length === 1 && d.name === SINGLE_DEPLOYMENT ? `roles: ${text}` : `${d.name}: ${text}`;
  });
  const head = profile.deployments && !(deployments.length === 1 && deployments[0].name === SINGLE_DEPLOYMENT) ? `profile, ${plural(deployments.length, "deployment")} · ` : "profile · ";
  return head + parts.join(" · ");
}

function messageOf(e: unknown): string {
  if (e instanceof InputError) return e.message;
  throw e;
}

/** The file checked as `kind`, as the server will check it. */
export function checkAs(kind: UploadKind, name: string, value: unknown): UploadCheck {
  if (kind === "profile") {
    try {
      return { summary: profileSummary(parseProfile(name, value)) };
    } catch (e) {
      return { error: messageOf(e) };
    }
  }
  if (kind === "serviceTags") {
    const list = Array.isArray(value) ? value : isObject(value) ? value.values : undefined;
    return Array.isArray(list) ? { summary: plural(list.length, "service tag") } : { error: `${name}: expected service tags ({"values": [...]})` };
  }
  try {
    const { items, listAt } = unwrapSource(name, value);
    // A NIC's effective route table, checked as the loader checks it (lib/snapshot/read-effective-routes.ts).
    if (isObject(value) && isEffectiveRouteTable(value)) {
      const t = readEffectiveRouteTable(value, name, []);
      const learned = t.routes.filter((r) => r.source.toLowerCase() === "virtualnetworkgateway").length;
      return { summary: `effective route table of NIC ${t.nicId.split("/").pop()}, ${plural(t.routes.length, "route")} (${learned} learned over BGP)` };
    }
    if (listAt && items.length && items.every((i) => isObject(i) && isEffectiveRouteRow(i))) return { error: rowsWithoutNic(name, listAt, 0).message };
    if (listAt || (isObject(value) && typeof value.type === "string")) return { summary: plural(items.length, "resource") };
    // An untyped object the loader reads only when its id names a type it knows (README "Inputs").
    if (isObject(value) && typeof value.id === "string") return { summary: "1 resource without a type (read by its id)" };
    const keys = isObject(value) ? Object.keys(value).slice(0, 4).join(", ") : "";
    return { notice: `No Azure resource here: an object without "type", "id" or a resource list ("value", "data", "resources")${keys ? `, with keys ${keys}` : ""}. The audit reads nothing from it; is it another kind of file?` };
  } catch (e) {
    return { error: messageOf(e) };
  }
}

/** The kind a parsed file is taken as by default, and what the server will make of it as that. */
export function classifyUpload(name: string, value: unknown): UploadCheck & { kind: UploadKind } {
  const kind = detectKind(value);
  return { kind, ...checkAs(kind, name, value) };
}
