package h1proxy

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"net/http/httputil"
	"testing"

	"github.com/kylin-go/kylin/query"
)

// FuzzParseRequest: the request parser never panics, stays inside its
// input, and what it accepts net/http accepts too, with the same method,
// target and framing.
func FuzzParseRequest(f *testing.F) {
	f.Add([]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
	var r request
	f.Fuzz(func(t *testing.T, b []byte) {
		n, err := parseRequest(b, &r)
		if err != nil {
			if err.status == 0 && err != errIncomplete {
				t.Fatalf("error %q without a status", err.reason)
			}
			return
		}
		if n <= 0 || n > len(b) || n != r.headLen || n > maxHeadBytes {
			t.Fatalf("head length %d of %d bytes", n, len(b))
		}
		for i := range r.fields[:r.n] {
			if f := &r.fields[i]; !bytes.HasSuffix(f.line, []byte("\r\n")) || !bytes.Contains(b[:n], f.line) {
				t.Fatalf("field line %q not a CRLF line of the head", f.line)
			}
		}
		// net/http's reader does not skip the empty lines RFC 9112 lets a
		// server ignore before a request line.
		head := b[:n]
		for bytes.HasPrefix(head, []byte("\r\n")) {
			head = head[2:]
		}
		req, gerr := http.ReadRequest(bufio.NewReader(bytes.NewReader(head)))
		if gerr != nil {
			t.Fatalf("accepted a head net/http refuses (%v): %q", gerr, b[:n])
		}
		if req.Method != string(r.method) || req.RequestURI != string(r.target) {
			t.Fatalf("net/http reads %s %s; we read %s %s", req.Method, req.RequestURI, r.method, r.target)
		}
		if chunked := len(req.TransferEncoding) > 0; chunked != r.chunked ||
			!chunked && r.length > 0 && req.ContentLength != r.length {
			t.Fatalf("framing: net/http chunked=%v length=%d; we chunked=%v length=%d",
				chunked, req.ContentLength, r.chunked, r.length)
		}
	})
}

// FuzzChunked: the decoder never panics, gives the same result whether
// its input arrives whole or a byte at a time, and what it decodes
// net/http's chunked reader decodes the same.
func FuzzChunked(f *testing.F) {
	f.Add([]byte("5\r\nhello\r\n0\r\n\r\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		whole, doneW, errW := decodeAll(b, len(b)+1)
		bytewise, doneB, errB := decodeAll(b, 1)
		if !bytes.Equal(whole, bytewise) || doneW != doneB || (errW == nil) != (errB == nil) {
			t.Fatalf("whole: %q %v %v; byte by byte: %q %v %v", whole, doneW, errW, bytewise, doneB, errB)
		}
		// net/http refuses the whitespace RFC 9112 allows before a chunk
		// extension (BWS); compare only where that cannot arise.
		if !doneW || errW != nil || bytes.ContainsAny(b, " \t") {
			return
		}
		got, err := io.ReadAll(httputil.NewChunkedReader(bytes.NewReader(b)))
		if err != nil || !bytes.Equal(got, whole) {
			t.Fatalf("net/http decodes %q (%v); we decode %q", got, err, whole)
		}
	})
}

// decodeAll feeds b to a decoder step bytes at a time.
func decodeAll(b []byte, step int) ([]byte, bool, *httpError) {
	var d chunkDecoder
	var out []byte
	for len(b) > 0 {
		in := b[:min(step, len(b))]
		for len(in) > 0 {
			n, data, err := d.decode(in)
			if err != nil {
				return out, false, err
			}
			if n > len(in) || len(data) > n {
				panic("decode consumed more than its input")
			}
			out = append(out, data...)
			in, b = in[n:], b[n:]
			if d.done() {
				return out, true, nil
			}
		}
	}
	return out, false, nil
}

// FuzzParseResponse: the response parser never panics, stays inside its
// input, and what it accepts net/http reads with the same status.
func FuzzParseResponse(f *testing.F) {
	f.Add([]byte("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"))
	var r response
	f.Fuzz(func(t *testing.T, b []byte) {
		n, err := parseResponse(b, &r)
		if err != nil {
			return
		}
		if n <= 0 || n > len(b) || n != r.headLen {
			t.Fatalf("head length %d of %d bytes", n, len(b))
		}
		resp, gerr := http.ReadResponse(bufio.NewReader(bytes.NewReader(b[:n])), nil)
		if gerr != nil {
			t.Fatalf("accepted a head net/http refuses (%v): %q", gerr, b[:n])
		}
		if resp.StatusCode != r.status {
			t.Fatalf("net/http reads status %d; we read %d", resp.StatusCode, r.status)
		}
	})
}

// FuzzCookie: h1proxy's cookie scan never panics, stays inside its input,
// and finds the same route cookie value as the net/http front ends
// (query.RouteFromCookies), so both data planes stick a session alike.
func FuzzCookie(f *testing.F) {
	f.Add([]byte("a=1; KYLIN_ROUTE=abc; b=2"))
	f.Add([]byte(`KYLIN_ROUTE="q"`))
	f.Fuzz(func(t *testing.T, line []byte) {
		got, ok := cookieValue(line, "KYLIN_ROUTE")
		if ok && !bytes.Contains(line, got) {
			t.Fatalf("value %q not from the line %q", got, line)
		}
		if want := query.RouteFromCookies([]string{string(line)}, "KYLIN_ROUTE"); string(got) != want {
			t.Fatalf("h1proxy reads %q, the net/http front ends %q, from %q", got, want, line)
		}
	})
}
