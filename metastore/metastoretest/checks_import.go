package metastoretest

import (
	"errors"
	"fmt"
	"strings"

	"github.com/kylin-go/kylin/metastore"
)

// importBatchSize spans more than one call of a backend that sends 100
// resources per call (hbasestore's Multi).
const importBatchSize = 120

// checkImportBatch checks metastore.BatchImporter: every resource of a
// batch (one replacing a resource Put wrote, a 10 KB one, an empty one
// where held) is stored with its own content and timestamp, and a resource
// with a bad path fails alone, its error naming it. A store without
// Importer has nothing to check.
func checkImportBatch(e *env) {
	if _, ok := e.s.(metastore.Importer); !ok {
		e.t.Logf("the store has no metastore.Importer: nothing to check")
		return
	}
	bi, ok := e.s.(metastore.BatchImporter)
	if !ok {
		e.t.Fatalf("the store has metastore.Importer but not metastore.BatchImporter (every Store New and Open return with one has both)")
		return
	}
	var batch []metastore.Resource
	for i := range importBatchSize {
		c := []byte(fmt.Sprintf("imported %d", i))
		switch {
		case i == 7:
			c = pseudoRandom(10_000, 7)
		case i == 8 && e.caps.EmptyContent:
			c = []byte{}
		}
		batch = append(batch, metastore.Resource{Path: e.p(fmt.Sprintf("import/%d/r%03d", i%3, i)), Content: c,
			Timestamp: 1_500_000_000_000 + int64(i)})
	}
	e.put(batch[0].Path, []byte("before the import"), 0)
	const bad = 50
	badPath := batch[bad].Path + "/../x"
	batch[bad].Path = badPath
	errs := bi.ImportBatch(e.ctx, batch)
	if errs != nil && len(errs) != len(batch) {
		e.t.Fatalf("ImportBatch of %d resources returned %d errors; want one per resource", len(batch), len(errs))
	}
	for i, r := range batch {
		var err error
		if errs != nil {
			err = errs[i]
		}
		if i == bad {
			if !errors.Is(err, metastore.ErrInvalidPath) || !strings.Contains(err.Error(), "/../x") {
				e.t.Errorf("ImportBatch: resource %s = %v; want ErrInvalidPath naming it", badPath, err)
			}
			continue
		}
		if err != nil {
			e.t.Errorf("ImportBatch: resource %s = %v; want written", r.Path, err)
			continue
		}
		e.wantContent(r.Path, r.Content, r.Timestamp)
	}
	rs, err := metastore.GetAll(e.ctx, e.s, e.p("import"), metastore.Window{})
	if err != nil {
		e.t.Fatalf("GetAll after ImportBatch: %v", err)
	}
	if len(rs) != len(batch)-1 {
		e.t.Errorf("a walk after ImportBatch hands on %d resources; want %d", len(rs), len(batch)-1)
	}
}
