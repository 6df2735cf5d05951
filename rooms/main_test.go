package rooms_test

import (
	"testing"

	"go.uber.org/goleak"
)

// Every hub, store and timer a test starts is stopped by its end.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
