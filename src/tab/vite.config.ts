import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The Teams tab. Paths are relative to the repository root, where npm scripts run:
 * `npm run build:tab` writes build/tab, which the server serves at `/` (SPA fallback to index.html).
 * `npm run dev:tab` proxies /api and /dev to a local-mode server (`npm start`, port 3978).
 */
const serverUrl = process.env.TRELLIS_SERVER_URL ?? 'http://localhost:3978';

export default defineConfig({
  root: 'src/tab',
  base: '/',
  plugins: [react()],
  build: {
    outDir: '../../build/tab',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // The initial chunk stays small: the case workspace, MSAL and teams-js load on demand.
    chunkSizeWarningLimit: 900,
  },
  server: {
    proxy: { '/api': serverUrl, '/dev': serverUrl },
  },
});
