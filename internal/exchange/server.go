package exchange

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sohoa/sohoa/internal/auth"
	"github.com/sohoa/sohoa/internal/catalog"
	"github.com/sohoa/sohoa/internal/domain"
)

// Records reads documents and records. *catalog.Catalog satisfies it.
type Records interface {
	GetDocument(ctx context.Context, id domain.DocumentID) (*catalog.Document, error)
	GetRecord(ctx context.Context, id domain.DocumentID) (*catalog.Record, error)
}

// Auditor records an audited action; the API's auditor satisfies it.
type Auditor interface {
	Audit(ctx context.Context, p auth.Principal, action, object, reason string, details map[string]string) error
}

// Page is the body of GET /api/v1/exchange/records.
type Page struct {
	Partner     string    `json:"partner"`
	Since       string    `json:"since"`
	NextCursor  string    `json:"next_cursor"`
	More        bool      `json:"more"`
	GeneratedAt time.Time `json:"generated_at"`
	KeyID       string    `json:"key_id"`
	Records     []Record  `json:"records"`
}

// Record is one record as a partner receives it: only the fields its
// agreement lists, each as a list of values.
type Record struct {
	Cursor      string              `json:"cursor"`
	DocumentID  string              `json:"document_id"`
	Class       string              `json:"class"`
	Title       string              `json:"title,omitempty"`
	FinalizedAt time.Time           `json:"finalized_at"`
	Pages       int                 `json:"pages"`
	Fields      map[string][]string `json:"fields"`
	Text        []string            `json:"text,omitempty"` // redacted, per page; only when the partner has text: true
}

// PublicKeyInfo is the body of GET /api/v1/exchange/public-key.
type PublicKeyInfo struct {
	Algorithm string `json:"alg"`        // "ed25519"
	KeyID     string `json:"key_id"`     // see SignatureHeader
	PublicKey string `json:"public_key"` // standard base64 of the 32 raw bytes
}

// Deps are a Server's collaborators; all but Log are required.
type Deps struct {
	Partners *Config
	Feed     *Feed
	Records  Records
	Signer   *Signer
	Audit    Auditor
	Log      *slog.Logger // default slog.Default()
}

// Server serves the partner exchange API. It is safe for concurrent use.
type Server struct {
	d Deps
}

// NewServer returns the exchange API server.
func NewServer(d Deps) *Server {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	return &Server{d: d}
}

// Limits of one pull.
const (
	DefaultLimit = 100
	MaxLimit     = 1000
	// maxScan bounds the feed entries one request looks at, so a partner
	// whose classes are rare cannot make one request read the whole feed.
	maxScan = 5000
)

// PublicKey serves GET /api/v1/exchange/public-key (no authentication).
func (s *Server) PublicKey() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.write(w, r, "", time.Now(), http.StatusOK, PublicKeyInfo{Algorithm: "ed25519", KeyID: s.d.Signer.KeyID(),
			PublicKey: base64.StdEncoding.EncodeToString(s.d.Signer.PublicKey())})
	})
}

// Records serves GET /api/v1/exchange/records?since=<cursor>&limit=<n>.
// It authenticates partner tokens itself (mount it without an API role).
func (s *Server) Records() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := s.partner(r)
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="sohoa-exchange"`)
			s.fail(w, r, "", http.StatusUnauthorized, "unauthorized", "a valid partner token is required")
			return
		}
		since := r.URL.Query().Get("since")
		if !ValidCursor(since) {
			s.fail(w, r, p.ID, http.StatusBadRequest, "bad_cursor", "since is not a cursor this server issued")
			return
		}
		limit := DefaultLimit
		if v := r.URL.Query().Get("limit"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > MaxLimit {
				s.fail(w, r, p.ID, http.StatusBadRequest, "bad_parameter", fmt.Sprintf("limit must be an integer from 1 to %d", MaxLimit))
				return
			}
			limit = n
		}
		page, err := s.pull(r.Context(), p, since, limit)
		if err != nil {
			if errors.Is(err, context.Canceled) {
				return
			}
			s.d.Log.ErrorContext(r.Context(), "exchange pull failed", "partner", p.ID, "err", err)
			s.fail(w, r, p.ID, http.StatusInternalServerError, "internal", "server error; retry with the same cursor")
			return
		}
		docs := make([]string, len(page.Records))
		for i, rec := range page.Records {
			docs[i] = rec.DocumentID
		}
		principal := auth.Principal{TokenID: "partner:" + p.ID, Name: p.Name, Role: "partner"}
		if err := s.d.Audit.Audit(r.Context(), principal, "exchange_pull", p.ID, "", map[string]string{
			"since": since, "next_cursor": page.NextCursor, "records": strconv.Itoa(len(page.Records)),
			"fields": strings.Join(p.Fields, ","), "documents": strings.Join(docs, ","),
		}); err != nil {
			// No audit record, no data.
			s.d.Log.ErrorContext(r.Context(), "exchange audit failed", "partner", p.ID, "err", err)
			s.fail(w, r, p.ID, http.StatusInternalServerError, "internal", "server error; retry with the same cursor")
			return
		}
		s.write(w, r, p.ID, page.GeneratedAt, http.StatusOK, page)
	})
}

func (s *Server) partner(r *http.Request) (*Partner, bool) {
	tok, ok := auth.FromRequest(r)
	if !ok {
		return nil, false
	}
	return s.d.Partners.authenticate(tok)
}

// pull collects up to limit records for p after since. The next cursor is
// the last entry examined, whether or not it was sent, so entries outside
// the partner's scope are passed over once.
func (s *Server) pull(ctx context.Context, p *Partner, since string, limit int) (*Page, error) {
	page := &Page{Partner: p.ID, Since: since, NextCursor: since, GeneratedAt: time.Now().UTC(),
		KeyID: s.d.Signer.KeyID(), Records: []Record{}}
	entries, err := s.d.Feed.settledAfter(ctx, since)
	if err != nil {
		return nil, err
	}
	for i, e := range entries {
		if len(page.Records) == limit || i == maxScan {
			page.More = true
			break
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rec, err := s.recordFor(ctx, p, e)
		if err != nil {
			return nil, err
		}
		if rec != nil {
			page.Records = append(page.Records, *rec)
		}
		page.NextCursor = e.cursor
	}
	return page, nil
}

// recordFor returns the partner's view of entry e, or nil when e is stale,
// no longer done, or outside the partner's classes.
func (s *Server) recordFor(ctx context.Context, p *Partner, e entry) (*Record, error) {
	cur, err := s.d.Feed.current(ctx, e)
	if err != nil || !cur {
		return nil, err
	}
	d, err := s.d.Records.GetDocument(ctx, e.doc)
	if errors.Is(err, catalog.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if d.Status != domain.DocDone {
		return nil, nil // quarantined or failed since: never sent
	}
	r, err := s.d.Records.GetRecord(ctx, e.doc)
	if errors.Is(err, catalog.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !p.receivesClass(r.Class) || r.QuarantineReason != "" {
		return nil, nil
	}
	out := &Record{Cursor: e.cursor, DocumentID: string(r.DocumentID), Class: r.Class, FinalizedAt: r.FinalizedAt.UTC(),
		Pages: r.Pages, Fields: map[string][]string{}}
	for name, f := range r.Fields {
		if !slices.Contains(p.Fields, name) {
			continue
		}
		vals := f.Values
		if f.Value != "" {
			vals = append([]string{f.Value}, vals...)
		}
		if len(vals) > 0 {
			out.Fields[name] = vals
		}
	}
	if slices.Contains(p.Fields, "title") {
		out.Title = r.Title
	}
	if p.Text {
		out.Text = r.Redacted
	}
	return out, nil
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, partner string, status int, code, msg string) {
	s.write(w, r, partner, time.Now(), status, map[string]any{"error": map[string]string{"code": code, "message": msg}})
}

// write sends v as JSON, signed (SignatureHeader) over the partner it is
// for ("" when unauthenticated), r's method and target, generatedAt and the
// exact body bytes.
func (s *Server) write(w http.ResponseWriter, r *http.Request, partner string, generatedAt time.Time, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		http.Error(w, "encode", http.StatusInternalServerError)
		return
	}
	body := buf.Bytes()
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("Cache-Control", "no-store")
	req := Request{Partner: partner, Method: r.Method, Target: CanonicalTarget(r.URL)}
	h.Set(SignatureHeader, s.d.Signer.Sign(req, generatedAt, body))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
