package rooms

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Quote puts a name or a value into a message people read, in curly
// quotes (“Pizza”), as the web app quotes: an error's message is shown
// as it is said here, and %q's straight quotes and Go escapes (\"a\") are
// a programmer's. What cannot be seen (a line break, a control
// character) is still written as an escape (\n), so the message stays one
// line and says what is there. Logs and the CLI's diagnostics, read by
// operators, keep %q.
func Quote(s string) string {
	var b strings.Builder
	b.WriteString("“")
	for _, r := range s {
		if r == ' ' || unicode.IsPrint(r) {
			b.WriteRune(r)
			continue
		}
		q := strconv.QuoteRune(r)
		b.WriteString(q[1 : len(q)-1])
	}
	b.WriteString("”")
	return b.String()
}

// Truncate cuts s, a value a client sent, to at most n bytes and marks the
// cut with "…", for a message that names it. It never cuts inside a
// character: half of one would show as �.
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
