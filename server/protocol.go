package server

import (
	"bytes"
	"encoding/json"

	"github.com/coder/websocket"

	"huddle/rooms"
)

// Control message types; every other type is a room command.
const (
	msgHello = "hello"
	msgPing  = "ping"
	msgPong  = "pong"
)

// inbound is one client message. Commands use Type, ID and Data; hello
// uses Room, Token and Since.
type inbound struct {
	Type  string          `json:"type"`
	ID    string          `json:"id,omitempty"`
	Data  json.RawMessage `json:"data,omitempty"`
	Room  string          `json:"room,omitempty"`
	Token string          `json:"token,omitempty"`
	Since *rooms.Position `json:"since,omitempty"`
	// View "projector" (with the facilitator's secret) opens a read-only
	// connection that sees what participants see.
	View string `json:"view,omitempty"`
}

// decode parses one client message. It never panics; every failure is a
// typed error with the command id when one could be read.
func decode(b []byte) (inbound, *rooms.Error) {
	var in inbound
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '{' {
		return in, rooms.Errorf(rooms.CodeBadJSON, "a message must be one JSON object")
	}
	if err := json.Unmarshal(b, &in); err != nil {
		// Salvage the id so the error can answer the command.
		var probe struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(b, &probe) == nil {
			in.ID = probe.ID
		}
		if _, ok := err.(*json.UnmarshalTypeError); ok {
			return in, rooms.Errorf(rooms.CodeBadMessage, "a field has the wrong type: %s", fieldOf(err))
		}
		return in, rooms.Errorf(rooms.CodeBadJSON, "the message is not valid JSON")
	}
	if in.Type == "" {
		return in, rooms.FieldError(rooms.CodeBadMessage, "type", "every message needs a type")
	}
	if len(in.Type) > 64 {
		in.Type = in.Type[:64]
		return in, rooms.FieldError(rooms.CodeUnknownType, "type", "unknown message type")
	}
	return in, nil
}

func fieldOf(err error) string {
	if te, ok := err.(*json.UnmarshalTypeError); ok && te.Field != "" {
		return te.Field + " should be " + rooms.JSONKind(te.Type)
	}
	return "wrong type"
}

var (
	pongMsg = []byte(`{"type":"pong"}`)
	pingMsg = []byte(`{"type":"ping"}`)
)

// Close codes (docs/protocol.md). 4000–4999 are Huddle's own.
const (
	CloseNormal           = websocket.StatusNormalClosure   // 1000
	CloseGoingAway        = websocket.StatusGoingAway       // 1001: the server is shutting down; reconnect
	CloseUnsupportedData  = websocket.StatusUnsupportedData // 1003: a binary message
	ClosePolicyViolation  = websocket.StatusPolicyViolation // 1008: no hello in time, commands before hello, sustained flooding
	CloseMessageTooBig    = websocket.StatusMessageTooBig   // 1009: a message over the read limit
	CloseInternalError    = websocket.StatusInternalError   // 1011
	CloseTryAgainLater    = websocket.StatusTryAgainLater   // 1013: the store is unavailable at hello; reconnect later
	CloseSlowClient       = websocket.StatusCode(4000)      // the client did not read fast enough; resume from your position
	CloseBadToken         = websocket.StatusCode(4001)      // unknown room, unknown or expired token: join again
	CloseRemoved          = websocket.StatusCode(4002)      // the facilitator removed this participant: do not reconnect
	CloseRoomEnded        = websocket.StatusCode(4003)      // the room has ended: do not reconnect
	CloseHeartbeatTimeout = websocket.StatusCode(4004)      // nothing received for 2.5 heartbeats; reconnect
	CloseResync           = websocket.StatusCode(4005)      // the server lost track of this room's events; reconnect for a snapshot
	CloseReplaced         = websocket.StatusCode(4006)      // the same token connected again past max-member-connections and this was its oldest connection: do not reconnect on your own
)

// closeFor maps a reason to its close code and wire reason.
func closeFor(reason rooms.Code) (websocket.StatusCode, string) {
	switch reason {
	case rooms.CodeSlowClient:
		return CloseSlowClient, "slow_client"
	case rooms.CodeBadToken, rooms.CodeNotFound:
		return CloseBadToken, "bad_token"
	case rooms.CodeRemoved:
		return CloseRemoved, "removed"
	case rooms.CodeRoomEnded:
		return CloseRoomEnded, "room_ended"
	case rooms.CodeResync:
		return CloseResync, "resync"
	case rooms.CodeReplaced:
		return CloseReplaced, "replaced"
	case codeHeartbeat:
		return CloseHeartbeatTimeout, "heartbeat_timeout"
	case codeGoingAway:
		return CloseGoingAway, "going_away"
	case codePolicy:
		return ClosePolicyViolation, "policy_violation"
	case codeUnsupported:
		return CloseUnsupportedData, "text_only"
	case rooms.CodeUnavailable, rooms.CodeTooManyClients:
		return CloseTryAgainLater, string(reason)
	case codeNormal:
		return CloseNormal, "normal"
	case codePeer:
		return CloseNormal, "peer_closed"
	case codeTooBig:
		return CloseMessageTooBig, "message_too_big"
	}
	return CloseInternalError, "internal"
}

// Close reasons of the transport itself.
const (
	codeHeartbeat   rooms.Code = "heartbeat_timeout"
	codeGoingAway   rooms.Code = "going_away"
	codePolicy      rooms.Code = "policy_violation"
	codeUnsupported rooms.Code = "text_only"
	codeNormal      rooms.Code = "normal"
	codePeer        rooms.Code = "peer_closed"     // the client closed or went away
	codeTooBig      rooms.Code = "message_too_big" // the client sent more than the read limit
)
