#!/usr/bin/env node
// `npm run query`: one flow through every stage of the path (cli/query.ts), bundled on first use.
import { runBundled } from "./run-bundled.mjs";

await runBundled("query");
