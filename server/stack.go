package server

// commandStack is the frame growStack puts on the stack: the runtime then
// gives the goroutine a 16 KiB stack, which a command (decoding, the room
// logic, the store's client) fills without growing further. 16 KiB of
// frame (a 32 KiB stack) was no faster in BenchmarkCommandOnFreshStack and
// left every phone that voted holding 32 KiB until the next collections.
const commandStack = 8 << 10

// growStack makes the calling goroutine's stack big enough for a command
// in one step, while few frames are on it. A connection's reader waits
// for messages on a small stack (the garbage collector shrinks it while
// the phone idles, which is what keeps an idle connection small); inside
// a command it then doubled two or three times, each doubling a copy of
// every frame below it (runtime.newstack: 9 % of a node's CPU in a burst
// of votes on Redis). One frame of commandStack bytes makes the runtime
// grow the stack once, copying a shallow stack: BenchmarkCommandOnFreshStack
// −12 %. CockroachDB's growstack.Grow is the same trick, in assembly. n
// only keeps the compiler from dropping the frame.
//
//go:noinline
func growStack(n int) byte {
	var buf [commandStack]byte
	buf[n&(len(buf)-1)] = byte(n)
	return buf[(n>>1)&(len(buf)-1)]
}
