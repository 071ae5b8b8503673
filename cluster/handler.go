package cluster

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/kylin-go/kylin/auth"
)

// Handler is the receiving side of cache sync: an http.Handler serving
// Kylin's PUT /kylin/api/cache/{entity}/{key}/{event} and the body variant
// PUT /kylin/api/cache/{entity}/{event}.
//
// Listeners are registered per entity and run in registration order. Two
// events for one entity never run concurrently; events for different
// entities may. An "all" event runs alone, reaching every listener once, in
// registration order. Answers: 200 after every listener returned nil; 401
// with a Basic challenge (dispatching nothing) when the Authenticator
// rejects the request, 503 when it could not tell; 400 for a malformed
// path or unknown event; 414 (413 in the body variant) for an entity over 64
// bytes or a key over 1,024; 405 for a method other than PUT; 500 when a
// listener failed or panicked.
//
// Its state is bounded: an entity nobody registered for is answered 200
// without being remembered, and the per-entity ordering state lives only
// while an event of the entity runs or waits.
//
// Mount it at CachePathPrefix without stripping the prefix:
// mux.Handle(cluster.CachePathPrefix, h).
type Handler struct {
	auth auth.Authenticator
	log  *zap.Logger
	met  *handlerMetrics // nil without a registerer

	mu        sync.Mutex
	listeners map[string][]Listener  // by entity, registration order
	order     []Listener             // every distinct listener, registration order
	entityMu  map[string]*entityGate // exclusive per entity while one of its events runs or waits
	keepGates bool                   // tests: a deliberately broken Handler that never frees a gate

	allMu gate // exclusive for an "all" event, shared for the others
}

// NewHandler returns a Handler that accepts what a authenticates, any
// principal (no role is required; Kylin sends the Basic credentials of its
// cluster-servers entry, Go senders Basic or the bearer token). A nil a is
// auth.AllowAll: the endpoint is open, as Kylin ships its own; pass
// auth.AllowAll to say so explicitly. WithEnv gives it a logger (default
// silent) and a registerer (default no metrics); a Handler has nothing to
// close, so its counter stays registered for the registry's life.
func NewHandler(a auth.Authenticator, opts ...HandlerOption) *Handler {
	var o handlerOptions
	for _, f := range opts {
		f.applyHandler(&o)
	}
	if o.log == nil {
		o.log = zap.NewNop()
	}
	if a == nil {
		a = auth.AllowAll
	}
	return &Handler{auth: a, log: o.log, met: newHandlerMetrics(o.reg),
		listeners: map[string][]Listener{}, entityMu: map[string]*entityGate{}}
}

// Register adds l for the given entities ("all" events reach it whatever it
// registered for). Registering the same listener for an entity twice is
// ignored, as Kylin does. l must be comparable (a pointer or a func wrapped
// in a pointer type); ListenerFunc values are compared by identity of the
// registration, so register each only once.
func (h *Handler) Register(l Listener, entities ...string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !slices.ContainsFunc(h.order, func(x Listener) bool { return sameListener(x, l) }) {
		h.order = append(h.order, l)
	}
	for _, e := range entities {
		if slices.ContainsFunc(h.listeners[e], func(x Listener) bool { return sameListener(x, l) }) {
			continue
		}
		h.listeners[e] = append(h.listeners[e], l)
	}
}

func sameListener(a, b Listener) (same bool) {
	defer func() {
		if recover() != nil { // uncomparable dynamic types (func values)
			same = false
		}
	}()
	return a == b
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if _, ok := auth.Authorize(w, r, h.auth, ""); !ok {
		h.met.inc(func(m *handlerMetrics) prometheus.Counter { return m.unauthorized })
		return
	}
	if r.Method != http.MethodPut {
		h.met.inc(func(m *handlerMetrics) prometheus.Counter { return m.badRequest })
		w.Header().Set("Allow", http.MethodPut)
		http.Error(w, "cluster: cache events are sent with PUT", http.StatusMethodNotAllowed)
		return
	}
	note, code, err := readNotification(r)
	if err != nil {
		h.met.inc(func(m *handlerMetrics) prometheus.Counter { return m.badRequest })
		http.Error(w, err.Error(), code)
		return
	}
	if err := h.Dispatch(r.Context(), note); err != nil {
		h.met.inc(func(m *handlerMetrics) prometheus.Counter { return m.listenerError })
		h.log.Warn("cache event listener failed", zap.Stringer("event", note), zap.Error(err))
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	h.met.inc(func(m *handlerMetrics) prometheus.Counter { return m.ok })
	w.WriteHeader(http.StatusOK)
}

// readNotification parses r; on error it also returns the status to
// answer: 400, or 414 / 413 for an entity or key over its length cap.
func readNotification(r *http.Request) (Notification, int, error) {
	note, needBody, err := ParseCachePath(r.URL.EscapedPath())
	if err != nil {
		if errors.Is(err, errTooLong) {
			return note, http.StatusRequestURITooLong, err
		}
		return note, http.StatusBadRequest, err
	}
	if !needBody {
		return note, 0, nil
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxKeyBytes+1))
	if err != nil {
		return note, http.StatusBadRequest, fmt.Errorf("cluster: reading the key from the body: %w", err)
	}
	if len(body) > maxKeyBytes {
		return note, http.StatusRequestEntityTooLarge, fmt.Errorf("cluster: key in the body is longer than %d bytes", maxKeyBytes)
	}
	note.Key = strings.TrimSpace(string(body))
	if note.Key == "" {
		return note, http.StatusBadRequest, fmt.Errorf("cluster: %s%s/%s needs the key as the request body", CachePathPrefix, note.Entity, note.Event)
	}
	return note, 0, nil
}
