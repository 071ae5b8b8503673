//go:build linux

package filestore

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/driver"
)

func init() {
	metastore.Register("", openURL)
	metastore.Register("file", openURL)
}

// openURL opens a metadata URL with scheme "" (Kylin's plain local path,
// "/var/kylin/meta") or "file" ("/var/kylin/meta@file"). A leading
// "file://" on the path is accepted. The URL takes no parameters.
func openURL(ctx context.Context, u config.MetadataURL, o metastore.Options) (driver.Store, error) {
	if len(u.Params) > 0 {
		keys := make([]string, 0, len(u.Params))
		for k := range u.Params {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		return nil, fmt.Errorf("filestore: metadata URL %q: unknown parameters %v; a file metastore takes only a directory path",
			u.String(), keys)
	}
	return openDriver(ctx, strings.TrimPrefix(u.Identifier, "file://"), o)
}
