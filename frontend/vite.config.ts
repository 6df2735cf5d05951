import { defineConfig } from 'vitest/config';
import type { Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

// dist/ is embedded in the Go binary and keeps a committed .keep file, so
// `go build` works without Node: empty everything else, never .keep.
function keepDist(): Plugin {
  const dist = join(__dirname, 'dist');
  return {
    name: 'huddle-keep-dist',
    apply: 'build',
    buildStart() {
      mkdirSync(dist, { recursive: true });
      for (const f of readdirSync(dist)) if (f !== '.keep') rmSync(join(dist, f), { recursive: true, force: true });
    },
    closeBundle() {
      writeFileSync(join(dist, '.keep'), '');
    },
  };
}

export default defineConfig({
  plugins: [svelte(), keepDist()],
  resolve: process.env.VITEST ? { conditions: ['browser'] } : undefined,
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    assetsDir: 'assets',
    target: 'es2020',
    modulePreload: { polyfill: false },
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:8080',
      '/ws': { target: 'ws://127.0.0.1:8080', ws: true },
    },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'happy-dom',
  },
});
