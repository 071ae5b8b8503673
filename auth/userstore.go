package auth

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/kylin-go/kylin/clock"
	"github.com/kylin-go/kylin/hostenv"
	"github.com/kylin-go/kylin/metastore"
)

// UserFolder is where Kylin keeps its user records (KylinUserService's
// DIR_PREFIX); a record's path is UserFolder + the upper-cased name, with
// no suffix.
const UserFolder = "/user/"

// Defaults of the UserStore cache.
const (
	DefaultCacheTTL  = 10 * time.Second
	DefaultCacheSize = 1024
)

// UserGetter is the part of metastore.Store a UserStore reads through.
type UserGetter interface {
	Get(ctx context.Context, path string) (metastore.Resource, error)
}

// UserStore checks Basic credentials against Kylin's user records in the
// metastore, as Kylin's default "testing" security profile does: the
// record at /user/<NAME> must exist, be neither disabled nor locked, and
// its bcrypt hash must match the password. The principal's roles are the
// record's authorities (ROLE_ADMIN, ALL_USERS, ...).
//
// A successful check is remembered for the cache TTL (default 10 s) under
// a keyed hash of the password, for at most the cache size (default 1024)
// users, so bcrypt runs once per user and TTL rather than per request; a
// password change, a disabled or a deleted user therefore takes effect
// within one TTL. An unknown user costs the same bcrypt check as a wrong
// password, so timing does not tell which users exist. Failed checks are
// not remembered, and at most GOMAXPROCS
// bcrypt checks run at once, so wrong passwords cost CPU but cannot take
// all of it.
type UserStore struct {
	store UserGetter
	ttl   time.Duration
	size  int
	clock clock.Clock
	key   []byte        // HMAC key of the cached passwords, random per UserStore
	slots chan struct{} // bounds concurrent bcrypt checks

	mu    sync.Mutex
	cache map[string]cachedUser

	bcrypts atomic.Int64 // bcrypt comparisons run, for tests
}

type cachedUser struct {
	mac     []byte
	p       Principal
	expires time.Time
}

// UserStoreOption tunes a UserStore.
type UserStoreOption func(*UserStore)

// WithCache sets how long a verified password is remembered and for how
// many users; a zero ttl turns the cache off.
func WithCache(ttl time.Duration, size int) UserStoreOption {
	return func(u *UserStore) { u.ttl, u.size = ttl, size }
}

// WithEnv gives the UserStore the host's clock (the cache's TTL; default
// the real one). A UserStore logs nothing and has no metrics.
func WithEnv(e hostenv.Env) UserStoreOption {
	return func(u *UserStore) { u.clock = e.WithDefaults().Clock }
}

// NewUserStore returns a UserStore reading user records from s (the raw
// store or a cache over it).
func NewUserStore(s UserGetter, opts ...UserStoreOption) *UserStore {
	u := &UserStore{store: s, ttl: DefaultCacheTTL, size: DefaultCacheSize, clock: clock.Real{},
		key: make([]byte, 32), slots: make(chan struct{}, runtime.GOMAXPROCS(0)), cache: map[string]cachedUser{}}
	for _, o := range opts {
		o(u)
	}
	if _, err := rand.Read(u.key); err != nil {
		panic("auth: no randomness for the cache key: " + err.Error())
	}
	return u
}

// Authenticate implements Authenticator. It handles Basic credentials.
func (u *UserStore) Authenticate(ctx context.Context, c Credentials) (Principal, error) {
	if c.Scheme != SchemeBasic {
		return Principal{}, notHandled(c)
	}
	name := strings.ToUpper(c.User)
	if err := checkUserName(name); err != nil {
		return Principal{}, err
	}
	mac := u.mac(name, c.Password.Reveal())
	if p, ok := u.cached(name, mac); ok {
		return p, nil
	}
	p, err := u.verify(ctx, name, c.Password.Reveal())
	if err != nil {
		return Principal{}, err
	}
	u.remember(name, mac, p)
	return p, nil
}

// verify reads the record and runs bcrypt.
func (u *UserStore) verify(ctx context.Context, name, password string) (Principal, error) {
	res, err := u.store.Get(ctx, UserFolder+name)
	if errors.Is(err, metastore.ErrNotFound) {
		// The same bcrypt work as for a known user, so the answer's
		// timing does not tell which users exist.
		u.compare(ctx, dummyHash(), password)
		return Principal{}, fmt.Errorf("%w: wrong user or password", ErrUnauthenticated)
	}
	if err != nil {
		return Principal{}, fmt.Errorf("auth: reading user %s: %w", name, err)
	}
	rec, err := ParseUserRecord(res.Content)
	if err != nil {
		return Principal{}, fmt.Errorf("auth: user %s: %w", name, err)
	}
	if !strings.EqualFold(rec.Name, name) {
		return Principal{}, fmt.Errorf("auth: user record %s%s names user %q", UserFolder, name, clip(rec.Name))
	}
	if rec.Disabled || rec.Locked {
		return Principal{}, fmt.Errorf("%w: user %s is disabled or locked", ErrUnauthenticated, name)
	}
	if err := u.compare(ctx, rec.hash.Reveal(), password); err != nil {
		return Principal{}, err
	}
	return Principal{Name: name, Roles: rec.Authorities}, nil
}

func (u *UserStore) compare(ctx context.Context, hash, password string) error {
	select {
	case u.slots <- struct{}{}:
		defer func() { <-u.slots }()
	case <-ctx.Done():
		return ctx.Err()
	}
	u.bcrypts.Add(1)
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) != nil {
		return fmt.Errorf("%w: wrong user or password", ErrUnauthenticated)
	}
	return nil
}

func (u *UserStore) mac(name, password string) []byte {
	h := hmac.New(sha256.New, u.key)
	h.Write([]byte(name))
	h.Write([]byte{0})
	h.Write([]byte(password))
	return h.Sum(nil)
}

func (u *UserStore) cached(name string, mac []byte) (Principal, bool) {
	u.mu.Lock()
	defer u.mu.Unlock()
	e, ok := u.cache[name]
	if !ok || !u.clock.Now().Before(e.expires) || !hmac.Equal(e.mac, mac) {
		return Principal{}, false
	}
	return e.p, true
}

// remember caches a verified password, first dropping expired entries and
// then, if still full, an arbitrary one.
func (u *UserStore) remember(name string, mac []byte, p Principal) {
	if u.ttl <= 0 || u.size <= 0 {
		return
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	now := u.clock.Now()
	if _, ok := u.cache[name]; !ok && len(u.cache) >= u.size {
		for k, e := range u.cache {
			if !now.Before(e.expires) {
				delete(u.cache, k)
			}
		}
		for k := range u.cache {
			if len(u.cache) < u.size {
				break
			}
			delete(u.cache, k)
		}
	}
	u.cache[name] = cachedUser{mac: mac, p: p, expires: now.Add(u.ttl)}
}

var (
	dummyOnce sync.Once
	dummy     string
)

// dummyHash is a bcrypt hash of a random password, at the cost Kylin uses.
func dummyHash() string {
	dummyOnce.Do(func() {
		pw := make([]byte, 16)
		rand.Read(pw)
		h, err := bcrypt.GenerateFromPassword(pw, bcryptCost)
		if err == nil {
			dummy = string(h)
		}
	})
	return dummy
}

// checkUserName refuses names that would not address one record.
func checkUserName(name string) error {
	switch {
	case name == "" || len(name) > 255:
		return fmt.Errorf("%w: user name must be 1 to 255 bytes", ErrUnauthenticated)
	case strings.ContainsAny(name, "/\\") || name == "." || name == "..":
		return fmt.Errorf("%w: user name must not hold '/' or '\\', nor be \".\" or \"..\"", ErrUnauthenticated)
	}
	return nil
}
