package server

import (
	"net/http"
	"strings"
	"sync"
	"time"

	"huddle/rooms"
)

// RoomStatusRequest is the body of POST /api/rooms/status: the rooms a
// facilitator's page lists, each with the secret that proves it theirs.
type RoomStatusRequest struct {
	Rooms []RoomStatusQuery `json:"rooms"`
}

// RoomStatusQuery names one room: its id or join code, and its
// facilitator secret.
type RoomStatusQuery struct {
	Room   string `json:"room"`
	Secret string `json:"secret"`
}

// RoomStatusResponse answers each room asked about, in the order asked.
type RoomStatusResponse struct {
	Rooms []RoomStatus `json:"rooms"`
}

// RoomStatus is one room's answer: the room as GET /api/rooms/{code}
// gives it, or why there is none.
type RoomStatus struct {
	Room  *RoomInfo    `json:"room,omitempty"`
	Error *rooms.Error `json:"error,omitempty"`
}

// maxStatusRef bounds a room reference: an id or a code is far shorter.
const maxStatusRef = 100

// errNoSuchRoom is every answer about a room the secret does not open:
// an unknown or expired room, a wrong secret, another member's token.
// One answer, word for word, so that it tells nothing of a room whose
// secret is wrong.
func errNoSuchRoom() *rooms.Error {
	return rooms.Errorf(rooms.CodeNotFound, "no room this secret opens has that id or code")
}

// handleRoomStatus answers the status of several rooms at once, for a
// facilitator's list of rooms (/host): one request where there were one
// per room. Each room is checked as the facilitator's own routes check
// it (facilitatorRoom) and answered as the room look-up answers it
// (roomInfo). The node's HTTP rate limit counts each room asked about.
func (s *Server) handleRoomStatus(w http.ResponseWriter, r *http.Request) {
	if !s.allowHTTP(w) {
		return
	}
	var req RoomStatusRequest
	if err := s.readJSON(w, r, &req); err != nil {
		s.writeError(w, err)
		return
	}
	if req.Rooms == nil {
		s.writeError(w, rooms.FieldError(rooms.CodeBadMessage, "rooms", "rooms is required: a list of {room, secret}"))
		return
	}
	if n := len(req.Rooms); n > s.cfg.MaxStatusRooms {
		s.writeError(w, rooms.FieldError(rooms.CodeInvalid, "rooms", "%d rooms asked about; this server answers at most %d at once (max-status-rooms)", n, s.cfg.MaxStatusRooms))
		return
	}
	// One room was counted with the request; the others count too.
	if n := len(req.Rooms); n > 1 && !s.httpLimiter.AllowN(time.Now(), n-1) {
		s.writeError(w, rooms.Errorf(rooms.CodeRateLimited, "too many requests; try again in a moment"))
		return
	}
	out := RoomStatusResponse{Rooms: make([]RoomStatus, len(req.Rooms))}
	// Side by side: with Redis, the reads of one request go together.
	var wg sync.WaitGroup
	for i, q := range req.Rooms {
		wg.Go(func() { out.Rooms[i] = s.roomStatus(r, q) })
	}
	wg.Wait()
	writeJSON(w, http.StatusOK, out)
}

// roomStatus is one room's answer.
func (s *Server) roomStatus(r *http.Request, q RoomStatusQuery) RoomStatus {
	ref, secret := strings.TrimSpace(q.Room), strings.TrimSpace(q.Secret)
	if ref == "" || secret == "" || len(ref) > maxStatusRef {
		return RoomStatus{Error: errNoSuchRoom()}
	}
	room, err := s.facilitatorRoom(r.Context(), ref, secret)
	if err != nil {
		e := rooms.AsError(err)
		switch e.Code {
		case rooms.CodeNotFound, rooms.CodeBadToken, rooms.CodeForbidden, rooms.CodeRemoved:
			return RoomStatus{Error: errNoSuchRoom()}
		case rooms.CodeInternal:
			// As a request answered internal is (writeError).
			s.log.Error("request failed", "err", err)
		}
		// The store failed (unavailable, …): say so, for the client to
		// keep what it knew and ask again later, not to count it gone.
		return RoomStatus{Error: &rooms.Error{Code: e.Code, Message: e.Message}}
	}
	info := s.roomInfo(r, *room)
	return RoomStatus{Room: &info}
}
