// GET|POST /api/auth/* - next-auth's sign-in, callback, session and sign-out endpoints (404 in local mode)
import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { authOptions } from "@/lib/auth/options";

type Context = { params: Promise<{ nextauth: string[] }> };

async function handle(request: NextRequest, context: Context): Promise<Response> {
  const options = authOptions();
  if (!options) return Response.json({ error: "Sign-in is not configured on this server" }, { status: 404 });
  return NextAuth(request as never, context as never, options);
}

export { handle as GET, handle as POST };
