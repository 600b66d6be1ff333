import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The engine is bundled from source, as the tests run it, so the console's "try it" panel
// evaluates exactly what the server's engine does.
export default defineConfig({
  plugins: [react()],
  resolve: {
    alias: {
      '@pennon/engine': fileURLToPath(new URL('../engine/src/index.ts', import.meta.url)),
      // The server's permission table (pure TypeScript, no imports): the console decides what
      // is editable with the very rules the API enforces.
      '@pennon/server/permissions': fileURLToPath(
        new URL('../server/src/auth/permissions.ts', import.meta.url),
      ),
      // The audit log's resource types and actor kinds, as the API validates its filters.
      '@pennon/server/audit-vocabulary': fileURLToPath(
        new URL('../server/src/audit/audit-vocabulary.ts', import.meta.url),
      ),
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Under the server's CSP (script-src 'self') every script must be a file, never inline.
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
    chunkSizeWarningLimit: 900,
  },
  server: {
    // `npm run dev -w @pennon/console` beside `npm start`: the API stays same-origin for cookies.
    proxy: { '/api': 'http://127.0.0.1:8420' },
  },
});
