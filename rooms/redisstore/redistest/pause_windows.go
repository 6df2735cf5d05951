package redistest

// Pause would freeze the server, but Windows has no signal that stops a
// process and lets it go on (SIGSTOP, SIGCONT): a test that needs a hung
// Redis is skipped there, and the package builds, so that `go vet ./...`
// and the other tests run on Windows too.
func (s *Server) Pause() {
	s.t.Helper()
	s.t.Skip("redistest: pausing Redis needs SIGSTOP, which Windows lacks")
}

// Resume undoes Pause; on Windows nothing was paused.
func (s *Server) Resume() {}
