package packs

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"

	"huddle/exercises"
	"huddle/rooms"
)

func example(t *testing.T) *Pack {
	t.Helper()
	data, err := files.ReadFile("example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p, err := Parse("example.yaml", data)
	if err != nil {
		t.Fatalf("example: %v", err)
	}
	return p
}

func roundTrip(t *testing.T, p *Pack) {
	t.Helper()
	b, err := Encode(p)
	if err != nil {
		t.Fatal(err)
	}
	q, err := Parse(p.ID+".yaml", b)
	if err != nil {
		t.Fatalf("%s: re-parse: %v\n%s", p.ID, err, b)
	}
	if !reflect.DeepEqual(p, q) {
		t.Fatalf("%s: round trip differs\n%+v\n%+v\n%s", p.ID, p, q, b)
	}
	b2, _ := Encode(q)
	if !bytes.Equal(b, b2) {
		t.Fatalf("%s: encoding is not stable", p.ID)
	}
}

func TestBuiltinValidAndRoundTrip(t *testing.T) {
	ps := Builtin()
	if len(ps) != 5 {
		t.Fatalf("%d built-in packs", len(ps))
	}
	ids := map[string]bool{}
	lim := exercises.LimitsFrom(rooms.DefaultLimits())
	for _, p := range ps {
		if ids[p.ID] {
			t.Errorf("duplicate id %s", p.ID)
		}
		ids[p.ID] = true
		for i, s := range p.Exercises {
			if _, err := exercises.Validate(s, lim); err != nil {
				t.Errorf("%s exercise %d: %v", p.ID, i, err)
			}
			if s.Notes == "" {
				t.Errorf("%s exercise %d (%s) has no facilitator notes", p.ID, i, s.Title)
			}
		}
		roundTrip(t, p)
	}
	trust := Find("building-trust")
	if trust == nil || len(trust.Exercises) != 7 {
		t.Fatalf("building-trust: %+v", trust)
	}
	kinds := []exercises.Kind{}
	for _, s := range trust.Exercises {
		kinds = append(kinds, s.Kind)
	}
	want := []exercises.Kind{"words", "survey", "survey", "retro", "help", "kudos", "survey"}
	if !reflect.DeepEqual(kinds, want) {
		t.Fatalf("trust kinds %v", kinds)
	}
	for _, i := range []int{1, 2} { // the self-ratings must be anonymous with a threshold
		if s := trust.Exercises[i]; !s.IsAnonymous() || s.MinResponses < 3 {
			t.Errorf("trust exercise %d must be anonymous with a threshold", i)
		}
	}
	for _, id := range []string{"rebuilding-trust", "start-stop-continue", "mad-sad-glad", "liked-learned-lacked-longed"} {
		if Find(id) == nil {
			t.Errorf("missing %s", id)
		}
	}
	// Builtin returns fresh copies.
	ps[0].Title = "changed"
	if Builtin()[0].Title == "changed" {
		t.Fatal("Builtin shares its packs")
	}
}

func TestExampleUsesEveryFieldAndRoundTrips(t *testing.T) {
	p := example(t)
	if Find(p.ID) != nil {
		t.Fatal("the example is not built in")
	}
	roundTrip(t, p)
	// Every field of Spec, Question, Option, RetroSpec and Column is set
	// somewhere in the example.
	var check func(v reflect.Value, name string, seen map[string]bool)
	check = func(v reflect.Value, name string, seen map[string]bool) {
		switch v.Kind() {
		case reflect.Pointer:
			if !v.IsNil() {
				check(v.Elem(), name, seen)
			}
		case reflect.Slice:
			for i := range v.Len() {
				check(v.Index(i), name, seen)
			}
		case reflect.Struct:
			for i := range v.NumField() {
				f := v.Type().Field(i)
				n := v.Type().Name() + "." + f.Name
				if !v.Field(i).IsZero() {
					seen[n] = true
				} else if _, ok := seen[n]; !ok {
					seen[n] = false
				}
				check(v.Field(i), n, seen)
			}
		}
	}
	seen := map[string]bool{}
	check(reflect.ValueOf(*p), "Pack", seen)
	for n, ok := range seen {
		if !ok {
			t.Errorf("example.yaml never sets %s", n)
		}
	}
	if len(seen) < 30 {
		t.Fatalf("only %d fields seen", len(seen))
	}
}

func problems(t *testing.T, src string) []Problem {
	t.Helper()
	_, err := Parse("pack.yaml", []byte(src))
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("want a ValidationError, got %v", err)
	}
	return ve.Problems
}

func TestValidationNamesLineAndField(t *testing.T) {
	src := `schema: 1
id: bad-pack
title: Bad
exercises:
  - kind: poll
    title: One
    questions:
      - kind: choice
        options:
          - label: Only
  - kind: words
    title: Two
    maxEntries: 40
  - kind: retro
    title: Three
    retro:
      dots: 50
`
	ps := problems(t, src)
	want := []Problem{
		{9, "exercises[0].questions[0].options", "a choice question has 2 to 20 options"},
		{13, "exercises[1].maxEntries", "maxEntries must be 1 to 10"},
		{17, "exercises[2].retro.dots", "dots must be 1 to 20"},
	}
	if !reflect.DeepEqual(ps, want) {
		t.Fatalf("got %+v", ps)
	}
	_, err := Parse("pack.yaml", []byte(src))
	if !strings.Contains(err.Error(), "pack.yaml:9: exercises[0].questions[0].options: a choice question has 2 to 20 options") {
		t.Fatalf("message: %v", err)
	}
}

// A scale the wrong way round is told so at its question's line, with
// the two values, as the console tells it.
func TestScaleTheWrongWayRound(t *testing.T) {
	ps := problems(t, "schema: 1\nid: s\ntitle: S\nexercises:\n  - kind: scale\n    title: Pace\n    questions:\n      - kind: scale\n        min: 5\n        max: 1\n")
	want := []Problem{{8, "exercises[0].questions[0]", "the scale’s lowest value (5) must be below its highest (1)"}}
	if !reflect.DeepEqual(ps, want) {
		t.Fatalf("got %+v\nwant %+v", ps, want)
	}
}

// Options that read the same, or columns of the same title, cannot be
// told apart on a phone or a screen: a pack with them is refused, with
// the line of the repeat.
func TestRepeatedLabelsRefused(t *testing.T) {
	ps := problems(t, `schema: 1
id: twice
title: Twice
exercises:
  - kind: poll
    title: Lunch
    questions:
      - kind: choice
        options:
          - label: Pizza
          - label: Soup
          - label: " pizza"
  - kind: retro
    title: Retro
    retro:
      columns:
        - title: Good
        - title: GOOD
`)
	want := []Problem{
		{12, "exercises[0].questions[0].options[2].label", `two options read “pizza”: each needs a label of its own`},
		{18, "exercises[1].retro.columns[1].title", `two columns are called “GOOD”: each needs a title of its own`},
	}
	if !reflect.DeepEqual(ps, want) {
		t.Fatalf("got %+v\nwant %+v", ps, want)
	}
}

// A pack's title and author hold no control characters, its description
// none but line breaks and tabs: a room made from the pack takes its
// title, and was refused for a field the person never sent.
func TestPackTextHasNoControlCharacters(t *testing.T) {
	src := "schema: 1\nid: ctl\ntitle: \"ctl\\a\"\nauthor: \"A\\x01\"\ndescription: \"two\\nlines\\tand a tab \\0\"\nexercises:\n  - kind: words\n    title: One\n"
	got := map[string]string{}
	for _, p := range problems(t, src) {
		got[p.Field] = p.Message
	}
	if len(got) != 3 || got["title"] == "" || got["author"] == "" || !strings.Contains(got["description"], "control character") {
		t.Fatalf("problems %v", got)
	}
	ok := "schema: 1\nid: ok\ntitle: Fine\ndescription: \"two\\nlines\\tand a tab\"\nexercises:\n  - kind: words\n    title: One\n"
	if _, err := Parse("pack.yaml", []byte(ok)); err != nil {
		t.Fatalf("line breaks and tabs in a description refused: %v", err)
	}
}

func TestUnknownFieldsAndTypes(t *testing.T) {
	ps := problems(t, `schema: 1
id: x
title: X
exercises:
  - kind: poll
    titel: Typo
    minResponses: many
    questions:
      - kind: choice
        colour: red
        options: [{label: a}, {label: b}]
`)
	want := []Problem{
		{6, "exercises[0].titel", `unknown field “titel”`},
		{7, "exercises[0].minResponses", `minResponses must be a whole number, not the text “many”`},
		{10, "exercises[0].questions[0].colour", `unknown field “colour”`},
	}
	if !reflect.DeepEqual(ps, want) {
		t.Fatalf("got %+v", ps)
	}
	// A fraction or an exponent where a whole number goes is refused, not
	// truncated (YAML's decoder made 1.5 a 1), in YAML and in JSON alike.
	for _, src := range []string{
		"schema: 1\nid: x\ntitle: X\nexercises:\n  - kind: words\n    title: W\n    timerSeconds: 1.5\n",
		`{"schema": 1, "id": "x", "title": "X", "exercises": [{"kind": "words", "title": "W", "timerSeconds": 1e2}]}`,
	} {
		ps = problems(t, src)
		if len(ps) != 1 || ps[0].Field != "exercises[0].timerSeconds" || !strings.Contains(ps[0].Message, "timerSeconds must be a whole number, not the number 1") {
			t.Fatalf("%s: got %+v", src, ps)
		}
	}
	// An unknown field leaves the file readable: every other problem is
	// told with it, in the order of the lines (a misspelt kind beside a
	// misspelt field was told only once the field was fixed).
	fieldsOf := func(ps []Problem) []string {
		fields := []string{}
		for _, p := range ps {
			fields = append(fields, p.Field)
		}
		return fields
	}
	ps = problems(t, "schema: 2\nid: Not A Slug\ntitle: ''\nexercises: []\nextra: 1\n")
	if !reflect.DeepEqual(fieldsOf(ps), []string{"schema", "id", "title", "exercises", "extra"}) || ps[4].Line != 5 {
		t.Fatalf("got %+v", ps)
	}
	ps = problems(t, "schema: 1\nid: x\ntitle: X\nexercises:\n  - kind: pol\n    title: Lunch?\n    optons: [a, b]\n")
	if !reflect.DeepEqual(fieldsOf(ps), []string{"exercises[0].kind", "exercises[0].optons"}) || ps[0].Line != 5 || !strings.Contains(ps[0].Message, `unknown exercise kind “pol”`) {
		t.Fatalf("got %+v", ps)
	}
	// A value of the wrong type is not checked by the rules: what YAML's
	// decoder makes of it (2.5 as 2) is not the file's, and checking it
	// would add problems the file does not have ("schema must be 1").
	ps = problems(t, "schema: 2.5\nid: x\ntitle: X\nexercises:\n  - kind: words\n    title: W\n    colour: red\n")
	if !reflect.DeepEqual(fieldsOf(ps), []string{"schema", "exercises[0].colour"}) {
		t.Fatalf("got %+v", ps)
	}
	ps = problems(t, "schema: 2\nid: Not A Slug\ntitle: ''\nexercises: []\n")
	if !reflect.DeepEqual(fieldsOf(ps), []string{"schema", "id", "title", "exercises"}) || ps[1].Line != 2 {
		t.Fatalf("got %+v", ps)
	}
	ps = problems(t, "schema: 1\n  id: [\n")
	if len(ps) != 1 || ps[0].Line == 0 {
		t.Fatalf("syntax error: %+v", ps)
	}
	for src, want := range map[string]string{
		"":                                 "the file is empty",
		"- a\n- b\n":                       "should be a mapping of fields",
		"a: &x 1\nb: *x\n":                 `unknown field “a”`,
		"schema: 1\n---\nid: 2\n":          "a pack file holds one YAML document",
		strings.Repeat("#", MaxFileSize+1): "a pack file is at most",
	} {
		if ps := problems(t, src); len(ps) == 0 || !strings.Contains(ps[0].Message, want) {
			t.Errorf("%.20q: %+v", src, ps)
		}
	}
	ps = problems(t, "schema: 1\nid: a\ntitle: A\nexercises:\n  - kind: quiz\n    title: Q\n")
	if len(ps) != 1 || ps[0].Field != "exercises[0].kind" || ps[0].Line != 5 {
		t.Fatalf("got %+v", ps)
	}
}

// A true-or-false field takes true or false, as YAML 1.2 and JSON read
// them: text, quoted or not, is text. yaml.v3 made "no", "off" and
// "yes" (quoted too) booleans and refused "false" as `“false” is not a
// true or false`; now each is refused alike, saying what to write.
func TestBooleansAreTrueOrFalse(t *testing.T) {
	pack := func(v string) string {
		return "schema: 1\nid: b\ntitle: B\nexercises:\n  - kind: words\n    title: W\n    anonymous: " + v + "\n    minResponses: 5\n"
	}
	for v, want := range map[string]string{
		`"no"`:    `anonymous must be true or false, not the text “no” (write false)`,
		`"off"`:   `anonymous must be true or false, not the text “off” (write false)`,
		`"yes"`:   `anonymous must be true or false, not the text “yes” (write true)`,
		`"false"`: `anonymous must be true or false, not the text “false” (leave out the quotes)`,
		`'True'`:  `anonymous must be true or false, not the text “True” (leave out the quotes)`,
		`no`:      `anonymous must be true or false, not the text “no” (write false)`,
		`on`:      `anonymous must be true or false, not the text “on” (write true)`,
		`Y`:       `anonymous must be true or false, not the text “Y” (write true)`,
		`maybe`:   `anonymous must be true or false, not the text “maybe”`,
		`0`:       `anonymous must be true or false, not the number 0`,
		`[false]`: `anonymous must be true or false, not a list`,
	} {
		want := []Problem{{7, "exercises[0].anonymous", want}}
		if ps := problems(t, pack(v)); !reflect.DeepEqual(ps, want) {
			t.Errorf("anonymous: %s: got %+v\nwant %+v", v, ps, want)
		}
	}
	for v, anon := range map[string]bool{"true": true, "false": false, "True": true, "FALSE": false} {
		p, err := Parse("pack.yaml", []byte(pack(v)))
		if err != nil || p.Exercises[0].IsAnonymous() != anon {
			t.Errorf("anonymous: %s: %+v, %v", v, p, err)
		}
	}
	// JSON alike: a string is never a boolean, nor a number.
	ps := problems(t, `{"schema": "1", "id": "b", "title": "B", "exercises": [{"kind": "poll", "title": "P", "anonymous": "false",
 "questions": [{"kind": "choice", "multi": "true", "options": [{"label": "a"}, {"label": "b"}]}]}]}`)
	want := []Problem{
		{1, "schema", `schema must be a whole number, not the text “1” (leave out the quotes)`},
		{1, "exercises[0].anonymous", `anonymous must be true or false, not the text “false” (leave out the quotes)`},
		{2, "exercises[0].questions[0].multi", `multi must be true or false, not the text “true” (leave out the quotes)`},
	}
	if !reflect.DeepEqual(ps, want) {
		t.Errorf("JSON: got %+v\nwant %+v", ps, want)
	}
}

// A value of the wrong type does not hide the file's other problems:
// with schema: "1" only that line was told, and fixing it showed five
// more. The rules that read a refused value are not checked (its own,
// and its exercise's, whose rules read its fields together: anonymity
// decides the least minResponses), every other one is.
func TestWrongTypesBesideRuleProblems(t *testing.T) {
	ps := problems(t, `schema: "1"
id: Team Check
title: ""
author: A
author: B
exercises:
  - kind: poll
    title: Lunch
    anonymous: "no"
    minResponses: 1
    questions:
      - kind: choice
        options:
          - label: Pizza
          - label: pizza
  - kind: words
    title: Mood
    maxEntries: 40
  - kind: scale
    title: Energy
    questions:
      - kind: scale
        min: 5
        max: 1
  - kind: retro
    title: Retro
    retro:
      dots: 50
      maxPerItem: "2"
  - kudos
  - kind: kudos
    title: ""
    timerSeconds: [60]
`)
	want := []Problem{
		{1, "schema", `schema must be a whole number, not the text “1” (leave out the quotes)`},
		{2, "id", "id is a slug: 1 to 64 lower-case letters, digits and single dashes"},
		{3, "title", "title is 1 to 80 characters"},
		{5, "author", `field “author” is given twice`},
		{9, "exercises[0].anonymous", `anonymous must be true or false, not the text “no” (write false)`},
		{18, "exercises[1].maxEntries", "maxEntries must be 1 to 10"},
		{22, "exercises[2].questions[0]", "the scale’s lowest value (5) must be below its highest (1)"},
		{29, "exercises[3].retro.maxPerItem", `maxPerItem must be a whole number, not the text “2” (leave out the quotes)`},
		{30, "exercises[4]", "should be a mapping of fields"},
		{33, "exercises[5].timerSeconds", "timerSeconds must be a whole number, not a list"},
	}
	if !reflect.DeepEqual(ps, want) {
		t.Errorf("got  %+v\nwant %+v", ps, want)
	}
	// A field given twice is not read either way, and an alias not at
	// all; the rest is.
	ps = problems(t, "schema: 1\nid: &i a\ntitle: *i\nexercises:\n  - kind: words\n    title: W\n    title: V\n  - kind: text\n    title: T\n    maxEntries: 2\n")
	want = []Problem{
		{3, "title", "aliases are not allowed in packs"},
		{7, "exercises[0].title", `field “title” is given twice`},
		{10, "exercises[1].maxEntries", "only a word cloud has maxEntries"},
	}
	if !reflect.DeepEqual(ps, want) {
		t.Errorf("got  %+v\nwant %+v", ps, want)
	}
}

// Every problem of an exercise is told, not the first: a poll with
// minResponses: 1 and two options alike was told only the first, and
// the second once it was fixed.
func TestEveryProblemOfAnExercise(t *testing.T) {
	long := strings.Repeat("x", 81)
	ps := problems(t, `schema: 1
id: all
title: All
exercises:
  - kind: poll
    title: Lunch
    minResponses: 1
    questions:
      - kind: choice
        options:
          - label: Pizza
          - label: pizza
  - kind: survey
    title: ""
    timerSeconds: -1
    maxEntries: 2
    questions:
      - kind: choice
        options:
          - id: a
            label: `+long+`
      - id: q1
        kind: scale
        min: 5
        max: 1
        minLabel: `+long+`
      - kind: stars
  - kind: quiz
    title: ""
    questions:
      - kind: choice
`)
	want := []Problem{
		{7, "exercises[0].minResponses", "an anonymous vote shows its results once at least 3 have answered on this server; fewer would let a small group see who said what"},
		{12, "exercises[0].questions[0].options[1].label", "two options read “pizza”: each needs a label of its own"},
		{14, "exercises[1].title", "title is required"},
		{15, "exercises[1].timerSeconds", "timerSeconds must be 0 to 10800"},
		{16, "exercises[1].maxEntries", "only a word cloud has maxEntries"},
		{19, "exercises[1].questions[0].options", "a choice question has 2 to 20 options"},
		{21, "exercises[1].questions[0].options[0].label", "label is 81 characters; the limit is 80"},
		{22, "exercises[1].questions[1].id", "question ids are unique, 1 to 32 letters, digits, - or _"},
		{22, "exercises[1].questions[1]", "the scale’s lowest value (5) must be below its highest (1)"},
		{26, "exercises[1].questions[1].minLabel", "minLabel is 81 characters; the limit is 80"},
		{27, "exercises[1].questions[2].kind", "a question is a choice or a scale"},
		// An unknown kind says nothing of which fields belong: its
		// questions are not checked, its title is.
		{28, "exercises[2].kind", "unknown exercise kind “quiz”"},
		{29, "exercises[2].title", "title is required"},
	}
	if !reflect.DeepEqual(ps, want) {
		t.Errorf("got  %+v\nwant %+v", ps, want)
	}
}

// A retrospective's settings are told every problem too: a bad column
// id did not hide the column titles alike nor the dots.
func TestEveryProblemOfARetro(t *testing.T) {
	ps := problems(t, `schema: 1
id: retro
title: Retro
exercises:
  - kind: retro
    title: Retro
    retro:
      columns:
        - id: a b
          title: Good
        - title: good
        - title: ""
      dots: 50
      maxPerItem: 60
  - kind: retro
    title: Template
    retro:
      template: start-stop
      dots: 2
      maxPerItem: 3
`)
	want := []Problem{
		{9, "exercises[0].retro.columns[0].id", "column ids are unique, 1 to 32 letters, digits, - or _"},
		{11, "exercises[0].retro.columns[1].title", "two columns are called “good”: each needs a title of its own"},
		{12, "exercises[0].retro.columns[2].title", "title is required"},
		{13, "exercises[0].retro.dots", "dots must be 1 to 20"},
		{18, "exercises[1].retro.template", "unknown template “start-stop”"},
		{20, "exercises[1].retro.maxPerItem", "maxPerItem must be 1 to dots"},
	}
	if !reflect.DeepEqual(ps, want) {
		t.Errorf("got  %+v\nwant %+v", ps, want)
	}
}

// docs/packs.md's sample is what validate says of its sample file: it
// showed an output no file gave (its lines out of order).
func TestDocsSampleIsReal(t *testing.T) {
	doc, err := os.ReadFile("../../docs/packs.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, _ := strings.Cut(string(doc), "## Validation\n")
	_, rest, ok1 := strings.Cut(section, "```yaml\n")
	file, rest, ok2 := strings.Cut(rest, "```\n")
	_, rest, ok3 := strings.Cut(rest, "```\n")
	shown, _, ok4 := strings.Cut(rest, "```\n")
	if !(ok1 && ok2 && ok3 && ok4) {
		t.Fatal("docs/packs.md: no sample file and output under Validation")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "pack.yaml"), []byte(file), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	var out, errb bytes.Buffer
	if code := Main("packs", []string{"validate", "pack.yaml"}, &out, &errb); code != 1 || out.String() != shown {
		t.Errorf("exit %d, validate says\n%s\ndocs/packs.md shows\n%s", code, out.String(), shown)
	}
}

func TestCommandLine(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	bad := filepath.Join(dir, "bad.yaml")
	var out, errb bytes.Buffer
	if Main("packs", []string{"export", "mad-sad-glad"}, &out, &errb) != 0 {
		t.Fatal(errb.String())
	}
	os.WriteFile(good, out.Bytes(), 0o644)
	os.WriteFile(bad, []byte("schema: 1\nid: b\ntitle: B\nexercises:\n  - kind: words\n    title: W\n    maxEntries: 99\n"), 0o644)

	out.Reset()
	if code := Main("packs", []string{"validate", good}, &out, &errb); code != 0 || out.String() != good+": ok\n" {
		t.Fatalf("%d %q", code, out.String())
	}
	out.Reset()
	if code := Main("packs", []string{"validate", good, bad}, &out, &errb); code != 1 ||
		out.String() != good+": ok\n"+bad+":7: exercises[0].maxEntries: maxEntries must be 1 to 10\n" {
		t.Fatalf("%d %q", code, out.String())
	}
	out.Reset()
	if Main("packs", []string{"list"}, &out, &errb) != 0 || !strings.Contains(out.String(), "building-trust") ||
		!strings.Contains(out.String(), "Building trust") || strings.Count(out.String(), "\n") != 6 {
		t.Fatalf("list: %q", out.String())
	}
	if Main("packs", []string{"export", "nope"}, &out, &errb) != 1 || Main("packs", nil, &out, &errb) != 2 || Main("packs", []string{"frob"}, &out, &errb) != 2 {
		t.Fatal("exit codes")
	}
}

// The YAML failures people make most are told in words, at the line to
// fix: a tab in the indentation (YAML indents with spaces only), a "["
// or "{" never closed (yaml.v3 names the line before the one it opened
// on), a ": " inside a value; the parser's own words are not shown.
func TestYAMLFailuresInWords(t *testing.T) {
	cases := []struct {
		name, in string
		line     int
		want     string
	}{
		{"tab", "schema: 1\nid: tabs\ntitle: Tabs\nexercises:\n\t- kind: poll\n", 5, "indented with a tab"},
		{"tab inside", "schema: 1\nid: tabs\ntitle: Tabs\nexercises:\n  - kind: poll\n\ttitle: x\n", 6, "indented with a tab"},
		{"list", "schema: 1\nid: bad\ntitle: [unclosed\nexercises:\n  - kind: poll\n", 3, "“[”"},
		{"mapping", "schema: 1\nid: bad\ntitle: {unclosed\nexercises:\n  - kind: poll\n", 3, "“{”"},
		{"json", "{\"schema\": 1, \"id\": \"w\", \"title\": \"W\",\n \"exercises\": [{\"kind\": \"words\", \"title\": \"x\"}]", 2, "“{”"},
		{"colon", "schema: 1\nid: bad\ntitle: Start: now\nexercises:\n  - kind: poll\n", 3, "quotes"},
		{"quote", "schema: 1\nid: bad\ntitle: \"unclosed\nexercises:\n  - kind: poll\n", 3, "quote"},
		// On the first line, which the reader names no line for (and a
		// quote by the end of the file).
		{"colon on line 1", "title: a: b\nexercises: []\n", 1, "quotes"},
		{"quote on line 1", "title: \"unclosed\nid: x\n", 1, "a quoted text that starts on this line is never closed"},
		{"single quote on line 1", "title: 'unclosed\nid: x\nschema: 1\n", 1, "a quoted text that starts on this line is never closed"},
		{"closes nothing", "title: ]\n", 1, "“]” or “}” on this line closes nothing"},
		{"ends in a list", "schema: 1\ntitle: [a,\n", 2, "the file ends where a value was expected"},
		{"control character", "schema: 1\nid: c\ntitle: T\nexercises:\n  - kind: words\n    title: a\x01b\n", 6, "control character (U+0001)"},
		// JSON, as JSON tells it: a minified file is one line.
		{"minified, a comma missing", `{"schema":1,"id":"mc","title":"MC","exercises":[{"kind":"words" "title":"W"},{"kind":"text","title":"T"}]}`, 1,
			`a “,” is missing before “"title":"W"},{"kind":"te…” (or a “}”)`},
		{"minified, a comma missing in a list", `{"schema":1,"id":"mc","title":"MC","exercises":[{"kind":"words","title":"W"} {"kind":"text","title":"T"}]}`, 1,
			`a “,” is missing before “{"kind":"text","title":"…” (or a “]”)`},
		{"a comma missing on line 3", "{\"schema\": 1,\n \"id\": \"mc\",\n \"title\": \"MC\"\n \"exercises\": []}", 3, `a “,” is missing at the end of this line, before “"exercises": []}” on the next (or a “}”)`},
		{"truncated", `{"title": "x", `, 1, "the file ends before the “{” on line 1 is closed: add its “}”"},
		{"truncated inside", "{\"title\": \"x\",\n \"exercises\": [\n  {\"kind\": \"words\"", 3, "the file ends before the “{” on line 3 is closed: add its “}”"},
		{"truncated in a text", "{\"title\": \"x\",\n \"exercises\": [{\"kind\": \"wor", 2, "a quoted text that starts on this line is never closed"},
		{"a colon missing", `{"title" "x", "exercises": [}`, 1, "a “:” is missing between a name and its value"},
		{"an escape", "{\"title\": \"a\\qb\", \"exercises\": [}", 1, `“\qb", "exercises": [}” is not an escape JSON reads`},
		{"a value missing", `{"title": "x", "exercises": [,]}`, 1, "a value is missing before “,]}”"},
		// A comma before a "}" YAML reads: the file's other error is told.
		{"a comma before a }, and a { never closed", `{"schema":1,"id":"x","title":"T","exercises":[{"kind":"words","title":"W",}]`, 1, "the “{” on this line starts a mapping that is never closed"},
	}
	for _, c := range cases {
		_, err := ParseDraft("f.yaml", []byte(c.in))
		var ve *ValidationError
		if !errors.As(err, &ve) || len(ve.Problems) != 1 {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		p := ve.Problems[0]
		if p.Line != c.line || !strings.Contains(p.Message, c.want) {
			t.Errorf("%s: line %d %q, want line %d and %q", c.name, p.Line, p.Message, c.line, c.want)
		}
		for _, raw := range []string{"token", "did not find expected", "violates indentation", "mapping values", "end of stream", "control characters are", "invalid character", "JSON input"} {
			if strings.Contains(p.Message, raw) {
				t.Errorf("%s: the parser's words %q", c.name, p.Message)
			}
		}
	}
}

// A pack as the API's own answers wrap it ({"pack": …}, or a PackEntry
// {"summary": …, "pack": …}) is read as the pack it wraps; anything else
// beside "pack" is not a wrapper, and is told as one problem saying what
// was expected.
func TestWrappedPackFile(t *testing.T) {
	inner := `{"schema": 1, "id": "w", "title": "W", "exercises": [{"kind": "words", "title": "x"}]}`
	for _, in := range []string{`{"pack": ` + inner + `}`, `{"summary": {"id": "w", "builtin": false}, "pack": ` + inner + `}`} {
		p, err := ParseDraft("f.json", []byte(in))
		if err != nil || p.ID != "w" || len(p.Exercises) != 1 {
			t.Errorf("%s: %+v, %v", in, p, err)
		}
	}
	// Line numbers stay those of the file.
	_, err := ParseDraft("f.json", []byte("{\"pack\": {\"schema\": 1, \"id\": \"w\", \"title\": \"W\",\n \"exercises\": [{\"kind\": \"quiz\", \"title\": \"x\"}]}}"))
	var ve *ValidationError
	if !errors.As(err, &ve) || len(ve.Problems) != 1 || ve.Problems[0].Line != 2 || ve.Problems[0].Field != "exercises[0].kind" {
		t.Errorf("a wrapped pack's problem: %v", err)
	}
	// Not a wrapper: one problem, not one per missing field.
	_, err = ParseDraft("f.json", []byte(`{"pack": `+inner+`, "other": 1}`))
	if !errors.As(err, &ve) || len(ve.Problems) != 1 || ve.Problems[0].Field != "pack" || !strings.Contains(ve.Problems[0].Message, `beside “pack”`) {
		t.Errorf("pack beside another field: %v", err)
	}
	// Parse (a pack file of the directory, `huddle packs validate`)
	// reads it as the import does: validate rejected a file the library
	// imported, whose hint sends people to validate.
	if p, err := Parse("f.json", []byte(`{"pack": `+inner+`}`)); err != nil || p.ID != "w" {
		t.Errorf("Parse of a wrapped pack: %+v, %v", p, err)
	}
	// Still strict inside it: a schema and an id.
	if _, err := Parse("f.json", []byte(`{"pack": {"title": "W", "exercises": [{"kind": "words", "title": "x"}]}}`)); err == nil {
		t.Error("Parse read a wrapped pack without schema or id")
	}
}

// A problem quotes the names and values it is about as the web app
// shows text, in curly quotes (“titel”, not Go's "titel"), and what
// cannot be seen in it as an escape: the message stays one line.
func TestProblemMessagesQuoteInWords(t *testing.T) {
	ps := problems(t, `schema: 1
id: q
title: Q
exercises:
  - kind: words
    title: One
    Title: Two
    title: Three
    maxEntries: "a\nb"
`)
	want := []Problem{
		{7, "exercises[0].Title", `unknown field “Title” (did you mean “title”?)`},
		{8, "exercises[0].title", `field “title” is given twice`},
		{9, "exercises[0].maxEntries", `maxEntries must be a whole number, not the text “a\nb”`},
	}
	if !reflect.DeepEqual(ps, want) {
		t.Errorf("got %+v\nwant %+v", ps, want)
	}
	ps = problems(t, "schema: 1\nid: q\ntitle: Q\nexercises:\n  - kind: retro\n    title: Retro\n    retro:\n      template: start-stop\n")
	if want := []Problem{{8, "exercises[0].retro.template", `unknown template “start-stop”`}}; !reflect.DeepEqual(ps, want) {
		t.Errorf("got %+v\nwant %+v", ps, want)
	}
}

// A problem's message does not start with the path its field already
// gives (the console says where in words): "label is 81 characters…",
// not "questions[0].options[3].label is 81 characters…".
func TestProblemMessagesLeaveThePathToTheField(t *testing.T) {
	in := "schema: 1\nid: long\ntitle: Long\nexercises:\n  - kind: poll\n    title: Lunch\n    questions:\n      - kind: choice\n        options:\n" +
		"          - label: a\n          - label: " + strings.Repeat("x", 81) + "\n"
	_, err := ParseDraft("f.yaml", []byte(in))
	var ve *ValidationError
	if !errors.As(err, &ve) || len(ve.Problems) != 1 {
		t.Fatalf("%v", err)
	}
	p := ve.Problems[0]
	if p.Field != "exercises[0].questions[0].options[1].label" || p.Message != "label is 81 characters; the limit is 80" || p.Line != 11 {
		t.Fatalf("%+v", p)
	}
}

// Lists or mappings nested past what the YAML reader follows are told in
// words, at a line: the reader's own "exceeded max depth of 10000" came
// without one when the nesting began on the first line.
func TestNestedTooDeeply(t *testing.T) {
	for _, c := range []struct {
		name, in string
		line     int
	}{
		{"brackets", strings.Repeat("[", 100000), 1},
		{"braces", strings.Repeat("{", 20000), 1},
		{"in a field", "schema: 1\nid: x\ntitle: X\nexercises: " + strings.Repeat("[", 20000) + "\n", 4},
		{"indented", "schema: 1\nid: x\ntitle: X\nexercises:\n  " + strings.Repeat("- ", 10002) + "\n", 4},
	} {
		for _, parse := range []func(string, []byte) (*Pack, error){Parse, ParseDraft} {
			_, err := parse("f.yaml", []byte(c.in))
			var ve *ValidationError
			if !errors.As(err, &ve) || len(ve.Problems) != 1 {
				t.Errorf("%s: %v", c.name, err)
				continue
			}
			want := Problem{Line: c.line, Message: "lists and mappings are nested too deeply here (more than 10000 inside each other): a pack needs only a few levels"}
			if ve.Problems[0] != want {
				t.Errorf("%s: %+v\nwant %+v", c.name, ve.Problems[0], want)
			}
		}
	}
}

// A whole number too large (or small) to read is told as out of range,
// with the range its field takes: it was "must be a whole number, not
// the number 99999999999999999999", which it is.
func TestNumberOutOfRange(t *testing.T) {
	pack := func(field, v string) string {
		return "schema: 1\nid: n\ntitle: N\nexercises:\n  - kind: poll\n    title: P\n    " + field + ": " + v +
			"\n    questions:\n      - kind: choice\n        options: [{label: a}, {label: b}]\n"
	}
	big, small := "99999999999999999999", "-99999999999999999999"
	for _, c := range []struct {
		in   string
		want Problem
	}{
		{pack("minResponses", big), Problem{7, "exercises[0].minResponses", "minResponses " + big + " is out of range: it must be 1 to 1000"}},
		{pack("minResponses", small), Problem{7, "exercises[0].minResponses", "minResponses " + small + " is out of range: it must be 1 to 1000"}},
		{pack("timerSeconds", "18446744073709551616"), Problem{7, "exercises[0].timerSeconds", "timerSeconds 18446744073709551616 is out of range: it must be 0 to 10800"}},
		{"schema: " + big + "\nid: n\ntitle: N\nexercises:\n  - kind: words\n    title: W\n", Problem{1, "schema", "schema " + big + " is out of range: it must be 1"}},
		{"schema: 1\nid: n\ntitle: N\nexercises:\n  - kind: scale\n    title: S\n    questions:\n      - kind: scale\n        min: " + small + "\n",
			Problem{9, "exercises[0].questions[0].min", "min " + small + " is out of range: a scale runs from min to max, -10 to 10, with at most 11 points"}},
		{"schema: 1\nid: n\ntitle: N\nexercises:\n  - kind: poll\n    title: P\n    questions:\n      - kind: choice\n        maxChoices: " + big + "\n        options: [{label: a}, {label: b}]\n",
			Problem{9, "exercises[0].questions[0].maxChoices", "maxChoices " + big + " is out of range: a whole number here is at most 9223372036854775807"}},
		{`{"schema": 1, "id": "n", "title": "N", "exercises": [{"kind": "words", "title": "W", "maxEntries": 1e400}]}`,
			Problem{1, "exercises[0].maxEntries", "maxEntries must be a whole number, not the number 1e400"}},
		{`{"schema": 1, "id": "n", "title": "N", "exercises": [{"kind": "words", "title": "W", "maxEntries": ` + big + `}]}`,
			Problem{1, "exercises[0].maxEntries", "maxEntries " + big + " is out of range: it must be 1 to 10"}},
	} {
		if ps := problems(t, c.in); !reflect.DeepEqual(ps, []Problem{c.want}) {
			t.Errorf("%s\ngot  %+v\nwant %+v", c.in, ps, []Problem{c.want})
		}
	}
	// Beside it, the file's other problems are told; its exercise's
	// rules wait for it, as for any value refused.
	ps := problems(t, "schema: 1\nid: Not A Slug\ntitle: N\nexercises:\n  - kind: words\n    title: W\n    maxEntries: "+big+"\n    minResponses: 0\n")
	if len(ps) != 2 || ps[0].Field != "id" || ps[1].Field != "exercises[0].maxEntries" {
		t.Errorf("beside another problem: %+v", ps)
	}
}

// An explicit tag other than YAML's standard ones for the value's kind
// is refused, naming its line: !!binary turned base64 into its bytes
// without a word (a title "aGVsbG8=" became "hello").
func TestTagsRefused(t *testing.T) {
	pack := "schema: 1\nid: t\ntitle: %s\nexercises:\n  - kind: words\n    title: W\n"
	for v, tag := range map[string]string{
		"!!binary aGVsbG8=":      "!!binary",
		"!!timestamp 2024-01-01": "!!timestamp",
		"!mine Hello":            "!mine",
		"!!seq Hello":            "!!seq",
		"!!map Hello":            "!!map",
	} {
		want := []Problem{{3, "title", "the tag " + exercises.Quote(tag) + " is not one a pack reads: write the value itself, with no tag or one of !!str, !!int, !!float, !!bool, !!null for a value, !!seq for a list, !!map for a mapping"}}
		if ps := problems(t, strings.Replace(pack, "%s", v, 1)); !reflect.DeepEqual(ps, want) {
			t.Errorf("title: %s\ngot  %+v\nwant %+v", v, ps, want)
		}
	}
	// On a list, an exercise, a key, and in JSON.
	for _, c := range []struct {
		in    string
		line  int
		field string
	}{
		{"schema: 1\nid: t\ntitle: T\nexercises: !!set\n  ? a\n", 4, "exercises"},
		{"schema: 1\nid: t\ntitle: T\nexercises:\n  - !!omap\n    - kind: words\n", 5, "exercises[0]"},
		{"schema: 1\nid: t\n!!binary dGl0bGU=: T\nexercises:\n  - kind: words\n    title: W\n", 3, "dGl0bGU="},
		{`{"schema": 1, "id": "t", "title": !!binary "aGVsbG8=", "exercises": [{"kind": "words", "title": "W"}]}`, 1, "title"},
	} {
		ps := problems(t, c.in)
		if !slices.ContainsFunc(ps, func(p Problem) bool {
			return p.Line == c.line && p.Field == c.field && strings.HasPrefix(p.Message, "the tag “!!")
		}) {
			t.Errorf("%q: %+v", c.in, ps)
		}
	}
	// The standard tags, where they fit, read as without them.
	p, err := Parse("t.yaml", []byte(`schema: !!int 1
id: !!str t
title: !!str 2024
exercises: !!seq
  - !!map
    kind: poll
    title: P
    anonymous: !!bool false
    minResponses: !!int 2
    prompt: !!null
    questions:
      - kind: choice
        options: [{label: !!str a}, {label: !<tag:yaml.org,2002:str> b}]
`))
	if err != nil || p.Title != "2024" || p.Exercises[0].IsAnonymous() || p.Exercises[0].MinResponses != 2 || p.Exercises[0].Questions[0].Options[1].Label != "b" {
		t.Fatalf("standard tags: %+v %v", p, err)
	}
}

// A standard tag on a value it does not read is told as such.
func TestTagThatDoesNotFitItsValue(t *testing.T) {
	ps := problems(t, "schema: 1\nid: t\ntitle: !!int abc\nexercises:\n  - kind: words\n    title: W\n")
	want := []Problem{{3, "title", "“abc” is not a value the tag “!!int” reads: write the value without the tag"}}
	if !reflect.DeepEqual(ps, want) {
		t.Errorf("got  %+v\nwant %+v", ps, want)
	}
}

// Whatever follows a file's pack is an error at its line, in words: a
// second pack, a "}" too many, a second document that does not read.
// Only a second document that read was told; the rest was ignored (two
// JSON packs on two lines imported as the first).
func TestNothingAfterThePack(t *testing.T) {
	pack := `{"schema": 1, "id": "w", "title": "W", "exercises": [{"kind": "words", "title": "x"}]}`
	goesOn := "the file goes on after the end of its pack, on this line: a pack file holds one pack; remove what follows it, or check the brackets and quotes before it"
	for _, c := range []struct {
		in   string
		want Problem
	}{
		{pack + "\n" + strings.Replace(pack, `"w"`, `"v"`, 1) + "\n", Problem{Line: 2, Message: goesOn}},
		{pack + "}", Problem{Line: 1, Message: goesOn}},
		{pack + "]]garbage", Problem{Line: 1, Message: goesOn}},
		{pack + pack, Problem{Line: 1, Message: goesOn}},
		{pack + "\n\n  x\n", Problem{Line: 3, Message: goesOn}},
		{"schema: 1\nid: w\ntitle: W\nexercises:\n  - kind: words\n    title: x\n---\n[unclosed\n", Problem{Line: 7, Message: "a pack file holds one YAML document"}},
		{"---\nschema: 1\nid: w\ntitle: W\nexercises:\n  - kind: words\n    title: x\n...\n{unclosed\n", Problem{Line: 8, Message: "a pack file holds one YAML document"}},
		{"schema: 1\n---\nid: 2\n", Problem{Line: 2, Message: "a pack file holds one YAML document"}},
	} {
		for _, parse := range []func(string, []byte) (*Pack, error){Parse, ParseDraft} {
			_, err := parse("f.json", []byte(c.in))
			var ve *ValidationError
			if !errors.As(err, &ve) || !reflect.DeepEqual(ve.Problems, []Problem{c.want}) {
				t.Errorf("%q: %v\nwant %+v", c.in, err, c.want)
			}
		}
	}
	// What may follow: space, comments, the end of the document.
	for _, after := range []string{"\n\n", "  \n# the end\n", "\n...\n", "\n...\n# the end\n"} {
		if _, err := Parse("f.json", []byte(pack+after)); err != nil {
			t.Errorf("%q after the pack: %v", after, err)
		}
	}
}

// A JSON file is read as JSON reads it: an emoji escaped as a surrogate
// pair (Python's json.dumps writes "Party \ud83c\udf89") was refused
// ("found invalid Unicode character escape code", no line), "\/" (PHP's
// json_encode) too, and a line separator in a text read as a line
// break. Its problems keep their lines.
func TestJSONReadAsJSON(t *testing.T) {
	p, err := ParseDraft("emoji.json", []byte(`{"schema":1,"id":"emoji","title":"Party \ud83c\udf89","exercises":[{"kind":"words","title":"A\/B","notes":"one`+"\u2028"+`two\u2029three"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if p.Title != "Party 🎉" || p.Exercises[0].Title != "A/B" || p.Exercises[0].Notes != "one\u2028two\u2029three" {
		t.Fatalf("%q %q %q", p.Title, p.Exercises[0].Title, p.Exercises[0].Notes)
	}
	// With a byte order mark, wrapped, and with its problems at their lines.
	ps := problems(t, "\ufeff{\"pack\": {\"schema\": 1, \"id\": \"emoji\", \"title\": \"\\ud83c\\udf89\",\n"+
		"\"exercises\": [{\"kind\": \"words\", \"title\": \"W\", \"maxEntries\": 1.5,\n\"titel\": \"x\", \"title\": \"\\ud83d\\ude00\"}]}}")
	want := []Problem{
		{2, "exercises[0].maxEntries", "maxEntries must be a whole number, not the number 1.5"},
		{3, "exercises[0].titel", "unknown field “titel”"},
		{3, "exercises[0].title", "field “title” is given twice"},
	}
	if !reflect.DeepEqual(ps, want) {
		t.Errorf("got  %+v\nwant %+v", ps, want)
	}
	// Half of a pair is refused, at its line, not read as "�".
	ps = problems(t, "{\"schema\": 1, \"id\": \"h\",\n \"title\": \"a\\ud83c b\", \"exercises\": [{\"kind\": \"words\", \"title\": \"W\"}]}")
	if len(ps) != 1 || ps[0].Line != 2 || !strings.Contains(ps[0].Message, "the escape “\\ud83c” is half of a character") {
		t.Errorf("half a pair: %+v", ps)
	}
	for _, in := range []string{`"\udf89\ud83c"`, `"\ud83c"`, `"\udf89"`, `"x\ud83c\u0041"`} {
		if off, _ := halfSurrogate([]byte(in)); off < 0 {
			t.Errorf("%s: no half pair found", in)
		}
	}
	for _, in := range []string{`"\\ud83c"`, `"\ud83c\udf89"`, `"\u00e9\\"`, `"\\\ud83d\ude00"`} {
		if off, esc := halfSurrogate([]byte(in)); off >= 0 {
			t.Errorf("%s: %s taken for half a pair", in, esc)
		}
	}
	// Read as YAML reads the same JSON: what it read, JSON reads alike.
	for _, in := range []string{
		`{"schema": 1, "id": "n", "title": 2024, "exercises": [{"kind": "words", "title": true, "maxEntries": 1e400, "minResponses": 99999999999999999999, "timerSeconds": -0, "prompt": null}]}`,
		`{"schema": "1", "id": "b", "title": "B", "exercises": [{"kind": "poll", "title": "P", "anonymous": "false", "questions": [{"kind": "choice", "multi": 1, "options": [{"label": "a"}, {"label": "a"}]}]}]}`,
		`[{"schema": 1}]`, `"text"`, `5`, `null`, `{}`, `{"schema": 1, "id": "x", "title": "X", "exercises": {"kind": "words"}}`,
	} {
		fromJSON, jerr := ParseDraft("f.json", []byte(in))
		fromYAML, yerr := ParseDraft("f.yaml", []byte("# YAML\n"+strings.ReplaceAll(in, "\n", "\n ")))
		var jve, yve *ValidationError
		errors.As(jerr, &jve)
		errors.As(yerr, &yve)
		if jve != nil && yve != nil {
			for i := range yve.Problems {
				yve.Problems[i].Line--
			}
			jve.Name = yve.Name
		}
		if !reflect.DeepEqual(fromJSON, fromYAML) || !reflect.DeepEqual(jve, yve) {
			t.Errorf("%s\nJSON: %+v %v\nYAML: %+v %v", in, fromJSON, jerr, fromYAML, yerr)
		}
	}
}

// A file that is not UTF-8 text is refused, at the line of its first
// byte that is not, with the same words wherever it is read: the
// library's directory and `huddle packs validate` said "invalid trailing
// UTF-8 octet", at no line (and the web app's import read “Caf� r�tro”).
// UTF-16 with its byte order mark, which YAML reads, reads as UTF-8.
func TestNotUTF8Refused(t *testing.T) {
	latin1 := func(s string) string { // each rune a byte, as Latin-1 saves it
		b := []byte{}
		for _, r := range s {
			b = append(b, byte(r))
		}
		return string(b)
	}
	for _, c := range []struct {
		in   string
		line int
	}{
		{latin1("title: Café rétro\nexercises:\n  - kind: words\n    title: Mot\n"), 1},
		{"schema: 1\nid: c\n" + latin1("title: Café rétro à l'été\n"), 3},
		{"{\"schema\": 1, \"id\": \"c\",\n\"title\": \"" + latin1("Café") + "\", \"exercises\": []}", 2},
		{"schema: 1\nid: c\ntitle: C\n# \xff\xfe\n", 4},
	} {
		for _, parse := range []func(string, []byte) (*Pack, error){Parse, ParseDraft} {
			_, err := parse("f.yaml", []byte(c.in))
			var ve *ValidationError
			if !errors.As(err, &ve) || !reflect.DeepEqual(ve.Problems, []Problem{{Line: c.line, Message: NotUTF8}}) {
				t.Errorf("%q: %v", c.in, err)
			}
		}
	}
	if !strings.HasPrefix(NotUTF8, "the file is not UTF-8 text: save it as UTF-8") {
		t.Error(NotUTF8)
	}

	// `huddle packs validate`, and the library's directory.
	dir := t.TempDir()
	name := filepath.Join(dir, "latin1.yaml")
	os.WriteFile(name, []byte("schema: 1\nid: latin\n"+latin1("title: Café\n")+"exercises:\n  - kind: words\n    title: W\n"), 0o644)
	var out, errb bytes.Buffer
	if code := Main("packs", []string{"validate", name}, &out, &errb); code != 1 || out.String() != name+":3: "+NotUTF8+"\n" {
		t.Errorf("validate: %d %q", code, out.String())
	}
	lib := newLib(t, 10)
	if n, err := lib.LoadDir(t.Context(), dir); n != 0 || err == nil || err.Error() != "latin1.yaml:3: "+NotUTF8 {
		t.Errorf("LoadDir: %d %v", n, err)
	}

	// UTF-16, little- and big-endian, reads as the same file in UTF-8.
	src := "schema: 1\nid: wide\ntitle: Café 🎉\nexercises:\n  - kind: words\n    title: Mot\n"
	want, err := Parse("utf8.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	utf16of := func(s string, big bool) []byte {
		b := []byte{0xff, 0xfe}
		if big {
			b = []byte{0xfe, 0xff}
		}
		for _, u := range utf16.Encode([]rune(s)) {
			if big {
				b = binary.BigEndian.AppendUint16(b, u)
			} else {
				b = binary.LittleEndian.AppendUint16(b, u)
			}
		}
		return b
	}
	for _, big := range []bool{false, true} {
		if p, err := Parse("utf16.yaml", utf16of(src, big)); err != nil || !reflect.DeepEqual(p, want) {
			t.Errorf("UTF-16 (big-endian %v): %+v %v", big, p, err)
		}
		// Its problems keep their lines.
		ps := problems(t, string(utf16of(strings.Replace(src, "kind: words", "kind: wordz", 1), big)))
		if len(ps) != 1 || ps[0].Line != 5 {
			t.Errorf("UTF-16 problems: %+v", ps)
		}
	}
	broken := utf16of("schema: 1\nid: x\ntitle: a", false)
	for _, b := range [][]byte{append(broken, 0x3d, 0xd8), append(broken, 0x41)} { // half a pair; half a unit
		ps := problems(t, string(b))
		if len(ps) != 1 || ps[0].Line != 3 || ps[0].Message != "the file is UTF-16 text with a broken character on this line: save it as UTF-8" {
			t.Errorf("broken UTF-16: %+v", ps)
		}
	}
}

// A results file picked instead of a pack (the console's JSON results,
// or a kept session's) is told as such, in one problem: it was 47
// unknown fields for a short workshop.
func TestResultsFileIsNotAPack(t *testing.T) {
	r := &exercises.RoomResults{Title: "QA workshop", Date: "2026-12-07", Ended: true, EndedAt: "2026-12-07T07:03:55Z", Participants: 4,
		Exercises: []exercises.ExerciseResult{{Kind: exercises.KindPoll, Title: "Lunch", Responses: 4}, {Kind: exercises.KindWords, Title: "Mood"}}}
	results, err := r.JSON()
	if err != nil {
		t.Fatal(err)
	}
	session, err := json.Marshal(exercises.Session{Session: exercises.SessionSummary{ID: "r1", Code: "K7QX2M", Title: "QA workshop"}, Results: r})
	if err != nil {
		t.Fatal(err)
	}
	want := []Problem{{Line: 1, Message: "this is a results file (a room's or a kept session's results, as the console and the Sessions page download them), not a pack: import a pack file, as Export YAML in the library gives one"}}
	for _, in := range [][]byte{results, session, []byte("title: QA\ndate: 2026-12-07\nparticipants: 4\nexercises: []\n")} {
		for _, parse := range []func(string, []byte) (*Pack, error){Parse, ParseDraft} {
			_, err := parse("results.json", in)
			var ve *ValidationError
			if !errors.As(err, &ve) || !reflect.DeepEqual(ve.Problems, want) {
				t.Errorf("%.60s…: %v", in, err)
			}
		}
	}
	// One field of the results in a pack is a field unknown.
	ps := problems(t, "schema: 1\nid: d\ntitle: D\ndate: 2026-12-07\nexercises:\n  - kind: words\n    title: W\n")
	if len(ps) != 1 || ps[0].Field != "date" || ps[0].Message != "unknown field “date”" {
		t.Errorf("a pack with a date: %+v", ps)
	}
}
