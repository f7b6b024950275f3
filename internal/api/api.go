// Package api serves sohoa's HTTP API (see API.md for the stable core).
//
// Every route names the role it needs; personal data leaves the server only
// for pii_reader callers, and every such read is audited.
package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/sohoa/sohoa/internal/auth"
	"github.com/sohoa/sohoa/internal/catalog"
	"github.com/sohoa/sohoa/internal/domain"
	"github.com/sohoa/sohoa/internal/pipeline"
	"github.com/sohoa/sohoa/internal/search"
)

// Searcher runs searches. search.Index satisfies it.
type Searcher interface {
	Search(ctx context.Context, q search.Query) (search.Result, error)
}

// Auditor records an audited action.
type Auditor interface {
	Audit(ctx context.Context, p auth.Principal, action, object, reason string, details map[string]string) error
}

// Blinder computes blind-index tokens. *vault.Vault satisfies it.
type Blinder interface {
	Blind(field, value string) string
}

// Checker reports whether a dependency is reachable (for /readyz).
type Checker func(ctx context.Context) error

// Server is the HTTP API. Build it with New; it is safe for concurrent use.
type Server struct {
	pipe    *pipeline.Pipeline
	cat     *catalog.Catalog
	search  Searcher
	auth    *auth.Store
	audit   Auditor
	blind   Blinder
	keys    pipeline.KeyDestroyer
	log     *slog.Logger
	ready   map[string]Checker
	maxBody int64
	uploads *pipeline.UploadLimiter
	classes ClassLister
	// review: the field threshold, the class threshold, the validators of
	// corrections and the class of a field a correction adds.
	threshold      ConfidenceThresholder
	classThreshold float64
	validator      FieldValidator
	fieldSens      func(field string) domain.Sensitivity
	mux            *http.ServeMux
	table          []Route
}

// Deps are the Server's collaborators.
type Deps struct {
	Pipeline *pipeline.Pipeline
	Catalog  *catalog.Catalog
	Search   Searcher
	Auth     *auth.Store
	Audit    Auditor
	Blind    Blinder
	Keys     pipeline.KeyDestroyer // for purges
	Log      *slog.Logger
	Ready    map[string]Checker // name -> check, for /readyz
	// MaxUploadBytes bounds one upload request; default 4 GiB.
	MaxUploadBytes int64
	// Uploads bounds the uploads in flight, per token and overall; share
	// one with the web interface. Default: its own with the defaults of
	// pipeline.NewUploadLimiter.
	Uploads *pipeline.UploadLimiter
	// Classes lists the document classes (GET /api/v1/classes, the type
	// filter); nil lists none, and the type filter then matches doc_type.
	Classes ClassLister
	// Threshold is the field confidence below which a value needs review
	// (default DefaultConfidenceThreshold); ClassThreshold the class
	// confidence below which the class does (default DefaultClassThreshold).
	Threshold      ConfidenceThresholder
	ClassThreshold float64
	// Validator checks corrections; default LocalValidator.
	Validator FieldValidator
	// FieldSensitivity gives the data class of a field a correction adds
	// (one extraction missed); nil or an invalid class: personal.
	FieldSensitivity func(field string) domain.Sensitivity
	// Extra routes mounted as is (e.g. /metrics, /monitoring/), with the role they need ("" = public).
	Extra []Route
}

// Route is an additional handler mounted on the server.
type Route struct {
	Pattern string
	Role    auth.Role
	Handler http.Handler
}

// New builds the server and its routes.
func New(d Deps) *Server {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.MaxUploadBytes <= 0 {
		d.MaxUploadBytes = 4 << 30
	}
	if d.Uploads == nil {
		d.Uploads = pipeline.NewUploadLimiter(0, 0)
	}
	if d.Validator == nil {
		d.Validator = LocalValidator{}
	}
	s := &Server{pipe: d.Pipeline, cat: d.Catalog, search: d.Search, auth: d.Auth, audit: d.Audit,
		blind: d.Blind, keys: d.Keys, log: d.Log, ready: d.Ready, maxBody: d.MaxUploadBytes, uploads: d.Uploads,
		threshold: d.Threshold, classThreshold: d.ClassThreshold, validator: d.Validator, fieldSens: d.FieldSensitivity, classes: d.Classes,
		mux: http.NewServeMux()}
	s.routes(d.Extra)
	return s
}

// RouteTable lists every API route with the role it requires; the role
// matrix test walks it, so a route cannot be added without a role.
func (s *Server) RouteTable() []Route { return s.table }

func (s *Server) routes(extra []Route) {
	h := func(f func(http.ResponseWriter, *http.Request) error) http.Handler { return s.handle(f) }
	s.table = []Route{
		{"POST /api/v1/batches", auth.RoleUploader, h(s.postBatch)},
		{"GET /api/v1/batches", auth.RoleUploader, h(s.listBatches)},
		{"GET /api/v1/batches/{id}", auth.RoleUploader, h(s.getBatch)},
		{"POST /api/v1/batches/{id}/retry", auth.RoleUploader, h(s.retryBatch)},
		{"GET /api/v1/search", auth.RoleSearcher, h(s.getSearch)},
		{"GET /api/v1/search/export.csv", auth.RoleSearcher, h(s.getSearchCSV)},
		{"GET /api/v1/classes", auth.RoleSearcher, h(s.getClasses)},
		{"GET /api/v1/documents/{id}", auth.RoleSearcher, h(s.getDocument)},
		{"GET /api/v1/documents/{id}/pages/{n}/image", auth.RolePIIReader, h(s.getPageImage)},
		{"DELETE /api/v1/documents/{id}", auth.RoleAdmin, h(s.deleteDocument)},
		{"GET /api/v1/review", auth.RoleReviewer, h(s.getReview)},
		{"GET /api/v1/review/stats", auth.RoleOperator, h(s.getReviewStats)},
		{"PATCH /api/v1/documents/{id}/fields", auth.RoleReviewer, h(s.patchFields)},
		{"GET /api/v1/documents/{id}/history", auth.RoleReviewer, h(s.getHistory)},
		{"POST /api/v1/reindex", auth.RoleOperator, h(s.postReindex)},
		{"POST /api/v1/tokens", auth.RoleAdmin, h(s.postToken)},
		{"GET /api/v1/tokens", auth.RoleAdmin, h(s.listTokens)},
		{"POST /api/v1/tokens/{id}/approve", auth.RoleAdmin, h(s.approveToken)},
	}
	s.table = append(s.table, extra...)
	for _, r := range s.table {
		handler := r.Handler
		if r.Role != "" {
			handler = s.auth.Require(r.Role, s.log, handler)
		}
		s.mux.Handle(r.Pattern, handler)
	}
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	s.mux.Handle("GET /readyz", h(s.readyz))
	s.mux.Handle("/api/", h(func(w http.ResponseWriter, r *http.Request) error {
		return errNotFound("route")
	}))
}

// ServeHTTP serves the API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("Cache-Control", "no-store")
	s.mux.ServeHTTP(w, r)
}

// apiError is an error with an HTTP status and messages for people.
type apiError struct {
	status int
	code   string
	vi, en string
}

func (e *apiError) Error() string { return e.code + ": " + e.en }

func errBadRequest(code, vi, en string) error {
	return &apiError{http.StatusBadRequest, code, vi, en}
}

func errNotFound(what string) error {
	return &apiError{http.StatusNotFound, "not_found", "Không tìm thấy (" + what + ")", "not found (" + what + ")"}
}

func lang(r *http.Request) string {
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(r.Header.Get("Accept-Language"))), "en") {
		return "en"
	}
	return "vi"
}

// handle adapts a handler that returns an error and turns the error into
// the API's error format; unexpected errors are logged and hidden.
func (s *Server) handle(f func(http.ResponseWriter, *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := f(w, r)
		if err == nil {
			return
		}
		var ae *apiError
		var rej *domain.Rejection
		switch {
		case errors.As(err, &ae):
		case errors.As(err, &rej):
			ae = &apiError{http.StatusUnprocessableEntity, rej.Code, rej.VI, rej.EN}
		case errors.Is(err, catalog.ErrNotFound):
			ae = errNotFound("object").(*apiError)
		case errors.Is(err, search.ErrInvalidQuery):
			ae = &apiError{http.StatusBadRequest, "bad_query", "Câu tìm kiếm hoặc bộ lọc không hợp lệ: " + err.Error(), "invalid query or filter: " + err.Error()}
		case errors.Is(err, context.Canceled):
			return
		default:
			s.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
			ae = &apiError{http.StatusInternalServerError, "internal",
				"Lỗi máy chủ; thao tác chưa hoàn tất, vui lòng thử lại", "server error; the operation did not complete, please retry"}
		}
		msg := ae.vi
		if lang(r) == "en" {
			msg = ae.en
		}
		writeJSON(w, ae.status, map[string]any{"error": map[string]string{"code": ae.code, "message": msg}})
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

func principal(r *http.Request) auth.Principal {
	p, _ := auth.PrincipalFrom(r.Context())
	return p
}

func (s *Server) auditOrFail(r *http.Request, action, object, reason string, details map[string]string) error {
	if s.audit == nil {
		return nil
	}
	if err := s.audit.Audit(r.Context(), principal(r), action, object, reason, details); err != nil {
		// No audit record, no access: personal data is not served unaudited.
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}

// readyz runs the readiness checks. Anonymous callers learn only
// {"status":"ok"} (200) or {"status":"not_ready"} (503): check errors name
// hosts, paths and versions. A caller with an operator token also gets
// {"ready", "checks": {name: "ok" or the error}}.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	status := map[string]string{}
	ok := true
	for name, check := range s.ready {
		if err := check(ctx); err != nil {
			status[name] = err.Error()
			ok = false
		} else {
			status[name] = "ok"
		}
	}
	code, body := http.StatusOK, map[string]any{"status": "ok"}
	if !ok {
		code, body["status"] = http.StatusServiceUnavailable, "not_ready"
	}
	if tok, found := auth.FromRequest(r); found && s.auth != nil {
		if p, err := s.auth.VerifyFrom(r.Context(), s.auth.ClientOf(r), tok); err == nil && p.Has(auth.RoleOperator) {
			body["ready"], body["checks"] = ok, status
		}
	}
	writeJSON(w, code, body)
	return nil
}

func intParam(r *http.Request, name string, def, min, max int) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < min || n > max {
		return 0, errBadRequest("bad_parameter",
			fmt.Sprintf("Tham số %s phải là số nguyên từ %d đến %d", name, min, max),
			fmt.Sprintf("parameter %s must be an integer from %d to %d", name, min, max))
	}
	return n, nil
}
