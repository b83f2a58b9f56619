const standalone = process.env.NEXT_OUTPUT === "standalone";

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  // Lets parallel builds (tests, benchmarks) keep separate output folders.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // NEXT_OUTPUT=standalone (the Dockerfile sets it): a self-contained server.js with only the node_modules it needs.
  // Off otherwise, so `npm start` (next start) keeps serving the ordinary build.
  ...(standalone ? { output: "standalone" } : {}),
  // The standalone server has no sources for its worker threads (upload audits, big PDFs) to load through tsx: bundle
  // each worker (scripts/bundle-workers.mjs) into <distDir>/workers, which the Dockerfile copies to /app/workers.
  ...(standalone
    ? {
        compiler: {
          runAfterProductionCompile: async ({ projectDir, distDir }) => {
            const { bundleWorkers } = await import("./scripts/bundle-workers.mjs");
            await bundleWorkers(projectDir, `${distDir}/workers`);
          },
        },
      }
    : {}),
  // The standalone trace misses files playwright-core reads at run time (browsers.json): the PDF export needs them all.
  outputFileTracingIncludes: { "/**": ["./node_modules/playwright-core/**/*"] },
  poweredByHeader: false,
  // The engine reads files and Azure from the server only; keep native and SDK modules out of the bundle.
  serverExternalPackages: ["better-sqlite3"],
  experimental: {
    // proxy.ts (auth, CSRF, headers) makes Next buffer request bodies, cut at 10 MB by default: an upload
    // up to the API's own limit (MAX_BODY_BYTES in app/api/_lib/http.ts, 50 MB) must reach the route whole.
    // 1 MB more than that, because Next drops the whole chunk that crosses its limit and ends the body there:
    // at exactly 50 MB a bigger chunked upload would reach the route cut short (as "invalid JSON"); with the
    // margin the route sees more than 50 MB and answers 413.
    proxyClientMaxBodySize: 51 * 1024 * 1024,
  },
};
module.exports = nextConfig;
