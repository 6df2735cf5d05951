package redisstore

// ClockKnown reports whether st has read Redis's clock (late.go), so a
// test can wait for its changes to carry deadlines.
func ClockKnown(st *Store) bool { return st.clock.known.Load() }
