/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  // Lets parallel builds (tests, benchmarks) keep separate output folders.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  poweredByHeader: false,
  // The engine reads files and Azure from the server only; keep native and SDK modules out of the bundle.
  serverExternalPackages: ["better-sqlite3", "@react-pdf/renderer"],
  experimental: {
    // proxy.ts (auth, CSRF, headers) makes Next buffer request bodies, cut at 10 MB by default: an upload
    // up to the API's own limit (MAX_BODY_BYTES in app/api/_lib/http.ts, 50 MB) must reach the route whole.
    proxyClientMaxBodySize: "50mb",
  },
};
module.exports = nextConfig;
