package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/sohoa/sohoa/internal/auth"
)

// loginCookie holds the double-submit CSRF token of the sign-in form (there
// is no session yet to hold a synchronizer token).
const loginCookie = "sohoa_login"

type loginData struct {
	Next, Username, Token string
	Tab                   string // "password" or "token"
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request, v *view) error {
	return s.showLogin(w, r, v, http.StatusOK, loginData{Next: safeNext(r.URL.Query().Get("next")), Tab: "password"})
}

func (s *Server) showLogin(w http.ResponseWriter, r *http.Request, v *view, status int, d loginData) error {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	tok := hex.EncodeToString(b)
	http.SetCookie(w, &http.Cookie{Name: loginCookie, Value: tok, Path: "/login", HttpOnly: true,
		Secure: s.d.Auth.SecureCookie(r), SameSite: http.SameSiteStrictMode, MaxAge: 3600})
	d.Token = tok
	v.Title = v.T("login.title")
	v.Data = d
	s.render(w, v, status, "login")
	return nil
}

// safeNext keeps a post-login redirect on this site: it returns next when
// it is a plain path on this host, else "/". It refuses anything a browser
// could resolve to another host: a scheme or host (url.Parse), a path
// starting with "//", backslashes (browsers read them as slashes), control
// characters and spaces (browsers drop tabs and newlines, so "/\t/evil"
// becomes "//evil"), non-ASCII, and empty, "." or ".." path segments. The
// path checks also run on the percent-decoded path, decoded again as long
// as it changes (so "/%2F%2Fevil" and "/%252F%252Fevil" are refused too).
func safeNext(next string) string {
	const fallback = "/"
	if next == "" || len(next) > 2048 || !printableASCII(next) {
		return fallback
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return fallback
	}
	p := next
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	for i := 0; ; i++ {
		if i == 4 || !printableASCII(p) || !plainPath(p) {
			return fallback
		}
		d, err := url.PathUnescape(p)
		if err != nil {
			return fallback
		}
		if d == p {
			return next
		}
		p = d
	}
}

// printableASCII reports whether s has only printable ASCII characters
// other than space and backslash.
func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f || c == '\\' {
			return false
		}
	}
	return true
}

// plainPath reports whether the path p starts with one "/" and has no
// empty, "." or ".." segment (a trailing "/" is allowed).
func plainPath(p string) bool {
	if !strings.HasPrefix(p, "/") {
		return false
	}
	segs := strings.Split(p[1:], "/")
	for i, seg := range segs {
		if seg == "." || seg == ".." || (seg == "" && i < len(segs)-1) {
			return false
		}
	}
	return true
}

func (s *Server) login(w http.ResponseWriter, r *http.Request, v *view) error {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		return errStatus(http.StatusBadRequest, "err.badform")
	}
	c, err := r.Cookie(loginCookie)
	form := r.PostForm.Get("login_csrf")
	if err != nil || form == "" || subtle.ConstantTimeCompare([]byte(c.Value), []byte(form)) != 1 {
		return errStatus(http.StatusForbidden, "err.csrf")
	}
	d := loginData{Next: safeNext(r.PostForm.Get("next")), Username: strings.TrimSpace(r.PostForm.Get("username")), Tab: "password"}
	var p auth.Principal
	method, client := "password", s.d.Auth.ClientOf(r)
	if tok := strings.TrimSpace(r.PostForm.Get("token")); tok != "" {
		method, d.Tab = "token", "token"
		p, err = s.d.Auth.VerifyFrom(r.Context(), client, tok)
	} else {
		p, err = s.d.Auth.Login(r.Context(), client, d.Username, r.PostForm.Get("password"))
	}
	if err != nil {
		action, status := "login_failed", http.StatusUnauthorized
		v.Error = v.T("login.failed")
		if secs, ok := auth.RetryAfter(err); ok {
			action, status = "login_throttled", http.StatusTooManyRequests
			v.Error = v.T("login.throttled", secs)
			w.Header().Set("Retry-After", strconv.Itoa(secs))
		} else if !errors.Is(err, auth.ErrUnauthorized) {
			return err
		}
		who := auth.Principal{Name: "?"}
		if method == "password" && auth.ValidUsername(d.Username) {
			who.Name = d.Username
		}
		if aerr := s.d.Audit.Audit(r.Context(), who, action, "", "", map[string]string{"method": method}); aerr != nil {
			s.d.Log.ErrorContext(r.Context(), "audit "+action, "err", aerr)
		}
		return s.showLogin(w, r, v, status, d)
	}
	sess, err := s.d.Auth.NewSession(r.Context(), p)
	if err != nil {
		return err
	}
	if err := s.d.Audit.Audit(r.Context(), p, "login", "", "", map[string]string{"method": method}); err != nil {
		_ = s.d.Auth.EndSession(r.Context(), sess.ID)
		return err
	}
	s.d.Auth.SetSessionCookie(w, r, sess)
	http.SetCookie(w, &http.Cookie{Name: loginCookie, Value: "", Path: "/login", MaxAge: -1})
	http.Redirect(w, r, d.Next, http.StatusSeeOther)
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, v *view) error {
	if v.Session != nil {
		if err := s.d.Auth.EndSession(r.Context(), v.Session.ID); err != nil {
			return err
		}
	}
	s.d.Auth.ClearSessionCookie(w, r)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}
