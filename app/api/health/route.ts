// GET /api/health - for load balancers and the container's HEALTHCHECK (CONTRACT §5): the process is up, the
// database answers, and which schema it holds. No sign-in (proxy.ts lets it through) and nothing else revealed.
import { NextResponse } from "next/server";
import { databaseTarget, getStore } from "@/lib/store";
import { logEvent } from "@/lib/ops/log";

export const dynamic = "force-dynamic";

const HEADERS = { "cache-control": "no-store" };

/** 200 `{status: "ok", database: "sqlite"|"postgresql", schema: n}`; 503 `{status: "unavailable", database}` when the database cannot be reached. */
export async function GET() {
  let database: "sqlite" | "postgresql" = process.env.DATABASE_URL?.trim() ? "postgresql" : "sqlite";
  try {
    database = databaseTarget().engine;
    const health = await (await getStore()).health();
    return NextResponse.json({ status: "ok", database: health.database, schema: health.schema }, { headers: HEADERS });
  } catch (e) {
    // The reason goes to the log only: a health probe is unauthenticated.
    logEvent("error", "health check: database unavailable", { database, error: (e as Error).message });
    return NextResponse.json({ status: "unavailable", database }, { status: 503, headers: HEADERS });
  }
}
