#!/usr/bin/env node
// `npm run audit`: the audit CLI (cli/audit.ts), bundled on first use (scripts/run-bundled.mjs).
import { runBundled } from "./run-bundled.mjs";

await runBundled("audit");
