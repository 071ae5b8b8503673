package metastore_test

import (
	"context"
	"errors"
	"regexp"
	"sync"
	"testing"

	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/memstore"
)

var uuidV4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestNewUUID(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		id := metastore.NewUUID()
		if !uuidV4.MatchString(id) || seen[id] {
			t.Fatalf("NewUUID() = %q: not a fresh version 4 UUID", id)
		}
		seen[id] = true
	}
}

func TestEnsureUUIDKeepsExisting(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	defer s.Close()
	if _, err := s.Put(ctx, metastore.UUIDPath, []byte("existing-id"), 0); err != nil {
		t.Fatal(err)
	}
	got, err := metastore.EnsureUUID(ctx, s)
	if err != nil || got != "existing-id" {
		t.Fatalf("EnsureUUID = %q, %v; want the stored %q", got, err, "existing-id")
	}
}

// TestEnsureUUIDConcurrentOpensAgree checks that first opens racing on an
// empty store all return the one UUID that was stored.
func TestEnsureUUIDConcurrentOpensAgree(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	defer s.Close()
	ids := make([]string, 8)
	var wg sync.WaitGroup
	for i := range ids {
		wg.Go(func() {
			var err error
			if ids[i], err = metastore.EnsureUUID(ctx, s); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	r, err := s.Get(ctx, metastore.UUIDPath)
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range ids {
		if id != metastore.DecodeStringEntity(r.Content) || !uuidV4.MatchString(id) {
			t.Errorf("opener %d got %q; stored %q", i, id, r.Content)
		}
	}
}

func TestEnsureUUIDClosed(t *testing.T) {
	s := memstore.New()
	s.Close()
	if _, err := metastore.EnsureUUID(context.Background(), s); !errors.Is(err, metastore.ErrClosed) {
		t.Fatalf("EnsureUUID on a closed store = %v; want ErrClosed", err)
	}
}

func TestOpenUnknownScheme(t *testing.T) {
	_, err := metastore.Open(context.Background(), "x@nosuch")
	if !errors.Is(err, metastore.ErrUnknownScheme) {
		t.Fatalf("Open(x@nosuch) = %v; want ErrUnknownScheme", err)
	}
}

// TestUUIDWrittenAsKylinStringEntity checks that /UUID carries writeUTF's
// 2-byte big-endian length, as Kylin's StringEntity serializer writes and
// reads it.
func TestUUIDWrittenAsKylinStringEntity(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	defer s.Close()
	id, err := metastore.EnsureUUID(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Get(ctx, metastore.UUIDPath)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Content) != 2+len(id) || r.Content[0] != 0 || int(r.Content[1]) != len(id) || string(r.Content[2:]) != id {
		t.Fatalf("/UUID = %q; want 0x00 0x%02x then %q", r.Content, len(id), id)
	}
	if got := metastore.DecodeStringEntity([]byte("plain-text")); got != "plain-text" {
		t.Fatalf("DecodeStringEntity(plain) = %q", got)
	}
}
