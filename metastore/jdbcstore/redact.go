package jdbcstore

import (
	"encoding/json"
	"strings"
)

// redacted replaces the value of every password parameter of a metadata
// URL, and the query of its JDBC url (Connector/J accepts password= there
// too), with "***".
func redacted(metadataURL string) string {
	parts := strings.Split(metadataURL, ",")
	for i, p := range parts[1:] {
		k, v, ok := strings.Cut(p, "=")
		switch key := strings.TrimSpace(k); {
		case !ok:
		case key == "password":
			parts[i+1] = k + "=***"
		case key == "url":
			parts[i+1] = k + "=" + redactedJDBC(v)
		}
	}
	return strings.Join(parts, ",")
}

// redactedJDBC drops the query of a JDBC URL, which may carry a password.
func redactedJDBC(u string) string {
	if base, _, ok := strings.Cut(u, "?"); ok {
		return base + "?***"
	}
	return u
}

// String shows the configuration with the password hidden.
func (c Config) String() string { return "jdbcstore.Config{URL: " + redacted(c.URL) + "}" }

// GoString is String, so %#v hides the password too.
func (c Config) GoString() string { return c.String() }

// MarshalJSON writes the configuration with the password hidden.
func (c Config) MarshalJSON() ([]byte, error) {
	type plain Config
	p := plain(c)
	p.URL = redacted(c.URL)
	return json.Marshal(p)
}
