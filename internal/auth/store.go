package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/sohoa/sohoa/internal/blob"
)

// Backend is where token records live; *blob.FS satisfies it. Get must
// return an error wrapping blob.ErrNotFound for a missing key.
type Backend interface {
	Put(ctx context.Context, key string, data []byte) error
	Get(ctx context.Context, key string) ([]byte, error)
	Delete(ctx context.Context, key string) error
	List(ctx context.Context, prefix string) ([]string, error)
}

var _ Backend = (*blob.FS)(nil)

// Errors returned by the token store. None of them carries a token secret.
var (
	// ErrUnauthorized reports a missing, malformed, unknown, revoked or
	// wrong token. Callers answer 401 without saying which.
	ErrUnauthorized = errors.New("auth: unauthorized")
	// ErrRevoked is wrapped together with ErrUnauthorized for a revoked
	// token, and returned by EnsureBootstrapAdmin when the bootstrap token
	// was revoked.
	ErrRevoked = errors.New("auth: token revoked")
	// ErrNotFound reports an unknown token ID (Revoke, Get).
	ErrNotFound = errors.New("auth: no such token")
	// ErrBadToken reports a bootstrap token that is too short or not
	// printable ASCII.
	ErrBadToken = errors.New("auth: unusable token")
	// ErrThrottled refuses a sign-in from a client that failed too often
	// recently (Config.Throttle); the error is a *ThrottledError that says
	// how long to wait. Callers answer 429 with Retry-After (RetryAfter).
	ErrThrottled = errors.New("auth: too many failed sign-ins")
)

const (
	tokenPrefix = "sohoa_"
	idLen       = 16 // hex digits
	secretLen   = 64 // hex digits
	keyPrefix   = "tokens/"
	// MinBootstrapLen is the minimum length of a bootstrap admin token.
	MinBootstrapLen = 16
	maxTokenLen     = 512
)

// Config tunes a Store. The zero value works.
type Config struct {
	// CacheTTL is how long a verified token stays cached in memory; a
	// revocation made by another process takes effect here within it.
	// Default 10 seconds. Revocations made through this Store apply at once.
	CacheTTL time.Duration
	// CacheSize bounds the number of cached tokens. Default 10000.
	CacheSize int
	// SessionTTL is how long a browser session lasts after sign-in.
	// Default 12 hours.
	SessionTTL time.Duration
	// MaxConcurrentLogins bounds password checks running at once (each
	// takes DefaultKDF.Memory, 64 MiB); more wait. Default 4.
	MaxConcurrentLogins int
	// Throttle tunes sign-in throttling (throttle.go).
	Throttle ThrottleConfig
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client (ClientIP). Default none: the connection's address is the
	// client.
	TrustedProxies []netip.Prefix
	// SecureCookie sets the Secure flag of the session cookie on every
	// response, not only those over TLS. The server turns it on by default
	// when it listens beyond loopback.
	SecureCookie bool
	// TokenApproval is TokenApprovalNone (default) or
	// TokenApprovalSecondAdmin: tokens of the roles NeedsApproval names,
	// issued through Issue, stay pending (unusable) until another admin
	// approves them.
	TokenApproval string
}

// Store creates, verifies, lists and revokes tokens, and keeps users and
// browser sessions. It is safe for concurrent use.
type Store struct {
	b   Backend
	cfg Config
	now func() time.Time

	mu        sync.Mutex
	cache     map[string]cached // by token ID
	lastPurge time.Time         // of expired sessions

	// kdf bounds concurrent password checks: each holds DefaultKDF.Memory.
	kdf chan struct{}

	// throttle counts failed sign-ins by client and username.
	throttle *throttle
}

type cached struct {
	hash    [sha256.Size]byte
	p       Principal
	expires time.Time
}

// record is the JSON stored at tokens/<id>.
type record struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	Role      Role       `json:"role"`
	Hash      string     `json:"hash"` // hex SHA-256 of the whole token
	Created   time.Time  `json:"created"`
	Revoked   *time.Time `json:"revoked,omitempty"`
	Bootstrap bool       `json:"bootstrap,omitempty"`
	Approval
}

// TokenInfo describes a token without its secret or hash.
type TokenInfo struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	Role      Role       `json:"role"`
	Created   time.Time  `json:"created"`
	Revoked   *time.Time `json:"revoked,omitempty"`
	Bootstrap bool       `json:"bootstrap,omitempty"`
	Approval
}

// NewStore returns a token store over b with the default Config.
func NewStore(b Backend) *Store { return NewStoreWithConfig(b, Config{}) }

// NewStoreWithConfig returns a token store over b.
func NewStoreWithConfig(b Backend, cfg Config) *Store {
	if cfg.CacheTTL <= 0 {
		cfg.CacheTTL = 10 * time.Second
	}
	if cfg.CacheSize <= 0 {
		cfg.CacheSize = 10000
	}
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = 12 * time.Hour
	}
	if cfg.MaxConcurrentLogins <= 0 {
		cfg.MaxConcurrentLogins = 4
	}
	if cfg.TokenApproval == "" {
		cfg.TokenApproval = TokenApprovalNone
	}
	s := &Store{b: b, cfg: cfg, now: time.Now, cache: map[string]cached{}, kdf: make(chan struct{}, cfg.MaxConcurrentLogins)}
	s.throttle = newThrottle(cfg.Throttle, func() time.Time { return s.now() })
	return s
}

func hashToken(token string) [sha256.Size]byte { return sha256.Sum256([]byte(token)) }

// tokenID returns the ID under which token is stored: the ID part of a
// "sohoa_<id>_<secret>" token, or for any other (bootstrap) token a
// "b"-prefixed ID derived from a domain-separated hash of it.
func tokenID(token string) (string, bool) {
	if id, secret, ok := splitToken(token); ok && isHex(secret) && len(secret) == secretLen {
		return id, true
	}
	if !printableASCII(token) || len(token) < MinBootstrapLen || len(token) > maxTokenLen {
		return "", false
	}
	h := sha256.Sum256([]byte("sohoa bootstrap token id\x00" + token))
	return "b" + hex.EncodeToString(h[:])[:idLen-1], true
}

func splitToken(token string) (id, secret string, ok bool) {
	rest, ok := strings.CutPrefix(token, tokenPrefix)
	if !ok {
		return "", "", false
	}
	id, secret, ok = strings.Cut(rest, "_")
	if !ok || len(id) != idLen || !isHex(id) {
		return "", "", false
	}
	return id, secret, true
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return s != ""
}

func validID(id string) bool {
	return len(id) == idLen && (isHex(id) || (id[0] == 'b' && isHex(id[1:])))
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

func validName(name string) error {
	if strings.TrimSpace(name) == "" {
		return errors.New("auth: token name is empty")
	}
	if utf8.RuneCountInString(name) > 200 || !utf8.ValidString(name) {
		return errors.New("auth: token name must be valid UTF-8 of at most 200 characters")
	}
	for _, r := range name {
		if !unicode.IsPrint(r) {
			return errors.New("auth: token name has a non-printable character")
		}
	}
	return nil
}

func randomHex(nbytes int) string {
	b := make([]byte, nbytes)
	_, _ = rand.Read(b) // never fails on supported platforms
	return hex.EncodeToString(b)
}

// Create makes a new token with role and name. The token string is returned
// once and never stored: only its hash is.
func (s *Store) Create(ctx context.Context, role Role, name string) (token string, p Principal, err error) {
	token, rec, err := s.create(ctx, role, name, Approval{})
	return token, rec.principal(), err
}

// create stores a new token with role, name and approval state.
func (s *Store) create(ctx context.Context, role Role, name string, ap Approval) (token string, rec record, err error) {
	if !role.Valid() {
		return "", record{}, fmt.Errorf("auth: create token: unknown role %q (want one of %v)", role, Roles())
	}
	if err := validName(name); err != nil {
		return "", record{}, err
	}
	id := randomHex(idLen / 2)
	token = tokenPrefix + id + "_" + randomHex(secretLen/2)
	h := hashToken(token)
	rec = record{ID: id, Name: name, Role: role, Hash: hex.EncodeToString(h[:]), Created: s.now().UTC(), Approval: ap}
	if err := s.put(ctx, rec); err != nil {
		return "", record{}, fmt.Errorf("auth: create token: %w", err)
	}
	return token, rec, nil
}

func (r record) principal() Principal { return Principal{TokenID: r.ID, Name: r.Name, Role: r.Role} }

func (r record) info() TokenInfo {
	return TokenInfo{ID: r.ID, Name: r.Name, Role: r.Role, Created: r.Created, Revoked: r.Revoked, Bootstrap: r.Bootstrap,
		Approval: r.Approval}
}

func (s *Store) put(ctx context.Context, rec record) error {
	b, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	return s.b.Put(ctx, keyPrefix+rec.ID, b)
}

// get reads a token record; ErrNotFound when absent.
func (s *Store) get(ctx context.Context, id string) (record, error) {
	var rec record
	if !validID(id) {
		return rec, ErrNotFound
	}
	b, err := s.b.Get(ctx, keyPrefix+id)
	if errors.Is(err, blob.ErrNotFound) {
		return rec, ErrNotFound
	}
	if err != nil {
		return rec, err
	}
	if err := json.Unmarshal(b, &rec); err != nil || rec.ID != id || !rec.Role.Valid() {
		return rec, fmt.Errorf("auth: token record %s is corrupt", id)
	}
	return rec, nil
}

// Verify returns the principal of token, or an error wrapping
// ErrUnauthorized (also wrapping ErrRevoked for a revoked token). Other
// errors (the store failing) are returned as they are, so the caller can
// answer 5xx rather than 401. Successful verifications are cached for
// Config.CacheTTL.
func (s *Store) Verify(ctx context.Context, token string) (Principal, error) {
	id, ok := tokenID(token)
	if !ok {
		return Principal{}, fmt.Errorf("%w: malformed token", ErrUnauthorized)
	}
	h := hashToken(token)
	now := s.now()
	s.mu.Lock()
	c, hit := s.cache[id]
	s.mu.Unlock()
	if hit && now.Before(c.expires) && subtle.ConstantTimeCompare(c.hash[:], h[:]) == 1 {
		return c.p, nil
	}
	rec, err := s.get(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return Principal{}, fmt.Errorf("%w: unknown token", ErrUnauthorized)
	}
	if err != nil {
		return Principal{}, fmt.Errorf("auth: verify: %w", err)
	}
	stored, err := hex.DecodeString(rec.Hash)
	if err != nil || subtle.ConstantTimeCompare(stored, h[:]) != 1 {
		return Principal{}, fmt.Errorf("%w: wrong secret for token %s", ErrUnauthorized, id)
	}
	if rec.Revoked != nil {
		return Principal{}, fmt.Errorf("%w: token %s: %w", ErrUnauthorized, id, ErrRevoked)
	}
	if rec.Pending {
		return Principal{}, fmt.Errorf("%w: token %s: %w", ErrUnauthorized, id, ErrPending)
	}
	p := rec.principal()
	s.mu.Lock()
	if len(s.cache) >= s.cfg.CacheSize {
		for k, v := range s.cache { // drop expired entries, else one arbitrary
			if !now.Before(v.expires) {
				delete(s.cache, k)
			}
		}
		for k := range s.cache {
			if len(s.cache) < s.cfg.CacheSize {
				break
			}
			delete(s.cache, k)
		}
	}
	s.cache[id] = cached{hash: h, p: p, expires: now.Add(s.cfg.CacheTTL)}
	s.mu.Unlock()
	return p, nil
}

// Revoke marks the token with ID id revoked (the record is kept for the
// audit trail) and drops it from this store's cache. Revoking twice is not
// an error.
func (s *Store) Revoke(ctx context.Context, id string) error {
	rec, err := s.get(ctx, id)
	if err != nil {
		return fmt.Errorf("auth: revoke %s: %w", id, err)
	}
	if rec.Revoked == nil {
		t := s.now().UTC()
		rec.Revoked = &t
		if err := s.put(ctx, rec); err != nil {
			return fmt.Errorf("auth: revoke %s: %w", id, err)
		}
	}
	s.mu.Lock()
	delete(s.cache, id)
	s.mu.Unlock()
	return nil
}

// Get returns the token with ID id, without secret or hash.
func (s *Store) Get(ctx context.Context, id string) (TokenInfo, error) {
	rec, err := s.get(ctx, id)
	if err != nil {
		return TokenInfo{}, fmt.Errorf("auth: get %s: %w", id, err)
	}
	return rec.info(), nil
}

// List returns every token, oldest first, without secrets or hashes.
func (s *Store) List(ctx context.Context) ([]TokenInfo, error) {
	keys, err := s.b.List(ctx, keyPrefix)
	if err != nil {
		return nil, fmt.Errorf("auth: list: %w", err)
	}
	out := make([]TokenInfo, 0, len(keys))
	for _, k := range keys {
		rec, err := s.get(ctx, strings.TrimPrefix(k, keyPrefix))
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("auth: list: %w", err)
		}
		out = append(out, rec.info())
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].Created.Equal(out[j].Created) {
			return out[i].Created.Before(out[j].Created)
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// HasAdmin reports whether a live (not revoked) admin token exists, so the
// server can decide whether to generate a bootstrap token.
func (s *Store) HasAdmin(ctx context.Context) (bool, error) {
	ts, err := s.List(ctx)
	if err != nil {
		return false, err
	}
	for _, t := range ts {
		if t.Role == RoleAdmin && t.Revoked == nil && !t.Pending {
			return true, nil
		}
	}
	return false, nil
}

// EnsureBootstrapAdmin registers token (from SOHOA_ADMIN_TOKEN) as an admin
// token named "bootstrap admin", unless it already is. The token may be any
// printable ASCII string of at least MinBootstrapLen characters (a
// "sohoa_<id>_<secret>" token works too). Any earlier bootstrap token with a
// different value is revoked, so changing the environment variable rotates
// the bootstrap admin. If this exact token was revoked it stays revoked and
// the error wraps ErrRevoked: set a new value.
func (s *Store) EnsureBootstrapAdmin(ctx context.Context, token string) (Principal, error) {
	if len(token) < MinBootstrapLen || len(token) > maxTokenLen || !printableASCII(token) {
		return Principal{}, fmt.Errorf("%w: the bootstrap admin token must be %d to %d printable ASCII characters without spaces", ErrBadToken, MinBootstrapLen, maxTokenLen)
	}
	id, ok := tokenID(token)
	if !ok {
		return Principal{}, fmt.Errorf("%w: bootstrap admin token", ErrBadToken)
	}
	h := hashToken(token)
	hexHash := hex.EncodeToString(h[:])
	rec, err := s.get(ctx, id)
	switch {
	case err == nil:
		if subtle.ConstantTimeCompare([]byte(rec.Hash), []byte(hexHash)) != 1 {
			return Principal{}, fmt.Errorf("auth: bootstrap admin: token ID %s is taken by another token", id)
		}
		if rec.Revoked != nil {
			return Principal{}, fmt.Errorf("auth: bootstrap admin token %s: %w; set a new SOHOA_ADMIN_TOKEN", id, ErrRevoked)
		}
		if rec.Role != RoleAdmin {
			return Principal{}, fmt.Errorf("auth: bootstrap admin: token %s exists with role %s", id, rec.Role)
		}
	case errors.Is(err, ErrNotFound):
		rec = record{ID: id, Name: "bootstrap admin", Role: RoleAdmin, Hash: hexHash, Created: s.now().UTC(), Bootstrap: true}
		if err := s.put(ctx, rec); err != nil {
			return Principal{}, fmt.Errorf("auth: bootstrap admin: %w", err)
		}
	default:
		return Principal{}, fmt.Errorf("auth: bootstrap admin: %w", err)
	}
	all, err := s.List(ctx)
	if err != nil {
		return Principal{}, fmt.Errorf("auth: bootstrap admin: %w", err)
	}
	for _, t := range all {
		if t.Bootstrap && t.ID != id && t.Revoked == nil {
			if err := s.Revoke(ctx, t.ID); err != nil {
				return Principal{}, fmt.Errorf("auth: bootstrap admin: revoke previous: %w", err)
			}
		}
	}
	return rec.principal(), nil
}
