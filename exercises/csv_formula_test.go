package exercises

import (
	"slices"
	"strings"
	"testing"

	"huddle/rooms"
)

// A cell that began with an invisible character and then "=", "+", "-"
// or "@" (a byte-order mark pasted along with the text, a zero-width
// space) went into the CSV as it was: the guard looked at its first byte
// only. It looks past the invisible characters and the white space before
// a cell's first visible character, and takes the full-width forms of the
// four (＝ ＋ － ＠) for them.
func TestCSVGuardLooksPastInvisibleCharacters(t *testing.T) {
	for _, c := range []struct {
		cell string
		safe bool // left as it is
	}{
		{"=1+1", false},
		{"\ufeff=HYPERLINK(\"http://x\")", false},
		{"\u200b+1", false},
		{"\u200c-1", false},
		{"\u200d@SUM(A1)", false},
		{"\u2060=1", false},
		{"\ufeff\u200b\u2060=1", false},
		{" =1", false},
		{"\u00a0\u3000@x", false},
		{"\u2066=1", false}, // a bidi isolate, invisible too
		{"\ufeff\n=1", false},
		{"\t", false}, // a tab or carriage return first, as before
		{"\rtext", false},
		{"Great demo", true},
		{"\ufeffGreat demo", true},
		{"a=1", true},
		{"\u200b", true},
		{"", true},
		{"x\u200b=1", true},
		// The full-width forms of the four, which a spreadsheet that folds
		// full-width input (Excel in a Japanese setting) runs as the ASCII
		// ones, behind invisible characters and white space as well.
		{"\uff1dHYPERLINK(\"http://x\")", false}, // ＝
		{"\uff0b1", false},                       // ＋
		{"\uff0d1+1", false},                     // －
		{"\uff20SUM(A1)", false},                 // ＠
		{"\ufeff\uff1d1", false},
		{"\u3000\uff0bcmd|' /C calc'!A0", false},
		// Only those: a full-width letter or digit, a full-width sign
		// inside a text, and the characters that merely look alike or
		// fold to the four under NFKC alone are left as they are.
		{"\uff21\uff22\uff23", true}, // ＡＢＣ
		{"\uff21=1", true},           // Ａ=1
		{"\uff11\uff1d\uff11", true}, // １＝１
		{"x\uff1d1", true},
		{"\ufe661", true},      // ﹦, a small form
		{"\u207c1", true},      // ⁼, a superscript
		{"\u22121", true},      // −, the minus sign
		{"\u30fc\u30c9", true}, // ード, the prolonged sound mark
	} {
		got := csvSafe(c.cell)
		if want := map[bool]string{true: c.cell, false: "'" + c.cell}[c.safe]; got != want {
			t.Errorf("csvSafe(%q) = %q, want %q", c.cell, got, want)
		}
	}
}

// The same through a room: open-text answers that hide a formula behind
// an invisible character are kept as written, and the CSV export has
// them as text.
func TestCSVExportGuardsFormulaBehindInvisibleCharacter(t *testing.T) {
	b := newTbEnv(t, false)
	ann, bob, cy := b.join("Ann"), b.join("Bob"), b.join("Cy")
	text := b.exercise(map[string]any{"kind": "text", "title": "Anything else?", "minResponses": 3})
	hidden := []string{"\ufeff=HYPERLINK(\"http://example.com\",\"x\")", "\u200b+cmd|' /C calc'!A0", "\u2060@SUM(1+1)*cmd"}
	for i, m := range []*rooms.Member{ann, bob, cy} {
		b.ok(m, CmdAnswer, map[string]any{"exercise": text, "ballot": map[string]any{"text": hidden[i]}})
	}
	b.ok(b.fac, CmdClose, map[string]any{"exercise": text})
	_, res := exportNow(t, b)
	var cells []string
	for _, row := range csvRows(t, res)[1:] {
		for _, c := range row {
			if strings.ContainsAny(c, "=+@") && strings.ContainsAny(c, "\ufeff\u200b\u2060") {
				cells = append(cells, c)
			}
		}
	}
	slices.Sort(cells)
	want := []string{"'" + hidden[0], "'" + hidden[2], "'" + hidden[1]}
	slices.Sort(want)
	if !slices.Equal(cells, want) {
		t.Fatalf("the CSV's cells %q, want %q", cells, want)
	}
}

// Through a room too: an open-text answer that begins with a full-width
// "＝" or "＠" is kept as written and exported as text, and one in
// full-width letters is exported as it was written.
func TestCSVExportGuardsFullWidthFormula(t *testing.T) {
	b := newTbEnv(t, false)
	ann, bob, cy := b.join("Ann"), b.join("Bob"), b.join("Cy")
	text := b.exercise(map[string]any{"kind": "text", "title": "Anything else?", "minResponses": 3})
	answers := []string{"\uff1dHYPERLINK(\"http://example.com\",\"x\")", "\uff20SUM(1+1)*cmd", "\uff27\uff52\uff45\uff41\uff54"}
	for i, m := range []*rooms.Member{ann, bob, cy} {
		b.ok(m, CmdAnswer, map[string]any{"exercise": text, "ballot": map[string]any{"text": answers[i]}})
	}
	b.ok(b.fac, CmdClose, map[string]any{"exercise": text})
	_, res := exportNow(t, b)
	var cells []string
	for _, row := range csvRows(t, res)[1:] {
		for _, c := range row {
			if strings.ContainsAny(c, "\uff1d\uff20\uff27") {
				cells = append(cells, c)
			}
		}
	}
	slices.Sort(cells)
	want := []string{"'" + answers[0], "'" + answers[1], answers[2]}
	slices.Sort(want)
	if !slices.Equal(cells, want) {
		t.Fatalf("the CSV's cells %q, want %q", cells, want)
	}
}
