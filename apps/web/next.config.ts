import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Workspace packages export TypeScript source (no build step): Next compiles them.
  transpilePackages: [
    "@fanout/api",
    "@fanout/auth",
    "@fanout/config",
    "@fanout/db",
    "@fanout/engine",
    "@fanout/logger",
    "@fanout/validators",
  ],
  // Native-ish or worker-thread-using server libraries break when bundled: load them from node_modules.
  serverExternalPackages: ["bullmq", "ioredis", "pg", "@prisma/adapter-pg", "@prisma/client", "pino", "pino-pretty", "thread-stream"],
  poweredByHeader: false,
  reactStrictMode: true,
  // forbidden() answers 403 for the admin console (server-enforced, not just hidden).
  experimental: { authInterrupts: true },
};

export default nextConfig;
