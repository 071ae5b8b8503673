package config

import (
	"encoding/json"
	"fmt"
	"strings"
)

// secretWords mark a property or metadata URL parameter whose value is a
// credential.
var secretWords = []string{"password", "passwd", "secret", "token", "credential"}

func isSecretName(name string) bool {
	name = strings.ToLower(name)
	for _, w := range secretWords {
		if strings.Contains(name, w) {
			return true
		}
	}
	return false
}

// redact hides secrets in a property value for messages and encodings:
// passwords in server lists, password parameters of a metadata URL, and
// the whole value of a key whose name says it is a credential.
func redact(key, value string) string {
	switch {
	case key == "kylin.server.cluster-servers":
		return redactServers(value)
	case key == "kylin.metadata.url" || strings.Contains(value, "@jdbc") || strings.Contains(value, "password="):
		return redactMetadataURL(value)
	case isSecretName(key) && value != "":
		return "***"
	}
	return value
}

// redactMetadataURL replaces the value of every parameter whose name says
// it is a credential (password=...) with "***".
func redactMetadataURL(s string) string {
	parts := strings.Split(s, ",")
	for i, p := range parts[1:] {
		if k, _, ok := strings.Cut(p, "="); ok && isSecretName(k) {
			parts[i+1] = k + "=***"
		}
	}
	return strings.Join(parts, ",")
}

// Properties is a property map (Config.Raw) that redacts credentials when
// printed or encoded: fmt, JSON and zap show "***" for passwords and
// tokens. Index it as a map to read real values.
type Properties map[string]string

// Redacted returns a copy with every credential replaced by "***".
func (p Properties) Redacted() map[string]string {
	if p == nil {
		return nil
	}
	out := make(map[string]string, len(p))
	for k, v := range p {
		out[k] = redact(k, v)
	}
	return out
}

// Format prints the redacted copy.
func (p Properties) Format(f fmt.State, verb rune) {
	fmt.Fprintf(f, fmt.FormatString(f, verb), p.Redacted())
}

// MarshalJSON encodes the redacted copy.
func (p Properties) MarshalJSON() ([]byte, error) { return json.Marshal(p.Redacted()) }

// metastoreFields is Metastore without its methods, for printing.
type metastoreFields Metastore

func (m Metastore) redacted() metastoreFields {
	r := metastoreFields(m)
	r.URL = redactMetadataURL(m.URL)
	return r
}

// Format prints m with the metadata URL's password parameters redacted.
func (m Metastore) Format(f fmt.State, verb rune) {
	fmt.Fprintf(f, fmt.FormatString(f, verb), m.redacted())
}

// MarshalJSON encodes m with the metadata URL's password parameters
// redacted.
func (m Metastore) MarshalJSON() ([]byte, error) { return json.Marshal(m.redacted()) }

// metadataURLFields is MetadataURL without its methods, for printing.
type metadataURLFields MetadataURL

func (u MetadataURL) redacted() metadataURLFields {
	r := metadataURLFields(u)
	r.Params = Properties(u.Params).redactParams()
	return r
}

func (p Properties) redactParams() map[string]string {
	out := make(map[string]string, len(p))
	for k, v := range p {
		if isSecretName(k) && v != "" {
			v = "***"
		}
		out[k] = v
	}
	return out
}

// Format prints u with its password parameters redacted, like String.
func (u MetadataURL) Format(f fmt.State, verb rune) {
	if verb == 's' || verb == 'q' || (verb == 'v' && !f.Flag('+') && !f.Flag('#')) {
		fmt.Fprintf(f, fmt.FormatString(f, verb), u.String())
		return
	}
	fmt.Fprintf(f, fmt.FormatString(f, verb), u.redacted())
}

// MarshalJSON encodes u with its password parameters redacted.
func (u MetadataURL) MarshalJSON() ([]byte, error) { return json.Marshal(u.redacted()) }
