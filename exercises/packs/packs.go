// Package packs reads, checks and writes exercise packs: human-editable
// YAML files that hold an ordered list of exercise specs (exercises.Spec)
// a facilitator can load into a room's agenda. It also holds the built-in
// library and the "packs" command line.
package packs

import (
	"bytes"
	"embed"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"path"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf16"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"huddle/exercises"
	"huddle/rooms"
)

// Schema is the pack format version this package reads and writes.
const Schema = 1

// Pack is one exercise pack.
type Pack struct {
	Schema      int              `yaml:"schema" json:"schema"`
	ID          string           `yaml:"id" json:"id"`
	Title       string           `yaml:"title" json:"title"`
	Description string           `yaml:"description,omitempty" json:"description,omitempty"`
	Author      string           `yaml:"author,omitempty" json:"author,omitempty"`
	Exercises   []exercises.Spec `yaml:"exercises" json:"exercises"`
}

// Problem is one thing wrong with a pack file.
type Problem struct {
	Line    int    // 1-based; 0 when unknown
	Field   string // path in the pack, e.g. exercises[2].questions[0].options
	Message string
}

// ValidationError lists every problem found in a pack file.
type ValidationError struct {
	Name     string
	Problems []Problem
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Name)
		if p.Line > 0 {
			fmt.Fprintf(&b, ":%d", p.Line)
		}
		b.WriteString(": ")
		if p.Field != "" {
			b.WriteString(p.Field + ": ")
		}
		b.WriteString(p.Message)
	}
	return b.String()
}

// Limits on a pack's own fields.
const (
	MaxTitle       = 80
	MaxDescription = 2000
	MaxAuthor      = 120
	MaxExercises   = 100
	MaxFileSize    = 1 << 20 // bytes of a pack file
)

var slugRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// exerciseLimits are the limits a pack's exercises are checked against:
// those of a room with the default limits.
func exerciseLimits() exercises.Limits { return exercises.LimitsFrom(rooms.DefaultLimits()) }

// Parse reads and validates a pack. name is used in error messages only.
// Specs are returned as written (not normalised): agenda.add normalises them.
// Any problem yields a *ValidationError listing all problems found. A
// pack wrapped as the API answers one ({"pack": …}, see unwrap) is read
// as the pack it wraps, as an import reads it: `huddle packs validate`
// says of a file what the library's import would.
func Parse(name string, data []byte) (*Pack, error) { return parse(name, data, false) }

// ParseDraft is Parse for a pack on its way into the library: a missing
// schema means the current one, and the id may be empty (the library
// makes one from the title). JSON is read too (see readJSON).
func ParseDraft(name string, data []byte) (*Pack, error) { return parse(name, data, true) }

func parse(name string, data []byte, draft bool) (*Pack, error) {
	ve := &ValidationError{Name: name}
	p, w, problem := read(data)
	if problem != nil {
		ve.Problems = append(ve.Problems, *problem)
		return nil, ve
	}
	if p == nil {
		ve.Problems = w.problems
		return nil, ve
	}
	lines := w.lines
	if draft && p.Schema == 0 {
		p.Schema = Schema
	}
	// A problem of the file's shape leaves the rest readable: the
	// file's every other problem (a kind misspelt beside a misspelt
	// field, an id not a slug beside a schema in quotes) is told in the
	// same answer, in the order of its lines, not one fix later. Only
	// the rules that read a refused value are not checked (see unsure).
	ve.Problems = w.problems
	for _, c := range check(p, lines, draft) {
		if !w.unsure(c.Field) {
			ve.Problems = append(ve.Problems, c)
		}
	}
	for _, o := range w.overflows {
		if r := rangeOf(p, lines, draft, o.field, strings.HasPrefix(o.value, "-")); r != "" {
			ve.Problems[o.problem].Message = fmt.Sprintf("%s %s is out of range: %s", o.name, o.value, r)
		}
	}
	if len(ve.Problems) > 0 {
		sort.SliceStable(ve.Problems, func(i, j int) bool { return ve.Problems[i].Line < ve.Problems[j].Line })
		return nil, ve
	}
	return p, nil
}

// read reads a pack file's one document into a Pack as the file says
// it, without the rules: a problem of the whole file (its size, its
// syntax, a second document) alone, or the pack and the walker, with
// the problems of its fields and their lines (the pack nil when it
// cannot be decoded at all).
func read(data []byte) (*Pack, *walker, *Problem) {
	if len(data) > MaxFileSize {
		return nil, nil, &Problem{Message: fmt.Sprintf("a pack file is at most %d bytes", MaxFileSize)}
	}
	data, problem := utf8Text(data)
	if problem != nil {
		return nil, nil, problem
	}
	root, problem := readJSON(data)
	if root == nil && problem == nil {
		root, problem = readYAML(data)
		// A file written as JSON that is not, nor YAML, is told as JSON
		// tells it: at its very place, which a minified file needs (the
		// YAML reader's "a “{” is not closed by this line" came at no
		// line, for a comma missing). So is a comma missing before a
		// name or a value that YAML read as one text with the value
		// before it ({"schema": 1 "id": "x"}: schema “1 "id": "x"”).
		if jp, sure := jsonSyntaxProblem(data); jp != nil && (problem != nil || sure) {
			root, problem = nil, jp
		}
	}
	if problem != nil {
		return nil, nil, problem
	}
	root, wrapped := unwrap(root)
	if wrapped != nil {
		return nil, nil, wrapped
	}
	if resultsFile(root) {
		// Not one problem per field of the results ("unknown field
		// “date”", 47 of them for a short workshop).
		return nil, nil, &Problem{Line: root.Line, Message: "this is a results file (a room's or a kept session's results, as the console and the Sessions page download them), not a pack: import a pack file, as Export YAML in the library gives one"}
	}
	lines := map[string]int{"": root.Line}
	w := &walker{lines: lines}
	w.walk(root, reflect.TypeFor[Pack](), "")
	// The walker took out of the tree every value it refused, so what
	// is left decodes as the file says.
	var p Pack
	if err := root.Decode(&p); err != nil {
		w.problems = append(w.problems, yamlProblem(err))
		return nil, w, nil
	}
	nilEmpty(reflect.ValueOf(&p))
	return &p, w, nil
}

// utf8Text is a pack file's text as UTF-8, or why it is not text: a
// file in another encoding (Latin-1, Windows-1252) is refused at the
// line of its first byte that is not UTF-8, wherever it is read (the
// web app's import showed “Caf� r�tro”; the reader said "invalid
// trailing UTF-8 octet", at no line). UTF-16 with its byte order mark
// (Windows' "Unicode", PowerShell's ">"), which YAML reads, is made
// UTF-8, line for line.
func utf8Text(data []byte) ([]byte, *Problem) {
	if len(data) >= 2 && (data[0] == 0xff && data[1] == 0xfe || data[0] == 0xfe && data[1] == 0xff) {
		order := binary.ByteOrder(binary.LittleEndian)
		if data[0] == 0xfe {
			order = binary.BigEndian
		}
		units := make([]uint16, 0, len(data)/2)
		for i := 2; i+1 < len(data); i += 2 {
			units = append(units, order.Uint16(data[i:]))
		}
		var b bytes.Buffer
		for i, n := 0, 1; i < len(units); i++ {
			r := rune(units[i])
			if utf16.IsSurrogate(r) {
				r = utf8.RuneError
				if i+1 < len(units) {
					r = utf16.DecodeRune(rune(units[i]), rune(units[i+1]))
				}
				if r == utf8.RuneError {
					return nil, &Problem{Line: n, Message: "the file is UTF-16 text with a broken character on this line: save it as UTF-8"}
				}
				i++
			}
			if r == '\n' {
				n++
			}
			b.WriteRune(r)
		}
		if len(data)%2 != 0 {
			return nil, &Problem{Line: 1 + bytes.Count(b.Bytes(), []byte("\n")), Message: "the file is UTF-16 text with a broken character on this line: save it as UTF-8"}
		}
		return b.Bytes(), nil
	}
	if utf8.Valid(data) {
		return data, nil
	}
	bad := 0
	for bad < len(data) {
		r, size := utf8.DecodeRune(data[bad:])
		if r == utf8.RuneError && size <= 1 {
			break
		}
		bad += size
	}
	return nil, &Problem{Line: 1 + bytes.Count(data[:bad], []byte("\n")), Message: NotUTF8}
}

// NotUTF8 is the problem of a file that is not UTF-8 text, at the line
// of its first byte that is not (the web app says it as the server).
const NotUTF8 = "the file is not UTF-8 text: save it as UTF-8 (this line has its first character that is not, such as an “é” saved as Latin-1)"

// readYAML reads the file's one YAML document.
func readYAML(data []byte) (*yaml.Node, *Problem) {
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &Problem{Message: "the file is empty"}
		}
		p := syntaxProblem(yamlProblem(err), data)
		return nil, &p
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, &Problem{Line: extra.Line, Message: "a pack file holds one YAML document"}
	} else if !errors.Is(err, io.EOF) {
		p := trailing(yamlProblem(err), root.Line, data)
		return nil, &p
	}
	return root, nil
}

// readJSON reads a file that is JSON as JSON (RFC 8259) reads it, into
// the nodes YAML would make of it, with their lines; nil and no problem
// when the file is not JSON. JSON is YAML too, nearly: yaml.v3 refused
// an emoji escaped as JSON writes it by default ("\ud83c\udf89") and
// "\/", and read a line separator (U+2028) in a text as a line break.
func readJSON(data []byte) (*yaml.Node, *Problem) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if !json.Valid(data) {
		return nil, nil
	}
	if off, esc := halfSurrogate(data); off >= 0 {
		return nil, &Problem{Line: 1 + bytes.Count(data[:off], []byte("\n")),
			Message: fmt.Sprintf("the escape %s is half of a character written as two (such as \\ud83c\\udf89 for 🎉), and its other half is missing: a text cannot hold it", exercises.Quote(esc))}
	}
	r := jsonReader{dec: json.NewDecoder(bytes.NewReader(data)), data: data, line: 1}
	r.dec.UseNumber()
	return r.value(), nil
}

// jsonReader makes nodes of JSON tokens, each at its line.
type jsonReader struct {
	dec       *json.Decoder
	data      []byte
	pos, line int // the line of data[pos]
}

// next is the next token and its line. A JSON token is on one line:
// that of its end.
func (r *jsonReader) next() (json.Token, int) {
	tok, err := r.dec.Token()
	if err != nil {
		panic("packs: a JSON file that json.Valid took: " + err.Error())
	}
	end := int(r.dec.InputOffset())
	r.line += bytes.Count(r.data[r.pos:end], []byte("\n"))
	r.pos = end
	return tok, r.line
}

// value is the next value, as the YAML reader makes it of the same text.
func (r *jsonReader) value() *yaml.Node {
	tok, line := r.next()
	switch t := tok.(type) {
	case json.Delim:
		n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle, Line: line}
		if t == '{' {
			n.Kind, n.Tag = yaml.MappingNode, "!!map"
		}
		for r.dec.More() {
			if n.Kind == yaml.MappingNode {
				k, line := r.next()
				n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Style: yaml.DoubleQuotedStyle, Value: k.(string), Line: line})
			}
			n.Content = append(n.Content, r.value())
		}
		r.next() // its end
		return n
	case string:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Style: yaml.DoubleQuotedStyle, Value: t, Line: line}
	}
	// A number, true, false or null: as YAML reads the same plain text
	// (99999999999999999999 a float, 1e400 text).
	n := &yaml.Node{Kind: yaml.ScalarNode, Value: fmt.Sprint(tok), Line: line}
	if tok == nil {
		n.Value = "null"
	}
	n.Tag = n.ShortTag()
	return n
}

// halfSurrogate is the offset and text of the first \u escape in JSON
// text that is half of a UTF-16 surrogate pair without its other half
// (which encoding/json reads as U+FFFD), or -1.
func halfSurrogate(data []byte) (int, string) {
	surrogate := func(i int) (rune, bool) {
		if i+6 > len(data) || data[i] != '\\' || data[i+1] != 'u' {
			return 0, false
		}
		v, err := strconv.ParseUint(string(data[i+2:i+6]), 16, 16)
		return rune(v), err == nil && utf16.IsSurrogate(rune(v))
	}
	for i := 0; i < len(data); i++ {
		if data[i] != '\\' {
			continue
		}
		if hi, ok := surrogate(i); ok {
			if lo, ok := surrogate(i + 6); ok && hi < 0xdc00 && lo >= 0xdc00 {
				i += 11
				continue
			}
			return i, string(data[i : i+6])
		}
		i++ // an escape's letter, or the \ of \\
	}
	return -1, ""
}

var lineRE = regexp.MustCompile(`line (\d+): `)

func yamlProblem(err error) Problem {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	p := Problem{Message: msg}
	if m := lineRE.FindStringSubmatchIndex(msg); m != nil {
		p.Line, _ = strconv.Atoi(msg[m[2]:m[3]])
		p.Message = msg[:m[0]] + msg[m[1]:]
	}
	return p
}

// The parser's errors (not the scanner's) in yaml.v3 name the line
// before the one they are about (a 0-based line read as 1-based).
var parserErrors = map[string]bool{
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"did not find expected '-' indicator":    true,
	"did not find expected <document start>": true,
	"did not find expected key":              true,
	"did not find expected node content":     true,
	"found undefined tag handle":             true,
}

// syntaxProblem is a YAML syntax error at the line to fix (the first
// line too, which the reader names no line for), the common ones told
// in words: a tab in the indentation, a "[" or "{" never closed, a ": "
// inside a value, a quote never closed, a control character, a value
// missing. Others keep the parser's words.
func syntaxProblem(p Problem, data []byte) Problem {
	if p.Message == "control characters are not allowed" {
		// The reader's error, at no line.
		for i, r := range string(data) {
			if !printable(r) {
				return Problem{Line: 1 + strings.Count(string(data[:i]), "\n"),
					Message: fmt.Sprintf("this line holds a control character (U+%04X) that a YAML file cannot: remove it, or write it as an escape in double quotes (\"\\t\" for a tab)", r)}
			}
		}
	}
	// The reader names no line when it is the first; its parser's
	// errors name the line before the one they are about.
	if p.Line == 0 || parserErrors[p.Message] {
		p.Line++
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	// The end of the file is the last line, not the one after it.
	p.Line = min(p.Line, len(lines))
	text := func(n int) string {
		if n < 1 || n > len(lines) {
			return ""
		}
		return lines[n-1]
	}
	tabbed := func(n int) bool {
		l := text(n)
		return strings.Contains(l[:len(l)-len(strings.TrimLeft(l, " \t"))], "\t")
	}
	if depth, ok := strings.CutPrefix(p.Message, "exceeded max depth of "); ok {
		p.Message = fmt.Sprintf("lists and mappings are nested too deeply here (more than %s inside each other): a pack needs only a few levels", depth)
		return p
	}
	switch p.Message {
	case "found character that cannot start any token", "found a tab character that violates indentation",
		"found a tab character where an indentation space is expected":
		// The scanner names where the token began, which may be lines
		// before the tab: the first tab-indented line from there.
		for n := max(p.Line, 1); n <= len(lines); n++ {
			if tabbed(n) {
				p.Line = n
				p.Message = "this line is indented with a tab: YAML indents with spaces only"
				return p
			}
		}
		if p.Message == "found character that cannot start any token" {
			p.Message = "this line has a character a YAML value cannot start with (such as “@” or “`”): put the value in quotes"
		}
	case "did not find expected ',' or ']'", "did not find expected ',' or '}'":
		open, close, what := "[", "]", "list"
		if strings.HasSuffix(p.Message, "'}'") {
			open, close, what = "{", "}", "mapping"
		}
		if l := text(p.Line); strings.Count(l, open) > strings.Count(l, close) {
			p.Message = fmt.Sprintf("the “%s” on this line starts a %s that is never closed: add its “%s”, or put the text in quotes if the “%s” is part of it", open, what, close, open)
		} else {
			p.Message = fmt.Sprintf("a “%s” is not closed by this line: add its “%s”, or put the text in quotes if the “%s” is part of it", open, close, open)
		}
	case "mapping values are not allowed in this context":
		p.Message = "a “: ” inside a value, or a line indented more than it should be: put the value in quotes, or check the indentation"
	case "found unexpected end of stream":
		// (only a quoted text's) The reader names the line it started
		// on, but the end of the file when it is the first line.
		if !strings.ContainsAny(text(p.Line), `"'`) {
			p.Line = 1
		}
		p.Message = "a quoted text that starts on this line is never closed: add its closing quote"
	case "did not find expected node content":
		switch l := text(p.Line); {
		case strings.Count(l, "]")+strings.Count(l, "}") > strings.Count(l, "[")+strings.Count(l, "{"):
			p.Message = "a “]” or “}” on this line closes nothing, or comes where a value was expected: remove it, or put the text in quotes if it is part of it"
		case p.Line == len(lines):
			p.Message = "the file ends where a value was expected: add the value, or the “]” or “}” of a “[” or “{” never closed"
		default:
			p.Message = "a value was expected on this line: check it, and put a text in quotes if it holds a “[”, “{”, “,” or “: ”"
		}
	}
	return p
}

// trailingComma reports whether c, after before, closes a list or a
// mapping right after a “,”: YAML reads it, JSON does not.
func trailingComma(before []byte, c byte) bool {
	before = bytes.TrimRight(before, " \t\r\n")
	return (c == '}' || c == ']') && len(before) > 0 && before[len(before)-1] == ','
}

// printable reports whether YAML takes r in a file.
func printable(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r <= 0x7e || r == 0x85 ||
		r >= 0xa0 && r <= 0xd7ff || r >= 0xe000 && r <= 0xfffd || r >= 0x10000 && r <= 0x10ffff
}

// jsonSyntaxProblem is the syntax error of a file written as JSON (its
// first character a “{” or a “[”, its names in double quotes) that is
// not JSON, in words, at its line; nil for a file that is not written as
// JSON, is JSON, or whose error YAML tells better (nesting too deep) or
// does not make (a “,” before a “}”). sure: the error is one even where
// YAML read the file (a comma missing before a value that starts with a
// quote or a bracket).
func jsonSyntaxProblem(data []byte) (_ *Problem, sure bool) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if t := bytes.TrimLeft(data, " \t\r\n"); len(t) == 0 || t[0] != '{' && t[0] != '[' {
		return nil, false
	}
	var se *json.SyntaxError
	if !errors.As(json.Unmarshal(data, new(json.RawMessage)), &se) {
		return nil, false
	}
	at := min(max(int(se.Offset)-1, 0), len(data)) // the character refused
	lineOf := func(off int) int { return 1 + bytes.Count(data[:off], []byte("\n")) }
	// The text from there to the end of its line, as the file has it.
	near := func(from int) string {
		l := data[from:]
		if i := bytes.IndexAny(l, "\r\n"); i >= 0 {
			l = l[:i]
		}
		if r := []rune(string(l)); len(r) > 24 {
			l = []byte(string(r[:24]) + "…")
		}
		return exercises.Quote(string(l))
	}
	msg := se.Error()
	switch {
	case strings.Contains(msg, "exceeded max depth"):
		return nil, false
	case msg == "unexpected end of JSON input":
		// What is still open at the end: a text, or brackets.
		type open struct {
			c    byte
			line int
		}
		var stack []open
		str := -1
		for i := 0; i < len(data); i++ {
			switch c := data[i]; {
			case str >= 0 && c == '\\':
				i++
			case str >= 0 && c == '"':
				str = -1
			case str >= 0:
			case c == '"':
				str = i
			case c == '{' || c == '[':
				stack = append(stack, open{c, lineOf(i)})
			case (c == '}' || c == ']') && len(stack) > 0:
				stack = stack[:len(stack)-1]
			}
		}
		last := lineOf(len(bytes.TrimRight(data, " \t\r\n")))
		switch {
		case str >= 0:
			return &Problem{Line: lineOf(str), Message: "a quoted text that starts on this line is never closed: add its closing quote"}, false
		case len(stack) > 0:
			o := stack[len(stack)-1]
			close := map[byte]string{'{': "}", '[': "]"}[o.c]
			return &Problem{Line: last, Message: fmt.Sprintf("the file ends before the “%c” on line %d is closed: add its “%s”", o.c, o.line, close)}, false
		}
		return &Problem{Line: last, Message: "the file ends in the middle of a value"}, false
	}
	c := data[at]
	p := &Problem{Line: lineOf(at)}
	switch {
	case strings.HasSuffix(msg, "after object key:value pair"), strings.HasSuffix(msg, "after array element"):
		closer := map[bool]string{true: "}", false: "]"}[strings.HasSuffix(msg, "pair")]
		p.Message = fmt.Sprintf("a “,” is missing before %s (or a “%s”)", near(at), closer)
		// The comma goes after the value before, which may end a line.
		if end := len(bytes.TrimRight(data[:at], " \t\r\n")); lineOf(end) < p.Line {
			p.Line = lineOf(end)
			p.Message = fmt.Sprintf("a “,” is missing at the end of this line, before %s on the next (or a “%s”)", near(at), closer)
		}
		sure = c == '"' || c == '{' || c == '['
	case trailingComma(data[:at], c):
		return nil, false
	case strings.HasSuffix(msg, "after object key"):
		p.Message = fmt.Sprintf("a “:” is missing between a name and its value, before %s", near(at))
	case strings.HasSuffix(msg, "after top-level value"):
		p.Message = goesOn
	case strings.HasSuffix(msg, "looking for beginning of object key string") && c != '}' && c != ',':
		return nil, false // names not in quotes: YAML's flow style, not JSON
	case strings.HasPrefix(msg, "invalid character ','"), strings.HasSuffix(msg, "looking for beginning of value") && c == ']':
		p.Message = fmt.Sprintf("a value is missing before %s", near(at))
	case strings.HasSuffix(msg, "looking for beginning of value") && c == '\'':
		p.Message = fmt.Sprintf("a text in JSON is in double quotes, not single ones: %s", near(at))
	case strings.HasSuffix(msg, "looking for beginning of value"), strings.Contains(msg, "in literal"), strings.Contains(msg, "numeric literal"):
		from := at
		for from > 0 && bytes.IndexByte([]byte("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-._"), data[from-1]) >= 0 {
			from--
		}
		p.Message = fmt.Sprintf("%s is not a JSON value: a text is in double quotes, a number is written as 12 or -1.5", near(from))
	case strings.HasSuffix(msg, "in string literal") && c == '\n', strings.HasSuffix(msg, "in string literal") && c == '\r':
		p.Message = "a quoted text that starts on this line is never closed: add its closing quote (a line break in a text is written \\n)"
	case strings.HasSuffix(msg, "in string literal"):
		p.Message = "a quoted text on this line holds a tab or another control character: write a tab as \\t"
	case strings.HasSuffix(msg, "in string escape code"), strings.Contains(msg, "hexadecimal character escape"):
		from := bytes.LastIndexByte(data[:at], '\\')
		p.Message = fmt.Sprintf("%s is not an escape JSON reads: write a backslash as \\\\, a character as \\u and four hexadecimal digits", near(max(from, 0)))
	default:
		p.Message = msg
	}
	return p, sure
}

// trailing is the problem of what follows a file's pack that is not a
// document of its own (the reader's error p in reading it): a second
// JSON pack, a "}" too many, a second document that does not read. The
// first document was read from its root's line on: a "---" or "..."
// after it starts the second.
func trailing(p Problem, rootLine int, data []byte) Problem {
	// The reader names no line when it is the first; its parser's
	// errors name the line before the one they are about.
	if p.Line == 0 || parserErrors[p.Message] {
		p.Line++
	}
	lines := strings.Split(string(data), "\n")
	for n := min(p.Line, len(lines)); n > rootLine; n-- {
		if l := strings.TrimRight(lines[n-1], "\r"); documentMarker.MatchString(l) {
			return Problem{Line: n, Message: "a pack file holds one YAML document"}
		}
	}
	return Problem{Line: p.Line, Message: goesOn}
}

// goesOn is the problem of what follows a file's pack.
const goesOn = "the file goes on after the end of its pack, on this line: a pack file holds one pack; remove what follows it, or check the brackets and quotes before it"

// documentMarker is a line that starts or ends a YAML document.
var documentMarker = regexp.MustCompile(`^(---|\.\.\.)([ \t]|$)`)

// unwrap returns the pack inside the API's own wrapping of one: {"pack":
// …} (the body of POST /api/packs) or a PackEntry {"summary": …, "pack":
// …} (what GET /api/packs/{id} answers), saved and imported as a file.
// A "pack" beside any other field is no wrapper: one problem says what
// was expected, rather than one per field of a pack.
func unwrap(root *yaml.Node) (*yaml.Node, *Problem) {
	if root.Kind != yaml.MappingNode {
		return root, nil
	}
	var pack *yaml.Node
	var other *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		switch k := root.Content[i]; k.Value {
		case "pack":
			pack = root.Content[i+1]
		case "summary":
		default:
			other = k
		}
	}
	if pack == nil {
		return root, nil
	}
	if other != nil || pack.Kind != yaml.MappingNode {
		return nil, &Problem{Line: root.Line, Field: "pack", Message: `a pack file holds a pack's own fields (schema, id, title, exercises…), or {"pack": {…}} as the API answers one, with nothing else beside “pack”`}
	}
	return pack, nil
}

// resultsFile reports whether a file's root is the results of a room
// (exercises.RoomResults, as the console downloads them as JSON) or of
// a kept session (exercises.Session: {"session": …, "results": …}): two
// of the results' fields a pack does not have, or every field of a
// session.
func resultsFile(root *yaml.Node) bool {
	if root.Kind != yaml.MappingNode {
		return false
	}
	keys := map[string]bool{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		keys[root.Content[i].Value] = true
	}
	fields := resultsFields()
	n := 0
	for _, f := range fields.results {
		if keys[f] {
			n++
		}
	}
	session := len(fields.session) > 0
	for _, f := range fields.session {
		session = session && keys[f]
	}
	return n >= 2 || session
}

// resultsFields are the JSON names of the results' fields that are not a
// pack's, and of a session's.
var resultsFields = sync.OnceValue(func() (f struct{ results, session []string }) {
	names := func(t reflect.Type, tag string) []string {
		var out []string
		for i := range t.NumField() {
			if n, _, _ := strings.Cut(t.Field(i).Tag.Get(tag), ","); n != "" && n != "-" {
				out = append(out, n)
			}
		}
		return out
	}
	pack := names(reflect.TypeFor[Pack](), "yaml")
	for _, n := range names(reflect.TypeFor[exercises.RoomResults](), "json") {
		if !slices.Contains(pack, n) {
			f.results = append(f.results, n)
		}
	}
	f.session = names(reflect.TypeFor[exercises.Session](), "json")
	return f
})

// walker checks the node tree against the Go types: unknown and
// duplicate fields, and values of the wrong type, each with its line.
// It records the line of every field path for later messages. It takes
// out of the tree what it refuses (a refused value becomes null, an
// unknown or repeated field goes), so the rest decodes as the file
// says: YAML's decoder would make 2.5 a 2, "no" false, and stop at a
// repeated field.
type walker struct {
	lines    map[string]int
	problems []Problem
	// refused is the path of every value taken out for a problem other
	// than an unknown field (which says nothing of the rest).
	refused []string
	// overflows are the whole numbers too large or small to read, whose
	// problems parse completes with the range their field takes.
	overflows []overflow
}

// overflow is a whole number out of range: problems[problem] says so.
type overflow struct {
	problem            int
	field, name, value string
}

// add records a value that cannot be read, and empties it.
func (w *walker) add(n *yaml.Node, field, format string, args ...any) {
	w.refused = append(w.refused, field)
	w.unknown(n, field, format, args...)
	*n = yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Line: n.Line, Column: n.Column}
}

// unknown records an unknown field: the rest of the file reads as it is.
func (w *walker) unknown(n *yaml.Node, field, format string, args ...any) {
	w.problems = append(w.problems, Problem{Line: n.Line, Field: field, Message: fmt.Sprintf(format, args...)})
}

// unsure reports whether a rule's problem at field may come of a value
// the walker refused, which reads as absent: it is then not told, as
// the file does not have it ("schema must be 1" of a schema: "1"). A
// pack's own fields are checked one by one, so a refused one hides only
// its own rule; an exercise's rules read its fields together (its kind
// decides which fields belong, anonymity the least minResponses, min
// and max make the scale), so a value refused in an exercise hides that
// exercise's rules, until it is fixed. Every other exercise is checked.
func (w *walker) unsure(field string) bool {
	for _, r := range w.refused {
		if r == "" {
			return true // the file is not a mapping: nothing in it is the file's
		}
		if rest, ok := strings.CutPrefix(r, "exercises["); ok {
			if i := strings.IndexByte(rest, ']'); i >= 0 {
				r = r[:len("exercises[")+i+1]
			}
		}
		if field == r || strings.HasPrefix(field, r+".") || strings.HasPrefix(field, r+"[") {
			return true
		}
	}
	return false
}

func (w *walker) walk(n *yaml.Node, t reflect.Type, field string) {
	if n.Kind == yaml.AliasNode {
		w.add(n, field, "aliases are not allowed in packs")
		return
	}
	if msg := tagProblem(n); msg != "" {
		w.add(n, field, "%s", msg)
		return
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			w.add(n, field, "should be a mapping of fields")
			return
		}
		fields := map[string]reflect.StructField{}
		for i := range t.NumField() {
			f := t.Field(i)
			if f.Anonymous {
				continue
			}
			tag, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if tag != "" && tag != "-" {
				fields[tag] = f
			}
		}
		seen := map[string]bool{}
		// Only the known fields stay, each once: the decoder skips an
		// unknown field, but refuses a field repeated.
		kept := make([]*yaml.Node, 0, len(n.Content))
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			key := k.Value
			sub := key
			if field != "" {
				sub = field + "." + key
			}
			if msg := tagProblem(k); msg != "" {
				// Which field the key names is not known: the
				// mapping's rules wait for it, as for a value refused.
				w.refused = append(w.refused, field)
				w.unknown(k, sub, "%s", msg)
				continue
			}
			f, ok := fields[key]
			if !ok {
				w.unknown(k, sub, "unknown field %s%s", exercises.Quote(key), suggest(key, fields))
				continue
			}
			if seen[key] {
				// Which of the two the file means is not known: the
				// first stays in the tree, refused as the second is.
				w.refused = append(w.refused, sub)
				w.unknown(k, sub, "field %s is given twice", exercises.Quote(key))
				continue
			}
			seen[key] = true
			w.lines[sub] = k.Line
			w.walk(v, f.Type, sub)
			kept = append(kept, k, v)
		}
		n.Content = kept
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			w.add(n, field, "should be a list")
			return
		}
		for i, c := range n.Content {
			sub := fmt.Sprintf("%s[%d]", field, i)
			w.lines[sub] = c.Line
			w.walk(c, t.Elem(), sub)
		}
	default:
		name := field[strings.LastIndex(field, ".")+1:]
		if n.Kind != yaml.ScalarNode {
			shape := "a list"
			if n.Kind == yaml.MappingNode {
				shape = "a mapping"
			}
			w.add(n, field, "%s must be %s, not %s", name, kindWord(t), shape)
			return
		}
		if !fits(n, t) {
			if kindWord(t) == "a whole number" && outOfRange(n) {
				w.overflows = append(w.overflows, overflow{problem: len(w.problems), field: field, name: name, value: n.Value})
				bound := fmt.Sprintf("at most %d", math.MaxInt)
				if strings.HasPrefix(n.Value, "-") {
					bound = fmt.Sprintf("at least %d", math.MinInt)
				}
				// (parse says the field's own range, when its rules have one)
				w.add(n, field, "%s %s is out of range: a whole number here is %s", name, n.Value, bound)
				return
			}
			w.add(n, field, "%s must be %s, not %s%s", name, kindWord(t), valueWord(n), typeHint(n, t))
		}
	}
}

// fits reports whether a scalar is a value of t as YAML 1.2 (and JSON)
// reads it. A true-or-false field takes only true or false, unquoted
// (True and FALSE too): yaml.v3 also turns yes, no, on, off, y and n
// into one, even in quotes ("no" became false while "false" was
// refused), where YAML 1.2 and every JSON reader see text. A whole
// number is written as one, unquoted: yaml.v3 truncates a float into an
// int (1.5 became 1). Text takes any scalar as written (title: 2024).
func fits(n *yaml.Node, t reflect.Type) bool {
	if n.Decode(reflect.New(t).Interface()) != nil {
		return false
	}
	switch t.Kind() {
	case reflect.Bool:
		return n.ShortTag() == "!!bool"
	case reflect.Int, reflect.Int64, reflect.Int32:
		return n.ShortTag() == "!!int"
	}
	return true
}

// outOfRange reports whether a scalar is a whole number as YAML 1.2 and
// JSON write one (3, -7, 0x1F, 0o17) too large or too small for Go's
// int: yaml.v3 reads 99999999999999999999 as a float.
func outOfRange(n *yaml.Node) bool {
	if t := n.ShortTag(); t != "!!int" && t != "!!float" {
		return false
	}
	_, err := strconv.ParseInt(n.Value, 0, 64)
	return errors.Is(err, strconv.ErrRange)
}

// rangeOf is what the rules say of field (as the walker names it) at
// the largest whole number, or the smallest when negative: the range the
// field takes, from its own problem or else its parent's (a scale's
// range is its question's, when the extreme value adds it); "" when no
// rule bounds it there.
func rangeOf(p *Pack, lines map[string]int, draft bool, field string, negative bool) string {
	v := fieldValue(reflect.ValueOf(p).Elem(), field)
	if !v.IsValid() || !v.CanInt() {
		return ""
	}
	before := map[Problem]bool{}
	for _, c := range check(p, lines, draft) {
		before[c] = true
	}
	old := v.Int()
	defer v.SetInt(old)
	v.SetInt(math.MaxInt)
	if negative {
		v.SetInt(math.MinInt)
	}
	name := field[strings.LastIndex(field, ".")+1:]
	parent := field[:max(strings.LastIndexAny(field, ".["), 0)]
	byParent := ""
	for _, c := range check(p, lines, draft) {
		switch {
		case c.Field == field:
			if rest, ok := strings.CutPrefix(c.Message, name+" must be "); ok {
				return "it must be " + rest
			}
			return c.Message
		case c.Field == parent && byParent == "" && !before[c]:
			byParent = c.Message
		}
	}
	return byParent
}

// fieldValue is the value at a field path as the walker names them
// (exercises[0].questions[1].min), by the fields' yaml names; the zero
// Value when there is none.
func fieldValue(v reflect.Value, path string) reflect.Value {
	for {
		for v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return reflect.Value{}
			}
			v = v.Elem()
		}
		if path == "" {
			return v
		}
		if rest, ok := strings.CutPrefix(path, "["); ok {
			end := strings.IndexByte(rest, ']')
			i, err := strconv.Atoi(rest[:max(end, 0)])
			if end < 0 || err != nil || v.Kind() != reflect.Slice || i < 0 || i >= v.Len() {
				return reflect.Value{}
			}
			v, path = v.Index(i), strings.TrimPrefix(rest[end+1:], ".")
			continue
		}
		name := path
		if k := strings.IndexAny(path, ".["); k >= 0 {
			name, path = path[:k], strings.TrimPrefix(path[k:], ".")
		} else {
			path = ""
		}
		if v.Kind() != reflect.Struct {
			return reflect.Value{}
		}
		found := false
		for i := range v.NumField() {
			if tag, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("yaml"), ","); tag == name {
				v, found = v.Field(i), true
				break
			}
		}
		if !found {
			return reflect.Value{}
		}
	}
}

// tagProblem says what is wrong with a node's explicit tag, or "": a
// pack takes YAML's standard tags for the value's kind, which read as
// the value does without them. Any other (!!binary, which turned base64
// into its bytes without a word, !!timestamp, !!set, a tag of its own)
// would be read as something the file does not show.
func tagProblem(n *yaml.Node) string {
	if n.Style&yaml.TaggedStyle == 0 {
		return ""
	}
	ok := false
	switch n.Kind {
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!str", "!!int", "!!float", "!!bool", "!!null":
			if n.Decode(new(any)) != nil {
				return exercises.Quote(n.Value) + " is not a value the tag " + exercises.Quote(n.Tag) + " reads: write the value without the tag"
			}
			ok = true
		}
	case yaml.SequenceNode:
		ok = n.Tag == "!!seq"
	case yaml.MappingNode:
		ok = n.Tag == "!!map"
	}
	if ok {
		return ""
	}
	return "the tag " + exercises.Quote(n.Tag) + " is not one a pack reads: write the value itself, with no tag or one of !!str, !!int, !!float, !!bool, !!null for a value, !!seq for a list, !!map for a mapping"
}

func kindWord(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "a whole number"
	default:
		return "text"
	}
}

// valueWord names a scalar as the file gives it: "the text “no”", "the
// number 1.5", "true".
func valueWord(n *yaml.Node) string {
	switch n.ShortTag() {
	case "!!str":
		// yaml.v3 reads a number too large for a float (1e400) as text.
		if _, err := strconv.ParseFloat(n.Value, 64); n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) == 0 && errors.Is(err, strconv.ErrRange) {
			return "the number " + n.Value
		}
		return "the text " + exercises.Quote(n.Value)
	case "!!int", "!!float":
		return "the number " + n.Value
	case "!!bool":
		return n.Value
	}
	return exercises.Quote(n.Value)
}

// typeHint says how to write what the text meant: "false", not "no" or
// "false" in quotes; 3, not "3".
func typeHint(n *yaml.Node, t reflect.Type) string {
	if n.ShortTag() != "!!str" {
		return ""
	}
	v := strings.TrimSpace(n.Value)
	switch t.Kind() {
	case reflect.Bool:
		switch strings.ToLower(v) {
		case "true", "false":
			return " (leave out the quotes)"
		case "y", "yes", "on":
			return " (write true)"
		case "n", "no", "off":
			return " (write false)"
		}
	case reflect.Int, reflect.Int64, reflect.Int32:
		if _, err := strconv.Atoi(v); err == nil {
			return " (leave out the quotes)"
		}
	}
	return ""
}

func suggest(key string, fields map[string]reflect.StructField) string {
	for k := range fields {
		if strings.EqualFold(k, key) || strings.EqualFold(strings.ReplaceAll(k, "_", ""), strings.ReplaceAll(key, "_", "")) {
			return fmt.Sprintf(" (did you mean %s?)", exercises.Quote(k))
		}
	}
	return ""
}

// lineOf finds the line of field, or of its nearest enclosing field.
func lineOf(lines map[string]int, field string) int {
	for {
		if l, ok := lines[field]; ok {
			return l
		}
		i := strings.LastIndexAny(field, ".[")
		if i < 0 {
			return lines[""]
		}
		field = field[:i]
	}
}

// check validates the decoded pack, every exercise with exercises.Problems.
func check(p *Pack, lines map[string]int, draft bool) []Problem {
	var ps []Problem
	add := func(field, format string, args ...any) {
		ps = append(ps, Problem{Line: lineOf(lines, field), Field: field, Message: fmt.Sprintf(format, args...)})
	}
	if p.Schema != Schema {
		add("schema", "schema must be %d", Schema)
	}
	if !(draft && p.ID == "") && !ValidID(p.ID) {
		add("id", "id is a slug: 1 to 64 lower-case letters, digits and single dashes")
	}
	if t := strings.TrimSpace(p.Title); t == "" || len([]rune(t)) > MaxTitle {
		add("title", "title is 1 to %d characters", MaxTitle)
	} else if _, err := rooms.CleanText(p.Title, "title", MaxTitle, true); err != nil {
		// As a room's title: a room made from the pack takes it.
		add("title", "%s", rooms.AsError(err).Message)
	}
	if len([]rune(p.Description)) > MaxDescription {
		add("description", "description is at most %d characters", MaxDescription)
	} else if _, err := exercises.CleanMultiline(p.Description, "description", MaxDescription); err != nil {
		add("description", "%s", rooms.AsError(err).Message)
	}
	if len([]rune(p.Author)) > MaxAuthor {
		add("author", "author is at most %d characters", MaxAuthor)
	} else if _, err := rooms.CleanText(p.Author, "author", MaxAuthor, false); err != nil {
		add("author", "%s", rooms.AsError(err).Message)
	}
	if len(p.Exercises) == 0 || len(p.Exercises) > MaxExercises {
		add("exercises", "a pack has 1 to %d exercises", MaxExercises)
	}
	lim := exerciseLimits()
	for i, s := range p.Exercises {
		base := fmt.Sprintf("exercises[%d]", i)
		// Every problem of the exercise, not only the first: a poll with
		// minResponses: 1 and two options alike is told both at once.
		for _, err := range exercises.Problems(s, lim) {
			var re *rooms.Error
			if errors.As(err, &re) && re.Field != "" {
				add(base+"."+re.Field, "%s", leavePath(re.Message, re.Field))
			} else if re != nil {
				add(base, "%s", re.Message)
			} else {
				add(base, "%v", err)
			}
		}
	}
	return ps
}

// leavePath drops from a message the path its problem's field gives
// ("questions[0].options[3].label is 81 characters" reads "label is 81
// characters"): the field says where, and the console says it in words.
func leavePath(msg, field string) string {
	rest, ok := strings.CutPrefix(msg, field+" ")
	if !ok {
		return msg
	}
	name := field[strings.LastIndex(field, ".")+1:]
	if i := strings.IndexByte(name, '['); i >= 0 {
		name = name[:i]
	}
	return name + " " + rest
}

// ValidID reports whether id is a pack id: a slug of 1 to 64 lower-case
// letters, digits and single dashes.
func ValidID(id string) bool { return len(id) <= 64 && slugRE.MatchString(id) }

// Check validates a pack built in code (not read from a file).
func Check(p *Pack) error {
	if ps := check(p, nil, false); len(ps) > 0 {
		return &ValidationError{Name: p.ID, Problems: ps}
	}
	return nil
}

// Encode writes a pack as clean YAML; Parse(Encode(p)) equals p, for any
// text in any field. It reads back what it wrote before it answers: an
// error, naming the field, rather than a file that reads otherwise.
func Encode(p *Pack) ([]byte, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(node(reflect.ValueOf(p))); err != nil {
		return nil, fmt.Errorf("packs: writing %s as YAML: %w", exercises.Quote(p.ID), err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("packs: writing %s as YAML: %w", exercises.Quote(p.ID), err)
	}
	q, w, problem := read(b.Bytes())
	if problem == nil && q != nil && len(w.problems) == 0 {
		problem = &Problem{Field: differs(reflect.ValueOf(p).Elem(), reflect.ValueOf(q).Elem(), "")}
		if problem.Field == "." {
			return b.Bytes(), nil
		}
	}
	if problem == nil {
		problem = &w.problems[0]
	}
	return nil, fmt.Errorf("packs: %s does not write as YAML that reads back the same (%s%s%s); export it as JSON instead",
		exercises.Quote(p.ID), problem.Field, map[bool]string{true: ": "}[problem.Field != "" && problem.Message != ""], problem.Message)
}

// node is v as YAML, in the order of the fields, without the fields
// whose value is their zero (empty text, 0, no list: absent and zero
// read the same, so the file stays short and lossless) but schema. A
// text is written as YAML would choose, but where yaml.v3 writes it
// wrong: a block (|) is kept for text whose first line starts with
// neither a space nor a tab nor a line break (yaml.v3 gave those a wrong
// indentation indicator inside a list: the notes were changed, dropped,
// or the file did not read at all); those are written in double quotes,
// with escapes, which always read back as written.
func node(v reflect.Value) *yaml.Node {
	for v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.Struct:
		n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		for i := range v.NumField() {
			f := v.Type().Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			fv := v.Field(i)
			if name == "" || name == "-" || !f.IsExported() || name != "schema" && (fv.IsZero() || fv.Kind() == reflect.Slice && fv.Len() == 0) {
				continue
			}
			n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: name}, node(fv))
		}
		return n
	case reflect.Slice:
		n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		for i := range v.Len() {
			n.Content = append(n.Content, node(v.Index(i)))
		}
		return n
	case reflect.Bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(v.Bool())}
	case reflect.Int, reflect.Int64, reflect.Int32:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.FormatInt(v.Int(), 10)}
	case reflect.String:
		n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v.String()}
		if s := n.Value; strings.ContainsAny(s, lineBreaks) && (!strings.Contains(s, "\n") || strings.ContainsAny(s[:1], " \t"+lineBreaks[:2]) ||
			strings.IndexAny(s, lineBreaks[2:]) == 0) {
			n.Style = yaml.DoubleQuotedStyle
		}
		if yaml11.MatchString(n.Value) {
			// As yaml.Marshal: text that YAML 1.1 reads as true or false
			// or a number (yes, 1:30) stays text in another reader.
			n.Style = yaml.DoubleQuotedStyle
		}
		return n
	}
	panic("packs: no YAML for a " + v.Type().String())
}

// yaml11 is text that YAML 1.1 reads as a boolean or a sexagesimal
// number, and YAML 1.2 (and yaml.v3) as text.
var yaml11 = regexp.MustCompile(`^(y|Y|yes|Yes|YES|on|On|ON|n|N|no|No|NO|off|Off|OFF|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?)$`)

// lineBreaks are what YAML reads as a line break.
const lineBreaks = "\n\r\u0085\u2028\u2029"

// differs is the path of the first field where a and b differ, as the
// walker names them ("exercises[0].notes"), "" for the pack itself, or
// "." when they are the same: an empty list and none are the same (they
// read the same).
func differs(a, b reflect.Value, path string) string {
	if a.Kind() == reflect.Pointer {
		if a.IsNil() || b.IsNil() {
			if a.IsNil() == b.IsNil() {
				return "."
			}
			return path
		}
		return differs(a.Elem(), b.Elem(), path)
	}
	switch a.Kind() {
	case reflect.Struct:
		for i := range a.NumField() {
			name, _, _ := strings.Cut(a.Type().Field(i).Tag.Get("yaml"), ",")
			sub := name
			if path != "" {
				sub = path + "." + name
			}
			if d := differs(a.Field(i), b.Field(i), sub); d != "." {
				return d
			}
		}
		return "."
	case reflect.Slice:
		if a.Len() != b.Len() {
			return path
		}
		for i := range a.Len() {
			if d := differs(a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", path, i)); d != "." {
				return d
			}
		}
		return "."
	}
	if a.Interface() != b.Interface() {
		return path
	}
	return "."
}

// nilEmpty sets every empty slice under v to nil, so an explicit "[]" and
// an absent list decode the same.
func nilEmpty(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			nilEmpty(v.Elem())
		}
	case reflect.Slice:
		if v.Len() == 0 {
			v.SetZero()
			return
		}
		for i := range v.Len() {
			nilEmpty(v.Index(i))
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				nilEmpty(v.Field(i))
			}
		}
	}
}

//go:embed builtin/*.yaml example.yaml
var files embed.FS

// Builtin returns the built-in library, parsed afresh (callers may change
// the packs), in the library's order.
func Builtin() []*Pack {
	names, err := fs.Glob(files, "builtin/*.yaml")
	if err != nil {
		panic(err)
	}
	sort.Strings(names)
	out := make([]*Pack, 0, len(names))
	for _, n := range names {
		out = append(out, mustParse(n))
	}
	return out
}

// builtinIDs is the built-in packs' ids, parsed once.
var builtinIDs = sync.OnceValue(func() map[string]bool {
	ids := map[string]bool{}
	for _, p := range Builtin() {
		ids[p.ID] = true
	}
	return ids
})

// IsBuiltin reports whether id is a built-in pack's, without parsing the
// packs again.
func IsBuiltin(id string) bool { return builtinIDs()[id] }

// Find returns the built-in pack with the given id, or nil.
func Find(id string) *Pack {
	for _, p := range Builtin() {
		if p.ID == id {
			return p
		}
	}
	return nil
}

func mustParse(name string) *Pack {
	data, err := files.ReadFile(name)
	if err != nil {
		panic(err)
	}
	p, err := Parse(path.Base(name), data)
	if err != nil {
		panic("packs: built-in " + err.Error())
	}
	return p
}
