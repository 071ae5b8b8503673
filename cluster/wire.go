package cluster

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/kylin-go/kylin/secret"
)

// CachePathPrefix is where Kylin serves its cache endpoints.
const CachePathPrefix = "/kylin/api/cache/"

// Length caps on what a request may name, so that no sender makes the
// receiver hold or log unbounded strings. Kylin's entity names are a few
// words; a key names a resource, whose path the metastore bounds to
// 1,024 bytes.
const (
	maxEntityBytes = 64
	maxKeyBytes    = 1024
)

// errTooLong is wrapped by the errors of an entity or key over its cap;
// the Handler answers them 414 (path) or 413 (body).
var errTooLong = errors.New("too long")

// newCacheRequest builds the request Kylin 3.x's RestClient.wipeCache sends:
// PUT {prefix}{entity}/{key}/{event} with no body, or, when the key holds a
// '/', PUT {prefix}{entity}/{event} with the raw key as a JSON-typed body.
// A key with a byte outside ASCII also goes in the body, where its charset
// is stated: Kylin's CacheController decodes a body-less request's path as
// ISO-8859-1 (its web.xml sets no request encoding), which would garble
// the key's UTF-8 bytes.
func newCacheRequest(ctx context.Context, scheme string, n Node, token secret.String, note Notification) (*http.Request, error) {
	var (
		path string
		body io.Reader
	)
	if strings.Contains(note.Key, "/") || !isASCII(note.Key) {
		path = CachePathPrefix + url.PathEscape(note.Entity) + "/" + string(note.Event)
		body = strings.NewReader(note.Key)
	} else {
		path = CachePathPrefix + url.PathEscape(note.Entity) + "/" + url.PathEscape(note.Key) + "/" + string(note.Event)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, scheme+"://"+n.Addr+path, body)
	if err != nil {
		return nil, fmt.Errorf("cluster: request to %s: %w", n.Addr, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json; charset=UTF-8")
	}
	switch {
	case n.User != "" || !n.Password.IsZero():
		req.SetBasicAuth(n.User, n.Password.Reveal())
	case !token.IsZero():
		req.Header.Set("Authorization", "Bearer "+token.Reveal())
	}
	return req, nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// errBadPath says a request path is not one of Kylin's cache paths.
var errBadPath = errors.New("cluster: not a cache path")

// ParseCachePath parses the escaped path of a cache request (r.URL.EscapedPath())
// into its entity, key and event. needBody reports the body variant
// ({prefix}{entity}/{event}), whose key is the request body. Segments are
// unescaped, so a key may hold an escaped '/'.
func ParseCachePath(escaped string) (note Notification, needBody bool, err error) {
	rest, ok := strings.CutPrefix(escaped, CachePathPrefix)
	if !ok {
		return note, false, fmt.Errorf("%w: %q does not start with %s", errBadPath, truncate(escaped, 128), CachePathPrefix)
	}
	parts := strings.Split(rest, "/")
	if len(parts) != 2 && len(parts) != 3 {
		return note, false, fmt.Errorf("%w: %q: use %s{entity}/{key}/{event} or %s{entity}/{event} with the key as body",
			errBadPath, truncate(escaped, 128), CachePathPrefix, CachePathPrefix)
	}
	segs := make([]string, len(parts))
	for i, p := range parts {
		s, err := url.PathUnescape(p)
		if err != nil || s == "" {
			return note, false, fmt.Errorf("%w: %q: segment %d is empty or badly escaped", errBadPath, truncate(escaped, 128), i+1)
		}
		segs[i] = s
	}
	if len(segs[0]) > maxEntityBytes {
		return note, false, fmt.Errorf("cluster: entity %q is %w: %d bytes, at most %d", truncate(segs[0], 32), errTooLong, len(segs[0]), maxEntityBytes)
	}
	if len(segs) == 3 && len(segs[1]) > maxKeyBytes {
		return note, false, fmt.Errorf("cluster: key %q is %w: %d bytes, at most %d", truncate(segs[1], 32), errTooLong, len(segs[1]), maxKeyBytes)
	}
	ev, err := ParseEvent(segs[len(segs)-1])
	if err != nil {
		return note, false, err
	}
	note = Notification{Entity: segs[0], Event: ev}
	if len(segs) == 3 {
		note.Key = segs[1]
	}
	return note, len(segs) == 2, nil
}
