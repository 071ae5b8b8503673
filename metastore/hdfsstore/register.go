package hdfsstore

import (
	"context"
	"fmt"
	"sort"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/driver"
)

// Scheme is the metadata URL scheme hdfsstore registers.
const Scheme = "hdfs"

func init() { metastore.Register(Scheme, openURL) }

// openURL opens "name@hdfs,path=hdfs://host:port/dir". Kylin falls back to
// a directory under its working directory when path is missing; kylin-go
// has no default NameNode, so path is required.
func openURL(ctx context.Context, u config.MetadataURL, o metastore.Options) (driver.Store, error) {
	var unknown []string
	for k := range u.Params {
		if k != "path" {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, fmt.Errorf("hdfsstore: metadata URL %q: unknown parameters %v; the hdfs scheme takes path=hdfs://namenode:port/directory",
			u.String(), unknown)
	}
	dir, ok := u.Params["path"]
	if !ok || dir == "" {
		return nil, fmt.Errorf("hdfsstore: metadata URL %q: missing path; add path=hdfs://namenode:port/directory", u.String())
	}
	return open(ctx, dir, o.Logger)
}
