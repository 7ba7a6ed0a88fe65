/**
 * The renderer's build. One output, dist/renderer/, with relative URLs, so
 * the same files are served by the Electron custom protocol and by the
 * browser host. Nothing is fetched from a CDN: the decoder's WebAssembly is
 * bundled from the package.
 */
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: './',
  plugins: [react()],
  // The page loads sounds from assets/ at the repository root.
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // Small files stay files: a data: URL would need a wider CSP.
    assetsInlineLimit: 0,
    sourcemap: false,
    reportCompressedSize: false,
    // The decoder's WebAssembly (~950 kB) is one file by nature.
    chunkSizeWarningLimit: 1100,
  },
  worker: { format: 'es' },
  server: { host: '127.0.0.1', strictPort: true },
});
