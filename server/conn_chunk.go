package server

import (
	"log/slog"
	"sync"

	"huddle/rooms"
	"huddle/server/uring"
)

// batchedWrites is the hub's SendChunk: sendChunk when the configuration
// asks for batched writes (the default) and this kernel makes them, else
// nil (a write system call per phone). It logs which, once.
func batchedWrites(cfg Config, log *slog.Logger) func([]rooms.Client, [][]byte, []bool) {
	if !cfg.BatchWrites {
		log.Info("fan-out: one write per phone (batch-writes is off)")
		return nil
	}
	if err := ringsAvailable(); err != nil {
		log.Info("fan-out: one write per phone (no io_uring here)", "reason", err.Error())
		return nil
	}
	log.Info("fan-out: writes batched with io_uring")
	return sendChunk
}

// minRingChunk is the fewest sends worth a ring: below it, a write per
// phone costs no more than the ring's own call.
const minRingChunk = 4

// sendChunk is the hub's SendChunk (rooms.HubOptions): msgs[i] to
// clients[i], as Enqueue each would, with the writes that can go at once
// made together, one io_uring submission for the chunk instead of a
// write system call per phone (see package uring). A broadcast is such
// chunks of 64, one after another on each of the fan-out's workers.
//
// Each connection whose writer this starts is handled as startWriter
// would: its first batch becomes frames, and where the socket has nothing
// waiting (no rest, no failure) its writer's lock is held while the send
// is prepared and made, so that the connection cannot be closed and its
// descriptor's number given to another meanwhile (see rawWrite). Whatever
// the socket does not take goes to rest, as with a write of its own, and
// each writer then carries on from its next batch.
func sendChunk(clients []rooms.Client, msgs [][]byte, ok []bool) {
	var r *uring.Ring
	if len(clients) >= minRingChunk {
		r = getRing()
	}
	if r == nil {
		for i, cl := range clients {
			ok[i] = cl.Enqueue(msgs[i])
		}
		return
	}
	cb := chunkBatches.Get().(*chunkBatch)
	for i, cl := range clients {
		if c, isConn := cl.(*conn); isConn {
			ok[i] = c.enqueueChunked(msgs[i], cb)
		} else {
			ok[i] = cl.Enqueue(msgs[i])
		}
	}
	cb.send(r)
	chunkBatches.Put(cb)
}

// chunkBatch is one chunk's sends held for a ring.
type chunkBatch struct {
	k    int
	ents [ringEntries]chunkedWrite
	// The ring's arguments and answers.
	fds  [ringEntries]uintptr
	bufs [ringEntries][]byte
	n    [ringEntries]int
	errs [ringEntries]error
}

// chunkedWrite is one connection's first batch, framed and waiting for
// the ring, its writer's lock held.
type chunkedWrite struct {
	c       *conn
	frames  *[]byte // from frameBufs
	batch   [][]byte
	closing bool
	reason  rooms.Code
	more    bool
	err     error
}

var chunkBatches = sync.Pool{New: func() any { return new(chunkBatch) }}

// enqueueChunked is Enqueue for sendChunk: when no writer runs, this
// goroutine becomes it, and its first batch goes to cb, to be sent with
// the chunk's others, where it can (see sendChunk).
func (c *conn) enqueueChunked(msg []byte, cb *chunkBatch) bool {
	one := [1][]byte{msg}
	ok, start := c.q.add(one[:])
	if !start {
		return ok
	}
	batch, closing, reason, more := c.q.next(nil)
	if !more {
		return ok
	}
	if reason == rooms.CodeSlowClient || len(batch) == 0 || cb.k == len(cb.ents) {
		// Nothing to send (or no room for it): the writer as usual.
		if c.writeOne(batch, closing, reason, false) {
			c.writeFrom(false, 1, batch)
		}
		return ok
	}
	bp := frameBufs.Get().(*[]byte)
	frames, n := appendFrames((*bp)[:0], batch, c.srv.cfg.MaxFrameBytes)
	*bp = frames
	c.srv.metrics.frames.Add(float64(n))
	w := c.cw
	w.mu.Lock()
	if w.err != nil || w.rest != nil || w.raw == nil {
		// It cannot go now: after rest, or nowhere.
		more, err := w.sendLocked(frames)
		w.mu.Unlock()
		putFrameBuf(bp)
		if c.wrote(more, err, closing, reason, false) {
			c.writeFrom(false, 1, batch)
		}
		return ok
	}
	cb.ents[cb.k] = chunkedWrite{c: c, frames: bp, batch: batch, closing: closing, reason: reason}
	cb.fds[cb.k] = w.raw.desc()
	cb.bufs[cb.k] = frames
	cb.k++
	return ok
}

// send sends what cb holds through r and gives r back, releases each
// writer's lock, and carries each writer on.
func (cb *chunkBatch) send(r *uring.Ring) {
	k := cb.k
	if k == 0 {
		putRing(r)
		return
	}
	if r.Send(cb.fds[:k], cb.bufs[:k], cb.n[:k], cb.errs[:k]) {
		// Off before the ring could be taken again.
		ringsLate()
		r.Close()
	} else {
		putRing(r)
	}
	batched := 0
	for i := range k {
		e := &cb.ents[i]
		w := e.c.cw
		if cb.errs[i] == uring.ErrNotSubmitted {
			e.more, e.err = w.sendLocked(cb.bufs[i])
		} else {
			e.more, e.err = w.wroteLocked(cb.bufs[i], cb.n[i], cb.errs[i])
			if cb.n[i] > 0 {
				batched++
			}
		}
		w.mu.Unlock()
	}
	// A chunk's connections are one hub's, so one server's.
	cb.ents[0].c.srv.metrics.batched.Add(float64(batched))
	// Every lock is released before any writer goes on: a writer's next
	// batch takes its own.
	for i := range k {
		e := &cb.ents[i]
		putFrameBuf(e.frames)
		if e.c.wrote(e.more, e.err, e.closing, e.reason, false) {
			e.c.writeFrom(false, 1, e.batch)
		}
		*e = chunkedWrite{}
		cb.bufs[i], cb.errs[i] = nil, nil
	}
	cb.k = 0
}
