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
// a cell's first visible character.
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
