package auth

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
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

// Require returns middleware that authenticates the request's bearer token
// and checks that its principal has role; the principal is then available
// to next through PrincipalFrom. It answers 401 (with WWW-Authenticate) for
// a missing or bad token, 403 for a valid token without the role, and 503
// when the token store fails, in the API's error format
// {"error":{"code","message"}} (Vietnamese, or English with
// Accept-Language: en). logger may be nil.
func (s *Store) Require(role Role, logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, ok := FromRequest(r)
		if !ok {
			writeError(w, r, http.StatusUnauthorized, "unauthorized")
			return
		}
		p, err := s.Verify(r.Context(), tok)
		if err != nil {
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

// message returns the Vietnamese or English text for an error code.
func message(code string, en bool) string {
	var vi, eng string
	switch code {
	case "unauthorized":
		vi, eng = "Cần mã truy cập hợp lệ (Authorization: Bearer <token>).", "A valid access token is required (Authorization: Bearer <token>)."
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
