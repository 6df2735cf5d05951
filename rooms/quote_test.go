package rooms

import "testing"

func TestQuote(t *testing.T) {
	for in, want := range map[string]string{
		"Pizza":            "“Pizza”",
		`say "hi" \ o/`:    `“say "hi" \ o/”`,
		"two\nlines\tx":    `“two\nlines\tx”`,
		"":                 "“”",
		"caf\u00e9 \u00a0": "“café \\u00a0”",
	} {
		if got := Quote(in); got != want {
			t.Errorf("Quote(%q) = %s, want %s", in, got, want)
		}
	}
}
