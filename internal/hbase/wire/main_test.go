package wire

import (
	"testing"

	"go.uber.org/goleak"
)

// Every connection's reader goroutine and every fake server stop by the
// end of their test.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
