package rooms

import (
	"errors"
	"fmt"
)

// Code is a typed error code. Codes are part of the protocol (docs/protocol.md):
// clients switch on them to show a message, so they never change meaning.
type Code string

const (
	CodeBadJSON        Code = "bad_json"         // a message is not valid JSON or not an object
	CodeBadMessage     Code = "bad_message"      // a required field is missing or has the wrong type
	CodeUnknownType    Code = "unknown_type"     // the message type is not known
	CodeInvalid        Code = "invalid"          // a field's value is not acceptable
	CodeTooLong        Code = "too_long"         // a text is over its length limit
	CodeForbidden      Code = "forbidden"        // the sender's role may not send this command
	CodeNotFound       Code = "not_found"        // a room, code or member does not exist (or expired)
	CodeBadToken       Code = "bad_token"        // the token is unknown or has expired
	CodeRemoved        Code = "removed"          // the participant was removed from the room
	CodeRoomEnded      Code = "room_ended"       // the room has ended
	CodeRoomLocked     Code = "room_locked"      // the room does not accept new participants
	CodeRoomFull       Code = "room_full"        // the room has reached its participant limit
	CodeTooManyRooms   Code = "too_many_rooms"   // the node has reached its room limit
	CodeRateLimited    Code = "rate_limited"     // too many commands or requests; retry later
	CodeHostKey        Code = "host_key"         // creating rooms needs the host key
	CodeLocalOnly      Code = "local_only"       // without a host key, the library answers only on the server's own machine
	CodeAlreadyHello   Code = "already_hello"    // hello sent twice on one connection
	CodeConflict       Code = "conflict"         // concurrent changes kept colliding; retry
	CodeUnavailable    Code = "unavailable"      // the store is unreachable; retry later
	CodeInternal       Code = "internal"         // a bug; nothing was changed
	CodeTooManyClients Code = "too_many_clients" // the node has reached its connection limit
	CodeSlowClient     Code = "slow_client"      // close reason: the client could not keep up
	CodeReplaced       Code = "replaced"         // close reason: the same token opened more connections than the limit; this was its oldest
	CodeBodyTimeout    Code = "body_timeout"     // an HTTP request's body did not arrive within request-body-timeout
	CodeBoardFull      Code = "board_full"       // a board (retro, help board, kudos wall, open-text answers) holds max-board-bytes of text: nothing more is added
)

// Retryable reports whether a client should send the same command again
// later. Answers with retryable codes are never stored as the command's
// final answer.
func (c Code) Retryable() bool {
	switch c {
	case CodeRateLimited, CodeConflict, CodeUnavailable, CodeInternal, CodeTooManyClients, CodeTooManyRooms:
		return true
	}
	return false
}

// Error is the one error type that reaches clients. Anything else is
// reported as CodeInternal with no detail, so internals never leak.
type Error struct {
	Code    Code   `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
	// Value is the value at fault in Field, when the answer names one for
	// a client to use (the pack id already taken, which a file being
	// imported does not always let the client read).
	Value string `json:"value,omitempty"`
	// Problems lists every problem of a document checked as a whole (a
	// pack file), when there are several; Field is the first one's.
	Problems []Problem `json:"problems,omitempty"`
}

// Problem is one thing wrong with a document: where (Line, 1-based, for a
// file; Field, its path) and what.
type Problem struct {
	Line    int    `json:"line,omitempty"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s (%s)", e.Code, e.Message, e.Field)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldError returns an *Error about one field of a command.
func FieldError(code Code, field, format string, args ...any) *Error {
	return &Error{Code: code, Field: field, Message: fmt.Sprintf(format, args...)}
}

// AsError converts any error into the *Error a client may see.
func AsError(err error) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	switch {
	case errors.Is(err, ErrRoomNotFound):
		return Errorf(CodeNotFound, "the room does not exist or has expired")
	case errors.Is(err, ErrDocNotFound):
		return Errorf(CodeNotFound, "it does not exist or has expired")
	case errors.Is(err, ErrUnavailable):
		return Errorf(CodeUnavailable, "the server's store is temporarily unavailable; try again")
	case errors.Is(err, ErrConflict):
		return Errorf(CodeConflict, "too many simultaneous changes; try again")
	}
	return Errorf(CodeInternal, "internal error")
}

// ErrorCode returns the code of err as a client would see it.
// It is empty for a nil error.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	return AsError(err).Code
}

// Store-level errors. Stores return these (possibly wrapped); the room
// logic turns them into client errors.
var (
	ErrRoomNotFound = errors.New("room not found")
	ErrRoomExists   = errors.New("room already exists")
	ErrCodeTaken    = errors.New("join code already taken")
	ErrConflict     = errors.New("version conflict")
	ErrHistoryGone  = errors.New("history no longer kept for that position")
	ErrUnavailable  = errors.New("store unavailable")
	// ErrDocNotFound: a library document does not exist (or expired).
	ErrDocNotFound = errors.New("document not found")
	// ErrLibraryFull: a library collection holds its limit of documents.
	ErrLibraryFull = errors.New("library collection full")
)

// OnceError is returned by Store.Apply when a Once precondition fails: the
// member is already in the set. Nothing of the change was applied.
type OnceError struct{ Set string }

func (e *OnceError) Error() string { return "already in once-only set " + e.Set }

// LimitError is returned by Store.Apply when a counter increment would pass
// its maximum. Nothing of the change was applied.
type LimitError struct{ Key string }

func (e *LimitError) Error() string { return "counter limit reached: " + e.Key }
