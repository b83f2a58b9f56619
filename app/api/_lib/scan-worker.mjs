// Worker entry: plain JS, so Node can start it; it loads the TypeScript worker through tsx (a runtime dependency),
// as lib/report/pdf-worker.mjs does.
import { tsImport } from "tsx/esm/api";

await tsImport("./scan-worker.ts", import.meta.url);
