import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

// `base: "./"` keeps every asset URL relative, so the same dist/ works inside the Tauri
// webview and when `poolhouse serve --ui ui/dist` serves it at the endpoint's root.
export default defineConfig({
  base: "./",
  plugins: [react()],
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    // The main chunk is React, TanStack Query and Virtual (about 72 kB of it) and the screens
    // visited often; the rare ones load on first visit. A warning past this means it grew.
    chunkSizeWarningLimit: 470,
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
  },
});
