// Package web is sohoa's browser interface: server-rendered pages (Go
// html/template, embedded in the binary) for archive staff, officials,
// operators and administrators, with a little JavaScript for drag-and-drop
// upload and live progress (server-sent events).
//
// The interface enforces the same rules as the JSON API (package api) by
// calling the same services: every page checks its role on the server,
// personal data is masked unless the viewer is a pii_reader, and every
// unmasked view, search, upload, retry and administrative action is audited.
// People sign in with a token or a username and password; the browser then
// holds only an HttpOnly session cookie (see auth.Session), and every form
// POST carries the session's CSRF token and must come from the same origin.
//
// Pages are in Vietnamese unless the viewer chose English (?lang=en, kept in
// a cookie).
package web

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/hibiken/asynq"

	"github.com/sohoa/sohoa/internal/api"
	"github.com/sohoa/sohoa/internal/audit"
	"github.com/sohoa/sohoa/internal/auth"
	"github.com/sohoa/sohoa/internal/catalog"
	"github.com/sohoa/sohoa/internal/extract"
	"github.com/sohoa/sohoa/internal/pipeline"
	"github.com/sohoa/sohoa/internal/search"
	"github.com/sohoa/sohoa/internal/vault"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Searcher runs searches. search.Index satisfies it.
type Searcher interface {
	Search(ctx context.Context, q search.Query) (search.Result, error)
}

// Auditor records an audited action; it has the same contract as
// api.Auditor: when it fails, the action is not carried out.
type Auditor interface {
	Audit(ctx context.Context, p auth.Principal, action, object, reason string, details map[string]string) error
}

// Blinder computes blind-index tokens. *vault.Vault satisfies it.
type Blinder interface {
	Blind(field, value string) string
}

// KeyStatus reports the state of the encryption keys. *vault.Vault
// satisfies it.
type KeyStatus interface {
	Status(ctx context.Context) (vault.Status, error)
}

// AuditLog reads and verifies the audit log.
type AuditLog interface {
	// Tail returns the last n entries, oldest first.
	Tail(n int) ([]audit.Entry, error)
	// Verify checks the whole chain.
	Verify() (audit.Report, error)
}

// Deps are the Server's collaborators. Pipeline, Catalog, Search, Auth and
// Audit are required.
type Deps struct {
	Pipeline *pipeline.Pipeline
	Catalog  *catalog.Catalog
	Search   Searcher
	Auth     *auth.Store
	Audit    Auditor
	// Blind enables the pii_reader lookup by CCCD or full name.
	Blind Blinder
	// Keys shows key status to administrators; nil hides it.
	Keys KeyStatus
	// AuditLog shows the audit log to administrators; nil hides it.
	AuditLog AuditLog
	// Redis is the asynq Redis, for the operator dashboard; nil hides queues.
	Redis asynq.RedisConnOpt
	// Log receives errors; default slog.Default().
	Log *slog.Logger
	// MaxUploadBytes bounds one upload; default 4 GiB.
	MaxUploadBytes int64
	// Uploads bounds the uploads in flight, per user and overall; share one
	// with the API. Default: its own with the defaults of
	// pipeline.NewUploadLimiter.
	Uploads *pipeline.UploadLimiter
	// Classes lists the document classes for the search filters, the
	// facets, the record page and the upload form (*extract.Engine); nil
	// lists none.
	Classes api.ClassLister
	// Review decides which documents need review, for the batch page's
	// share accepted without review; zero values are the defaults.
	Review catalog.Thresholds
}

// Server is the web interface. Build it with New; it is safe for concurrent
// use.
type Server struct {
	d      Deps
	pages  map[string]*template.Template
	static http.Handler
	origin *http.CrossOriginProtection

	mu      sync.Mutex
	samples []sample // OCR throughput samples for the dashboard
}

// sample is the number of OCR tasks (pages) processed so far at a time.
type sample struct {
	at    time.Time
	pages int
}

var pageNames = []string{"login", "upload", "batches", "batch", "search", "record", "ops", "admin", "audit", "error", "review_queue", "review", "accuracy"}

// New parses the embedded templates and returns the server.
func New(d Deps) (*Server, error) {
	if d.Pipeline == nil || d.Catalog == nil || d.Search == nil || d.Auth == nil || d.Audit == nil {
		return nil, errors.New("web: Pipeline, Catalog, Search, Auth and Audit are required")
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.MaxUploadBytes <= 0 {
		d.MaxUploadBytes = 4 << 30
	}
	if d.Uploads == nil {
		d.Uploads = pipeline.NewUploadLimiter(0, 0)
	}
	s := &Server{d: d, pages: map[string]*template.Template{}, origin: http.NewCrossOriginProtection()}
	for _, name := range pageNames {
		t, err := template.New(name).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", name, err)
		}
		s.pages[name] = t
	}
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, err
	}
	files := http.FileServerFS(sub)
	s.static = http.StripPrefix("/static/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=300")
		files.ServeHTTP(w, r)
	}))
	return s, nil
}

// Routes returns the interface's routes, to be mounted beside the API. They
// are public as far as the API's router is concerned (Role ""): each page
// checks the session and role itself, so it can send a browser to the
// sign-in page rather than answer JSON.
func (s *Server) Routes() []api.Route {
	type h = func(w http.ResponseWriter, r *http.Request, v *view) error
	page := func(role auth.Role, f h) http.Handler { return s.wrap(role, f) }
	public := func(f h) http.Handler { return s.wrap("", f) }
	return []api.Route{
		{Pattern: "GET /static/", Handler: s.headers(s.static)},
		{Pattern: "GET /{$}", Handler: public(s.home)},
		{Pattern: "GET /login", Handler: public(s.loginPage)},
		{Pattern: "POST /login", Handler: public(s.login)},
		{Pattern: "POST /logout", Handler: public(s.logout)},
		{Pattern: "GET /upload", Handler: page(auth.RoleUploader, s.uploadPage)},
		{Pattern: "POST /upload", Handler: page(auth.RoleUploader, s.upload)},
		{Pattern: "GET /batches", Handler: page(auth.RoleUploader, s.batchesPage)},
		{Pattern: "GET /batches/events", Handler: page(auth.RoleUploader, s.batchesEvents)},
		{Pattern: "GET /batches/{id}", Handler: page(auth.RoleUploader, s.batchPage)},
		{Pattern: "GET /batches/{id}/events", Handler: page(auth.RoleUploader, s.batchEvents)},
		{Pattern: "POST /batches/{id}/retry", Handler: page(auth.RoleUploader, s.retry)},
		{Pattern: "GET /search", Handler: page(auth.RoleSearcher, s.searchPage)},
		{Pattern: "POST /search/person", Handler: page(auth.RolePIIReader, s.personSearch)},
		{Pattern: "GET /records/{id}", Handler: page(auth.RoleSearcher, s.recordPage)},
		{Pattern: "POST /records/{id}/reveal", Handler: page(auth.RolePIIReader, s.reveal)},
		{Pattern: "GET /records/{id}/pages/{n}", Handler: page(auth.RolePIIReader, s.pageImage)},
		{Pattern: "GET /records/{id}/original", Handler: page(auth.RolePIIReader, s.original)},
		{Pattern: "GET /review", Handler: page(auth.RoleReviewer, s.reviewQueuePage)},
		{Pattern: "GET /review/{id}", Handler: page(auth.RoleReviewer, s.reviewPage)},
		{Pattern: "GET /ops", Handler: page(auth.RoleOperator, s.opsPage)},
		{Pattern: "GET /ops/accuracy", Handler: page(auth.RoleOperator, s.accuracyPage)},
		{Pattern: "GET /admin", Handler: page(auth.RoleAdmin, s.adminPage)},
		{Pattern: "POST /admin/tokens", Handler: page(auth.RoleAdmin, s.createToken)},
		{Pattern: "POST /admin/tokens/{id}/revoke", Handler: page(auth.RoleAdmin, s.revokeToken)},
		{Pattern: "POST /admin/tokens/{id}/approve", Handler: page(auth.RoleAdmin, s.approveToken)},
		{Pattern: "POST /admin/users", Handler: page(auth.RoleAdmin, s.createUser)},
		{Pattern: "POST /admin/users/{name}/disable", Handler: page(auth.RoleAdmin, s.disableUser)},
		{Pattern: "POST /admin/users/{name}/approve", Handler: page(auth.RoleAdmin, s.approveUser)},
		{Pattern: "GET /admin/audit", Handler: page(auth.RoleAdmin, s.auditPage)},
		{Pattern: "POST /admin/audit/verify", Handler: page(auth.RoleAdmin, s.verifyAudit)},
	}
}

// csp allows only this origin's scripts, styles and images: no inline
// script or style, no framing, forms only to this origin.
const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// headers adds the security headers every response of the interface has.
func (s *Server) headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

// view is what every template gets, besides the page's own Data.
type view struct {
	Lang    string
	Title   string
	Path    string
	Session *auth.Session
	User    *auth.Principal
	CSRF    string
	Flash   string
	Error   string
	Data    any
	// OtherLangURL switches the language of the current page.
	OtherLangURL string
	r            *http.Request
	classes      []extract.ClassInfo // the document classes (Deps.Classes)
}

// T returns the message key in the page's language, formatted with args.
func (v *view) T(key string, args ...any) string { return tr(v.Lang, key, args...) }

// Can reports whether the signed-in user has role.
func (v *view) Can(role string) bool { return v.User != nil && v.User.Has(auth.Role(role)) }

// httpError is an error shown to the user with a status.
type httpError struct {
	status int
	key    string // message key
}

func (e *httpError) Error() string { return fmt.Sprintf("%d %s", e.status, e.key) }

func errStatus(status int, key string) error { return &httpError{status, key} }

// langOf picks the language: ?lang= (remembered in a cookie), the cookie,
// else Vietnamese.
func langOf(w http.ResponseWriter, r *http.Request) string {
	if l := r.URL.Query().Get("lang"); l == "en" || l == "vi" {
		http.SetCookie(w, &http.Cookie{Name: "lang", Value: l, Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode})
		return l
	}
	if c, err := r.Cookie("lang"); err == nil && c.Value == "en" {
		return "en"
	}
	return "vi"
}

// wrap authenticates the session (when role is not ""), checks the role and
// CSRF, and renders errors as pages.
func (s *Server) wrap(role auth.Role, f func(http.ResponseWriter, *http.Request, *view) error) http.Handler {
	return s.headers(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := &view{Lang: langOf(w, r), Path: r.URL.Path, r: r, classes: s.classList()}
		q := r.URL.Query()
		q.Set("lang", map[string]string{"vi": "en", "en": "vi"}[v.Lang])
		v.OtherLangURL = r.URL.Path + "?" + q.Encode()
		sess, err := s.d.Auth.SessionFromRequest(r)
		switch {
		case err == nil:
			v.Session, v.User, v.CSRF = &sess, &sess.Principal, sess.CSRF
		case !errors.Is(err, auth.ErrUnauthorized):
			s.d.Log.ErrorContext(r.Context(), "session store unavailable", "err", err)
			s.fail(w, r, v, errStatus(http.StatusServiceUnavailable, "err.unavailable"))
			return
		}
		if role != "" {
			if v.User == nil {
				if r.Method == http.MethodGet && !strings.HasSuffix(r.URL.Path, "/events") {
					http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
					return
				}
				s.fail(w, r, v, errStatus(http.StatusUnauthorized, "err.signin"))
				return
			}
			if !v.User.Has(role) {
				s.fail(w, r, v, errStatus(http.StatusForbidden, "err.forbidden"))
				return
			}
		}
		if r.Method == http.MethodPost {
			if err := s.origin.Check(r); err != nil {
				s.fail(w, r, v, errStatus(http.StatusForbidden, "err.csrf"))
				return
			}
			// Signed-in forms carry the session's CSRF token (the sign-in
			// form checks its own); multipart uploads send it as a header.
			if v.Session != nil && r.URL.Path != "/login" {
				tok := r.Header.Get(auth.CSRFHeader)
				if tok == "" && !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
					tok = r.PostFormValue("csrf")
				}
				if !v.Session.ValidCSRF(tok) {
					s.fail(w, r, v, errStatus(http.StatusForbidden, "err.csrf"))
					return
				}
			}
		}
		if err := f(w, r, v); err != nil {
			s.fail(w, r, v, err)
		}
	}))
}

// fail renders err as an error page; unexpected errors are logged and
// hidden.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, v *view, err error) {
	var he *httpError
	switch {
	case errors.As(err, &he):
	case errors.Is(err, catalog.ErrNotFound):
		he = &httpError{http.StatusNotFound, "err.notfound"}
	case errors.Is(err, context.Canceled):
		return
	default:
		s.d.Log.ErrorContext(r.Context(), "web request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		he = &httpError{http.StatusInternalServerError, "err.internal"}
	}
	v.Title = v.T("err.title")
	v.Error = v.T(he.key)
	v.Data = he.status
	s.render(w, v, he.status, "error")
}

// render executes page with v.
func (s *Server) render(w http.ResponseWriter, v *view, status int, page string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if err := s.pages[page].ExecuteTemplate(w, "layout", v); err != nil {
		s.d.Log.Error("render page", "page", page, "err", err)
	}
}

// audit records an action by the signed-in user; when it fails, the caller
// must not carry the action out.
func (s *Server) audit(r *http.Request, v *view, action, object, reason string, details map[string]string) error {
	if err := s.d.Audit.Audit(r.Context(), *v.User, action, object, reason, details); err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}

// home sends each user to the page of their main role.
func (s *Server) home(w http.ResponseWriter, r *http.Request, v *view) error {
	if v.User == nil {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return nil
	}
	target := "/search"
	switch v.User.Role {
	case auth.RoleUploader:
		target = "/batches"
	case auth.RoleOperator:
		target = "/ops"
	case auth.RoleAdmin:
		target = "/admin"
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
	return nil
}
