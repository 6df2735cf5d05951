package exercises

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// The reports' words for kinds and statuses (kindWords, statusWords) are
// the console's, copied from frontend/src/lib/strings.ts: this fails when
// one is changed, added or removed there and not here, or the other way.
func TestExportWordsAreTheConsoles(t *testing.T) {
	b, err := os.ReadFile("../frontend/src/lib/strings.ts")
	if err != nil {
		t.Fatal(err)
	}
	src := string(b)
	kinds := map[string]string{}
	for k, v := range kindWords {
		kinds[string(k)] = v
	}
	statuses := map[string]string{}
	for k, v := range statusWords {
		statuses[string(k)] = v
	}
	sameWords(t, "kindWords", kinds, tsRecord(t, src, `kinds: {`, `} as Record<Kind, string>`))
	sameWords(t, "statusWords", statuses, tsRecord(t, src, `status: {`, `} as Record<Status, string>`))
}

// tsEntry is one `key: 'value'` of an object literal (a key may be quoted).
var tsEntry = regexp.MustCompile(`(?:([A-Za-z_$][\w$]*)|'([^']*)')\s*:\s*'((?:[^'\\]|\\.)*)'`)

// tsRecord reads the object literal in src that opens with open and closes
// with close (the closing is what tells it from others of the same name).
func tsRecord(t *testing.T, src, open, close string) map[string]string {
	t.Helper()
	end := strings.Index(src, close)
	if end < 0 {
		t.Fatalf("strings.ts has no %q", close)
	}
	start := strings.LastIndex(src[:end], open)
	if start < 0 {
		t.Fatalf("strings.ts has no %q before %q", open, close)
	}
	body := src[start+len(open) : end]
	out := map[string]string{}
	for _, m := range tsEntry.FindAllStringSubmatch(body, -1) {
		out[m[1]+m[2]] = strings.NewReplacer(`\'`, `'`, `\\`, `\`).Replace(m[3])
	}
	if len(out) == 0 {
		t.Fatalf("strings.ts: no entries read between %q and %q", open, close)
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
