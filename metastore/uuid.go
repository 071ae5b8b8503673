package metastore

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
)

// UUIDPath is where Kylin keeps the metastore's identity.
const UUIDPath = "/UUID"

// EnsureUUID returns the metastore's UUID, creating /UUID with a random
// version 4 UUID when it is missing, as Kylin does on first open. The
// resource is written as Kylin's StringEntity serializer writes it (Java's
// DataOutputStream.writeUTF: a 2-byte big-endian length, then the text), so
// Kylin reads the UUID we create and we read Kylin's.
// Concurrent first opens agree: creation is a compare-and-set with old
// timestamp 0, and the loser reads the winner's value. Every backend's
// Opener calls it.
func EnsureUUID(ctx context.Context, s Store) (string, error) {
	for range 3 {
		r, err := s.Get(ctx, UUIDPath)
		if err == nil {
			return DecodeStringEntity(r.Content), nil
		}
		if !errors.Is(err, ErrNotFound) {
			return "", err // worded by the Store: "metastore: get /UUID: ..."
		}
		id := NewUUID()
		_, err = s.Put(ctx, UUIDPath, EncodeStringEntity(id), 0)
		if err == nil {
			return id, nil
		}
		if !errors.Is(err, ErrConflict) {
			return "", err
		}
		// Another opener created it first (or deleted it again): read again.
	}
	return "", fmt.Errorf("metastore: %s keeps changing under concurrent opens: %w", UUIDPath, ErrConflict)
}

// NewUUID returns a random version 4 UUID in its canonical text form.
func NewUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// EncodeStringEntity encodes s as Kylin's StringEntity serializer does
// (DataOutputStream.writeUTF). s must be shorter than 64 KiB; a UUID is.
func EncodeStringEntity(s string) []byte {
	b := make([]byte, 2, 2+len(s))
	binary.BigEndian.PutUint16(b, uint16(len(s)))
	return append(b, s...)
}

// DecodeStringEntity reverses EncodeStringEntity. Content that does not
// carry a matching length prefix (a /UUID written as plain text by other
// tools) is returned as it is.
func DecodeStringEntity(b []byte) string {
	if len(b) >= 2 && int(binary.BigEndian.Uint16(b)) == len(b)-2 {
		return string(b[2:])
	}
	return string(b)
}
