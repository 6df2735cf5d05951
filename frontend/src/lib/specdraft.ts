// The exercise form's draft (host/SpecForm.svelte) and the Spec it builds
// (docs/protocol.md 8.2). The console adds the spec to a room's agenda;
// the pack editor keeps it in a pack. Editing an existing spec keeps what
// the form does not show: question, option and column ids.
import type { Column, Kind, Option, Question, Spec } from './types';
import { VOTE_KINDS } from './types';
import { scaleBounds } from './scale';
import { limits } from './limits.svelte';

export interface QDraft {
  id?: string;
  kind: 'choice' | 'scale';
  prompt: string;
  /** Option labels, one per line. */
  options: string;
  /** Ids of the options the spec had, by label, kept when a label stays. */
  optionIds: Record<string, string>;
  /** The same ids in the spec's order: a label changed in place (a typo
   *  fixed) keeps its option's id when the count of options is the same,
   *  so an opened exercise may still take it (only texts changed). */
  optionOrder?: string[];
  multi: boolean;
  maxChoices: number;
  min: number;
  max: number;
  minLabel: string;
  maxLabel: string;
}

export interface ColDraft { id?: string; title: string; hint: string }

export interface SpecDraft {
  kind: Kind;
  title: string;
  prompt: string;
  notes: string;
  anonymous: boolean;
  minResponses: number;
  allowChange: boolean;
  timerSeconds: number;
  /** The question of a poll or scale. */
  q: QDraft;
  /** The questions of a pulse survey. */
  survey: QDraft[];
  maxEntries: number;
  /** A retro template id, or 'custom' for the columns below. */
  template: string;
  columns: ColDraft[];
  dots: number;
  maxPerItem: number;
  /** The question and column ids of the spec the draft was made from
   *  (draftFromSpec), those since deleted too: a new question or column
   *  never takes one of them (freshId). */
  knownIds?: string[];
}

export const CUSTOM = 'custom';

export function newQ(kind: 'choice' | 'scale' = 'scale'): QDraft {
  return { kind, prompt: '', options: '', optionIds: {}, multi: false, maxChoices: 0, min: 1, max: 5, minLabel: '', maxLabel: '' };
}

export function newDraft(kind: Kind = 'poll'): SpecDraft {
  return {
    kind, title: '', prompt: '', notes: '', anonymous: true, minResponses: Math.max(3, limits.minResponses), allowChange: false, timerSeconds: 0,
    q: newQ(kind === 'scale' ? 'scale' : 'choice'), survey: [newQ('scale')], maxEntries: 3,
    template: 'start-stop-continue', columns: [{ title: '', hint: '' }, { title: '', hint: '' }], dots: 3, maxPerItem: 2,
  };
}

function qDraft(q: Question, exercisePrompt?: string): QDraft {
  const d = newQ(q.kind === 'choice' ? 'choice' : 'scale');
  d.id = q.id || undefined;
  // A poll's or scale's question usually repeats the exercise's prompt:
  // then the form leaves it empty and uses the prompt again.
  d.prompt = exercisePrompt !== undefined && q.prompt === exercisePrompt ? '' : q.prompt ?? '';
  if (d.kind === 'choice') {
    d.options = (q.options ?? []).map((o) => o.label).join('\n');
    for (const o of q.options ?? []) if (o.id && !(o.label in d.optionIds)) d.optionIds[o.label] = o.id;
    d.optionOrder = (q.options ?? []).map((o) => o.id ?? '');
    d.multi = !!q.multi;
    d.maxChoices = q.multi && q.maxChoices && q.maxChoices < (q.options?.length ?? 0) ? q.maxChoices : 0;
  } else {
    // Both absent (or 0) means 1..5; otherwise an absent end is 0 (8.2).
    [d.min, d.max] = scaleBounds(q);
    d.minLabel = q.minLabel ?? '';
    d.maxLabel = q.maxLabel ?? '';
  }
  return d;
}

/** The form's draft for an existing spec. */
export function draftFromSpec(s: Spec): SpecDraft {
  const d = newDraft(s.kind);
  d.title = s.title ?? '';
  d.prompt = s.prompt ?? '';
  d.notes = s.notes ?? '';
  d.anonymous = s.anonymous !== false;
  d.minResponses = s.minResponses || 3;
  d.allowChange = !!s.allowChange;
  d.timerSeconds = s.timerSeconds ?? 0;
  const qs = s.questions ?? [];
  d.knownIds = [...qs.map((q) => q.id), ...(s.retro?.columns ?? []).map((c) => c.id)].filter((x): x is string => !!x);
  if ((s.kind === 'poll' || s.kind === 'scale') && qs[0]) d.q = qDraft(qs[0], s.prompt ?? '');
  if (s.kind === 'survey' && qs.length) d.survey = qs.map((q) => qDraft(q));
  if (s.kind === 'words') d.maxEntries = s.maxEntries || 3;
  if (s.kind === 'retro' && s.retro) {
    if (s.retro.columns?.length) {
      d.template = CUSTOM;
      d.columns = s.retro.columns.map((c) => ({ id: c.id || undefined, title: c.title, hint: c.hint ?? '' }));
    } else if (s.retro.template) {
      d.template = s.retro.template;
    }
    d.dots = s.retro.dots || 3;
    d.maxPerItem = s.retro.maxPerItem || Math.min(2, d.dots);
  }
  return d;
}

/**
 * A fresh id with this prefix, past every `<prefix><n>` of `used` and
 * `known` (ids the spec had, those since deleted too); adds it to `used`.
 * Never the lowest free one: a question deleted and another added took
 * its id, and two sessions of one pack compared the new question with
 * the old one as one question (the server pairs by id, after wording).
 */
function freshId(prefix: string, used: Set<string>, known: Iterable<string> = []): string {
  const re = new RegExp(`^${prefix}(\\d+)$`);
  let n = 0;
  for (const id of [...used, ...known]) {
    const m = re.exec(id);
    if (m && Number.isSafeInteger(Number(m[1]) + 1)) n = Math.max(n, Number(m[1]));
  }
  used.add(prefix + (n + 1));
  return prefix + (n + 1);
}

function lines(text: string): string[] {
  return text.split('\n').map((l) => l.trim()).filter(Boolean);
}

function question(d: QDraft, id: string, prompt: string): Question {
  if (d.kind === 'choice') {
    const labels = lines(d.options);
    const used = new Set<string>();
    const kept = labels.map((l) => {
      const id = d.optionIds[l];
      if (id && !used.has(id)) {
        used.add(id);
        return id;
      }
      return '';
    });
    // A label edited in place keeps the id of the option it replaced.
    if (d.optionOrder && d.optionOrder.length === labels.length) {
      kept.forEach((id, i) => {
        const was = d.optionOrder![i];
        if (!id && was && !used.has(was)) {
          kept[i] = was;
          used.add(was);
        }
      });
    }
    const known = [...(d.optionOrder ?? []), ...Object.values(d.optionIds)];
    const options: Option[] = labels.map((label, i) => ({ id: kept[i] || freshId('o', used, known), label }));
    const q: Question = { id, kind: 'choice', prompt, options, multi: d.multi };
    if (d.multi) q.maxChoices = d.maxChoices || 0;
    return q;
  }
  return { id, kind: 'scale', prompt, min: d.min, max: d.max, minLabel: d.minLabel.trim(), maxLabel: d.maxLabel.trim() };
}

/** The spec the form describes (the server checks and normalises it). */
export function specFromDraft(d: SpecDraft): Spec {
  const prompt = d.prompt.trim();
  const s: Spec = { kind: d.kind, title: d.title.trim() };
  if (prompt) s.prompt = prompt;
  if (d.notes.trim()) s.notes = d.notes.trim();
  if (d.timerSeconds) s.timerSeconds = d.timerSeconds;
  if (VOTE_KINDS.includes(d.kind)) {
    s.anonymous = d.anonymous;
    s.minResponses = d.minResponses;
    s.allowChange = d.allowChange;
  }
  if (d.kind === 'poll' || d.kind === 'scale') {
    const kind = d.kind === 'poll' ? 'choice' : 'scale';
    // The draft's question keeps its kind; the exercise's kind decides.
    s.questions = [question({ ...d.q, kind }, d.q.id || 'q1', d.q.prompt.trim() || prompt)];
  }
  if (d.kind === 'survey') {
    const used = new Set(d.survey.map((q) => q.id).filter((x): x is string => !!x));
    const seen = new Set<string>();
    s.questions = d.survey.map((q) => {
      let id = q.id && !seen.has(q.id) ? q.id : '';
      if (!id) id = freshId('q', used, d.knownIds);
      seen.add(id);
      return question(q, id, q.prompt.trim());
    });
  }
  if (d.kind === 'words') s.maxEntries = d.maxEntries;
  if (d.kind === 'retro') {
    if (d.template === CUSTOM) {
      const used = new Set(d.columns.map((c) => c.id).filter((x): x is string => !!x));
      const seen = new Set<string>();
      const columns: Column[] = d.columns
        .filter((c) => c.title.trim())
        .map((c) => {
          let id = c.id && !seen.has(c.id) ? c.id : '';
          if (!id) id = freshId('col', used, d.knownIds);
          seen.add(id);
          const col: Column = { id, title: c.title.trim() };
          if (c.hint.trim()) col.hint = c.hint.trim();
          return col;
        });
      s.retro = { columns, dots: d.dots, maxPerItem: d.maxPerItem };
    } else {
      s.retro = { template: d.template, columns: [], dots: d.dots, maxPerItem: d.maxPerItem };
    }
  }
  return s;
}

/**
 * What a form holds that would be lost if it were closed, as a string to
 * compare: editing an exercise, the spec it builds (any change counts);
 * a new exercise, only what was typed (choosing a kind or a setting alone
 * is not work to keep).
 */
export function draftWork(d: SpecDraft, editing: boolean): string {
  if (editing) return JSON.stringify(specFromDraft(d));
  const q = (x: QDraft) => [x.prompt, x.options, x.minLabel, x.maxLabel];
  const texts = [d.title, d.prompt, d.notes, ...q(d.q), ...d.survey.flatMap(q)];
  if (d.kind === 'retro' && d.template === CUSTOM) texts.push(...d.columns.flatMap((c) => [c.title, c.hint]));
  return JSON.stringify(texts.map((x) => x.trim()));
}

/** Move an item of a list from one place to another; a new list. */
export function move<T>(list: T[], from: number, to: number): T[] {
  if (from < 0 || from >= list.length || to < 0 || to >= list.length || from === to) return list.slice();
  const out = list.slice();
  const [x] = out.splice(from, 1);
  out.splice(to, 0, x);
  return out;
}

/**
 * Where in the exercise form (host/SpecForm.svelte) a server error's field
 * is: the suffix of the input's id after the form's own, or null when no
 * one input holds it (the error then shows under the whole form). Fields
 * are the spec's (docs/protocol.md 8.2): "title", "questions[1].options[0].label",
 * "retro.columns[2].hint", …
 */
export function specFieldTarget(field: string | undefined, d: Pick<SpecDraft, 'kind' | 'template'>): string | null {
  if (!field) return null;
  const vote = VOTE_KINDS.includes(d.kind);
  switch (field) {
    case 'title': case 'prompt': case 'notes':
      return field;
    case 'minResponses':
      return vote ? 'min' : null;
    case 'timerSeconds':
      return vote ? 'timer' : 'timer2';
    case 'maxEntries':
      return d.kind === 'words' ? 'maxe' : null;
    case 'retro.dots':
      return d.kind === 'retro' ? 'dots' : null;
    case 'retro.maxPerItem':
      return d.kind === 'retro' ? 'mpi' : null;
  }
  const col = /^retro\.columns\[(\d+)\]\.(title|hint)$/.exec(field);
  if (col) return d.kind === 'retro' && d.template === CUSTOM ? `col-${col[2] === 'title' ? 't' : 'h'}-${col[1]}` : null;
  const q = /^questions\[(\d+)\](?:\.([A-Za-z]+))?/.exec(field);
  if (!q) return null;
  const i = Number(q[1]);
  const part = q[2] ?? '';
  if (d.kind === 'survey') {
    switch (part) {
      case 'prompt': return `sq-p-${i}`;
      case 'options': return `sq-o-${i}`;
      case 'maxChoices': return `sq${i}-maxc`;
      case 'minLabel': return `sq${i}-minl`;
      case 'maxLabel': return `sq${i}-maxl`;
      case '': return `sq${i}-min`; // the scale's range: the only whole-question error the form can make
    }
    return null;
  }
  if (i !== 0) return null;
  if (d.kind === 'poll') {
    switch (part) {
      case 'prompt': return 'q-text';
      case 'options': return 'options';
      case 'maxChoices': return 'q-maxc';
    }
  } else if (d.kind === 'scale') {
    switch (part) {
      case 'prompt': return 'q-text';
      case 'minLabel': return 'sc-minl';
      case 'maxLabel': return 'sc-maxl';
      case '': return 'sc-min';
    }
  }
  return null;
}
