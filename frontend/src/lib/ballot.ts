// A named ballot as a facilitator reads it ("Red", "Pace: 4; Tools: Go,
// Lua"), not as the protocol carries it (option ids).
import { getContext, setContext } from 'svelte';
import type { Ballot, Exercise } from './types';

export function ballotText(ex: Exercise, b: Ballot): string {
  if (b.words?.length) return b.words.join(', ');
  if (b.text != null) return b.text;
  const qs = ex.questions ?? [];
  const parts: string[] = [];
  qs.forEach((q, i) => {
    const a = b.answers?.[q.id];
    if (!a) return;
    let v: string;
    if (q.kind === 'choice') v = (a.choices ?? []).map((id) => q.options?.find((o) => o.id === id)?.label ?? id).join(', ');
    else v = a.value == null ? '' : String(a.value);
    parts.push(qs.length > 1 ? `${q.prompt || `Question ${i + 1}`}: ${v}` : v);
  });
  return parts.join('; ');
}

// A phone's own ballots, so that its results mark "Your answer". The
// participant's room gives them (from the snapshot's `mine`, so only
// what this phone holds); Results reads them wherever the room draws it,
// and nowhere else (the console's and the projector's have none).
const OWN = Symbol('own ballots');
type OwnBallots = (exercise: string) => Ballot | undefined;
export function provideOwnBallots(get: OwnBallots) { setContext(OWN, get); }
export function ownBallots(): OwnBallots | undefined { return getContext<OwnBallots | undefined>(OWN); }

// The marks that make a word and stay at its ends ("C#", "@team", "100%").
const wordMarks = '#@%&/\\';
// White space as the server's (Go's unicode.IsSpace): Unicode's, with
// U+0085 and without U+FEFF, unlike \s.
const space = /\p{White_Space}/u;
const spaces = /\p{White_Space}+/u;
const edge = (ch: string) => space.test(ch) || (/\p{P}/u.test(ch) && !wordMarks.includes(ch));
const letter = /\p{L}/u;
const mark = /\p{M}/u;

/** A Greek sigma as "ς" where it ends a word (after a letter, before
 * none; combining marks aside), "σ" elsewhere, whichever was typed: the
 * server's rule, not toLowerCase's (which decides for a capital "Σ" only,
 * by rules of its own). */
function foldSigma(s: string): string {
  if (!/[σς]/u.test(s)) return s;
  const cs = [...s];
  const isLetter = (i: number, step: number) => {
    for (; i >= 0 && i < cs.length; i += step) if (!mark.test(cs[i])) return letter.test(cs[i]);
    return false;
  };
  return cs.map((c, i) => (c === 'σ' || c === 'ς' ? (isLetter(i - 1, -1) && !isLetter(i + 1, 1) ? 'ς' : 'σ') : c)).join('');
}

/** A word as a word cloud counts it: what the server's NormalizeWord
 * makes of it (exercises/vote.go: case, spacing and the punctuation
 * around it folded; U+FEFF dropped; NFKC; "İ" lower-cased to "i", not toLowerCase's
 * "i" and a combining dot; a sigma final where it ends a word), so that a
 * phone finds its own words among the results before the server has said
 * how it counted them. */
export function normalizeWord(word: string): string {
  // Dropped, as the server drops them: a byte-order mark, and the bidi
  // controls it takes out of every text (rooms.CleanText).
  // Then in compatibility composition (NFKC), as the server's (Go's
  // golang.org/x/text/unicode/norm): "café" typed as one character or as
  // "e" and an accent, and "Ｔｒｕｓｔ" in full-width letters, count as
  // "café" and "trust", so no device's spelling stands apart.
  const w = word.replace(/[\ufeff\u202a-\u202e\u2066-\u2069]/gu, '').normalize('NFKC');
  const cs = [...w];
  let i = 0;
  let j = cs.length;
  while (i < j && edge(cs[i])) i++;
  while (j > i && edge(cs[j - 1])) j--;
  const core = i < j ? cs.slice(i, j).join('') : w;
  return foldSigma(core.split(spaces).filter(Boolean).join(' ').replace(/\u0130/gu, 'i').toLowerCase());
}

/** Whether an open-text answer among the results is this phone's: by the
 * id the server gave it (in the snapshot's `mine`), or, right after
 * sending, by its text (the ack carries no id). */
export function isOwnText(a: { id: string; text: string }, mine: Ballot | undefined): boolean {
  if (!mine) return false;
  if (mine.textId) return a.id === mine.textId;
  return mine.text != null && mine.text.trim() !== '' && a.text.trim() === mine.text.trim();
}
