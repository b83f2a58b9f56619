// Messages between the server and the scan worker (scan-jobs.ts ↔ scan-worker.ts).
import type { ScanRecord } from "@/lib/store";

export interface ScanJobRequest {
  id: number;
  contentType: string;
  bytes: Uint8Array;
}

export type ScanJobReply =
  | { ready: true }
  | { id: number; ok: true; scan: Pick<ScanRecord, "id" | "summary"> }
  | { id: number; ok: false; kind: "input"; file: string; path: string; detail: string }
  | { id: number; ok: false; kind: "bad-request"; message: string; file?: string; status: number }
  | { id: number; ok: false; kind: "internal"; message: string };
