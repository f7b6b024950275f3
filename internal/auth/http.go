package auth

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// FromRequest returns the bearer token of r's Authorization header
// ("Bearer <token>", scheme case-insensitive). Tokens in query strings are
// not accepted: they end up in access logs.
func FromRequest(r *http.Request) (token string, ok bool) {
	h := r.Header.Get("Authorization")
	scheme, tok, found := strings.Cut(strings.TrimSpace(h), " ")
	if !found || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	tok = strings.TrimSpace(tok)
	if tok == "" || strings.ContainsAny(tok, " \t") {
		return "", false
	}
	return tok, true
}

type ctxKey struct{}

// WithPrincipal returns a context carrying p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, ctxKey{}, p)
}

// PrincipalFrom returns the principal stored by WithPrincipal (or by
// Require).
func PrincipalFrom(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(ctxKey{}).(Principal)
	return p, ok
}

// Require returns middleware that authenticates the request and checks that
// its principal has role; the principal is then available to next through
// PrincipalFrom. The request is authenticated by its bearer token or, when
// it has no Authorization header, by a browser session cookie (so operators
// can open /metrics and /monitoring/ after signing in on the web
// interface).
//
// A cookie counts only from this site: a request that a browser says comes
// from another site (Sec-Fetch-Site cross-site or same-site), or whose
// Origin is not this host, is refused with 403 "cross_site" whatever its
// method, so a hostile page cannot make a signed-in official's browser read
// or unmask records. A state-changing request (not GET, HEAD or OPTIONS)
// made with a cookie must also carry the session's CSRF token in
// X-CSRF-Token or come from the same origin (Sec-Fetch-Site: same-origin),
// else it is refused with 403 "csrf". Bearer tokens are unaffected.
//
// It answers 401 (with WWW-Authenticate) for missing or bad credentials, 429
// (with Retry-After) to a client that presented too many bad tokens
// (VerifyFrom), 403 for a valid principal without the role, and 503 when
// the store fails, in the API's error format {"error":{"code","message"}}
// (Vietnamese, or English with Accept-Language: en). logger may be nil.
func (s *Store) Require(role Role, logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p Principal
		var err error
		if tok, ok := FromRequest(r); ok {
			p, err = s.VerifyFrom(r.Context(), s.ClientOf(r), tok)
		} else if r.Header.Get("Authorization") != "" {
			err = ErrUnauthorized
		} else {
			var sess Session
			sess, err = s.SessionFromRequest(r)
			if err == nil && !SameSite(r) {
				writeError(w, r, http.StatusForbidden, "cross_site")
				return
			}
			if err == nil && !cookieCSRFOK(r, sess) {
				writeError(w, r, http.StatusForbidden, "csrf")
				return
			}
			p = sess.Principal
		}
		if err != nil {
			if secs, ok := RetryAfter(err); ok {
				w.Header().Set("Retry-After", strconv.Itoa(secs))
				writeError(w, r, http.StatusTooManyRequests, "throttled")
				return
			}
			if errors.Is(err, ErrUnauthorized) {
				writeError(w, r, http.StatusUnauthorized, "unauthorized")
				return
			}
			if logger != nil {
				logger.ErrorContext(r.Context(), "token store unavailable", "err", err)
			}
			writeError(w, r, http.StatusServiceUnavailable, "unavailable")
			return
		}
		if !p.Has(role) {
			writeError(w, r, http.StatusForbidden, "forbidden")
			return
		}
		next.ServeHTTP(w, r.WithContext(WithPrincipal(r.Context(), p)))
	})
}

// SameSite reports whether r, as far as the browser tells, was made by a
// page of this site: Sec-Fetch-Site is absent, same-origin or none (typed
// in the address bar, a bookmark), and Origin, when present, names r.Host.
// Browsers send both headers on their own; non-browser clients usually send
// neither and pass.
func SameSite(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
	default: // cross-site, same-site (a sibling subdomain), or unknown
		return false
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	return err == nil && u.Host != "" && strings.EqualFold(u.Host, r.Host) && (u.Scheme == "http" || u.Scheme == "https")
}

// message returns the Vietnamese or English text for an error code.
func message(code string, en bool) string {
	var vi, eng string
	switch code {
	case "unauthorized":
		vi, eng = "Cần mã truy cập hợp lệ (Authorization: Bearer <token>).", "A valid access token is required (Authorization: Bearer <token>)."
	case "cross_site":
		vi, eng = "Yêu cầu từ trang web khác không được dùng phiên đăng nhập; hãy mở trực tiếp từ giao diện sohoa.", "Request refused: a page of another site cannot use your signed-in session; open it from the sohoa interface."
	case "throttled":
		vi, eng = "Quá nhiều lần đăng nhập sai từ máy này; vui lòng chờ rồi thử lại (xem Retry-After).", "Too many failed sign-ins from this client; wait and try again (see Retry-After)."
	case "csrf":
		vi, eng = "Yêu cầu bị từ chối vì thiếu mã chống giả mạo (CSRF); hãy tải lại trang.", "Request refused: the anti-forgery (CSRF) token is missing; reload the page."
	case "forbidden":
		vi, eng = "Mã truy cập này không có quyền thực hiện thao tác này.", "This token's role does not allow this operation."
	default:
		vi, eng = "Không kiểm tra được mã truy cập; vui lòng thử lại sau.", "The access token could not be checked; please try again later."
	}
	if en {
		return eng
	}
	return vi
}

func writeError(w http.ResponseWriter, r *http.Request, status int, code string) {
	msg := message(code, strings.HasPrefix(strings.ToLower(strings.TrimSpace(r.Header.Get("Accept-Language"))), "en"))
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="sohoa"`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"code": code, "message": msg}})
}
