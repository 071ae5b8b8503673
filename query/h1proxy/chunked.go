package h1proxy

// Limits of the chunked decoder.
const (
	maxSizeDigits = 15      // hex digits of a chunk size: below 2^60
	maxExtBytes   = 1 << 10 // chunk extensions on one size line
	maxTrailer    = 8 << 10 // the whole trailer section
)

type chunkState uint8

const (
	stSize chunkState = iota
	stExtWS
	stExt
	stSizeLF
	stData
	stDataCR
	stDataLF
	stTrailer
	stTrailerLine
	stTrailerLF
	stEndLF
	stDone
)

// chunkDecoder decodes a chunked body (RFC 9112 7.1) incrementally and
// strictly: hex sizes of bounded length, extensions allowed but bounded
// and ignored, CRLF required after each size line and each chunk's data,
// trailers read, bounded and dropped. The zero value is ready; limit, if
// above zero, bounds the decoded total (errBodyTooLarge above it).
type chunkDecoder struct {
	limit   int64
	state   chunkState
	size    int64 // bytes left in the current chunk, or the size being read
	digits  int
	ext     int
	trailer int
	total   int64
}

// decode consumes framing from in until it reaches chunk data, needs more
// input, or the body ends (then done reports true). It returns how many
// bytes of in it consumed and, when it reached data, that data: the last
// len(data) bytes consumed, a slice of in.
func (d *chunkDecoder) decode(in []byte) (n int, data []byte, err *httpError) {
	for n < len(in) {
		if d.state == stData {
			k := int(min(int64(len(in)-n), d.size))
			data = in[n : n+k]
			d.size -= int64(k)
			if d.size == 0 {
				d.state = stDataCR
			}
			return n + k, data, nil
		}
		if err = d.step(in[n]); err != nil {
			return n, nil, err
		}
		n++
		if d.state == stDone {
			return n, nil, nil
		}
	}
	return n, nil, nil
}

// done reports whether the last chunk and the trailers were read: the
// body ended, and the decoder consumes nothing more.
func (d *chunkDecoder) done() bool { return d.state == stDone }

// step advances the framing state machine by one byte.
func (d *chunkDecoder) step(c byte) *httpError {
	switch d.state {
	case stSize:
		return d.sizeByte(c)
	case stExtWS:
		switch c {
		case ' ', '\t':
		case ';':
			d.state = stExt
		default:
			return errChunkSize
		}
	case stExt:
		return d.extByte(c)
	case stSizeLF:
		return d.sizeEnd(c)
	case stDataCR:
		return d.expect(c, '\r', stDataLF, errChunkData)
	case stDataLF:
		if err := d.expect(c, '\n', stSize, errChunkData); err != nil {
			return err
		}
		d.size, d.digits, d.ext = 0, 0, 0
	case stTrailer:
		if c == '\r' {
			d.state = stEndLF
			return nil
		}
		d.state = stTrailerLine
		return d.trailerByte(c)
	case stTrailerLine:
		return d.trailerByte(c)
	case stTrailerLF:
		return d.expect(c, '\n', stTrailer, errTrailer)
	case stEndLF:
		return d.expect(c, '\n', stDone, errTrailer)
	}
	return nil
}

func (d *chunkDecoder) expect(c, want byte, next chunkState, err *httpError) *httpError {
	if c != want {
		return err
	}
	d.state = next
	return nil
}

func (d *chunkDecoder) sizeByte(c byte) *httpError {
	if v := unhex(c); v >= 0 {
		if d.digits == maxSizeDigits {
			return errChunkSize
		}
		d.size = d.size<<4 | int64(v)
		d.digits++
		return nil
	}
	if d.digits == 0 {
		return errChunkSize
	}
	switch c {
	case ';':
		d.state = stExt
	case ' ', '\t':
		d.state = stExtWS
	case '\r':
		d.state = stSizeLF
	default:
		return errChunkSize
	}
	return nil
}

func (d *chunkDecoder) extByte(c byte) *httpError {
	switch {
	case c == '\r':
		d.state = stSizeLF
	case (c < ' ' && c != '\t') || c == 0x7f:
		return errChunkSize
	case d.ext == maxExtBytes:
		return errChunkExt
	default:
		d.ext++
	}
	return nil
}

// sizeEnd ends a size line: the last chunk goes on to the trailers.
func (d *chunkDecoder) sizeEnd(c byte) *httpError {
	if c != '\n' {
		return errChunkSize
	}
	if d.size == 0 {
		d.state = stTrailer
		return nil
	}
	d.total += d.size
	if d.limit > 0 && d.total > d.limit {
		return errBodyTooLarge
	}
	d.state = stData
	return nil
}

func (d *chunkDecoder) trailerByte(c byte) *httpError {
	switch {
	case c == '\r':
		d.state = stTrailerLF
	case (c < ' ' && c != '\t') || c == 0x7f:
		return errTrailer
	case d.trailer == maxTrailer:
		return errTrailer
	}
	d.trailer++
	return nil
}

func unhex(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}
