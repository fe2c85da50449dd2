/**
 * Builds the browser client (client/) into static files the game server serves: the game at `/`,
 * the standalone verifier at `/verify` and the operator's economy page at `/economy`. Proof checks run in a module worker.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('./client'),
  base: '/',
  logLevel: 'warn',
  build: {
    outDir: here('./dist/client'),
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: { input: { main: here('./client/index.html'), verify: here('./client/verify.html'), economy: here('./client/economy.html') } },
  },
  worker: { format: 'es' },
});
