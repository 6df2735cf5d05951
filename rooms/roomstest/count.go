package roomstest

import (
	"strings"

	"huddle/rooms"
)

// CountDocs is how many documents of st have keys starting with prefix:
// what a test of a snapshot checks it holds ("member:", "bal:").
func CountDocs(st *rooms.State, prefix string) int {
	n := 0
	for k := range st.Docs {
		if strings.HasPrefix(k, prefix) {
			n++
		}
	}
	return n
}
