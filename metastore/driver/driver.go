package driver

import "context"

// Resource is one stored item: a path, its bytes and its timestamp in
// milliseconds (Kylin's lastModified). Package metastore aliases it.
type Resource struct {
	Path      string
	Content   []byte
	Timestamp int64
}

// Window selects resources by timestamp: From <= ts < To. A zero To means no
// upper bound; the zero Window selects everything. Package metastore
// aliases it.
type Window struct {
	From int64
	To   int64
}

// Contains reports whether ts falls inside the window.
func (w Window) Contains(ts int64) bool {
	return ts >= w.From && (w.To == 0 || ts < w.To)
}

// Store is what a backend implements. Every path and folder argument is
// clean (see the package doc); every content slice a driver returns belongs
// to the caller, and a driver does not keep a slice it was given.
type Store interface {
	// Get returns the resource at path, or ErrNotFound. A folder is not a
	// resource.
	Get(ctx context.Context, path string) (Resource, error)
	// Exists reports whether a resource (not a folder) is stored at path.
	Exists(ctx context.Context, path string) (bool, error)
	// List calls fn with each direct child of folder (resources and
	// sub-folders alike, each once), as full paths in byte order,
	// streaming: memory must not grow with the size of the folder. A
	// missing folder makes no call and returns nil. An error from fn stops
	// the listing and is returned.
	List(ctx context.Context, folder string, fn func(child string) error) error
	// Walk calls fn for every resource under folder, recursively, whose
	// timestamp is inside w, in path byte order, streaming. An error from
	// fn stops the walk and is returned.
	Walk(ctx context.Context, folder string, w Window, fn func(Resource) error) error
	// Put stores content at path with timestamp newTS if the stored
	// timestamp equals oldTS (0: nothing may be stored); otherwise it
	// returns a *Conflict and writes nothing.
	Put(ctx context.Context, path string, content []byte, oldTS, newTS int64) error
	// Delete removes the resource at path; a missing path is not an error.
	Delete(ctx context.Context, path string) error
	// DeleteIf removes the resource at path if its timestamp equals ts;
	// otherwise a *Conflict, or ErrNotFound when nothing is stored.
	DeleteIf(ctx context.Context, path string, ts int64) error
	// Close releases the driver. The portable Store calls it once.
	Close() error
}

// Importer is an optional Store ability: write r exactly as given, its
// timestamp included, whatever is stored at r.Path (no compare-and-set).
// Restoring a backup needs it. The portable Store checks r first (clean
// path, timestamp at least 1, Caps). Without it, the portable Store does not
// offer metastore.Importer either.
type Importer interface {
	Import(ctx context.Context, r Resource) error
}

// BatchImporter is an optional Importer ability: import many resources in
// few round trips (hbasestore: Multi calls). ImportBatch returns one error
// per resource of rs, in order (nil: written), or nil when every one was
// written. The portable Store checks each resource first, as for Import,
// and passes on only those it accepts.
type BatchImporter interface {
	ImportBatch(ctx context.Context, rs []Resource) []error
}

// SliceLister is an optional Store ability: the children of folder as one
// slice, for a driver that holds them sorted already and can copy them in
// one step (memstore), cheaper than one callback per child. The portable
// Store's List uses it; without it, List collects what List calls back.
// Streaming (metastore.ListFunc) always uses List.
type SliceLister interface {
	ListAll(ctx context.Context, folder string) ([]string, error)
}

// Caps describes a driver to the portable Store, which enforces the limits
// once for every backend and reports them to metastoretest.
type Caps struct {
	// Backend names the driver in metrics (the backend label) and logs.
	Backend string
	// EmptyContent reports that the driver holds empty content. When
	// false (hbasestore, where an empty cell is Kylin's marker for content
	// kept in HDFS), the portable Store refuses an empty Put with
	// ErrEmptyContent.
	EmptyContent bool
	// MaxValue is the largest content Put accepts, in bytes; 0 means no
	// limit. Larger content is refused with ErrTooLarge.
	MaxValue int64
	// MaxValueKey names the setting that raises MaxValue, for the error.
	MaxValueKey string
}

// Describer is an optional Store ability: Capabilities describes the
// driver. Without it the portable Store assumes Caps{Backend: "unknown",
// EmptyContent: true}: empty content held, no size limit.
type Describer interface {
	Capabilities() Caps
}
