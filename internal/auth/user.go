package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"github.com/sohoa/sohoa/internal/blob"
)

// Errors about users.
var (
	// ErrUserExists reports CreateUser with a username that is taken.
	ErrUserExists = errors.New("auth: user exists")
	// ErrBadPassword reports a password that does not meet the policy
	// (MinPasswordLen to 1024 bytes).
	ErrBadPassword = errors.New("auth: unacceptable password")
)

const (
	userPrefix = "users/"
	// MinPasswordLen is the minimum length of a password, in characters.
	MinPasswordLen = 12
	maxPasswordLen = 1024
)

// usernameRE is what a username may look like: lower-case ASCII, so it is
// safe as a blob key and unambiguous in the audit log.
var usernameRE = regexp.MustCompile(`^[a-z][a-z0-9._-]{1,63}$`)

// ValidUsername reports whether name is an acceptable username: 2 to 64
// characters of a-z, 0-9, '.', '_' and '-', starting with a letter.
func ValidUsername(name string) bool { return usernameRE.MatchString(name) }

// KDFParams are the Argon2id parameters of a password hash. They are stored
// with each hash, so raising them later keeps old hashes verifiable.
type KDFParams struct {
	Time    uint32 // passes
	Memory  uint32 // KiB
	Threads uint8
}

// DefaultKDF is what new password hashes use: Argon2id with 64 MiB of
// memory, 2 passes and 2 lanes (RFC 9106's second recommended option scaled
// to a 2-core server; about 0.1 s per login).
var DefaultKDF = KDFParams{Time: 2, Memory: 64 << 10, Threads: 2}

// HashPassword returns an encoded Argon2id hash of password in the PHC
// string format "$argon2id$v=19$m=65536,t=2,p=2$<salt>$<hash>".
func HashPassword(password string, p KDFParams) string {
	salt := make([]byte, 16)
	_, _ = rand.Read(salt)
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, 32)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// CheckPassword reports whether password matches the encoded hash made by
// HashPassword. A malformed hash never matches.
func CheckPassword(encoded, password string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" || parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return false
	}
	var p KDFParams
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return false
	}
	if p.Time == 0 || p.Time > 16 || p.Memory < 8 || p.Memory > 1<<21 || p.Threads == 0 {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) < 16 || len(want) > 64 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is checked against when a username does not exist, so a login
// takes as long for an unknown user as for a wrong password.
var dummyHash = HashPassword("sohoa timing equaliser", DefaultKDF)

// userRecord is the JSON stored at users/<username>.
type userRecord struct {
	Username string     `json:"username"`
	Name     string     `json:"name"`
	Role     Role       `json:"role"`
	Hash     string     `json:"hash"`
	Created  time.Time  `json:"created"`
	Disabled *time.Time `json:"disabled,omitempty"`
	Approval
}

// UserInfo describes a user without the password hash.
type UserInfo struct {
	Username string     `json:"username"`
	Name     string     `json:"name"`
	Role     Role       `json:"role"`
	Created  time.Time  `json:"created"`
	Disabled *time.Time `json:"disabled,omitempty"`
	Approval
}

// UserPrincipalPrefix starts the Principal.TokenID of a user signed in with
// a password ("user:<username>"), which the audit log records as the actor.
const UserPrincipalPrefix = "user:"

func (u userRecord) principal() Principal {
	return Principal{TokenID: UserPrincipalPrefix + u.Username, Name: u.Name, Role: u.Role}
}

func (u userRecord) info() UserInfo {
	return UserInfo{Username: u.Username, Name: u.Name, Role: u.Role, Created: u.Created, Disabled: u.Disabled, Approval: u.Approval}
}

func checkPasswordPolicy(password string) error {
	if utf8.RuneCountInString(password) < MinPasswordLen || len(password) > maxPasswordLen || !utf8.ValidString(password) {
		return fmt.Errorf("%w: a password needs at least %d characters (at most %d bytes)", ErrBadPassword, MinPasswordLen, maxPasswordLen)
	}
	return nil
}

// CreateUser adds a user who signs in with username and password and acts
// with role; name is shown in the interface and the audit log. Only the
// Argon2id hash of the password is stored. This is what `sohoa user
// create` calls.
func (s *Store) CreateUser(ctx context.Context, username, name string, role Role, password string) (UserInfo, error) {
	return s.createUser(ctx, username, name, role, password, Approval{})
}

func (s *Store) createUser(ctx context.Context, username, name string, role Role, password string, ap Approval) (UserInfo, error) {
	if !ValidUsername(username) {
		return UserInfo{}, fmt.Errorf("auth: create user: username must be 2-64 characters a-z, 0-9, '.', '_', '-' starting with a letter")
	}
	if !role.Valid() {
		return UserInfo{}, fmt.Errorf("auth: create user: unknown role %q (want one of %v)", role, Roles())
	}
	if err := validName(name); err != nil {
		return UserInfo{}, err
	}
	if err := checkPasswordPolicy(password); err != nil {
		return UserInfo{}, err
	}
	if _, err := s.getUser(ctx, username); err == nil {
		return UserInfo{}, fmt.Errorf("auth: create user %s: %w", username, ErrUserExists)
	} else if !errors.Is(err, ErrNotFound) {
		return UserInfo{}, fmt.Errorf("auth: create user %s: %w", username, err)
	}
	u := userRecord{Username: username, Name: name, Role: role, Hash: HashPassword(password, DefaultKDF), Created: s.now().UTC(), Approval: ap}
	if err := s.putUser(ctx, u); err != nil {
		return UserInfo{}, fmt.Errorf("auth: create user %s: %w", username, err)
	}
	return u.info(), nil
}

// SetPassword replaces a user's password (and re-enables nothing: a
// disabled user stays disabled).
func (s *Store) SetPassword(ctx context.Context, username, password string) error {
	if err := checkPasswordPolicy(password); err != nil {
		return err
	}
	u, err := s.getUser(ctx, username)
	if err != nil {
		return fmt.Errorf("auth: set password %s: %w", username, err)
	}
	u.Hash = HashPassword(password, DefaultKDF)
	if err := s.putUser(ctx, u); err != nil {
		return fmt.Errorf("auth: set password %s: %w", username, err)
	}
	return nil
}

// DisableUser stops a user from signing in; their open sessions end at
// their next request. The record is kept for the audit trail.
func (s *Store) DisableUser(ctx context.Context, username string) error {
	u, err := s.getUser(ctx, username)
	if err != nil {
		return fmt.Errorf("auth: disable user %s: %w", username, err)
	}
	if u.Disabled == nil {
		t := s.now().UTC()
		u.Disabled = &t
		if err := s.putUser(ctx, u); err != nil {
			return fmt.Errorf("auth: disable user %s: %w", username, err)
		}
	}
	return nil
}

// Users lists every user by username, without password hashes.
func (s *Store) Users(ctx context.Context) ([]UserInfo, error) {
	keys, err := s.b.List(ctx, userPrefix)
	if err != nil {
		return nil, fmt.Errorf("auth: list users: %w", err)
	}
	out := []UserInfo{}
	for _, k := range keys {
		u, err := s.getUser(ctx, strings.TrimPrefix(k, userPrefix))
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("auth: list users: %w", err)
		}
		out = append(out, u.info())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Username < out[j].Username })
	return out, nil
}

// Login checks username and password, given from client (ClientIP), and
// returns the user's principal, or an error wrapping ErrUnauthorized that
// does not say which of the two was wrong (or that the user is disabled).
// It costs one Argon2id evaluation whether or not the user exists; at most
// Config.MaxConcurrentLogins run at once, so a flood of sign-ins cannot
// exhaust memory. A client that gave too many wrong passwords, for this
// username or in all, is refused with a *ThrottledError (wrapping
// ErrThrottled) before the password is checked; other clients are not
// affected, so nobody can lock a user out (throttle.go).
func (s *Store) Login(ctx context.Context, client, username, password string) (Principal, error) {
	userKey, clientKey := "pw|"+client+"|"+username, "pwc|"+client
	if err := s.throttle.take(limit{userKey, s.throttle.cfg.FreeFailures}, limit{clientKey, s.throttle.cfg.ClientFailures}); err != nil {
		return Principal{}, err
	}
	p, err := s.login(ctx, username, password)
	if !errors.Is(err, ErrUnauthorized) { // success, or not the client's fault
		s.throttle.forgive(userKey, err == nil)
		s.throttle.forgive(clientKey, false)
	}
	return p, err
}

// VerifyFrom is Verify for a token presented by client (ClientIP): a client
// that presented too many unknown or wrong tokens is refused with a
// *ThrottledError (wrapping ErrThrottled) without looking the token up, and
// each token refused with ErrUnauthorized counts against it.
func (s *Store) VerifyFrom(ctx context.Context, client, token string) (Principal, error) {
	key := limit{"tok|" + client, s.throttle.cfg.TokenFailures}
	if err := s.throttle.check(key); err != nil {
		return Principal{}, err
	}
	p, err := s.Verify(ctx, token)
	if errors.Is(err, ErrUnauthorized) {
		s.throttle.fail(key.key)
	}
	return p, err
}

// ClientOf returns the client of r as throttling counts it: ClientIP with
// Config.TrustedProxies.
func (s *Store) ClientOf(r *http.Request) string { return ClientIP(r, s.cfg.TrustedProxies) }

func (s *Store) login(ctx context.Context, username, password string) (Principal, error) {
	select {
	case s.kdf <- struct{}{}:
		defer func() { <-s.kdf }()
	case <-ctx.Done():
		return Principal{}, fmt.Errorf("auth: login: %w", ctx.Err())
	}
	u, err := s.getUser(ctx, username)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Principal{}, fmt.Errorf("auth: login: %w", err)
	}
	if err != nil || len(password) > maxPasswordLen {
		CheckPassword(dummyHash, password)
		return Principal{}, fmt.Errorf("%w: wrong username or password", ErrUnauthorized)
	}
	if !CheckPassword(u.Hash, password) {
		return Principal{}, fmt.Errorf("%w: wrong username or password", ErrUnauthorized)
	}
	if u.Disabled != nil {
		return Principal{}, fmt.Errorf("%w: wrong username or password", ErrUnauthorized)
	}
	if u.Pending {
		return Principal{}, fmt.Errorf("%w: user %s: %w", ErrUnauthorized, username, ErrPending)
	}
	return u.principal(), nil
}

func (s *Store) putUser(ctx context.Context, u userRecord) error {
	b, err := json.Marshal(u)
	if err != nil {
		return err
	}
	return s.b.Put(ctx, userPrefix+u.Username, b)
}

// getUser reads a user; ErrNotFound when absent or the name is invalid.
func (s *Store) getUser(ctx context.Context, username string) (userRecord, error) {
	var u userRecord
	if !ValidUsername(username) {
		return u, ErrNotFound
	}
	b, err := s.b.Get(ctx, userPrefix+username)
	if errors.Is(err, blob.ErrNotFound) {
		return u, ErrNotFound
	}
	if err != nil {
		return u, err
	}
	if err := json.Unmarshal(b, &u); err != nil || u.Username != username || !u.Role.Valid() {
		return u, fmt.Errorf("auth: user record %s is corrupt", username)
	}
	return u, nil
}
