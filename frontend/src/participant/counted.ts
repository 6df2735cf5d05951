// The id of a field's character count (components/CharCount.svelte), for
// the field's aria-describedby, only while the count is shown (from 80 %
// of the limit, as CharCount shows it), else '': an aria-describedby
// naming an id that is not on the page is invalid, and a screen reader
// says nothing of it.
export const countId = (value: string, max: number, id: string) => ([...value].length >= max * 0.8 ? id : '');
