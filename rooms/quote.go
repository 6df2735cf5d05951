package rooms

import (
	"strconv"
	"strings"
	"unicode"
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
