package config

import (
	"testing"

	"go.uber.org/goleak"
)

// The properties parser runs its lexer in a goroutine; goleak checks that
// no input, good or bad, leaves one behind.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
