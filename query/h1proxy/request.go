package h1proxy

import "bytes"

// request is a parsed request head. Its slices point into the client
// connection's read buffer, which must not move until the request is done.
type request struct {
	method, target, path []byte
	minor                byte // HTTP/1.minor, 0 or 1
	fields               [maxFields]field
	n                    int
	host                 []byte
	hosts                int
	length               int64 // Content-Length, -1 when absent
	chunked              bool
	keepAlive            bool
	expect100            bool
	trailers             bool // TE: trailers, which is forwarded
	xff                  bool // the client sent X-Forwarded-For
	idempotent           bool // the client sent an Idempotency-Key
	conn                 connOptions
	headLen              int
}

// requestParser parses the request head at the start of b into r and
// returns its length, errIncomplete when b holds only part of it, or the
// error to answer. The Proxy's is parseRequest; tests swap in a lax one to
// prove the smuggling checks catch it.
type requestParser func(b []byte, r *request) (int, *httpError)

func (r *request) reset() {
	r.method, r.target, r.path, r.host = nil, nil, nil, nil
	r.minor, r.n, r.hosts, r.length = 0, 0, 0, -1
	r.chunked, r.keepAlive, r.expect100, r.trailers = false, false, false, false
	r.xff, r.idempotent = false, false
	r.conn.reset()
	r.headLen = 0
}

// parseRequest is the strict RFC 9112 request head parser.
func parseRequest(b []byte, r *request) (int, *httpError) {
	r.reset()
	i := 0
	var line []byte
	var err *httpError
	for empty := 0; ; empty++ { // a few empty lines may precede the request line
		if line, i, err = nextLine(b, i); err != nil {
			return 0, tooLarge(err, len(b))
		}
		if len(line) > 0 {
			break
		}
		if empty == maxEmptyLead {
			return 0, errRequestLine
		}
	}
	if err := r.requestLine(line); err != nil {
		return 0, err
	}
	for {
		if line, i, err = nextLine(b, i); err != nil {
			return 0, tooLarge(err, len(b))
		}
		if i > maxHeadBytes {
			return 0, errHeadTooLarge
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

// tooLarge turns "incomplete" into 431 once the head cannot fit.
func tooLarge(err *httpError, n int) *httpError {
	if err == errIncomplete && n >= maxHeadBytes {
		return errHeadTooLarge
	}
	return err
}

func (r *request) requestLine(line []byte) *httpError {
	sp1 := bytes.IndexByte(line, ' ')
	if sp1 <= 0 {
		return errRequestLine
	}
	sp2 := bytes.IndexByte(line[sp1+1:], ' ')
	if sp2 <= 0 {
		return errRequestLine
	}
	r.method, r.target = line[:sp1], line[sp1+1:sp1+1+sp2]
	if !isToken(r.method) {
		return errMethod
	}
	if err := r.checkTarget(); err != nil {
		return err
	}
	return r.version(line[sp1+2+sp2:])
}

// checkTarget accepts origin-form ("/path?query") and, for OPTIONS only,
// asterisk-form; absolute-form and authority-form are refused (this is not
// a forward proxy).
func (r *request) checkTarget() *httpError {
	t := r.target
	for _, c := range t {
		if c <= ' ' || c >= 0x7f {
			return errTarget
		}
	}
	switch {
	case len(t) == 1 && t[0] == '*' && string(r.method) == "OPTIONS":
		r.path = t
	case len(t) > 0 && t[0] == '/':
		r.path = t
		if q := bytes.IndexByte(t, '?'); q >= 0 {
			r.path = t[:q]
		}
	default:
		return errTarget
	}
	if !validEscapes(r.path) {
		return errEscape
	}
	return nil
}

// validEscapes reports whether every '%' in path starts a two-digit hex
// escape. The query passes as it is, as net/http passes it; a path with a
// broken escape would be read differently by the proxy and by a node.
func validEscapes(path []byte) bool {
	for i := 0; i < len(path); i++ {
		if path[i] == '%' {
			if i+2 >= len(path) || unhex(path[i+1]) < 0 || unhex(path[i+2]) < 0 {
				return false
			}
			i += 2
		}
	}
	return true
}

func (r *request) version(v []byte) *httpError {
	if len(v) != 8 || string(v[:5]) != "HTTP/" || v[6] != '.' || !digit(v[5]) || !digit(v[7]) {
		return errVersion
	}
	if v[5] != '1' || v[7] > '1' {
		return errVersionUnsup
	}
	r.minor = v[7] - '0'
	return nil
}

func digit(c byte) bool { return '0' <= c && c <= '9' }

func (r *request) addField(line, raw []byte) *httpError {
	name, value, err := parseField(line)
	if err != nil {
		return err
	}
	if r.n == maxFields {
		return errTooManyFields
	}
	f := &r.fields[r.n]
	r.n++
	f.name, f.value, f.line, f.kind = name, value, raw, classify(name)
	switch f.kind {
	case kindHost:
		if !validHost(value) {
			return errHost
		}
		r.host = value
		r.hosts++
	case kindContentLength:
		n := parseLength(value)
		if n < 0 || (r.length >= 0 && n != r.length) {
			return errContentLength
		}
		r.length = n
	case kindTransferEncoding:
		if r.chunked || !eqFold(value, "chunked") {
			return errTEUnsupported
		}
		r.chunked = true
	case kindConnection:
		if !r.conn.add(value) {
			return errConnectionOptions
		}
	case kindXFF:
		r.xff = true
	case kindPlain:
		if len(name) == 15 && eqFold(name, "idempotency-key") && len(value) > 0 {
			r.idempotent = true
		}
	case kindTE:
		r.trailers = r.trailers || hasToken(value, "trailers")
	case kindExpect:
		if !eqFold(value, "100-continue") {
			return errExpect
		}
		r.expect100 = true
	}
	return nil
}

// finish checks what needs the whole head: Host, framing, persistence.
func (r *request) finish() *httpError {
	if r.minor == 1 && r.hosts != 1 || r.hosts > 1 {
		return errHost
	}
	if r.chunked && r.length >= 0 {
		return errCLAndTE
	}
	if r.chunked && r.minor == 0 {
		return errTE10
	}
	if r.minor == 1 {
		r.keepAlive = !r.conn.close
	} else {
		r.keepAlive = r.conn.keepAlive && !r.conn.close
		r.expect100 = false // 100 Continue is an HTTP/1.1 response
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

// hasBody reports whether a body follows the head.
func (r *request) hasBody() bool { return r.chunked || r.length > 0 }

// get returns the first value of the field named name (lower case), nil if
// absent.
func (r *request) get(name string) []byte {
	for i := range r.fields[:r.n] {
		if eqFold(r.fields[i].name, name) {
			return r.fields[i].value
		}
	}
	return nil
}

// hostChar marks the bytes a Host value may hold: a URI host (reg-name,
// IPv4, bracketed IPv6) and port.
var hostChar = func() (t [256]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = true, true
	}
	for _, c := range "-._~!$&'()*+,;=:[]%" {
		t[c] = true
	}
	return t
}()

func validHost(v []byte) bool {
	for _, c := range v {
		if !hostChar[c] {
			return false
		}
	}
	return true
}
