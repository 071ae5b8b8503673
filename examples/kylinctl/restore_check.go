package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/driver"
)

// maxRefusalsShown bounds the refusals an error lists by path.
const maxRefusalsShown = 20

// refusal is one resource of the backup that the target cannot hold.
type refusal struct {
	path string
	why  string
}

// precheck reads the whole backup before anything is written and returns
// every resource the target would refuse: a path it cannot take, an
// empty resource on a backend that cannot hold one (hbasestore, where an
// empty cell is Kylin's marker for content kept in HDFS), content larger
// than the backend holds, a timestamp an import cannot keep. The limits
// are the target driver's declared capabilities (driver.Describer); a
// target that declares none is checked for paths and timestamps only.
func precheck(ctx context.Context, src, dst metastore.Store, importing bool) ([]refusal, error) {
	caps, known := capsOf(dst)
	sizer, _ := metastore.DriverOf(dst).(sizeChecker)
	var out []refusal
	err := src.Walk(ctx, metastore.Root, metastore.Window{}, func(r metastore.Resource) error {
		why := refuses(r, caps, known, importing)
		if why == "" && sizer != nil && len(r.Content) > 0 {
			if err := sizer.CheckSize(r.Path, len(r.Content)); err != nil {
				why = err.Error()
			}
		}
		if why != "" {
			out = append(out, refusal{r.Path, why})
		}
		return nil
	})
	return out, err
}

// sizeChecker is a driver whose size limit depends on the path
// (jdbcstore): CheckSize refuses content its Put would refuse.
type sizeChecker interface {
	CheckSize(path string, n int) error
}

func capsOf(s metastore.Store) (driver.Caps, bool) {
	if d, ok := metastore.DriverOf(s).(driver.Describer); ok {
		return d.Capabilities(), true
	}
	return driver.Caps{}, false
}

// refuses says why the target cannot hold r, or "".
func refuses(r metastore.Resource, caps driver.Caps, known, importing bool) string {
	if _, err := metastore.CleanPath(r.Path); err != nil {
		return err.Error()
	}
	if importing && r.Timestamp < 1 {
		return fmt.Sprintf("timestamp %d is not positive; an import keeps the original timestamp (ms since 1970, at least 1)", r.Timestamp)
	}
	switch {
	case !known:
	case len(r.Content) == 0 && !caps.EmptyContent:
		return fmt.Sprintf("empty, and the target (%s) cannot hold empty content", caps.Backend)
	case caps.MaxValue > 0 && int64(len(r.Content)) > caps.MaxValue:
		raise := ""
		if caps.MaxValueKey != "" {
			raise = "; raise " + caps.MaxValueKey
		}
		return fmt.Sprintf("%d bytes, more than the %d the target (%s) holds%s", len(r.Content), caps.MaxValue, caps.Backend, raise)
	}
	return ""
}

// errRefused is wrapped by the error of a restore refused before writing.
var errRefused = errors.New("restore refused before writing anything")

// refusedErr lists the refusals (the first maxRefusalsShown by path).
func refusedErr(rs []refusal) error {
	var b strings.Builder
	for i, r := range rs {
		if i == maxRefusalsShown {
			fmt.Fprintf(&b, "\n  ... and %d more", len(rs)-i)
			break
		}
		fmt.Fprintf(&b, "\n  %s: %s", r.path, r.why)
	}
	return fmt.Errorf("%w: the target cannot hold %d resource(s) of the backup; "+
		"remove or fix them in the backup directory, or restore into a store that holds them (a file metastore):%s",
		errRefused, len(rs), b.String())
}
