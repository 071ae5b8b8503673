package h1proxy

// httpError is a request the router refuses: the status it answers, with
// "Connection: close", and the reason, which becomes the body so that the
// client learns what to change.
type httpError struct {
	status int
	reason string
}

func (e *httpError) Error() string { return e.reason }

func badRequest(reason string) *httpError { return &httpError{status: 400, reason: reason} }

// Errors are values so that refusing a request allocates nothing.
var (
	errIncomplete        = &httpError{status: 0, reason: "incomplete"} // need more bytes
	errBareLF            = badRequest("line ends in a bare LF; end every line with CRLF")
	errRequestLine       = badRequest("malformed request line; send METHOD SP /path SP HTTP/1.1")
	errMethod            = badRequest("method is not a token")
	errTarget            = badRequest("request target must be an origin-form path starting with / (or * for OPTIONS)")
	errEscape            = badRequest("malformed percent-escape in the request path; write % as %25 and escapes as two hex digits")
	errVersion           = badRequest("malformed HTTP version; send HTTP/1.1 or HTTP/1.0")
	errVersionUnsup      = &httpError{status: 505, reason: "HTTP version not supported; send HTTP/1.1 or HTTP/1.0"}
	errFieldName         = badRequest("malformed header field name (a token, no whitespace before the colon)")
	errFieldValue        = badRequest("control character in a header field value")
	errObsFold           = badRequest("obsolete line folding (a header line starting with whitespace) is not accepted")
	errHeadTooLarge      = &httpError{status: 431, reason: "request header block too large"}
	errTooManyFields     = &httpError{status: 431, reason: "too many request header fields"}
	errHost              = badRequest("HTTP/1.1 request needs exactly one Host header, holding a host and optional port")
	errContentLength     = badRequest("Content-Length must be decimal digits only, and repeated Content-Length fields must agree")
	errCLAndTE           = badRequest("both Content-Length and Transfer-Encoding; send one")
	errTE10              = badRequest("Transfer-Encoding in an HTTP/1.0 request")
	errTEUnsupported     = &httpError{status: 501, reason: "Transfer-Encoding other than chunked is not implemented"}
	errConnectionOptions = badRequest("too many Connection options")
	errExpect            = &httpError{status: 417, reason: "only Expect: 100-continue is supported"}
	errBodyTooLarge      = &httpError{status: 413, reason: "query: request body too large"}
	errChunkSize         = badRequest("malformed chunk size line in a chunked body")
	errChunkData         = badRequest("chunk data not followed by CRLF in a chunked body")
	errChunkExt          = badRequest("chunk extensions too long in a chunked body")
	errTrailer           = badRequest("malformed or too large trailer section in a chunked body")
	errBodyShort         = badRequest("request body shorter than its Content-Length")
)
