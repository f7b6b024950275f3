package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"net/http"
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
		Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode, MaxAge: 3600})
	d.Token = tok
	v.Title = v.T("login.title")
	v.Data = d
	s.render(w, v, status, "login")
	return nil
}

// safeNext keeps a post-login redirect on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") ||
		strings.ContainsAny(next, "\r\n") {
		return "/"
	}
	return next
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
	method := "password"
	if tok := strings.TrimSpace(r.PostForm.Get("token")); tok != "" {
		method, d.Tab = "token", "token"
		p, err = s.d.Auth.Verify(r.Context(), tok)
	} else {
		p, err = s.d.Auth.Login(r.Context(), d.Username, r.PostForm.Get("password"))
	}
	if err != nil {
		action, msg, status := "login_failed", "login.failed", http.StatusUnauthorized
		switch {
		case errors.Is(err, auth.ErrThrottled):
			action, msg, status = "login_throttled", "login.throttled", http.StatusTooManyRequests
		case !errors.Is(err, auth.ErrUnauthorized):
			return err
		}
		who := auth.Principal{Name: "?"}
		if method == "password" && auth.ValidUsername(d.Username) {
			who.Name = d.Username
		}
		if aerr := s.d.Audit.Audit(r.Context(), who, action, "", "", map[string]string{"method": method}); aerr != nil {
			s.d.Log.ErrorContext(r.Context(), "audit "+action, "err", aerr)
		}
		v.Error = v.T(msg)
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
	auth.SetSessionCookie(w, r, sess)
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
	auth.ClearSessionCookie(w, r)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}
