package h1proxy

import "bytes"

// cookie returns the value of the request cookie named name (nil when
// absent), searching every Cookie field without allocating.
func (r *request) cookie(name string) []byte {
	for i := range r.fields[:r.n] {
		if f := &r.fields[i]; f.kind == kindPlain && len(f.name) == 6 && eqFold(f.name, "cookie") {
			if v, ok := cookieValue(f.value, name); ok {
				return v
			}
		}
	}
	return nil
}

// cookieValue finds name=value in one Cookie field value ("a=1; b=2").
func cookieValue(line []byte, name string) ([]byte, bool) {
	for len(line) > 0 {
		part := line
		if i := bytes.IndexByte(line, ';'); i >= 0 {
			part, line = line[:i], line[i+1:]
		} else {
			line = nil
		}
		part = trimOWS(part)
		if len(part) > len(name) && part[len(name)] == '=' && string(part[:len(name)]) == name {
			return bytes.Trim(part[len(name)+1:], `"`), true
		}
	}
	return nil, false
}

// setsCookie reports whether the response sets (or deletes) the cookie
// named name.
func (r *response) setsCookie(name string) bool {
	for i := range r.fields[:r.n] {
		f := &r.fields[i]
		if f.kind != kindPlain || len(f.name) != 10 || !eqFold(f.name, "set-cookie") {
			continue
		}
		if v := f.value; len(v) > len(name) && v[len(name)] == '=' && string(v[:len(name)]) == name {
			return true
		}
	}
	return false
}
