// Messages between the server and the scan worker (scan-jobs.ts ↔ scan-worker.ts).
import type { RoleChoice, ScanRecord } from "@/lib/store";

/**
 * A scan worker's job: audit an upload and store it (POST /api/scans), or set a subnet's role in the dashboard and
 * store the latest scan re-audited with it (POST /api/roles; role null = back to the profile's).
 */
export type ScanJob =
  | { kind: "upload"; contentType: string; bytes: Uint8Array }
  | { kind: "role"; subnetId: string; role: RoleChoice | null; deployment?: string | null; estate?: string };

export type ScanJobRequest = ScanJob & { id: number };

/** The stored scan a job produced. */
export type ScanJobScan = Pick<ScanRecord, "id" | "summary" | "label">;

export type ScanJobReply =
  | { ready: true }
  // scan null: a role reset for a subnet that had no role set in the dashboard (nothing was stored).
  | { id: number; ok: true; scan: ScanJobScan | null }
  | { id: number; ok: false; kind: "input"; file: string; path: string; detail: string }
  | { id: number; ok: false; kind: "bad-request"; message: string; file?: string; status: number }
  | { id: number; ok: false; kind: "internal"; message: string };
