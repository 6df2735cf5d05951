// The level of a shared component's headings follows the page it is on
// (WCAG 1.3.1, axe heading-order): the retro board's column titles are
// h2 on the projector, right under its h1, and h3 on a phone or the
// console, under the exercise's h2. A component takes the level of its
// top headings (its headingLevel prop), its inner ones a level below;
// each looks as it did at any level (the component's own classes style
// it, not h3 or h4).
/** The tag of a heading at level, kept between h2 (under a page's h1)
 *  and h6. */
export const headingTag = (level: number) => `h${Math.min(6, Math.max(2, Math.round(level) || 2))}`;
