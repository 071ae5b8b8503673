package hdfsstore

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/kylin-go/kylin/internal/testing/testenv"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m, testenv.HDFSWriteLeak()) }
