package server

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// App pages carry a Content-Security-Policy that lets only the app's own
// scripts run and its own host's WebSockets connect; a Host header that is
// not a plain host is never echoed into it.
func TestAppPagesCarryCSP(t *testing.T) {
	ts := startServer(t, nil)
	for _, path := range []string{"/", "/j/ABCDEF", "/host"} {
		resp, err := http.Get(ts.base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		csp := resp.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "ws://"+ts.Addr()) || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Fatalf("%s: CSP %q", path, csp)
		}
	}
	req := httptest.NewRequest("GET", "/", nil)
	req.Host = "evil;script-src *"
	rec := httptest.NewRecorder()
	ts.Handler().ServeHTTP(rec, req)
	if csp := rec.Header().Get("Content-Security-Policy"); strings.Contains(csp, "evil") || strings.Contains(csp, "script-src *") {
		t.Fatalf("host echoed into CSP: %q", csp)
	}
	// Wrong methods on app pages are refused, not served.
	resp, err := http.Post(ts.base+"/host", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("POST /host: %d", resp.StatusCode)
	}
}
