package redisstore

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
)

// go-redis's own messages become one JSON object each with the message
// under its own key: a second "msg" would be dropped by jq and refused by
// some log shippers.
func TestGoRedisLogLine(t *testing.T) {
	var buf bytes.Buffer
	slogRedis{slog.New(slog.NewJSONHandler(&buf, nil))}.Printf(context.Background(), "redis: dial %s failed", "x")
	line := strings.TrimSpace(buf.String())
	if strings.Count(line, `"msg":`) != 1 {
		t.Errorf("log line %s has %d msg keys; want 1", line, strings.Count(line, `"msg":`))
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(line), &m); err != nil || m["msg"] != "redisstore: go-redis" || m["detail"] != "redis: dial x failed" {
		t.Errorf("log line %s (%v); want msg and detail", line, err)
	}
}
