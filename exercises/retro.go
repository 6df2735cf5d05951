package exercises

import (
	"fmt"

	"huddle/rooms"
)

// Retrospective phases, in order.
const (
	PhaseWrite   = "write"   // each person sees only their own cards
	PhaseReveal  = "reveal"  // every card is shown
	PhaseGroup   = "group"   // cards are merged into named groups
	PhaseVote    = "vote"    // dot-voting; tallies hidden until the phase ends
	PhaseDiscuss = "discuss" // the facilitator focuses one item at a time, in vote order
	PhaseActions = "actions" // action items with owners and due dates
)

// Phases lists the phases in order.
var Phases = []string{PhaseWrite, PhaseReveal, PhaseGroup, PhaseVote, PhaseDiscuss, PhaseActions}

// Column is one column of a retrospective board.
type Column struct {
	ID    string `json:"id" yaml:"id"`
	Title string `json:"title" yaml:"title"`
	Hint  string `json:"hint,omitempty" yaml:"hint,omitempty"`
}

// RetroSpec sets a retrospective's board and dot-voting.
type RetroSpec struct {
	Template string   `json:"template,omitempty" yaml:"template,omitempty"`
	Columns  []Column `json:"columns" yaml:"columns"`
	// Dots each participant may place, and at most MaxPerItem on one item.
	Dots       int `json:"dots" yaml:"dots"`
	MaxPerItem int `json:"maxPerItem" yaml:"maxPerItem"`
}

// Templates are the built-in column sets.
var Templates = map[string][]Column{
	"start-stop-continue": {{ID: "start", Title: "Start"}, {ID: "stop", Title: "Stop"}, {ID: "continue", Title: "Continue"}},
	"mad-sad-glad":        {{ID: "mad", Title: "Mad"}, {ID: "sad", Title: "Sad"}, {ID: "glad", Title: "Glad"}},
	"4l": {{ID: "liked", Title: "Liked"}, {ID: "learned", Title: "Learned"},
		{ID: "lacked", Title: "Lacked"}, {ID: "longed", Title: "Longed for"}},
}

// DefaultRetro is Start / Stop / Continue with 3 dots, at most 2 on one item.
func DefaultRetro() RetroSpec {
	return RetroSpec{Template: "start-stop-continue", Dots: 3, MaxPerItem: 2}
}

// validateRetro checks and normalises a retrospective's settings,
// telling bad every problem.
func validateRetro(r RetroSpec, lim Limits, bad func(error)) RetroSpec {
	if len(r.Columns) == 0 {
		if r.Template == "" {
			r.Template = "start-stop-continue"
		}
		if cols, ok := Templates[r.Template]; ok {
			r.Columns = append([]Column(nil), cols...)
		} else {
			bad(rooms.FieldError(rooms.CodeInvalid, "retro.template", "unknown template %s", Quote(r.Template)))
		}
	}
	if len(r.Columns) > 8 {
		bad(rooms.FieldError(rooms.CodeInvalid, "retro.columns", "at most 8 columns"))
	}
	ids := map[string]bool{}
	for i, c := range r.Columns {
		f := fmt.Sprintf("retro.columns[%d]", i)
		if c.ID == "" {
			c.ID = fmt.Sprintf("col%d", i+1)
		}
		if !validID(c.ID) || ids[c.ID] {
			bad(rooms.FieldError(rooms.CodeInvalid, f+".id", "column ids are unique, 1 to 32 letters, digits, - or _"))
		}
		ids[c.ID] = true
		if t, err := rooms.CleanText(c.Title, f+".title", lim.MaxShort, true); err != nil {
			bad(err)
		} else {
			c.Title = t
		}
		if h, err := rooms.CleanText(c.Hint, f+".hint", lim.MaxShort*2, false); err != nil {
			bad(err)
		} else {
			c.Hint = h
		}
		r.Columns[i] = c
	}
	if r.Dots == 0 {
		r.Dots = 3
	}
	if r.MaxPerItem == 0 {
		r.MaxPerItem = min(2, r.Dots)
	}
	// maxPerItem is measured against dots: not when dots are wrong.
	if r.Dots < 1 || r.Dots > 20 {
		bad(rooms.FieldError(rooms.CodeInvalid, "retro.dots", "dots must be 1 to 20"))
	} else if r.MaxPerItem < 1 || r.MaxPerItem > r.Dots {
		bad(rooms.FieldError(rooms.CodeInvalid, "retro.maxPerItem", "maxPerItem must be 1 to dots"))
	}
	return r
}
