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

// A value cut for a message is cut between characters, never inside one.
func TestTruncate(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"short", 32, "short"},
		{"abcdef", 3, "abc…"},
		{"ééé", 3, "é…"}, // 2 bytes each: the cut at 3 falls inside the second
		{"a🎉b", 2, "a…"}, // 4 bytes: not half an emoji
		{"🎉", 2, "…"},
	} {
		if got := Truncate(tc.in, tc.n); got != tc.want {
			t.Errorf("Truncate(%q, %d) = %q; want %q", tc.in, tc.n, got, tc.want)
		}
	}
}
