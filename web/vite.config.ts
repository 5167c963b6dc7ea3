import preact from "@preact/preset-vite";
import { defineConfig } from "vitest/config";

// The app is served by the Python server at `/`; `npm run dev` proxies the API to `make run`.
const api = process.env.CARTABLE_API ?? "http://127.0.0.1:8000";

export default defineConfig({
  plugins: [preact({ prerender: { enabled: false } })],
  build: {
    outDir: "dist",
    assetsDir: "assets",
    sourcemap: false,
    target: "es2022",
    reportCompressedSize: true,
  },
  server: {
    proxy: {
      "/graphql": { target: api, ws: true, changeOrigin: false },
      "/documents": api,
      "/sandbox-psp": api,
      "/payments": api,
    },
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
