package h1proxy

import "errors"

// response is a node's parsed response head, slices into the node read
// buffer.
type response struct {
	status   int
	reason   []byte // with its leading space, verbatim; may be empty
	minor    byte
	fields   [maxFields]field
	n        int
	length   int64 // Content-Length, -1 when absent
	chunked  bool
	close    bool // the node will close the connection after this response
	conn     connOptions
	headLen  int
	lengthCL []byte // the Content-Length value as sent
}

// Errors of a node's response head; each makes the attempt a failure.
var (
	errStatusLine     = errors.New("malformed status line from the node")
	errRespVersion    = errors.New("node answered with an HTTP version other than 1.0 or 1.1")
	errRespFraming    = errors.New("node response has an invalid Content-Length, an unknown Transfer-Encoding, or both")
	errRespHead       = errors.New("malformed header in the node's response")
	errRespTooLarge   = errors.New("node response head too large")
	errRespIncomplete = errors.New("incomplete")
)

func (r *response) reset() {
	r.status, r.reason, r.minor, r.n, r.length = 0, nil, 0, 0, -1
	r.chunked, r.close, r.headLen, r.lengthCL = false, false, 0, nil
	r.conn.reset()
}

// parseResponse parses the response head at the start of b (RFC 9112,
// strictly: CRLF line ends, no folding, no whitespace before colons).
func parseResponse(b []byte, r *response) (int, error) {
	r.reset()
	line, i, herr := nextLine(b, 0)
	if herr != nil {
		return 0, respErr(herr, len(b))
	}
	if err := r.statusLine(line); err != nil {
		return 0, err
	}
	for {
		if line, i, herr = nextLine(b, i); herr != nil {
			return 0, respErr(herr, len(b))
		}
		if i > maxHeadBytes {
			return 0, errRespTooLarge
		}
		if len(line) == 0 {
			break
		}
		if err := r.addField(line, b[i-len(line)-2:i]); err != nil {
			return 0, err
		}
	}
	r.headLen = i
	return i, r.finish()
}

func respErr(err *httpError, n int) error {
	switch {
	case err == errIncomplete && n >= maxHeadBytes:
		return errRespTooLarge
	case err == errIncomplete:
		return errRespIncomplete
	}
	return errRespHead
}

// statusLine reads "HTTP/1.x SP 3DIGIT [SP reason]".
func (r *response) statusLine(line []byte) error {
	if len(line) < 12 || string(line[:5]) != "HTTP/" || line[6] != '.' || line[8] != ' ' ||
		!digit(line[5]) || !digit(line[7]) {
		return errStatusLine
	}
	if line[5] != '1' || line[7] > '1' {
		return errRespVersion
	}
	r.minor = line[7] - '0'
	code := line[9:12]
	if !digit(code[0]) || !digit(code[1]) || !digit(code[2]) || code[0] == '0' {
		return errStatusLine
	}
	r.status = int(code[0]-'0')*100 + int(code[1]-'0')*10 + int(code[2]-'0')
	r.reason = line[12:]
	if len(r.reason) > 0 && r.reason[0] != ' ' {
		return errStatusLine
	}
	for _, c := range r.reason {
		if (c < ' ' && c != '\t') || c == 0x7f {
			return errStatusLine
		}
	}
	return nil
}

func (r *response) addField(line, raw []byte) error {
	name, value, herr := parseField(line)
	if herr != nil {
		return errRespHead
	}
	if r.n == maxFields {
		return errRespTooLarge
	}
	f := &r.fields[r.n]
	r.n++
	f.name, f.value, f.line, f.kind = name, value, raw, classify(name)
	switch f.kind {
	case kindContentLength:
		n := parseLength(value)
		if n < 0 || (r.length >= 0 && n != r.length) {
			return errRespFraming
		}
		r.length, r.lengthCL = n, value
	case kindTransferEncoding:
		if r.chunked || !eqFold(value, "chunked") {
			return errRespFraming
		}
		r.chunked = true
	case kindConnection:
		if !r.conn.add(value) {
			return errRespHead
		}
	case kindHost, kindXFF, kindXFOther, kindExpect:
		f.kind = kindPlain // end-to-end in a response
	case kindTE:
		f.kind = kindHop
	}
	return nil
}

func (r *response) finish() error {
	if r.chunked && (r.length >= 0 || r.minor == 0) {
		return errRespFraming
	}
	if r.minor == 1 {
		r.close = r.conn.close
	} else {
		r.close = !r.conn.keepAlive || r.conn.close
	}
	if r.conn.n > 0 {
		for i := range r.fields[:r.n] {
			if f := &r.fields[i]; r.conn.listed(f.name) {
				f.kind = kindHop
			}
		}
	}
	return nil
}

// bodyless reports whether the response has no body whatever its headers
// say (RFC 9112 6.3): to HEAD, 1xx, 204, 304.
func (r *response) bodyless(head bool) bool {
	return head || r.status < 200 || r.status == 204 || r.status == 304
}
