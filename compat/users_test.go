package compat

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/kylin-go/kylin/auth"
	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/secret"
)

// testUser is one user record both sides write and read.
type testUser struct {
	name, password string
	roles          []string
	disabled       bool
	locked         bool
}

var userSample = []testUser{
	{name: "ADMIN", password: "KYLIN", roles: []string{"ROLE_ADMIN", "ROLE_ANALYST", "ALL_USERS"}},
	{name: "ANALYST", password: "pä55 wörd-表", roles: []string{"ROLE_ANALYST", "ALL_USERS"}},
	{name: "GONE", password: "gone-3", roles: []string{"ROLE_MODELER", "ALL_USERS"}, disabled: true},
	{name: "STUCK", password: "stuck-4", roles: []string{"ALL_USERS"}, locked: true},
}

// kylinReadUser is what Kylin's ManagedUser makes of a record.
type kylinReadUser struct {
	Username         string   `json:"username"`
	Authorities      []string `json:"authorities"`
	Enabled          bool     `json:"enabled"`
	AccountNonLocked bool     `json:"accountNonLocked"`
	PasswordMatches  bool     `json:"passwordMatches"`
}

// oneUser serves a single record at /user/NAME.
type oneUser struct {
	name    string
	content []byte
}

func (o oneUser) Get(_ context.Context, path string) (metastore.Resource, error) {
	if path != auth.UserFolder+o.name {
		return metastore.Resource{}, fmt.Errorf("%s: %w", path, metastore.ErrNotFound)
	}
	return metastore.Resource{Path: path, Content: o.content, Timestamp: 1}, nil
}

// Both sides hash at bcrypt's lowest cost, 4, to keep the test short; the
// records' format does not depend on it (Kylin and auth use 10).

// checkKylinWritten has Kylin's ManagedUser write u (its password hashed
// by Spring Security's BCryptPasswordEncoder) and checks that our auth
// package reads the same user and authenticates exactly the users Kylin
// would let in.
func checkKylinWritten(h *harness, u testUser) error {
	var rec string
	if err := h.call("user.write", map[string]any{"name": u.name, "password": u.password, "roles": strings.Join(u.roles, ","),
		"disabled": fmt.Sprint(u.disabled), "locked": fmt.Sprint(u.locked), "cost": bcrypt.MinCost}, &rec); err != nil {
		return err
	}
	got, err := auth.ParseUserRecord([]byte(rec))
	if err != nil {
		return fmt.Errorf("%s: our parser refused Kylin's record: %w", u.name, err)
	}
	if got.Name != u.name || !slices.Equal(got.Authorities, u.roles) || got.Disabled != u.disabled || got.Locked != u.locked {
		return fmt.Errorf("%s: Kylin wrote %+v, we read %+v", u.name, u, got)
	}
	us := auth.NewUserStore(oneUser{u.name, []byte(rec)})
	_, err = us.Authenticate(context.Background(), auth.Credentials{Scheme: auth.SchemeBasic, User: u.name, Password: secret.New(u.password)})
	if mayLogin := !u.disabled && !u.locked; (err == nil) != mayLogin {
		return fmt.Errorf("%s (disabled %v, locked %v): authenticate with the right password: %v", u.name, u.disabled, u.locked, err)
	}
	_, err = us.Authenticate(context.Background(), auth.Credentials{Scheme: auth.SchemeBasic, User: u.name, Password: secret.New(u.password + "x")})
	if !errors.Is(err, auth.ErrUnauthenticated) {
		return fmt.Errorf("%s: a wrong password: %v, want ErrUnauthenticated", u.name, err)
	}
	return nil
}

// checkGoWritten has Kylin's ManagedUser read the record our auth package
// wrote for u (rewritten by mangle, the negative controls' hook) and
// checks Kylin sees the same user, the password matching.
func checkGoWritten(h *harness, u testUser, mangle func([]byte) []byte) error {
	rec, err := auth.NewUserRecordCost(strings.ToLower(u.name), secret.New(u.password), bcrypt.MinCost, u.roles[:len(u.roles)-1]...)
	if err != nil {
		return err
	}
	if mangle != nil {
		rec = mangle(rec)
	}
	var got kylinReadUser
	if err := h.call("user.read", map[string]any{"json": string(rec), "password": u.password}, &got); err != nil {
		return fmt.Errorf("%s: Kylin's ManagedUser refused our record: %w", u.name, err)
	}
	want := kylinReadUser{Username: u.name, Authorities: u.roles, Enabled: true, AccountNonLocked: true, PasswordMatches: true}
	if got.Username != want.Username || !slices.Equal(got.Authorities, want.Authorities) || got.Enabled != want.Enabled ||
		got.AccountNonLocked != want.AccountNonLocked || got.PasswordMatches != want.PasswordMatches {
		return fmt.Errorf("%s: Kylin read our record as %+v, want %+v", u.name, got, want)
	}
	return nil
}

// authoritiesAsStrings rewrites a record's authorities from objects into
// bare strings.
func authoritiesAsStrings(b []byte) []byte {
	return bytes.ReplaceAll(bytes.ReplaceAll(b, []byte(`{"authority":`), nil), []byte(`"}`), []byte(`"`))
}

// TestManagedUser: user records between Kylin 3.1.3's ManagedUser (with
// its JsonSerializer and Spring Security's BCryptPasswordEncoder) and our
// auth package, both ways.
func TestManagedUser(t *testing.T) {
	h := kylin(t)
	t.Run("KylinWritesWeRead", func(t *testing.T) {
		for _, u := range userSample {
			if err := checkKylinWritten(h, u); err != nil {
				t.Error(err)
			}
		}
	})
	t.Run("WeWriteKylinReads", func(t *testing.T) {
		for _, u := range userSample {
			if err := checkGoWritten(h, u, nil); err != nil {
				t.Error(err)
			}
		}
	})
	t.Run("AuthoritiesAsStrings", func(t *testing.T) {
		// Kylin's ManagedUser also reads authorities written as bare
		// strings (older records); so must we.
		for _, u := range userSample[:2] {
			if err := checkGoWritten(h, u, authoritiesAsStrings); err != nil {
				t.Error(err)
			}
			rec, err := auth.NewUserRecordCost(u.name, secret.New(u.password), bcrypt.MinCost, u.roles[:len(u.roles)-1]...)
			if err != nil {
				t.Fatal(err)
			}
			got, err := auth.ParseUserRecord(authoritiesAsStrings(rec))
			if err != nil || !slices.Equal(got.Authorities, u.roles) {
				t.Errorf("%s: we read %+v, %v from bare-string authorities; want %v", u.name, got, err, u.roles)
			}
		}
	})
	negatives := map[string]func([]byte) []byte{
		"NegativeRenamedField": func(b []byte) []byte { return bytes.Replace(b, []byte(`"username"`), []byte(`"userName"`), 1) },
		"NegativeNoAllUsers":   func(b []byte) []byte { return bytes.Replace(b, []byte(`,{"authority":"ALL_USERS"}`), nil, 1) },
		"NegativeWrongHash": func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"password":"$2a$`), []byte(`"password":"$2a$04$x`), 1)
		},
	}
	for name, mangle := range negatives {
		t.Run(name, func(t *testing.T) {
			err := checkGoWritten(h, userSample[0], mangle)
			if err == nil {
				t.Fatal("a broken record writer passed the check against Kylin's ManagedUser")
			}
			t.Logf("caught: %v", err)
		})
	}
}
