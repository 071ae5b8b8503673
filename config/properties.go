package config

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxQuoted bounds how much of a line or value a message quotes.
const maxQuoted = 160

// quote quotes at most maxQuoted bytes of s (whole runes), marking a cut.
func quote(s string) string {
	if len(s) <= maxQuoted {
		return strconv.Quote(s)
	}
	cut := maxQuoted
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strconv.Quote(s[:cut]) + fmt.Sprintf("... (%d bytes)", len(s))
}

// checkText refuses data that is not a UTF-8 (or ASCII) text file: gzip,
// UTF-16 or UTF-32, NUL or other control bytes, invalid UTF-8. Kylin would
// read such a file as a few junk keys and run on defaults.
func checkText(data []byte) error {
	switch {
	case bytes.HasPrefix(data, []byte{0x1f, 0x8b}):
		return fmt.Errorf("is gzip-compressed, not a properties text file: decompress it")
	case bytes.HasPrefix(data, []byte{0xff, 0xfe}), bytes.HasPrefix(data, []byte{0xfe, 0xff}),
		bytes.HasPrefix(data, []byte{0, 0, 0xfe, 0xff}):
		return fmt.Errorf("is UTF-16 or UTF-32 (it starts with a byte order mark): save it as UTF-8")
	}
	line := 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			return fmt.Errorf("line %d is not valid UTF-8 (byte 0x%02x at offset %d): save the file as UTF-8", line, data[i], i)
		case r == 0:
			return fmt.Errorf("holds a NUL byte on line %d (offset %d): it is binary or UTF-16, not a UTF-8 properties file", line, i)
		case r < 0x20 && r != '\t' && r != '\n' && r != '\r' && r != '\f', r == 0x7f:
			return fmt.Errorf("holds control byte 0x%02x on line %d (offset %d): it is not a text file", r, line, i)
		case r == '\n':
			line++
		}
		i += size
	}
	return nil
}

// textCheck is checkText; the attacker table's negative control turns it off.
var textCheck = checkText

// parseProperties parses Java properties text (java.util.Properties.load
// rules, read as UTF-8), keeping the order in which keys first appear; a
// later duplicate replaces the value. ${...} is not expanded here.
func parseProperties(data []byte, source string) ([]prop, error) {
	if err := textCheck(data); err != nil {
		return nil, fmt.Errorf("config: %s %w", source, err)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // a UTF-8 byte order mark
	var out []prop
	index := map[string]int{}
	for _, ll := range logicalLines(string(data)) {
		p, err := parseLine(ll.text)
		if err != nil {
			return nil, fmt.Errorf("config: %s line %d: %w", source, ll.line, err)
		}
		p.source, p.line = source, ll.line
		if i, ok := index[p.key]; ok {
			out[i].value, out[i].line, out[i].bare = p.value, p.line, p.bare
			continue
		}
		index[p.key] = len(out)
		out = append(out, p)
	}
	return out, nil
}

// logicalLine is one property, its continuation lines joined.
type logicalLine struct {
	text string
	line int // where it starts
}

// logicalLines splits text into logical lines: comments and blank lines
// dropped, leading white space trimmed, a line ending in an odd number of
// backslashes joined with the next (whose leading white space is dropped).
func logicalLines(text string) []logicalLine {
	natural := strings.Split(strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n"), "\n")
	var out []logicalLine
	for i := 0; i < len(natural); i++ {
		s := strings.TrimLeft(natural[i], " \t\f")
		if s == "" || s[0] == '#' || s[0] == '!' {
			continue
		}
		start := i + 1
		var b strings.Builder
		for continues(s) && i+1 < len(natural) {
			b.WriteString(s[:len(s)-1])
			i++
			s = strings.TrimLeft(natural[i], " \t\f")
		}
		if continues(s) {
			s = s[:len(s)-1] // a backslash at the end of the file
		}
		b.WriteString(s)
		out = append(out, logicalLine{text: b.String(), line: start})
	}
	return out
}

// continues reports whether s ends in an odd number of backslashes.
func continues(s string) bool {
	n := len(s) - len(strings.TrimRight(s, `\`))
	return n%2 == 1
}

// parseLine splits a logical line at the first unescaped '=', ':' or white
// space, as Java does, and unescapes key and value.
func parseLine(s string) (prop, error) {
	end := len(s)
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' {
			i++
			continue
		}
		if strings.IndexByte("=: \t\f", s[i]) >= 0 {
			end = i
			break
		}
	}
	rawKey, rest := s[:end], s[end:]
	rest = strings.TrimLeft(rest, " \t\f")
	bare := rest == "" && end == len(s)
	if rest != "" && (rest[0] == '=' || rest[0] == ':') {
		rest = strings.TrimLeft(rest[1:], " \t\f")
	}
	key, err := unescape(rawKey)
	if err != nil {
		return prop{}, fmt.Errorf("key %s: %w", quote(rawKey), err)
	}
	value, err := unescape(rest)
	if err != nil {
		return prop{}, fmt.Errorf("value of %s: %w", quote(key), err)
	}
	return prop{key: key, value: value, bare: bare}, nil
}

// unescape resolves \uXXXX, \t, \n, \r, \f; any other escaped character
// stands for itself.
func unescape(s string) (string, error) {
	if !strings.Contains(s, `\`) {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			b.WriteByte(c)
			continue
		}
		i++
		switch s[i] {
		case 't':
			b.WriteByte('\t')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 'f':
			b.WriteByte('\f')
		case 'u':
			if i+5 > len(s) {
				return "", fmt.Errorf("\\u needs four hex digits, found %s", quote(s[i+1:]))
			}
			n, err := strconv.ParseUint(s[i+1:i+5], 16, 16)
			if err != nil {
				return "", fmt.Errorf("\\u needs four hex digits, found %s", quote(s[i+1:i+5]))
			}
			b.WriteRune(rune(n))
			i += 4
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String(), nil
}
