//go:build !linux

package loadgen

import (
	"net"
	"time"
)

// Elsewhere than Linux a goroutine reads each wire, and a message arrives
// when it is read.
type wireSys struct{ nc net.Conn }

func (w *wire) start(nc net.Conn, leftover []byte) error {
	w.sys.nc = nc
	if len(leftover) > 0 {
		now := time.Now()
		if err := w.feed(leftover, now, now); err != nil {
			nc.Close()
			return err
		}
	}
	go w.readLoop()
	return nil
}

func (w *wire) readLoop() {
	buf := make([]byte, 8<<10)
	for {
		n, err := w.sys.nc.Read(buf)
		if n > 0 {
			now := time.Now()
			if ferr := w.feed(buf[:n], now, now); ferr != nil {
				err = ferr
			}
		}
		if err != nil {
			w.end(err)
			return
		}
	}
}

// canHoldReads: a message arrives when it is read here, so reads cannot
// be held (Options.HoldReads).
const canHoldReads = false

func holdReads(time.Time) {}

func (s *wireSys) release(w *wire) { _ = s.nc.Close() }

func (s *wireSys) write(w *wire, frame []byte) error {
	_, err := s.nc.Write(frame)
	return err
}

func (s *wireSys) shutdown(w *wire) { _ = s.nc.Close() }
