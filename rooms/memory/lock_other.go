//go:build !(darwin || dragonfly || freebsd || linux || netbsd || openbsd)

package memory

import (
	"log/slog"
	"os"
)

// lockDir creates the data directory's lock file. This system has no
// flock: nothing stops a second process from using the directory, so
// keep it to one server.
func lockDir(path string, _ *slog.Logger) (*os.File, error) {
	return os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
}
