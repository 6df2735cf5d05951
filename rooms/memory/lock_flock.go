//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package memory

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"syscall"
)

// lockDir takes the data directory's lock file, so that two processes
// never keep one library: each would hold its own copy in memory, and
// the one written last would win on disk. A file system that has no
// locks (some network ones) is logged, and the directory used unlocked.
func lockDir(path string, log *slog.Logger) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	switch {
	case err == nil:
		return f, nil
	case errors.Is(err, syscall.EWOULDBLOCK):
		f.Close()
		return nil, fmt.Errorf("another Huddle is using it (%s is locked): give each server a data directory of its own", path)
	}
	log.Warn("library: the data directory cannot be locked; keep it to one server", "file", path, "err", err)
	return f, nil
}
