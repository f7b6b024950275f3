package auth

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/sohoa/sohoa/internal/blob"
)

// Browser sessions.
//
// A session is created when someone signs in on the web interface with a
// token or a username and password. Its ID (256 random bits) travels only in
// an HttpOnly cookie; the server keeps the session in the blob store under
// "sessions/<sha256 of the ID>", so a copy of the store holds no usable
// cookie, sessions survive a restart and every API process sees them. Each
// session has a CSRF token (synchronizer pattern) that forms echo back. A
// session ends at logout, after Config.SessionTTL, or as soon as the token it
// was opened with is revoked or the user is disabled (checked on every
// request).

const (
	sessionPrefix = "sessions/"
	// SessionCookie is the name of the session cookie.
	SessionCookie = "sohoa_session"
	// CSRFHeader is the header in which scripts send the session's CSRF
	// token with state-changing requests.
	CSRFHeader = "X-CSRF-Token"
)

// Session is a signed-in browser.
type Session struct {
	// ID is the secret cookie value. It is never stored.
	ID string
	// Principal is who signed in. A user's role is re-read on every lookup.
	Principal Principal
	// CSRF is the token forms and scripts must send back with
	// state-changing requests.
	CSRF string
	// Created and Expires bound the session's life.
	Created, Expires time.Time
}

// sessionRecord is the JSON stored at sessions/<hash>.
type sessionRecord struct {
	TokenID string    `json:"token_id,omitempty"` // signed in with this token
	User    string    `json:"user,omitempty"`     // or as this user
	Name    string    `json:"name"`
	Role    Role      `json:"role"`
	CSRF    string    `json:"csrf"`
	Created time.Time `json:"created"`
	Expires time.Time `json:"expires"`
}

func sessionKey(id string) string {
	h := sha256.Sum256([]byte("sohoa session\x00" + id))
	return sessionPrefix + hex.EncodeToString(h[:])
}

func validSessionID(id string) bool { return len(id) == 64 && isHex(id) }

// NewSession opens a session for p, which must come from Verify or Login.
// At most once an hour it also deletes expired sessions.
func (s *Store) NewSession(ctx context.Context, p Principal) (Session, error) {
	rec := sessionRecord{Name: p.Name, Role: p.Role, CSRF: randomHex(32), Created: s.now().UTC()}
	rec.Expires = rec.Created.Add(s.cfg.SessionTTL)
	if user, ok := strings.CutPrefix(p.TokenID, UserPrincipalPrefix); ok {
		rec.User = user
	} else {
		rec.TokenID = p.TokenID
	}
	id := randomHex(32)
	b, err := json.Marshal(rec)
	if err != nil {
		return Session{}, err
	}
	if err := s.b.Put(ctx, sessionKey(id), b); err != nil {
		return Session{}, fmt.Errorf("auth: new session: %w", err)
	}
	s.mu.Lock()
	purge := rec.Created.Sub(s.lastPurge) > time.Hour
	if purge {
		s.lastPurge = rec.Created
	}
	s.mu.Unlock()
	if purge {
		_, _ = s.PurgeSessions(ctx) // best effort; expired sessions are refused anyway
	}
	return Session{ID: id, Principal: p, CSRF: rec.CSRF, Created: rec.Created, Expires: rec.Expires}, nil
}

// Session returns the live session with ID id, or an error wrapping
// ErrUnauthorized when it is unknown, expired, or its token or user no
// longer valid. Other errors mean the store failed.
func (s *Store) Session(ctx context.Context, id string) (Session, error) {
	if !validSessionID(id) {
		return Session{}, fmt.Errorf("%w: malformed session", ErrUnauthorized)
	}
	b, err := s.b.Get(ctx, sessionKey(id))
	if errors.Is(err, blob.ErrNotFound) {
		return Session{}, fmt.Errorf("%w: unknown session", ErrUnauthorized)
	}
	if err != nil {
		return Session{}, fmt.Errorf("auth: session: %w", err)
	}
	var rec sessionRecord
	if err := json.Unmarshal(b, &rec); err != nil || !rec.Role.Valid() {
		return Session{}, fmt.Errorf("%w: corrupt session", ErrUnauthorized)
	}
	if !s.now().Before(rec.Expires) {
		_ = s.b.Delete(ctx, sessionKey(id))
		return Session{}, fmt.Errorf("%w: session expired", ErrUnauthorized)
	}
	var p Principal
	switch {
	case rec.User != "":
		u, err := s.getUser(ctx, rec.User)
		if errors.Is(err, ErrNotFound) || (err == nil && (u.Disabled != nil || u.Pending)) {
			return Session{}, fmt.Errorf("%w: user gone or disabled", ErrUnauthorized)
		}
		if err != nil {
			return Session{}, fmt.Errorf("auth: session: %w", err)
		}
		p = u.principal()
	default:
		t, err := s.get(ctx, rec.TokenID)
		if errors.Is(err, ErrNotFound) || (err == nil && (t.Revoked != nil || t.Pending)) {
			return Session{}, fmt.Errorf("%w: token gone or revoked", ErrUnauthorized)
		}
		if err != nil {
			return Session{}, fmt.Errorf("auth: session: %w", err)
		}
		p = t.principal()
	}
	return Session{ID: id, Principal: p, CSRF: rec.CSRF, Created: rec.Created, Expires: rec.Expires}, nil
}

// EndSession deletes the session with ID id; ending an unknown session is
// not an error.
func (s *Store) EndSession(ctx context.Context, id string) error {
	if !validSessionID(id) {
		return nil
	}
	if err := s.b.Delete(ctx, sessionKey(id)); err != nil && !errors.Is(err, blob.ErrNotFound) {
		return fmt.Errorf("auth: end session: %w", err)
	}
	return nil
}

// PurgeSessions deletes expired sessions and returns how many it deleted.
func (s *Store) PurgeSessions(ctx context.Context) (int, error) {
	keys, err := s.b.List(ctx, sessionPrefix)
	if err != nil {
		return 0, fmt.Errorf("auth: purge sessions: %w", err)
	}
	n := 0
	now := s.now()
	for _, k := range keys {
		b, err := s.b.Get(ctx, k)
		if err != nil {
			continue
		}
		var rec sessionRecord
		if json.Unmarshal(b, &rec) == nil && now.Before(rec.Expires) {
			continue
		}
		if err := s.b.Delete(ctx, k); err == nil {
			n++
		}
	}
	return n, nil
}

// SetSessionCookie sends the cookie of sess: HttpOnly, SameSite=Strict (a
// link or form from another site arrives without it), Path=/, expiring with
// the session, and Secure when r came over TLS or Config.SecureCookie is
// set.
func (s *Store) SetSessionCookie(w http.ResponseWriter, r *http.Request, sess Session) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: sess.ID, Path: "/", HttpOnly: true,
		Secure: s.SecureCookie(r), SameSite: http.SameSiteStrictMode, Expires: sess.Expires,
		MaxAge: int(time.Until(sess.Expires).Seconds())})
}

// ClearSessionCookie tells the browser to forget the session cookie.
func (s *Store) ClearSessionCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", HttpOnly: true,
		Secure: s.SecureCookie(r), SameSite: http.SameSiteStrictMode, MaxAge: -1})
}

// SecureCookie reports whether cookies sent in answer to r get the Secure
// flag: when r came over TLS or Config.SecureCookie is set.
func (s *Store) SecureCookie(r *http.Request) bool { return s.cfg.SecureCookie || r.TLS != nil }

// SessionFromRequest returns the session named by r's session cookie, or an
// error wrapping ErrUnauthorized when there is none or it is not valid.
func (s *Store) SessionFromRequest(r *http.Request) (Session, error) {
	c, err := r.Cookie(SessionCookie)
	if err != nil || c.Value == "" {
		return Session{}, fmt.Errorf("%w: no session cookie", ErrUnauthorized)
	}
	return s.Session(r.Context(), c.Value)
}

// ValidCSRF reports whether token is sess's CSRF token (constant time).
func (sess Session) ValidCSRF(token string) bool {
	return sess.CSRF != "" && subtle.ConstantTimeCompare([]byte(token), []byte(sess.CSRF)) == 1
}

// safeMethod reports whether m does not change state (RFC 9110 9.2.1).
func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// cookieCSRFOK decides whether a state-changing request authenticated by a
// session cookie may proceed: it must carry the session's CSRF token in the
// X-CSRF-Token header, or come from a page of the same origin as browsers
// attest with Sec-Fetch-Site (what asynqmon's own scripts send).
func cookieCSRFOK(r *http.Request, sess Session) bool {
	if safeMethod(r.Method) {
		return true
	}
	if sess.ValidCSRF(r.Header.Get(CSRFHeader)) {
		return true
	}
	return r.Header.Get("Sec-Fetch-Site") == "same-origin"
}
