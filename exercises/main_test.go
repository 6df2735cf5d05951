package exercises_test

import (
	"testing"

	"go.uber.org/goleak"
)

// Every store a test starts is closed by its end.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
