package archive

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/sohoa/sohoa/internal/auth"
	"github.com/sohoa/sohoa/internal/catalog"
	"github.com/sohoa/sohoa/internal/domain"
)

// Auditor records an audited action; the API's auditor satisfies it.
type Auditor interface {
	Audit(ctx context.Context, p auth.Principal, action, object, reason string, details map[string]string) error
}

// Handlers serve package exports. Mount them behind auth.Store.Require
// (the principal must be in the request context): the caller's role
// decides Options.Personal (pii_reader or not), and every export is
// audited as "export" before any byte is sent.
type Handlers struct {
	Exporter *Exporter
	Audit    Auditor
	Log      *slog.Logger // default slog.Default()
}

// MaxDossier bounds the documents of one dossier export.
const MaxDossier = 5000

// Batch serves GET /api/v1/batches/{id}/export.
func (h *Handlers) Batch() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		if !catalog.ValidBatchID(id) {
			h.fail(w, http.StatusNotFound, "not_found", "batch not found")
			return
		}
		h.serve(w, r, "batch "+id, func(ctx context.Context, w http.ResponseWriter, opt Options) (*Summary, error) {
			return h.Exporter.Batch(ctx, w, domain.BatchID(id), opt)
		}, id, Options{})
	})
}

// Dossier serves POST /api/v1/exports with {"document_ids": [...],
// "file_code": "...", "name": "..."}.
func (h *Handlers) Dossier() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			DocumentIDs []string `json:"document_ids"`
			FileCode    string   `json:"file_code"`
			Name        string   `json:"name"`
		}
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&req); err != nil {
			h.fail(w, http.StatusBadRequest, "bad_request", "body must be JSON {document_ids, file_code, name}")
			return
		}
		if len(req.DocumentIDs) == 0 || len(req.DocumentIDs) > MaxDossier {
			h.fail(w, http.StatusBadRequest, "bad_request", fmt.Sprintf("document_ids must list 1 to %d documents", MaxDossier))
			return
		}
		ids := make([]domain.DocumentID, len(req.DocumentIDs))
		for i, s := range req.DocumentIDs {
			if !catalog.ValidDocumentID(s) {
				h.fail(w, http.StatusBadRequest, "bad_request", fmt.Sprintf("document_ids[%d] is not a document ID", i))
				return
			}
			ids[i] = domain.DocumentID(s)
		}
		name := req.Name
		if name == "" || !catalog.ValidBatchID(name) {
			name = "sohoa-dossier"
		}
		h.serve(w, r, "dossier", func(ctx context.Context, w http.ResponseWriter, opt Options) (*Summary, error) {
			return h.Exporter.Documents(ctx, w, ids, opt)
		}, name, Options{Name: name, FileCode: req.FileCode})
	})
}

func (h *Handlers) serve(w http.ResponseWriter, r *http.Request, what string,
	run func(context.Context, http.ResponseWriter, Options) (*Summary, error), object string, opt Options) {
	p, ok := auth.PrincipalFrom(r.Context())
	if !ok {
		h.fail(w, http.StatusUnauthorized, "unauthorized", "authentication required")
		return
	}
	opt.Personal = p.Has(auth.RolePIIReader)
	opt.Created = time.Now().UTC()
	if err := h.Audit.Audit(r.Context(), p, "export", object, "", map[string]string{
		"what": what, "personal": strconv.FormatBool(opt.Personal)}); err != nil {
		h.log().ErrorContext(r.Context(), "export audit failed", "err", err)
		h.fail(w, http.StatusInternalServerError, "internal", "server error; the export did not start")
		return
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", `attachment; filename="`+object+`.zip"`)
	if _, err := run(r.Context(), w, opt); err != nil {
		// Headers may be gone: the client sees a truncated ZIP, which
		// fails its central-directory check.
		h.log().ErrorContext(r.Context(), "export failed", "object", object, "err", err)
		if errors.Is(err, catalog.ErrNotFound) {
			h.fail(w, http.StatusNotFound, "not_found", "not found")
		}
	}
}

func (h *Handlers) log() *slog.Logger {
	if h.Log != nil {
		return h.Log
	}
	return slog.Default()
}

func (h *Handlers) fail(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"code": code, "message": msg}})
}

// PDF serves GET /api/v1/documents/{id}/pdf: the searchable PDF/A of a done
// document, under the record's masking rule. The PDF's text layer is the
// full OCR text, so a document whose text holds personal data (its
// redacted text differs) is served only to pii_reader callers (others get
// 403 pii_required); every download is audited as "download", with the
// caller's ?reason= for personal ones. Quarantined documents are never served.
func (h *Handlers) PDF() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := auth.PrincipalFrom(r.Context())
		if !ok {
			h.fail(w, http.StatusUnauthorized, "unauthorized", "authentication required")
			return
		}
		id := r.PathValue("id")
		if !catalog.ValidDocumentID(id) {
			h.fail(w, http.StatusNotFound, "not_found", "document not found")
			return
		}
		ctx := r.Context()
		d, err := h.Exporter.cat.GetDocument(ctx, domain.DocumentID(id))
		if err != nil {
			h.fromErr(w, r, err)
			return
		}
		if d.Status == domain.DocQuarantined {
			h.fail(w, http.StatusForbidden, "quarantined", "the document carries a state-secret stamp and is quarantined")
			return
		}
		if d.Status != domain.DocDone {
			h.fail(w, http.StatusNotFound, "not_ready", "the document is not finished")
			return
		}
		rec, err := h.Exporter.cat.GetRecord(ctx, d.ID)
		if err != nil {
			h.fromErr(w, r, err)
			return
		}
		personal := personalText(rec)
		if personal && !p.Has(auth.RolePIIReader) {
			h.fail(w, http.StatusForbidden, "pii_required", "the document holds personal data: its PDF needs the pii_reader role")
			return
		}
		pdf, err := h.Exporter.pdf(ctx, d.ID)
		if err != nil {
			h.fromErr(w, r, err)
			return
		}
		if err := h.Audit.Audit(ctx, p, "download", id, r.URL.Query().Get("reason"), map[string]string{
			"format": "pdf", "personal": strconv.FormatBool(personal)}); err != nil {
			h.log().ErrorContext(ctx, "download audit failed", "err", err)
			h.fail(w, http.StatusInternalServerError, "internal", "server error; retry")
			return
		}
		w.Header().Set("Content-Type", "application/pdf")
		w.Header().Set("Content-Disposition", `inline; filename="`+id+`.pdf"`)
		w.Header().Set("Content-Length", strconv.Itoa(len(pdf)))
		_, _ = w.Write(pdf)
	})
}

func (h *Handlers) fromErr(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, catalog.ErrNotFound) {
		h.fail(w, http.StatusNotFound, "not_found", "document not found")
		return
	}
	h.log().ErrorContext(r.Context(), "pdf failed", "path", r.URL.Path, "err", err)
	h.fail(w, http.StatusInternalServerError, "internal", "server error; retry")
}
