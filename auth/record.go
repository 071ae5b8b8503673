package auth

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/bcrypt"

	"github.com/kylin-go/kylin/secret"
)

// legacyDisabled is the authority old Kylin versions used to mark a
// disabled user; Kylin still reads it as disabled.
const legacyDisabled = "--disabled--"

// allUsers is the group Kylin adds to every user it saves.
const allUsers = "ALL_USERS"

// bcryptCost is the cost of Spring's BCryptPasswordEncoder default (10);
// tests lower it.
var bcryptCost = 10

// UserRecord is the part of Kylin's ManagedUser record that authentication
// reads. Its password hash is not exported and never encoded.
type UserRecord struct {
	Name        string
	Authorities []string
	Disabled    bool
	Locked      bool

	hash secret.String
}

// managedUser is ManagedUser's JSON as Kylin 3.1 writes it.
type managedUser struct {
	UUID            string          `json:"uuid,omitempty"`
	LastModified    int64           `json:"last_modified"`
	Version         string          `json:"version,omitempty"`
	Username        string          `json:"username"`
	Password        string          `json:"password"`
	Authorities     []grantedAuthor `json:"authorities"`
	Disabled        bool            `json:"disabled"`
	DefaultPassword bool            `json:"defaultPassword"`
	Locked          bool            `json:"locked"`
	LockedTime      int64           `json:"lockedTime"`
	WrongTime       int             `json:"wrongTime"`
}

type grantedAuthor struct {
	Authority string `json:"authority"`
}

// UnmarshalJSON reads an authority as ManagedUser's deserializer does:
// an object {"authority": "ROLE_X"} or, as older records hold, the bare
// string "ROLE_X".
func (g *grantedAuthor) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		return json.Unmarshal(b, &g.Authority)
	}
	type plain grantedAuthor
	return json.Unmarshal(b, (*plain)(g))
}

// ErrBadRecord says a user record is not ManagedUser JSON.
var ErrBadRecord = errors.New("auth: not a Kylin user record")

// ParseUserRecord decodes a /user/<NAME> record.
func ParseUserRecord(content []byte) (UserRecord, error) {
	var m managedUser
	if err := json.Unmarshal(content, &m); err != nil {
		return UserRecord{}, fmt.Errorf("%w: %v", ErrBadRecord, err)
	}
	if m.Username == "" || m.Password == "" {
		return UserRecord{}, fmt.Errorf("%w: username or password is empty", ErrBadRecord)
	}
	r := UserRecord{Name: m.Username, Disabled: m.Disabled, Locked: m.Locked, hash: secret.New(m.Password)}
	for _, a := range m.Authorities {
		if a.Authority == legacyDisabled {
			r.Disabled = true
			continue
		}
		r.Authorities = append(r.Authorities, a.Authority)
	}
	return r, nil
}

// NewUserRecord returns the record Kylin would write for a new user: the
// name upper-cased, the password bcrypt-hashed ($2a$, cost 10, as Spring's
// BCryptPasswordEncoder), the roles plus ALL_USERS. Store it at
// UserFolder + the upper-cased name. Tests that sign in often make their
// records with NewUserRecordCost(..., MinCost, ...) instead.
func NewUserRecord(name string, password secret.String, roles ...string) ([]byte, error) {
	return NewUserRecordCost(name, password, bcryptCost, roles...)
}

// MinCost is bcrypt's lowest cost, for test records (NewUserRecordCost).
const MinCost = bcrypt.MinCost

// NewUserRecordCost is NewUserRecord with the bcrypt cost given. Every
// check of the password costs what its hash was made with: tests that
// sign in many times can use MinCost (4, about 1 ms a check instead
// of about 60 ms at cost 10). Production records keep Kylin's cost 10.
func NewUserRecordCost(name string, password secret.String, cost int, roles ...string) ([]byte, error) {
	name = strings.ToUpper(name)
	if err := checkUserName(name); err != nil {
		return nil, err
	}
	if cost < bcrypt.MinCost || cost > bcrypt.MaxCost {
		return nil, fmt.Errorf("auth: bcrypt cost %d for %s is out of range; use %d (fast, tests) to %d, Kylin uses %d",
			cost, name, bcrypt.MinCost, bcrypt.MaxCost, bcryptCost)
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password.Reveal()), cost)
	if err != nil {
		return nil, fmt.Errorf("auth: hashing the password of %s: %w", name, err)
	}
	m := managedUser{Username: name, Password: string(hash), Version: "3.1.3"}
	for _, r := range append(roles, allUsers) {
		m.Authorities = append(m.Authorities, grantedAuthor{Authority: r})
	}
	return json.Marshal(m)
}
