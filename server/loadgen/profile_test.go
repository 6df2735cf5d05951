package loadgen

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Every node named gets its profile fetched for the measured time, into
// its own file; a node without a profiler is an error, not a silent gap.
func TestNodeProfiles(t *testing.T) {
	var asked []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked = append(asked, r.URL.Path+"?"+r.URL.RawQuery)
		_, _ = w.Write([]byte("profile of " + r.Host))
	}))
	defer srv.Close()
	dir := t.TempDir()
	o := Options{Profile: []string{strings.TrimPrefix(srv.URL, "http://")}, ProfileDir: dir}
	if err := nodeProfiles(context.Background(), o, 2500*time.Millisecond)(); err != nil {
		t.Fatal(err)
	}
	if len(asked) != 1 || asked[0] != "/debug/pprof/profile?seconds=3" {
		t.Fatalf("asked %v, want one profile of 3 s", asked)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "node-1.pprof")); err != nil || !strings.HasPrefix(string(b), "profile of ") {
		t.Fatalf("node-1.pprof: %q %v", b, err)
	}
	o.Profile = append(o.Profile, "127.0.0.1:1")
	if err := nodeProfiles(context.Background(), o, time.Second)(); err == nil {
		t.Fatal("a node with no profiler gave no error")
	}
	if err := nodeProfiles(context.Background(), Options{}, time.Second)(); err != nil {
		t.Fatalf("no profiles asked: %v", err)
	}
}
