// Text in any direction: people write Arabic, Hebrew or Persian as well
// as English, and "هل نثق ببعضنا؟ نعم!" shown in a left-to-right
// paragraph has its "!" and "؟" at the wrong end, and is left-aligned.
// People's and facilitators' text is shown with app.css's .user-text,
// which takes each paragraph's direction from its own first letter; a
// field where they type free text takes its direction from what is typed
// (dir="auto"). The browser test e2e/text-direction-and-forms.mjs checks
// what Chromium draws.
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const src = join(__dirname, '..');
const css = readFileSync(join(src, 'app.css'), 'utf8');
const svelte = (readdirSync(src, { recursive: true }) as string[])
  .filter((f) => f.endsWith('.svelte'))
  .map((f) => [f, readFileSync(join(src, f), 'utf8')] as const);

/** The opening tags of every <input> and <textarea> (over several lines too). */
function fields(text: string): string[] {
  const markup = text.replace(/<script[\s\S]*?<\/script>/g, '').replace(/<style>[\s\S]*?<\/style>/g, '').replace(/<!--[\s\S]*?-->/g, '');
  const out: string[] = [];
  for (const m of markup.matchAll(/<(input|textarea)\b/g)) {
    // The tag ends at the first ">" outside braces (an attribute's
    // expression may hold "=>" or ">").
    let depth = 0;
    let i = m.index! + m[0].length;
    for (; i < markup.length; i++) {
      const c = markup[i];
      if (c === '{') depth++;
      else if (c === '}') depth--;
      else if (c === '>' && depth === 0) break;
    }
    out.push(markup.slice(m.index!, i + 1));
  }
  return out;
}

// Fields that take no free text: a join code (A–Z, 2–9), a pack's id
// (a–z, 0–9), the projector link shown to copy, the host key.
const NOT_FREE_TEXT = ['id="join-code"', 'id="pack-id"', 'id="plink"', 'id="hk-key"'];

describe('text direction', () => {
  it("is each paragraph's own in people's text (.user-text)", () => {
    const rule = css.match(/\.user-text\s*\{([^}]*)\}/)?.[1] ?? '';
    expect(rule).toMatch(/unicode-bidi:\s*plaintext/);
    // Aligned to each paragraph's own start: nothing declares another
    // alignment for it (the initial "start", which plaintext resolves per
    // paragraph), so that text in a centred place stays centred.
    expect(rule).not.toMatch(/text-align:\s*(left|right)/);
  });

  it('follows what is typed in every field for free text (dir="auto")', () => {
    const missing: string[] = [];
    let seen = 0;
    for (const [f, text] of svelte) {
      for (const tag of fields(text)) {
        const type = tag.match(/\btype="([^"]+)"/)?.[1] ?? (tag.includes('type={') ? 'dynamic' : 'text');
        if (!['text', 'search'].includes(type) && !tag.startsWith('<textarea')) continue;
        if (NOT_FREE_TEXT.some((x) => tag.includes(x))) continue;
        seen++;
        if (!/\bdir="auto"/.test(tag)) missing.push(`${f}: ${tag.replace(/\s+/g, ' ').slice(0, 90)}`);
      }
    }
    expect(seen).toBeGreaterThan(30);
    expect(missing).toEqual([]);
  });

  it('follows the text in the lists to choose from (a person, a pack)', () => {
    const options: string[] = [];
    for (const [f, text] of svelte) {
      for (const m of text.matchAll(/<option\b[^>]*>\{(?!t\.)[^}]*\.(?:label|title)\b[^}]*\}/g)) {
        if (!m[0].includes('dir="auto"')) options.push(`${f}: ${m[0]}`);
      }
    }
    expect(options).toEqual([]);
  });
});
