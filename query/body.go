package query

import (
	"bytes"
	"errors"
	"io"
	"net/http"
)

// replayBody is a request body read ahead for replay. A body that fits in
// the replay limit is held whole and can be sent any number of times; a
// larger one is held as its first bytes plus the unread rest, and can be
// sent again only if no attempt has read from it yet (the dial failed).
//
// Buffers are not pooled: net/http may still read a request body after
// RoundTrip returned.
type replayBody struct {
	buf    []byte
	rest   io.Reader // nil when buf is the whole body
	stream *onceReader
	length int64     // the client's Content-Length, -1 when unknown
	closer io.Closer // closed by close, for RoundTrip's partly read bodies
}

func (rb *replayBody) close() {
	if rb.closer != nil {
		rb.closer.Close()
	}
}

// readBody reads up to limit bytes of src ahead. src nil or http.NoBody is
// an empty body.
func readBody(src io.ReadCloser, limit, length int64) (*replayBody, error) {
	if src == nil || src == http.NoBody {
		return &replayBody{}, nil
	}
	var b bytes.Buffer
	if _, err := b.ReadFrom(io.LimitReader(src, limit+1)); err != nil {
		return nil, err
	}
	if int64(b.Len()) <= limit {
		return &replayBody{buf: b.Bytes()}, nil
	}
	return &replayBody{buf: b.Bytes(), rest: src, length: length}, nil
}

func (rb *replayBody) empty() bool { return rb.rest == nil && len(rb.buf) == 0 }

// whole reports whether the body is buffered whole (nil rest).
func (rb *replayBody) whole() bool { return rb.rest == nil }

// replayable reports whether the body can be sent (again).
func (rb *replayBody) replayable() bool {
	return rb.rest == nil || rb.stream == nil || !rb.stream.touched
}

// reader returns the body for the next attempt and its length (-1 when
// unknown).
func (rb *replayBody) reader() (io.ReadCloser, int64) {
	if rb.empty() {
		return nil, 0
	}
	if rb.rest == nil {
		return io.NopCloser(bytes.NewReader(rb.buf)), int64(len(rb.buf))
	}
	if rb.stream == nil {
		rb.stream = &onceReader{r: io.MultiReader(bytes.NewReader(rb.buf), rb.rest)}
	}
	if rb.length > 0 {
		return rb.stream, rb.length
	}
	return rb.stream, -1
}

// onceReader records whether it was ever read. Close does not close the
// client's body: the server does that.
type onceReader struct {
	r       io.Reader
	touched bool
}

func (o *onceReader) Read(p []byte) (int, error) {
	o.touched = true
	return o.r.Read(p)
}

func (o *onceReader) Close() error { return nil }

func isTooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}
