// Small helpers the dashboard specs share: finding the seeded scans through the API, reading downloads.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import type { APIRequestContext, Download } from "@playwright/test";

export interface ScanListItem {
  id: string;
  seq: number;
  url: string;
  label: string;
  origin: string;
  summary: { subnets: number; pass: number; warn: number; fail: number; unscoped: number };
}

export async function listScans(request: APIRequestContext): Promise<ScanListItem[]> {
  const res = await request.get("/api/scans");
  if (!res.ok()) throw new Error(`GET /api/scans answered ${res.status()}`);
  return res.json();
}

/** The two scans the server was seeded with: the demo estate's earlier state and its current state. */
export async function demoScans(request: APIRequestContext): Promise<{ current: ScanListItem; older: ScanListItem }> {
  const scans = (await listScans(request)).filter((s) => s.origin === "demo");
  const current = scans.find((s) => !/earlier/.test(s.label));
  const older = scans.find((s) => /earlier/.test(s.label));
  if (!current || !older) throw new Error(`seeded demo scans not found: ${JSON.stringify(scans)}`);
  return { current, older };
}

export async function downloadText(download: Download): Promise<string> {
  const file = await download.path();
  return readFileSync(file, "utf8");
}

export async function pdfText(download: Download): Promise<string> {
  const file = await download.path();
  return execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" });
}

/** RFC 4180 rows (the exports use CRLF and quote fields with commas, quotes or line breaks). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(cell);
      cell = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i++;
    } else cell += c;
  }
  return rows;
}
