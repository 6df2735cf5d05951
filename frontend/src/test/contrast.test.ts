// WCAG AA in both colour schemes: every text colour used on its
// background has a contrast ratio of at least 4.5:1 (normal text), and the
// edges that make out a control (focus ring, a field's border, a bar
// against its track) 3:1. The values come from app.css: its :root (light)
// and its prefers-color-scheme: dark block; the pairs are the ones app.css
// and the components' styles put together.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const css = readFileSync(join(__dirname, '..', 'app.css'), 'utf8');
const varsOf = (block: string) => Object.fromEntries([...block.matchAll(/--([\w-]+):\s*([^;]+);/g)].map((m) => [m[1], m[2].trim()]));
const lightBlock = css.match(/^:root\s*\{([\s\S]*?)^\}/m)?.[1] ?? '';
const darkBlock = css.match(/@media\s*\(prefers-color-scheme:\s*dark\)\s*\{\s*:root:not\(\.projector\)\s*\{([^}]*)\}/)?.[1] ?? '';
const light: Record<string, string> = varsOf(lightBlock);
const dark: Record<string, string> = { ...light, ...varsOf(darkBlock) };
const schemes = { light, dark };

function luminance(hex: string) {
  if (!/^#[0-9a-f]{6}$/i.test(hex)) throw new Error(`${hex}: a contrast needs #rrggbb`);
  const c = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((x) => (x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4));
  return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
}
export function contrast(a: string, b: string) {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

const tints = ['tint-1', 'tint-2', 'tint-3', 'tint-4', 'tint-5'];
const words = ['word-1', 'word-2', 'word-3', 'word-4', 'word-5', 'word-6'];
/** [what, text variable, background variable]: 4.5:1 in both schemes. */
const text: [string, string, string][] = [
  ['body text', 'text', 'bg'],
  ['text on cards', 'text', 'surface'],
  ['text in fields and choice tiles', 'text', 'field'],
  ['muted text on cards', 'muted', 'surface'],
  ['muted text on the page', 'muted', 'bg'],
  ['muted text in a tile (column tag, hint)', 'muted', 'field'],
  ['links, secondary buttons, timer on cards', 'primary', 'surface'],
  ['links on the page', 'primary', 'bg'],
  ['button text', 'on-primary', 'primary'],
  ['danger button', 'danger', 'surface'],
  ['danger text on the page', 'danger', 'bg'],
  ['badge, current nav link', 'primary', 'primary-soft'],
  ['ok badge', 'ok', 'ok-soft'],
  ['warn badge', 'warn', 'warn-soft'],
  ['connection: reconnecting', 'warn', 'surface'],
  ['connection: reconnecting on the page', 'warn', 'bg'],
  ['notice', 'on-primary-soft', 'primary-soft'],
  ['warn notice', 'on-warn-soft', 'warn-soft'],
  ['ok notice', 'on-ok-soft', 'ok-soft'],
  ['error', 'on-danger-soft', 'danger-soft'],
  ['selected option, current agenda item', 'text', 'primary-soft'],
  ["facilitator's notes", 'text', 'warn-soft'],
  ['phase pill', 'muted', 'pill'],
  ['retro card on the board', 'text', 'note'],
  ...tints.map((bg): [string, string, string] => ['kudo', 'text', bg]),
  ...tints.map((bg): [string, string, string] => ['kudo names', 'kudo-label', bg]),
  ...words.map((fg): [string, string, string] => ['word cloud on a card', fg, 'surface']),
  ...words.map((fg): [string, string, string] => ['word cloud on the page', fg, 'bg']),
];
/** Edges and marks (WCAG 1.4.11): 3:1 in both schemes. */
const edges: [string, string, string][] = [
  ['focus ring on the page', 'focus', 'bg'],
  ['focus ring on cards', 'focus', 'surface'],
  ["a field's border", 'field-line', 'field'],
  ["a field's border on a card", 'field-line', 'surface'],
  ["a bar against its track", 'primary', 'track'],
  ['the connected dot', 'ok', 'surface'],
];
/** The projector: always light (app.css's :root.projector). */
const projector: [string, string, string][] = [
  ['projector page', 'text', 'stage'],
  ['projector muted', 'muted', 'stage'],
  ['projector code and figures', 'primary', 'stage'],
  ...words.map((fg): [string, string, string] => ['projector word cloud', fg, 'stage']),
  ...tints.map((bg): [string, string, string] => ['projector kudo names', 'kudo-label', bg]),
];

/** Session B's bar in the trainer's comparison (trainer/PairedBars.svelte):
 *  its stripes, each colour of its gradient on the next, and its edge on
 *  the track, read from its style. */
const pairedBars = readFileSync(join(__dirname, '..', 'trainer', 'PairedBars.svelte'), 'utf8');
const barB = pairedBars.match(/\.fill\.b\s*\{([^}]*)\}/)?.[1] ?? '';
const stripes = [...(barB.match(/repeating-linear-gradient\(([^;]*)\)/)?.[1] ?? '').matchAll(/var\(--([\w-]+)\)/g)].map((m) => m[1]);
// Its edge, or with none its stripes' colour, marks where it ends on the track.
const barEdge = barB.match(/(?:box-shadow|border):[^;]*var\(--([\w-]+)\)/)?.[1] ?? stripes[0];
const stripePairs: [string, string, string][] = [
  ...stripes.slice(1).map((bg, i): [string, string, string] => ["session B's stripes on their ground", stripes[i], bg]),
  ["session B's bar against its track", barEdge, 'track'],
];

const each = (pairs: [string, string, string][]) => Object.entries(schemes).flatMap(([s, vars]) => pairs.map(([what, fg, bg]) => [s, what, fg, bg, vars] as const));
const value = (vars: Record<string, string>, name: string) => {
  if (!vars[name]) throw new Error(`no --${name} in app.css`);
  return vars[name];
};

describe('colour contrast (WCAG AA)', () => {
  it('computes ratios as WCAG does', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrast('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
  });
  it('finds both schemes in app.css, and a dark value for every colour but the projector\'s', () => {
    expect(Object.keys(light).length).toBeGreaterThan(20);
    const colours = Object.keys(light).filter((k) => /^(#|rgb)/.test(light[k]) && k !== 'stage');
    expect(colours.filter((k) => !(k in varsOf(darkBlock)))).toEqual([]);
    expect(value(dark, 'bg')).not.toBe(value(light, 'bg'));
  });
  it.each(each(text))('%s: %s, --%s on --%s, at least 4.5:1', (_, __, fg, bg, vars) => {
    expect(contrast(value(vars, fg), value(vars, bg))).toBeGreaterThanOrEqual(4.5);
  });
  it.each(each(edges))('%s: %s, --%s on --%s, at least 3:1', (_, __, fg, bg, vars) => {
    expect(contrast(value(vars, fg), value(vars, bg))).toBeGreaterThanOrEqual(3);
  });
  it("finds session B's stripes, in two colours at least", () => {
    expect(new Set(stripes).size).toBeGreaterThanOrEqual(2);
  });
  it.each(each(stripePairs))('%s: %s, --%s on --%s, at least 3:1', (_, __, fg, bg, vars) => {
    expect(contrast(value(vars, fg), value(vars, bg))).toBeGreaterThanOrEqual(3);
  });
  it.each(projector)('light only: %s, --%s on --%s, at least 4.5:1', (_, fg, bg) => {
    expect(contrast(value(light, fg), value(light, bg))).toBeGreaterThanOrEqual(4.5);
  });
  it('dark: light text on a dark page', () => {
    expect(luminance(value(dark, 'bg'))).toBeLessThan(0.05);
    expect(luminance(value(dark, 'text'))).toBeGreaterThan(0.7);
  });
});
