package hdfsfs

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
)

// response builds a response packet body: a delimited header with status,
// exception class and message.
func response(status uint64, class, msg string) []byte {
	var h []byte
	h = protowire.AppendTag(h, 1, protowire.VarintType)
	h = protowire.AppendVarint(h, 0)
	h = protowire.AppendTag(h, 2, protowire.VarintType)
	h = protowire.AppendVarint(h, status)
	if class != "" {
		h = protowire.AppendTag(h, 4, protowire.BytesType)
		h = protowire.AppendString(h, class)
		h = protowire.AppendTag(h, 5, protowire.BytesType)
		h = protowire.AppendString(h, msg)
	}
	return protowire.AppendBytes(nil, h)
}

func TestParseResponse(t *testing.T) {
	if err := parseResponse(response(0, "", "")); err != nil {
		t.Fatalf("success: %v", err)
	}
	err := parseResponse(response(1, "java.io.FileNotFoundException", "File does not exist: /x\n\tat ..."))
	if !errors.Is(err, os.ErrNotExist) || !errors.Is(err, errRemote) {
		t.Fatalf("missing file: %v, want os.ErrNotExist", err)
	}
	if bytes.Contains([]byte(err.Error()), []byte("\tat")) {
		t.Fatalf("error keeps the Java stack: %q", err)
	}
	err = parseResponse(response(1, "org.apache.hadoop.security.AccessControlException", "denied"))
	if !errors.Is(err, os.ErrPermission) {
		t.Fatalf("denied: %v, want os.ErrPermission", err)
	}
	if err := parseResponse([]byte{0x05, 0x10}); err == nil {
		t.Fatal("truncated header accepted")
	}
}

func TestReadResponseBounds(t *testing.T) {
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, uint32(maxResponseBytes+1))
	if err := readResponse(&b); err == nil {
		t.Fatal("oversized response accepted")
	}
}

// FuzzParseResponse: any bytes give nil or an error, never a panic.
func FuzzParseResponse(f *testing.F) {
	f.Add(response(0, "", ""))
	f.Add(response(1, "java.io.FileNotFoundException", "gone"))
	f.Add([]byte{0x02, 0x10, 0x01})
	f.Fuzz(func(t *testing.T, body []byte) {
		_ = parseResponse(body)
	})
}
