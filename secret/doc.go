// Package secret holds credentials (passwords, tokens) in a type that
// never shows its value: JSON, text encoding, every fmt verb (%v, %+v,
// %#v, %s, %q, %x, ...), zap and slog all print a fixed mask instead.
// The value leaves only through Reveal, which code calls at the one place
// that needs it (an Authorization header, a constant-time compare).
//
// Config structs and cluster.Node hold their passwords and tokens as
// secret.String, so logging or encoding them is safe.
package secret
