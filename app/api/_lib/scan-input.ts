// POST /api/scans bodies → the store's CreateScanInput: JSON `{ snapshot, profile?, serviceTags?, label? }` or a
// multipart upload (CONTRACT §5). Runs in the scan worker (scan-worker.ts), so it imports nothing from Next.
import { z } from "zod";
import { InputError, formatJsonPath } from "@/lib/errors";
import type { Role } from "@/lib/model/types";
import { loadSnapshot, parseJsonFile, parseProfile, parseProfileJson, resolveRoles, ROLES, type Source } from "@/lib/snapshot";
import { resolvePlacement } from "@/lib/snapshot/profile";
import { firstDuplicateKey } from "@/lib/snapshot/duplicate-keys";
import type { CreateScanInput, Store } from "@/lib/store";
import { parseEstateName } from "@/lib/store/estates";
import { BadRequest } from "./bad-request";
import { storedProfileAsInput } from "@/lib/snapshot/profile";
import { assertJsonDepth } from "./json-depth";

// Strict: a misspelt key ("profle") is refused, naming it, rather than ignored (the scan would silently have no profile).
const jsonBody = z.strictObject({
  snapshot: z.unknown().refine((v) => v !== undefined && v !== null, "is required"),
  profile: z.unknown().optional(),
  serviceTags: z.unknown().optional(),
  label: z.string().max(200).optional(),
  estate: z.unknown().optional(),
});

/** A JSON file from outside, parsed and checked for depth: one InputError naming the file otherwise. */
function parseFile(name: string, text: string): unknown {
  const value = parseJsonFile(name, text);
  assertJsonDepth(name, value);
  return value;
}

function fromJson(bytes: Uint8Array): CreateScanInput {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
  const value = parseFile("request body", text);
  // A key given twice at the top (a second `snapshot`) or in the profile would be dropped silently by JSON.parse
  // (CONTRACT §1.2: never ignored); a snapshot's own repeated keys are the export's, read as JSON.parse reads them.
  const twice = firstDuplicateKey(text, (path) => path.length === 1 || path[0] === "profile");
  if (twice) throw new InputError("request body", formatJsonPath(twice), "given twice");
  if (!value || typeof value !== "object" || Array.isArray(value)) throw new InputError("request body", "", 'expected an object { "snapshot": ..., "profile"?: ... }');
  const parsed = jsonBody.safeParse(value);
  if (!parsed.success) {
    // An InputError, so the 400 names the file and field (`{"error", "file": "request body", "path": "snapshot"}`).
    const issue = parsed.error.issues[0];
    if (issue.code === "unrecognized_keys") {
      throw new InputError("request body", formatJsonPath([...issue.path, issue.keys[0]]), `unknown key; expected snapshot, profile, serviceTags, label, estate`);
    }
    throw new InputError("request body", formatJsonPath(issue.path), issue.message);
  }
  const body = parsed.data;
  const explicitProfile = body.profile !== undefined && body.profile !== null;
  return {
    sources: [{ name: "snapshot", value: body.snapshot }],
    profile: explicitProfile ? { name: "profile", value: body.profile } : undefined,
    profileReplacesRoles: explicitProfile,
    serviceTags: body.serviceTags !== undefined && body.serviceTags !== null ? { name: "serviceTags", value: body.serviceTags } : undefined,
    label: body.label,
    origin: "api",
    estate: parseEstateName(body.estate, "request body", "estate"),
  };
}


/** A profile's refs that name a subnet of this estate, and the ones that do not (`role: ref`). */
export function matchingProfile(sources: Source[], serviceTags: Source | undefined, profileName: string, profile: unknown): { value: unknown; missing: string[] } {
  if (!profile || typeof profile !== "object") return { value: profile, missing: [] };
  const snapshot = loadSnapshot(sources, { serviceTags });
  const missing: string[] = [];
  const keep = (role: Role, refs: unknown): unknown => {
    if (!Array.isArray(refs)) return refs;
    return refs.filter((ref) => {
      if (typeof ref !== "string") return true;
      const single = { roles: { cyclecloud: [] as string[], cluster: [] as string[], returnProxy: [] as string[], [role]: [ref] } };
      try {
        resolveRoles(snapshot, single, profileName);
        return true;
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        missing.push(`${role} ${ref}`);
        return false;
      }
    });
  };
  const filterRoles = (roles: unknown): unknown => {
    if (!roles || typeof roles !== "object") return roles;
    const out: Record<string, unknown> = { ...(roles as Record<string, unknown>) };
    for (const role of ROLES) if (role in out) out[role] = keep(role, out[role]);
    return out;
  };
  const value: Record<string, unknown> = { ...(profile as Record<string, unknown>) };
  if ("roles" in value) value.roles = filterRoles(value.roles);
  // Deployments carry their role lists inline.
  if (Array.isArray(value.deployments)) value.deployments = value.deployments.map((d: unknown) => ({ ...(filterRoles(d) as Record<string, unknown>) }));
  dropUnplaced(snapshot, profileName, value, missing);
  return { value, missing: [...new Set(missing)] };
}

/**
 * Leaves out of a carried profile (`value`, edited in place) the entries this input cannot place: a CycleCloud server
 * no NIC of it holds, a storage account it does not hold while it holds others, a proxy on the server. They held for
 * the scan the profile comes from; for this input each would be an input error, so each is listed in `missing` as the
 * roles are. Other errors are left for the audit to report.
 */
function dropUnplaced(snapshot: ReturnType<typeof loadSnapshot>, profileName: string, value: Record<string, unknown>, missing: string[]): void {
  for (let tries = 0; tries < 50; tries++) {
    let path: string | undefined;
    try {
      const profile = parseProfile(profileName, value);
      resolvePlacement(snapshot, profile, profileName, resolveRoles(snapshot, profile, profileName));
      return;
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      path = e.path;
    }
    const m = path && /^(?:deployments\[(\d+)\]\.)?(?:(cyclecloudServer)\[(\d+)\]|(storageAccount)|proxy\.address)$/.exec(path);
    if (!m) return;
    const owner = (m[1] !== undefined && Array.isArray(value.deployments) ? value.deployments[Number(m[1])] : value) as Record<string, unknown>;
    if (m[2]) {
      const servers = [...((owner.cyclecloudServer as unknown[]) ?? [])];
      missing.push(`cyclecloudServer ${String(servers[Number(m[3])])}`);
      servers.splice(Number(m[3]), 1);
      owner.cyclecloudServer = servers;
    } else if (m[4]) {
      missing.push(`storageAccount ${String(owner.storageAccount)}`);
      delete owner.storageAccount;
    } else {
      missing.push(`proxy ${String((owner.proxy as { address?: unknown } | undefined)?.address)}`);
      delete owner.proxy;
    }
  }
}

async function fromForm(contentType: string, bytes: Uint8Array, store: () => Promise<Store>): Promise<CreateScanInput> {
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(bytes), { headers: { "content-type": contentType } }).formData();
  } catch {
    throw new InputError("request body", "", "not a readable multipart form");
  }
  const files = async (field: string): Promise<Source[]> => {
    const out: Source[] = [];
    for (const [i, entry] of form.getAll(field).entries()) {
      if (typeof entry === "string") throw new InputError("form", `${field}[${i}]`, "expected a file, not text");
      const name = entry.name || `${field}-${i + 1}.json`;
      const text = await entry.text();
      // A profile file as the CLI reads it: a key given twice is refused (lib/snapshot/profile-text.ts).
      const value = field === "profile" ? parseProfileJson(name, text) : parseFile(name, text);
      if (field === "profile") assertJsonDepth(name, value);
      out.push({ name, value });
    }
    return out;
  };
  const sources = await files("snapshot");
  if (!sources.length) throw new InputError("form", "snapshot", "add at least one snapshot file");
  const profiles = await files("profile");
  if (profiles.length > 1) throw new BadRequest("form: only one profile per scan", profiles[1].name);
  const serviceTags = await files("serviceTags");
  if (serviceTags.length > 1) throw new BadRequest("form: only one service tags file per scan", serviceTags[1].name);
  const givenLabel = form.get("label");
  let label = typeof givenLabel === "string" && givenLabel.trim() ? givenLabel.trim().slice(0, 200) : undefined;
  const estateField = form.get("estate");
  if (estateField !== null && typeof estateField !== "string") throw new InputError("form", "estate", "expected text, not a file");
  const estate = parseEstateName(estateField, "form", "estate");
  let profile = profiles[0];
  if (!profile && form.get("rolesFrom") === "latest") {
    const s = await store();
    // The roles of the latest scan of the same estate (a new estate starts from the newest scan of any).
    const latest = (await s.latestScan(estate)) ?? (await s.latestScan());
    const inputs = latest && (await s.getInputs(latest.id));
    if (inputs) {
      // The form's default: the roles of the latest scan, which may be of another estate. Apply what matches and
      // say in the scan's label (shown on its pages) which refs did not, instead of refusing the upload.
      const name = `profile of scan #${latest.seq}`;
      const matched = matchingProfile(sources, serviceTags[0], name, storedProfileAsInput(inputs.profile));
      profile = { name, value: matched.value };
      if (matched.missing.length) {
        const list = matched.missing.length > 3 ? `${matched.missing.slice(0, 3).join(", ")} and ${matched.missing.length - 3} more` : matched.missing.join(", ");
        const files = sources.map((s) => s.name).join(", ");
        label = `${label ?? `Upload: ${files}`} (roles of scan #${latest.seq}; not in this estate: ${list})`.slice(0, 300);
      }
    }
  }
  // A profile file sent with the upload wins over the estate's dashboard roles; "roles of the latest scan" carries them on.
  return { sources, profile, serviceTags: serviceTags[0], label, origin: "upload", estate, profileReplacesRoles: profiles.length > 0 };
}

/**
 * The body of POST /api/scans as the store's input. Anything malformed is an InputError (→ 400 `{error, file, path?}`)
 * naming the file (`request body`, `form`, an uploaded file's name) and, where there is one, the field; two profile
 * or service tags files are a BadRequest naming the second file, so the upload form marks that file.
 */
export async function scanInputFromBody(contentType: string, bytes: Uint8Array, store: () => Promise<Store>): Promise<CreateScanInput> {
  if (!bytes.byteLength) throw new InputError("request body", "", 'empty; send JSON { "snapshot": ..., "profile"?: ... }');
  return contentType.toLowerCase().startsWith("multipart/form-data") ? fromForm(contentType, bytes, store) : fromJson(bytes);
}
