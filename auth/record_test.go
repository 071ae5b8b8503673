package auth

import (
	"slices"
	"testing"
)

// TestParseUserRecordAuthorityForms: an authority is read as an object or
// as a bare string (older records), as ManagedUser's deserializer reads
// it; any other JSON type is a bad record.
func TestParseUserRecordAuthorityForms(t *testing.T) {
	r, err := ParseUserRecord([]byte(`{"username":"A","password":"h","authorities":["ROLE_ADMIN",{"authority":"ALL_USERS"},"--disabled--"]}`))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(r.Authorities, []string{"ROLE_ADMIN", "ALL_USERS"}) || !r.Disabled {
		t.Fatalf("read %+v; want ROLE_ADMIN, ALL_USERS and disabled", r)
	}
	if _, err := ParseUserRecord([]byte(`{"username":"A","password":"h","authorities":[7]}`)); err == nil {
		t.Fatal("a number as an authority passed")
	}
}
