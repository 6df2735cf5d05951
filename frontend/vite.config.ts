import { defineConfig } from 'vitest/config';
import type { Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { readdirSync, rmSync, writeFileSync, mkdirSync, renameSync, existsSync } from 'node:fs';
import { join } from 'node:path';

// dist/ is embedded in the Go binary and keeps a committed .keep file, so
// `go build` works without Node: empty everything else, never .keep.
// Vite's manifest (which chunks each module pulls in) is for
// scripts/size.mjs, not for browsers: it moves out of dist/ to
// build-manifest.json, so the binary neither embeds nor serves it.
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
      const manifest = join(dist, '.vite', 'manifest.json');
      if (existsSync(manifest)) {
        renameSync(manifest, join(__dirname, 'build-manifest.json'));
        rmSync(join(dist, '.vite'), { recursive: true, force: true });
      }
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
    // Which chunks each module pulls in, for scripts/size.mjs to weigh
    // everything a phone fetches in a room (moved out of dist/ by keepDist).
    manifest: true,
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
