// WCAG AA: every text colour used on its background has a contrast ratio
// of at least 4.5:1 (normal text). The pairs come from app.css and the
// components' own styles.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const css = readFileSync(join(__dirname, '..', 'app.css'), 'utf8');
const vars = Object.fromEntries([...css.matchAll(/--([\w-]+):\s*(#[0-9a-f]{6})/gi)].map((m) => [m[1], m[2]]));
const v = (name: string) => {
  if (!vars[name]) throw new Error('no --' + name + ' in app.css');
  return vars[name];
};

function luminance(hex: string) {
  const c = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((x) => (x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4));
  return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
}
export function contrast(a: string, b: string) {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

const white = '#ffffff';
const pairs: [string, string, string][] = [
  ['body text', v('text'), v('bg')],
  ['text on cards', v('text'), v('surface')],
  ['muted text on cards', v('muted'), v('surface')],
  ['muted text on the page', v('muted'), v('bg')],
  ['button text', white, v('primary')],
  ['secondary button', v('primary'), v('surface')],
  ['danger button', v('danger'), v('surface')],
  ['badge', v('primary'), v('primary-soft')],
  ['ok badge', v('ok'), v('ok-soft')],
  ['warn badge', v('warn'), v('warn-soft')],
  ['notice', '#17395a', v('primary-soft')],
  ['warn notice', '#6b3a00', v('warn-soft')],
  ['ok notice', '#17532a', v('ok-soft')],
  ['error', '#7d1c21', v('danger-soft')],
  ['phase pill', v('muted'), '#eceef0'],
  ['retro note', v('text'), '#fff8d6'],
  ['selected option', v('text'), v('primary-soft')],
  ['projector page', v('text'), '#fbfbf9'],
  ['projector muted', v('muted'), '#fbfbf9'],
  ...['#fff4d6', '#e6f2ff', '#e9f7ec', '#f7eafa', '#fde9e4'].map((bg): [string, string, string] => ['kudos label', '#3d4148', bg]),
  ...['#1f4e79', '#1e6b34', '#8a4b00', '#6b2d7b', '#a4262c', '#2f5d62'].map((fg): [string, string, string] => ['word cloud', fg, '#fbfbf9']),
];

describe('colour contrast (WCAG AA)', () => {
  it('computes ratios as WCAG does', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrast('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
  });
  it('focus ring stands out from the page and cards (3:1, non-text)', () => {
    expect(contrast(v('focus'), v('bg'))).toBeGreaterThanOrEqual(3);
    expect(contrast(v('focus'), v('surface'))).toBeGreaterThanOrEqual(3);
  });
  it.each(pairs)('%s: %s on %s is at least 4.5:1', (_, fg, bg) => {
    expect(contrast(fg, bg)).toBeGreaterThanOrEqual(4.5);
  });
});
