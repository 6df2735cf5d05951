// The attributes of an input an error may be about: marked invalid and
// described by the error (errorId) when it is, by its hint either way.
// Every form that shows a refusal under its field uses these.
export function fieldAttrs(bad: boolean, errorId: string, hint = '') {
  const by = [bad ? errorId : '', hint].filter(Boolean).join(' ');
  return { 'aria-invalid': bad ? ('true' as const) : undefined, 'aria-describedby': by || undefined };
}
