package exercises

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"huddle/rooms"
)

// A word typed as "café" on one phone and as "cafe" and a combining
// accent on another, or in full-width letters ("Ｔｒｕｓｔ", as an East
// Asian keyboard gives it), was an entry of its own in the cloud: the
// device's spelling told the room who wrote it. The cloud counts each as
// one word, in NFKC (testdata/normalize-words.json has the cases the
// phones share). On both stores: the words are counters.
func TestWordCloudFoldsUnicodeSpellings(t *testing.T) {
	eachStore(t, func(t *testing.T, b *tbEnv) {
		id := b.exercise(map[string]any{"kind": "words", "title": "One word"})
		for i, words := range [][]string{
			{"caf\u00e9", "Trust"},
			{"cafe\u0301", "\uff34\uff52\uff55\uff53\uff54"},
			{"CAFE\u0301!", "\uff34\uff32\uff35\uff33\uff34\uff01"},
		} {
			b.ok(b.join(fmt.Sprint("P", i)), CmdAnswer, map[string]any{"exercise": id, "ballot": map[string]any{"words": words}})
		}
		b.ok(b.fac, CmdClose, map[string]any{"exercise": id})
		var fac, part VoteView
		b.state(id, &fac, &part)
		if fac.Results == nil || !slices.Equal(fac.Results.Words, []WordCount{{Word: "caf\u00e9", Count: 3}, {Word: "trust", Count: 3}}) {
			t.Fatalf("words %+v", fac.Results)
		}
		// Hidden by any of its spellings, the one word is hidden.
		b.ok(b.fac, CmdHideAnswer, map[string]any{"exercise": id, "answer": "CAFE\u0301", "hidden": true})
		b.state(id, &fac, &part)
		if !fac.Results.Words[0].Hidden {
			t.Fatalf("hidden by another spelling: %+v", fac.Results.Words)
		}
	})
}

// A word NFKC makes longer ("ﬃ" is "ffi") is held to the limit as the
// cloud counts it.
func TestWordLimitHoldsOnceFolded(t *testing.T) {
	e := Exercise{ID: "x", Spec: Spec{Kind: KindWords, MaxEntries: 3}}
	lim := LimitsFrom(rooms.DefaultLimits())
	long := strings.Repeat("\ufb03", 20) // 20 characters typed, 60 once folded
	_, err := NormalizeBallot(e, Ballot{Words: []string{"ok", long}}, lim)
	var re *rooms.Error
	if !errors.As(err, &re) || re.Code != rooms.CodeTooLong || re.Field != "ballot.words[1]" {
		t.Fatalf("a word of 60 characters once folded: %v", err)
	}
	if b, err := NormalizeBallot(e, Ballot{Words: []string{strings.Repeat("\ufb03", 13)}}, lim); err != nil || b.Words[0] != strings.Repeat("ffi", 13) {
		t.Fatalf("39 characters once folded: %v %v", b, err)
	}
}

// The exports and the web app's lists key names alike
// (testdata/name-keys.json, read by frontend/src/lib/names.test.ts too):
// "İpek" and "ΝΙΚΟΣ" were one name to the lists and two to the exports.
func TestNameKeySharedCases(t *testing.T) {
	for _, c := range sharedCases(t, "testdata/name-keys.json") {
		if got := nameKey(c.In); got != c.Want {
			t.Errorf("nameKey(%q) = %q, want %q", c.In, got, c.Want)
		}
	}
}

// The exports tell people apart by their names as the web app does
// (frontend/src/lib/names.ts nameKey, which folds in NFKC): "Zoë" typed
// either way, or in full-width letters, is one name, and both people
// who hold it are numbered; before, the one the export named second was
// shown bare beside another "Zoë".
func TestNamesakesReadAlikeInNFKC(t *testing.T) {
	for _, c := range [][2]string{
		{"Zo\u00eb", "zoe\u0308"},
		{"Sam", "\uff33\uff41\uff4d"},
		{"S am", "\uff53\u3000\uff41\uff4d"},
	} {
		if nameKey(c[0]) != nameKey(c[1]) {
			t.Errorf("nameKey(%q) = %q, nameKey(%q) = %q: one name", c[0], nameKey(c[0]), c[1], nameKey(c[1]))
		}
	}
	first, second, other := "Zo\u00eb", "Zoe\u0308", "Zoey"
	var n namesakes
	n.add(&first, "m1")
	n.add(&second, "m2")
	n.add(&other, "m3")
	n.number()
	if first != "Zo\u00eb (1)" || second != "Zoe\u0308 (2)" || other != "Zoey" {
		t.Fatalf("numbered %q %q %q", first, second, other)
	}
}

// Two options or columns that read the same on a screen are refused,
// however the device spelt them; a help request's tags are folded so.
func TestLabelsAndTagsFoldInNFKC(t *testing.T) {
	poll := Spec{Kind: KindPoll, Title: "Where?", Questions: []Question{{Kind: QuestionChoice, Options: []Option{{Label: "Caf\u00e9"}, {Label: "cafe\u0301"}}}}}
	if err := Distinct(poll); err == nil {
		t.Fatal("two options reading Café were taken")
	}
	poll.Questions[0].Options[1].Label = "\uff23\uff41\uff46\u00e9"
	if err := Distinct(poll); err == nil {
		t.Fatal("Café and Ｃａｆé were taken as two options")
	}
	retro := Spec{Kind: KindRetro, Title: "Retro", Retro: &RetroSpec{Columns: []Column{{ID: "a", Title: "\uff33\uff54\uff41\uff52\uff54"}, {ID: "b", Title: "start"}}}}
	if err := Distinct(retro); err == nil {
		t.Fatal("two columns reading Start were taken")
	}
	tags, err := NormalizeTags([]string{"\uff24\uff45\uff53\uff49\uff47\uff4e", "design", "cafe\u0301"})
	if err != nil || !slices.Equal(tags, []string{"design", "caf\u00e9"}) {
		t.Fatalf("tags %q %v", tags, err)
	}
}
