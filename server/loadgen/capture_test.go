package loadgen_test

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"huddle/server/loadgen"
)

var update = flag.Bool("update", false, "rewrite testdata/frames.json from a live server")

// captureFrames runs a small workshop against a live node and returns every
// frame (WebSocket message) its clients received: welcomes, presence,
// events, states of a poll and a retro, acks and errors, with names, titles
// and cards full of characters JSON must escape, and bursts that the server
// packs several messages per frame.
func captureFrames(t *testing.T, base string) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	tg := &loadgen.Target{Base: base, HTTP: http.DefaultClient}
	var mu sync.Mutex
	var frames []string
	hook := func(b []byte) {
		mu.Lock()
		frames = append(frames, string(b))
		mu.Unlock()
	}
	room, err := tg.CreateRoom(ctx, `Retro "Q4" \ café ☕`)
	if err != nil {
		t.Fatal(err)
	}
	fac, _, err := tg.DialWith(ctx, room.ID, room.Secret, nil, loadgen.DialOptions{OnFrame: hook})
	if err != nil {
		t.Fatal(err)
	}
	defer fac.Close()
	var phones []*loadgen.Conn
	for i, name := range []string{`Ann "the \ one"`, "Bø 😀", "Cy\ttab", "Dee"} {
		tok, err := tg.Join(ctx, room.Code, name)
		if err != nil {
			t.Fatal(err)
		}
		c, _, err := tg.DialWith(ctx, room.ID, tok, nil, loadgen.DialOptions{OnFrame: hook})
		if err != nil {
			t.Fatalf("phone %d: %v", i, err)
		}
		defer c.Close()
		phones = append(phones, c)
	}
	cmd := func(c *loadgen.Conn, typ string, data any) loadgen.Message {
		t.Helper()
		m, err := c.Command(ctx, typ, data)
		if err != nil {
			t.Fatal(typ, err)
		}
		return m
	}
	exercise := func(m loadgen.Message) string {
		var r struct{ Exercise string }
		_ = json.Unmarshal(m.Result, &r)
		return r.Exercise
	}
	cmd(fac, "room.update", map[string]any{"title": "line one\nline two \"quoted\" \\ back\u00e9 \u2028 \u0001"})
	poll := exercise(cmd(fac, "agenda.add", map[string]any{"spec": map[string]any{"kind": "poll", "title": "Lunch?", "minResponses": 1,
		"questions": []any{map[string]any{"kind": "choice", "options": []any{map[string]any{"label": `"A"`}, map[string]any{"label": "B\\"}}}}}}))
	cmd(fac, "exercise.open", map[string]any{"exercise": poll})
	for i, p := range phones {
		cmd(p, "exercise.answer", map[string]any{"exercise": poll, "ballot": map[string]any{"answers": map[string]any{"q1": map[string]any{"choices": []string{[]string{"o1", "o2"}[i%2]}}}}})
	}
	cmd(fac, "exercise.show", map[string]any{"exercise": poll})
	cmd(phones[0], "room.update", map[string]any{"title": "not allowed"}) // an error
	retro := exercise(cmd(fac, "agenda.add", map[string]any{"spec": map[string]any{"kind": "retro", "title": "Retro"}}))
	cmd(fac, "exercise.open", map[string]any{"exercise": retro})
	cmd(phones[0], "retro.card.add", map[string]any{"exercise": retro, "column": "start", "text": "write \"phase\"\nwith {braces} [and] \\ backslash"})
	cmd(fac, "retro.phase", map[string]any{"exercise": retro, "phase": "reveal"})
	for i, p := range phones {
		cmd(p, "retro.card.add", map[string]any{"exercise": retro, "column": []string{"start", "stop", "continue"}[i%3], "text": fmt.Sprintf("load %d %d café \"x\"", i, time.Now().UnixNano())})
	}
	// A burst the server packs several messages per frame for.
	var wg sync.WaitGroup
	for i := range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _ = fac.Command(ctx, "room.update", map[string]any{"title": fmt.Sprintf("b-%d", i)})
		}()
	}
	wg.Wait()
	time.Sleep(300 * time.Millisecond) // the last coalesced states
	mu.Lock()
	defer mu.Unlock()
	return append([]string(nil), frames...)
}

func TestUpdateFrames(t *testing.T) {
	if !*update {
		t.Skip("run with -update to rewrite testdata/frames.json")
	}
	srv := startServer(t)
	frames := captureFrames(t, "http://"+srv.Addr())
	multi := 0
	for _, f := range frames {
		if strings.Contains(f, "\n") {
			multi++
		}
	}
	if multi == 0 {
		t.Fatal("no frame held several messages; run again")
	}
	b, _ := json.MarshalIndent(frames, "", " ")
	if err := os.WriteFile("testdata/frames.json", append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d frames, %d with several messages", len(frames), multi)
}

// Every message of a small workshop on the current server reads the same
// with the scanner as with encoding/json (testdata/frames.json is a
// recording; this follows the server as it changes).
func TestScanLive(t *testing.T) {
	srv := startServer(t)
	n := 0
	for _, f := range captureFrames(t, "http://"+srv.Addr()) {
		for _, l := range strings.Split(f, "\n") {
			n++
			if err := loadgen.CheckLine([]byte(l)); err != nil {
				t.Fatalf("%v\nin %s", err, l)
			}
		}
	}
	if n < 50 {
		t.Fatalf("only %d messages", n)
	}
}
