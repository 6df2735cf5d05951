package loadgen

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// nodeProfiles fetches a CPU profile of every node named in o.Profile
// (their HUDDLE_PPROF_ADDR, host:port) over the next d, the measured part
// of a run, into o.ProfileDir as node-1.pprof, node-2.pprof, …: a profile
// of the burst alone, without the joins before it. The returned wait
// blocks until every profile is written.
func nodeProfiles(ctx context.Context, o Options, d time.Duration) (wait func() error) {
	if len(o.Profile) == 0 {
		return func() error { return nil }
	}
	secs := max(1, int((d+time.Second-1)/time.Second))
	var wg sync.WaitGroup
	errs := make([]error, len(o.Profile))
	for i, addr := range o.Profile {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = fetchProfile(ctx, addr, secs, filepath.Join(o.ProfileDir, fmt.Sprintf("node-%d.pprof", i+1)))
		}()
	}
	return func() error {
		wg.Wait()
		return errors.Join(errs...)
	}
}

func fetchProfile(ctx context.Context, addr string, secs int, file string) error {
	if !strings.Contains(addr, "://") {
		addr = "http://" + addr
	}
	ctx, cancel := context.WithTimeout(ctx, time.Duration(secs+30)*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("%s/debug/pprof/profile?seconds=%d", addr, secs), nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("profile of %s: %w", addr, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("profile of %s: %s", addr, resp.Status)
	}
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
