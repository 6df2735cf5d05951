package exercises

import (
	"bytes"
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"
)

// The reports' words for kinds and statuses (kindWords, statusWords) are
// the web app's, copied from frontend/src/lib/strings.ts (kinds, which the
// console shares) and strings-console.ts (statuses): this fails when one
// is changed, added or removed there and not here, or the other way.
func TestExportWordsAreTheConsoles(t *testing.T) {
	b, err := os.ReadFile("../frontend/src/lib/strings-console.ts")
	if err != nil {
		t.Fatal(err)
	}
	src := string(b)
	pb, err := os.ReadFile("../frontend/src/lib/strings.ts")
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]string{}
	for k, v := range kindWords {
		kinds[string(k)] = v
	}
	statuses := map[string]string{}
	for k, v := range statusWords {
		statuses[string(k)] = v
	}
	sameWords(t, "kindWords", kinds, tsRecord(t, string(pb), `kinds: {`, `} as Record<Kind, string>`))
	sameWords(t, "statusWords", statuses, tsRecord(t, src, `status: {`, `} as Record<Status, string>`))
	// The comparison's words for a side with no counts.
	for key, goWord := range map[string]string{"notInSession": wordNotInSession, "notRun": wordNotRun, "hiddenOpen": wordHiddenOpen} {
		m := regexp.MustCompile(`\n\s*` + key + `: '((?:[^'\\]|\\.)*)'`).FindStringSubmatch(src)
		if m == nil {
			t.Errorf("strings-console.ts has no %s", key)
		} else if ts := strings.ReplaceAll(m[1], `\'`, `'`); ts != goWord {
			t.Errorf("lib.%s is %q in the console, %q in the reports", key, ts, goWord)
		}
	}
}

// tsEntry is one `key: 'value'` of an object literal (a key may be quoted).
var tsEntry = regexp.MustCompile(`(?:([A-Za-z_$][\w$]*)|'([^']*)')\s*:\s*'((?:[^'\\]|\\.)*)'`)

// tsRecord reads the object literal in src that opens with open and closes
// with close (the closing is what tells it from others of the same name).
func tsRecord(t *testing.T, src, open, close string) map[string]string {
	t.Helper()
	end := strings.Index(src, close)
	if end < 0 {
		t.Fatalf("the strings have no %q", close)
	}
	start := strings.LastIndex(src[:end], open)
	if start < 0 {
		t.Fatalf("the strings have no %q before %q", open, close)
	}
	body := src[start+len(open) : end]
	out := map[string]string{}
	for _, m := range tsEntry.FindAllStringSubmatch(body, -1) {
		out[m[1]+m[2]] = strings.NewReplacer(`\'`, `'`, `\\`, `\`).Replace(m[3])
	}
	if len(out) == 0 {
		t.Fatalf("the strings: no entries read between %q and %q", open, close)
	}
	return out
}

func sameWords(t *testing.T, name string, goWords, tsWords map[string]string) {
	t.Helper()
	for k, w := range tsWords {
		if goWords[k] != w {
			t.Errorf("%s[%q] = %q, strings.ts says %q", name, k, goWords[k], w)
		}
	}
	for k, w := range goWords {
		if _, ok := tsWords[k]; !ok {
			t.Errorf("%s[%q] = %q, not in strings.ts", name, k, w)
		}
	}
}

// The word cloud's folding cases (testdata/normalize-words.json) are the
// server's and the phones' both: frontend/src/lib/ballot.test.ts checks
// normalizeWord against the same file, so folding changed on one side
// and not the other fails there or here.
func TestNormalizeWordSharedCases(t *testing.T) {
	for _, c := range sharedCases(t, "testdata/normalize-words.json") {
		if got := NormalizeWord(c.In); got != c.Want {
			t.Errorf("NormalizeWord(%q) = %q, want %q", c.In, got, c.Want)
		}
		// A word as results show it folds to itself: the facilitator
		// hides a word by naming it so (exercise.hide_answer).
		if got := NormalizeWord(c.Want); got != c.Want {
			t.Errorf("NormalizeWord(%q) = %q: a folded word folds again", c.Want, got)
		}
	}
}

// sharedCase is one case of a file of cases the server and the web app
// are both tested on (testdata/*.json: an "about" and "cases" of "in"
// and "want").
type sharedCase struct{ In, Want string }

// sharedCases reads such a file, failing t on a case without its in or
// want, or on a field it does not know.
func sharedCases(t *testing.T, file string) []sharedCase {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		About string `json:"about"`
		Cases []struct {
			In   *string `json:"in"`
			Want *string `json:"want"`
		} `json:"cases"`
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(&f); err != nil || len(f.Cases) == 0 {
		t.Fatalf("%s: %d cases, %v", file, len(f.Cases), err)
	}
	var out []sharedCase
	for i, c := range f.Cases {
		if c.In == nil || c.Want == nil {
			t.Fatalf("%s: case %d lacks its in or want", file, i)
		}
		out = append(out, sharedCase{*c.In, *c.Want})
	}
	return out
}
