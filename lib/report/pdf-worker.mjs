// Worker entry: plain JS, so Node can start it; it loads the TypeScript worker through tsx (a runtime dependency).
import { tsImport } from "tsx/esm/api";

await tsImport("./pdf-worker.ts", import.meta.url);
