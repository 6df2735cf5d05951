//go:build !windows

package redistest

import "syscall"

// Pause freezes the server (SIGSTOP): connections stay open but nothing
// answers, like a hung Redis or a partitioned network.
func (s *Server) Pause() { s.signal(syscall.SIGSTOP) }

// Resume undoes Pause.
func (s *Server) Resume() { s.signal(syscall.SIGCONT) }
