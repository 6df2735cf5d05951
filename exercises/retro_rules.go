package exercises

import (
	"encoding/json"

	"huddle/rooms"
)

// Placeholder until the retrospective rules land: the board has no commands yet.
func registerRetro(svc *rooms.Service, lim Limits)                           {}
func retroPrefixes(id string) []string                                       { return nil }
func retroViews(e Exercise, in inputs) (fac, part any)                       { return e.Status, e.Status }
func retroMine(e Exercise, st *rooms.State, m *rooms.Member) json.RawMessage { return nil }
