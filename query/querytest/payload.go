package querytest

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strconv"
)

// Sized answers GET ?size=N with N bytes of Pattern(tag, N), with a
// Content-Length, or chunked when the query also has chunked=1: responses
// of every size and framing whose bodies tell nodes and sizes apart.
func Sized(tag byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.URL.Query().Get("size"))
		if r.URL.Query().Get("chunked") == "" {
			w.Header().Set("Content-Length", strconv.Itoa(n))
		}
		w.Write(Pattern(tag, n))
	}
}

// Pattern is the body Sized sends: n bytes that depend on tag, n and the
// position, so a truncated, shifted or mixed body never matches.
func Pattern(tag byte, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = tag + byte(i*7+n)
	}
	return b
}

// Fetch GETs url and reports an error unless the status is 200 and the
// body is exactly want.
func Fetch(c *http.Client, url string, want []byte) error {
	resp, err := c.Get(url)
	if err != nil {
		return fmt.Errorf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	switch {
	case err != nil:
		return fmt.Errorf("GET %s: reading body: %v", url, err)
	case resp.StatusCode != 200:
		return fmt.Errorf("GET %s: status %d", url, resp.StatusCode)
	case !bytes.Equal(got, want):
		return fmt.Errorf("GET %s: body of %d bytes differs from the node's %d bytes", url, len(got), len(want))
	}
	return nil
}
