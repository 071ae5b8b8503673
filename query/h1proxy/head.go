package h1proxy

import "bytes"

// Limits of a message head. A request head beyond them is refused with 431;
// a node's response head beyond them is a failed attempt.
const (
	maxHeadBytes = 16 << 10
	maxFields    = 100
	maxConnOpts  = 8 // names a Connection header may list
	maxEmptyLead = 4 // empty lines tolerated before a request line
)

// field is one header field, as slices into the connection's read buffer:
// nothing is copied or allocated per field.
type field struct {
	name, value []byte
	line        []byte // the whole line with its CRLF, to copy verbatim
	kind        fieldKind
}

// fieldKind says what the proxy does with a field; kindPlain fields are
// copied verbatim.
type fieldKind uint8

const (
	kindPlain fieldKind = iota
	kindHop             // hop-by-hop: never forwarded
	kindHost
	kindContentLength
	kindTransferEncoding
	kindConnection
	kindTE
	kindXFF
	kindXFOther // X-Forwarded-Host and -Proto: replaced by the proxy's own
	kindExpect
)

// tchar marks the bytes of an RFC 9110 token.
var tchar = func() (t [256]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = true, true
	}
	for _, c := range "!#$%&'*+-.^_`|~" {
		t[c] = true
	}
	return t
}()

func isToken(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if !tchar[c] {
			return false
		}
	}
	return true
}

// nextLine returns the line at b[i:] without its CRLF and the offset after
// it. A line must end in CRLF: a bare LF is refused (RFC 9112 allows a
// recipient to accept it; a proxy that did would read a message head
// differently from a node that does not).
func nextLine(b []byte, i int) ([]byte, int, *httpError) {
	nl := bytes.IndexByte(b[i:], '\n')
	if nl < 0 {
		return nil, 0, errIncomplete
	}
	end := i + nl
	if end == i || b[end-1] != '\r' {
		return nil, 0, errBareLF
	}
	return b[i : end-1], end + 1, nil
}

// parseField splits a header line into name and value: the name a token
// directly followed by the colon (no whitespace before it), the value with
// optional whitespace trimmed and free of control characters (HTAB aside)
// and DEL. A line starting with whitespace (obsolete folding) is refused.
func parseField(line []byte) (name, value []byte, err *httpError) {
	if line[0] == ' ' || line[0] == '\t' {
		return nil, nil, errObsFold
	}
	colon := bytes.IndexByte(line, ':')
	if colon <= 0 || !isToken(line[:colon]) {
		return nil, nil, errFieldName
	}
	value = trimOWS(line[colon+1:])
	for _, c := range value {
		if (c < ' ' && c != '\t') || c == 0x7f {
			return nil, nil, errFieldValue
		}
	}
	return line[:colon], value, nil
}

func trimOWS(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

// classify names the fields the proxy handles; everything else is plain.
func classify(name []byte) fieldKind {
	switch len(name) {
	case 2:
		if eqFold(name, "te") {
			return kindTE
		}
	case 4:
		if eqFold(name, "host") {
			return kindHost
		}
	case 6:
		if eqFold(name, "expect") {
			return kindExpect
		}
	case 7:
		if eqFold(name, "trailer") || eqFold(name, "upgrade") {
			return kindHop
		}
	case 10:
		if eqFold(name, "connection") {
			return kindConnection
		}
		if eqFold(name, "keep-alive") {
			return kindHop
		}
	case 14:
		if eqFold(name, "content-length") {
			return kindContentLength
		}
	case 15:
		if eqFold(name, "x-forwarded-for") {
			return kindXFF
		}
	case 16:
		if eqFold(name, "proxy-connection") {
			return kindHop
		}
		if eqFold(name, "x-forwarded-host") {
			return kindXFOther
		}
	case 17:
		if eqFold(name, "transfer-encoding") {
			return kindTransferEncoding
		}
		if eqFold(name, "x-forwarded-proto") {
			return kindXFOther
		}
	case 18:
		if eqFold(name, "proxy-authenticate") {
			return kindHop
		}
	case 19:
		if eqFold(name, "proxy-authorization") {
			return kindHop
		}
	}
	return kindPlain
}

// eqFold compares b with lower, an ASCII lower-case string, ignoring case.
func eqFold(b []byte, lower string) bool {
	if len(b) != len(lower) {
		return false
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// parseLength parses a Content-Length value: decimal digits only, at most
// 18 of them, so it fits an int64. -1 if it is not one.
func parseLength(v []byte) int64 {
	if len(v) == 0 || len(v) > 18 {
		return -1
	}
	var n int64
	for _, c := range v {
		if c < '0' || c > '9' {
			return -1
		}
		n = n*10 + int64(c-'0')
	}
	return n
}

// connOptions reads a Connection value: close and keep-alive set flags,
// any other name is a header to drop, stored in opts. ok is false when
// there are more names than opts holds or a name is not a token.
type connOptions struct {
	close, keepAlive bool
	names            [maxConnOpts][]byte
	n                int
}

func (c *connOptions) reset() { *c = connOptions{} }

func (c *connOptions) add(v []byte) bool {
	for len(v) > 0 {
		var tok []byte
		if i := bytes.IndexByte(v, ','); i >= 0 {
			tok, v = trimOWS(v[:i]), v[i+1:]
		} else {
			tok, v = trimOWS(v), nil
		}
		switch {
		case len(tok) == 0:
		case eqFold(tok, "close"):
			c.close = true
		case eqFold(tok, "keep-alive"):
			c.keepAlive = true
		case !isToken(tok) || c.n == maxConnOpts:
			return false
		default:
			c.names[c.n] = tok
			c.n++
		}
	}
	return true
}

// listed reports whether Connection named this field.
func (c *connOptions) listed(name []byte) bool {
	for _, n := range c.names[:c.n] {
		if bytes.EqualFold(n, name) {
			return true
		}
	}
	return false
}

// hasToken reports whether a comma-separated list holds token (lower case).
func hasToken(v []byte, token string) bool {
	for len(v) > 0 {
		var tok []byte
		if i := bytes.IndexByte(v, ','); i >= 0 {
			tok, v = trimOWS(v[:i]), v[i+1:]
		} else {
			tok, v = trimOWS(v), nil
		}
		if eqFold(tok, token) {
			return true
		}
	}
	return false
}
