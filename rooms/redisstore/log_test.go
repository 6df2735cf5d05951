package redisstore

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// go-redis's own messages become one JSON object each with the message
// under its own key: a second "msg" would be dropped by jq and refused by
// some log shippers.
func TestGoRedisLogLine(t *testing.T) {
	var buf bytes.Buffer
	newSlogRedis(slog.New(slog.NewJSONHandler(&buf, nil))).Printf(context.Background(), "redis: dial %s failed", "x")
	line := strings.TrimSpace(buf.String())
	if strings.Count(line, `"msg":`) != 1 {
		t.Errorf("log line %s has %d msg keys; want 1", line, strings.Count(line, `"msg":`))
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(line), &m); err != nil || m["msg"] != "redisstore: go-redis" || m["detail"] != "redis: dial x failed" {
		t.Errorf("log line %s (%v); want msg and detail", line, err)
	}
}

// While Redis stays unreachable go-redis repeats itself at every attempt:
// each message is logged once, then again only after a minute, saying how
// many were left out.
func TestGoRedisRepeatsLeftOut(t *testing.T) {
	var buf bytes.Buffer
	l := newSlogRedis(slog.New(slog.NewJSONHandler(&buf, nil)))
	ctx := context.Background()
	for i := range 50 {
		l.Printf(ctx, "redis: connection pool: failed to dial after %d attempts: %v", 1, i)
	}
	l.Printf(ctx, "redis: another message %s", "y")
	if n := strings.Count(buf.String(), "\n"); n != 2 {
		t.Fatalf("%d lines for 50 repeats and another message; want 2:\n%s", n, buf.String())
	}
	// A minute on, the repeat is logged again with the count left out.
	l.seen["redis: connection pool: failed to dial after %d attempts: %v"].logged = time.Now().Add(-goRedisEvery)
	buf.Reset()
	l.Printf(ctx, "redis: connection pool: failed to dial after %d attempts: %v", 1, 50)
	if !strings.Contains(buf.String(), `"repeats_left_out":49`) {
		t.Errorf("after a minute: %s; want repeats_left_out 49", buf.String())
	}
}
