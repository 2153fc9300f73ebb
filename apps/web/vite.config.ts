import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

/** The dashboard: built to dist/ and served by `looplab server`; `npm run dev -w @looplab/web` proxies the API. */
export default defineConfig({
  plugins: [react()],
  build: { outDir: "dist", emptyOutDir: true, sourcemap: true },
  server: {
    proxy: { "/api": process.env.LOOPLAB_URL ?? "http://127.0.0.1:7373" },
  },
});
