// A word cloud's words kept whole (WordCloud): a word is set on one line,
// and one too wide for the cloud is set smaller, never broken in the
// middle ("rindfleischetikettierungsüberw|achung" on the projector,
// "collaborat|ion" on a phone). Its width is known before it is drawn:
// measured in the page's type on a canvas, once per word; the cloud's
// width is the browser's to apply (a container unit, cqi), so a phone
// turned or a projector's window resized needs nothing measured again.
// The projector's count line ("0 answers so far", ScreenApp) is kept on
// one line the same way.

let ctx: CanvasRenderingContext2D | null | undefined;
const widths = new Map<string, number>();

/** A rough width in em, where there is no canvas: wide for capitals,
 *  CJK and emoji, so that a word is set too small rather than too wide. */
function estimate(text: string): number {
  let w = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c >= 0x2e80 || (c >= 0x2600 && c < 0x2800)) w += c >= 0xfe00 && c <= 0xfe0f ? 0 : 1.15; // CJK, emoji, symbols; a variation selector takes none
    else if (/\p{Lu}|[MWmw@%]/u.test(ch)) w += 0.95;
    else w += 0.7;
  }
  return w;
}

/** The width of text set in bold type (weight, 700 unless told) of font
 *  family at 1em, in em. */
export function emWidth(text: string, family: string, weight = 700): number {
  const key = `${weight} ${family}\n${text}`;
  let w = widths.get(key);
  if (w == null) {
    if (ctx === undefined) {
      try { ctx = document.createElement('canvas').getContext('2d'); } catch { ctx = null; }
    }
    w = 0;
    if (ctx) {
      ctx.font = `${weight} 100px ${family}`;
      // A family the canvas cannot read leaves its font as it was.
      if (!ctx.font.includes('100px')) ctx.font = `${weight} 100px sans-serif`;
      w = ctx.measureText(text).width / 100;
    }
    if (!(w > 0)) w = estimate(text);
    widths.set(key, w);
  }
  return w;
}

/** The share of the cloud's width a word may take, kept below the whole:
 *  a canvas and the page round a little apart. */
export const WORD_ROOM = 0.94;

/** The largest font-size that sets a word on one line in the cloud's
 *  width (its inline size, cqi: the cloud is a size container), given the
 *  word's width at 1em (emWidth); WordCloud sets a word no larger. */
export function wordCap(width: number): string | undefined {
  return width > 0 ? `${+((100 * WORD_ROOM) / width).toFixed(3)}cqi` : undefined;
}

/** The width in em of the widest word of a phrase (its parts between
 *  spaces; a word's alone), as emWidth: a phrase that would be set too
 *  small on one line wraps between its words (WordCloud), each whole on
 *  a line, so none may be wider than the cloud. */
export function widestWord(text: string, family: string): number {
  return Math.max(0, ...text.split(' ').map((w) => emWidth(w, family)));
}
