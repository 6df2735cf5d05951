// The page's type and colours as app.css and the components' styles set
// them: the type follows the font size the reader chose in the browser;
// the colours are app.css's variables, which have a light and a dark
// value (test/contrast.test.ts checks the pairs), so a component with a
// colour of its own would stay light in the dark scheme.
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const src = join(__dirname, '..');
const css = readFileSync(join(src, 'app.css'), 'utf8');
/** Every .svelte file's <style> block, by its path. */
const styles = (readdirSync(src, { recursive: true }) as string[])
  .filter((f) => f.endsWith('.svelte'))
  .map((f) => [f, readFileSync(join(src, f), 'utf8').match(/<style>([\s\S]*?)<\/style>/)?.[1] ?? ''] as const);

describe('type size', () => {
  it("is relative to the browser's font size: 17 px at its default 16 px", () => {
    const root = css.match(/:root\s*\{[^}]*?\bfont:\s*([^\s/;]+)/);
    expect(root?.[1]).toBe('106.25%');
    expect((parseFloat(root![1]) / 100) * 16).toBe(17);
  });
  it('is never set in pixels (the smallest of a clamp() neither), in app.css or a component', () => {
    const inPx: string[] = [];
    for (const [f, text] of [['app.css', css] as const, ...styles]) {
      for (const m of text.matchAll(/\bfont(?:-size)?:\s*([^;}]+)/g)) {
        // The size: the first length of the value (a clamp()'s is its smallest).
        const size = m[1].match(/-?[\d.]+(px|r?em|%|v[wh]|ch|pt)\b/);
        if (size?.[1] === 'px' || size?.[1] === 'pt') inPx.push(`${f}: ${m[0]}`);
      }
    }
    expect(inPx).toEqual([]);
  });
});

describe('colours', () => {
  it("are app.css's variables in every component's style (but a shadow's or an overlay's black)", () => {
    const own: string[] = [];
    for (const [f, text] of styles) {
      const rules = text.replace(/\/\*[\s\S]*?\*\//g, '');
      for (const m of rules.matchAll(/#[0-9a-f]{3,8}\b|\b(?:rgba?|hsla?)\([^)]*\)|\b(?:white|black)\b(?![\w-])/gi)) {
        if (/^rgba?\(0,? 0,? 0\s*[/,]\s*\.\d+\)$/.test(m[0])) continue;
        own.push(`${f}: ${m[0]}`);
      }
    }
    expect(own).toEqual([]);
  });
  it('follow the system, light or dark, on every page (form controls and scrollbars too)', () => {
    expect(readFileSync(join(src, '..', 'index.html'), 'utf8')).toContain('<meta name="color-scheme" content="light dark">');
    expect(css).toMatch(/:root\s*\{\s*color-scheme: light dark;/);
    expect(css).toMatch(/@media \(prefers-color-scheme: dark\)/);
  });
  it('keep the projector light, whatever the laptop\'s scheme', () => {
    expect(css).toMatch(/@media \(prefers-color-scheme: dark\)\s*\{\s*:root:not\(\.projector\)\s*\{/);
    expect(css).toMatch(/:root\.projector\s*\{\s*color-scheme: light;\s*\}/);
  });
});

describe('forced colours (Windows High Contrast)', () => {
  // They replace backgrounds, text and border colours with the system's:
  // what is drawn only in them (a bar's fill, a hidden radio's chosen
  // point) looked like the rest, or was gone.
  it('keep a bar\'s fill and a hidden input\'s choice drawn, in system colours', () => {
    const missing: string[] = [];
    for (const [f, text] of styles) {
      const drawn = /\.fill\s*\{[^}]*background/.test(text) || /input[^{]*\{[^}]*opacity:\s*0[;\s}]/.test(text);
      const forced = text.match(/@media \(forced-colors: active\)\s*\{([\s\S]*?)\}\s*\}/)?.[1] ?? '';
      if (drawn && !/forced-color-adjust:\s*none/.test(forced)) missing.push(f);
    }
    expect(missing).toEqual([]);
  });
});

describe('reflow', () => {
  it('leaves the page as narrow as the window: no min-width on body (a 360 px phone at 200 % is 180 px)', () => {
    expect(css).not.toMatch(/\bbody\s*\{[^}]*min-width/);
  });
});

