/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  // Lets parallel builds (tests, benchmarks) keep separate output folders.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  poweredByHeader: false,
  // The engine reads files and Azure from the server only; keep native and SDK modules out of the bundle.
  serverExternalPackages: ["better-sqlite3", "@react-pdf/renderer"],
};
module.exports = nextConfig;
