// When a field's character count shows (components/CharCount.svelte):
// from 80 % of the limit. Characters are code points, as the server and
// maxChars count them.
export const countShows = (value: string, max: number) => [...value].length >= max * 0.8;

// The id of a field's character count, for the field's aria-describedby,
// only while the count is shown, else '': an aria-describedby naming an
// id that is not on the page is invalid, and a screen reader says nothing
// of it.
export const countId = (value: string, max: number, id: string) => (countShows(value, max) ? id : '');
