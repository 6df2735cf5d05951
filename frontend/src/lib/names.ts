// People's names in the order people expect of a list: numbers inside a
// name by their value ("Bot 2" before "Bot 10"), and letters whatever
// their case or accents ("anna" beside "Anna", "Émile" among the Es).
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Compares two names for sorting a list of people. */
export const compareNames = (a: string, b: string): number => collator.compare(a, b);
