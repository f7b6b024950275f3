package archive

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

	"github.com/sohoa/sohoa/internal/access"
	"github.com/sohoa/sohoa/internal/auth"
	"github.com/sohoa/sohoa/internal/catalog"
	"github.com/sohoa/sohoa/internal/domain"
)

// Auditor records an audited action; the API's auditor satisfies it.
type Auditor interface {
	Audit(ctx context.Context, p auth.Principal, action, object, reason string, details map[string]string) error
}

// Handlers serve package exports and searchable PDFs. Mount them behind
// auth.Store.Require with access.Needs of their view (the principal must
// be in the request context). What a caller gets is decided by access
// (access.BatchExport, access.DossierExport, access.PDF), and every export
// or download is audited, with the names of the protected fields released,
// before any byte is sent.
type Handlers struct {
	Exporter *Exporter
	Audit    Auditor
	Log      *slog.Logger // default slog.Default()
}

// MaxDossier bounds the documents of one dossier export.
const MaxDossier = 5000

// exportRequest is what a caller asks of an export: Personal asks for the
// protected values (refused without pii_reader or a reason), Reason is the
// reason, which releases them to a pii_reader.
type exportRequest struct {
	Personal bool
	Reason   string
}

// exportQuery reads ?personal= and ?reason= of a GET export.
func exportQuery(r *http.Request) (exportRequest, error) {
	q := r.URL.Query()
	var er exportRequest
	if v := q.Get("personal"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return er, err
		}
		er.Personal = b
	}
	er.Reason = q.Get("reason")
	return er, nil
}

// Batch serves GET /api/v1/batches/{id}/export[?reason=...][&personal=true].
func (h *Handlers) Batch() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		if !catalog.ValidBatchID(id) {
			h.fail(w, r, http.StatusNotFound, "not_found", "Không tìm thấy lô", "batch not found")
			return
		}
		er, err := exportQuery(r)
		if err != nil {
			h.fail(w, r, http.StatusBadRequest, "bad_request", "Tham số personal phải là true hoặc false", "personal must be true or false")
			return
		}
		h.serve(w, r, access.BatchExport, "batch "+id, id, er, func(ctx context.Context, opt Options) (*Package, error) {
			return h.Exporter.PrepareBatch(ctx, domain.BatchID(id), opt)
		}, Options{})
	})
}

// Dossier serves POST /api/v1/exports with {"document_ids": [...],
// "file_code": "...", "name": "...", "reason": "...", "personal": bool}
// (reason and personal may also be query parameters).
func (h *Handlers) Dossier() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			DocumentIDs []string `json:"document_ids"`
			FileCode    string   `json:"file_code"`
			Name        string   `json:"name"`
			Reason      string   `json:"reason"`
			Personal    bool     `json:"personal"`
		}
		er, err := exportQuery(r)
		if err != nil {
			h.fail(w, r, http.StatusBadRequest, "bad_request", "Tham số personal phải là true hoặc false", "personal must be true or false")
			return
		}
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&req); err != nil {
			h.fail(w, r, http.StatusBadRequest, "bad_request", "Nội dung phải là JSON {document_ids, file_code, name, reason}",
				"body must be JSON {document_ids, file_code, name, reason}")
			return
		}
		if len(req.DocumentIDs) == 0 || len(req.DocumentIDs) > MaxDossier {
			h.fail(w, r, http.StatusBadRequest, "bad_request", fmt.Sprintf("document_ids phải có từ 1 đến %d tài liệu", MaxDossier),
				fmt.Sprintf("document_ids must list 1 to %d documents", MaxDossier))
			return
		}
		ids := make([]domain.DocumentID, len(req.DocumentIDs))
		for i, s := range req.DocumentIDs {
			if !catalog.ValidDocumentID(s) {
				h.fail(w, r, http.StatusBadRequest, "bad_request", fmt.Sprintf("document_ids[%d] không phải mã tài liệu", i),
					fmt.Sprintf("document_ids[%d] is not a document ID", i))
				return
			}
			ids[i] = domain.DocumentID(s)
		}
		name := req.Name
		if name == "" || !catalog.ValidBatchID(name) {
			name = "sohoa-dossier"
		}
		if req.Reason != "" {
			er.Reason = req.Reason
		}
		er.Personal = er.Personal || req.Personal
		h.serve(w, r, access.DossierExport, "dossier", name, er, func(ctx context.Context, opt Options) (*Package, error) {
			return h.Exporter.Prepare(ctx, ids, opt)
		}, Options{Name: name, FileCode: req.FileCode})
	})
}

// serve decides the export under the access policy, prepares it, audits
// it ("export", with the fields released and the reason) and writes it.
func (h *Handlers) serve(w http.ResponseWriter, r *http.Request, view access.View, what, object string, er exportRequest,
	prepare func(context.Context, Options) (*Package, error), opt Options) {
	dec, ok := h.decide(w, r, view, er.Reason)
	if !ok {
		return
	}
	if er.Personal && !dec.Cleared() {
		h.refuse(w, r, access.PIIRequired)
		return
	}
	if er.Personal && dec.NeedsReason() {
		h.refuse(w, r, access.ReasonRequired)
		return
	}
	opt.Access = dec
	opt.Created = time.Now().UTC()
	ctx := r.Context()
	pkg, err := prepare(ctx, opt)
	if err != nil {
		h.fromErr(w, r, err)
		return
	}
	action, details := dec.Audit(pkg.Released())
	details["what"] = what
	details["documents"] = strconv.Itoa(pkg.Documents())
	if err := h.Audit.Audit(ctx, dec.Principal, action, object, dec.Reason, details); err != nil {
		h.log().ErrorContext(ctx, "export audit failed", "err", err)
		h.fail(w, r, http.StatusInternalServerError, "internal", "Lỗi máy chủ; chưa xuất gói", "server error; the export did not start")
		return
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", `attachment; filename="`+object+`.zip"`)
	if _, err := pkg.Write(ctx, w); err != nil {
		// Headers are gone: the client sees a truncated ZIP, which fails
		// its central-directory check.
		h.log().ErrorContext(ctx, "export failed", "object", object, "err", err)
	}
}

// decide returns the caller's decision for view, or writes the refusal.
func (h *Handlers) decide(w http.ResponseWriter, r *http.Request, view access.View, reason string) (access.Decision, bool) {
	p, ok := auth.PrincipalFrom(r.Context())
	if !ok {
		h.fail(w, r, http.StatusUnauthorized, "unauthorized", "Cần đăng nhập", "authentication required")
		return access.Decision{}, false
	}
	reason, err := access.CleanReason(reason)
	if err != nil {
		h.refuse(w, r, access.BadReason)
		return access.Decision{}, false
	}
	dec := access.Decide(p, view, reason)
	if !dec.Allowed() {
		h.refuse(w, r, dec.Deny())
		return access.Decision{}, false
	}
	return dec, true
}

func (h *Handlers) log() *slog.Logger {
	if h.Log != nil {
		return h.Log
	}
	return slog.Default()
}

func (h *Handlers) refuse(w http.ResponseWriter, r *http.Request, f access.Refusal) {
	h.fail(w, r, f.Status, f.Code, f.VI, f.EN)
}

// fail writes an error in the API's format: the message in Vietnamese,
// or in English when the caller's Accept-Language starts with "en".
func (h *Handlers) fail(w http.ResponseWriter, r *http.Request, status int, code, vi, en string) {
	msg := vi
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(r.Header.Get("Accept-Language"))), "en") {
		msg = en
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"code": code, "message": msg}})
}

// PDF serves GET /api/v1/documents/{id}/pdf[?reason=...]: the searchable
// PDF/A of a done document. Its pages are the page images, so it follows
// the page-image rule (access.PDF): pii_reader only (others get 403
// pii_required), whatever text redaction found, and every download is
// audited as "download" with the caller's reason. Quarantined documents
// are never served.
func (h *Handlers) PDF() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		dec, ok := h.decide(w, r, access.PDF, r.URL.Query().Get("reason"))
		if !ok {
			return
		}
		id := r.PathValue("id")
		if !catalog.ValidDocumentID(id) {
			h.fail(w, r, http.StatusNotFound, "not_found", "Không tìm thấy tài liệu", "document not found")
			return
		}
		ctx := r.Context()
		d, err := h.Exporter.cat.GetDocument(ctx, domain.DocumentID(id))
		if err != nil {
			h.fromErr(w, r, err)
			return
		}
		if d.Status == domain.DocQuarantined {
			h.fail(w, r, http.StatusForbidden, "quarantined", "Tài liệu mang dấu mật và đã bị cách ly",
				"the document carries a state-secret stamp and is quarantined")
			return
		}
		if d.Status != domain.DocDone {
			h.fail(w, r, http.StatusNotFound, "not_ready", "Tài liệu chưa xử lý xong", "the document is not finished")
			return
		}
		rec, err := h.Exporter.cat.GetRecord(ctx, d.ID)
		if err != nil {
			h.fromErr(w, r, err)
			return
		}
		if rec.QuarantineReason != "" {
			h.fail(w, r, http.StatusForbidden, "quarantined", "Tài liệu mang dấu mật và đã bị cách ly",
				"the document carries a state-secret stamp and is quarantined")
			return
		}
		pdf, err := h.Exporter.pdf(ctx, d.ID)
		if err != nil {
			h.fromErr(w, r, err)
			return
		}
		action, details := dec.Audit(nil)
		details["format"] = "pdf"
		details["personal"] = strconv.FormatBool(personalText(rec))
		if err := h.Audit.Audit(ctx, dec.Principal, action, id, dec.Reason, details); err != nil {
			h.log().ErrorContext(ctx, "download audit failed", "err", err)
			h.fail(w, r, http.StatusInternalServerError, "internal", "Lỗi máy chủ; hãy thử lại", "server error; retry")
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
		h.fail(w, r, http.StatusNotFound, "not_found", "Không tìm thấy", "not found")
		return
	}
	h.log().ErrorContext(r.Context(), "archive request failed", "path", r.URL.Path, "err", err)
	h.fail(w, r, http.StatusInternalServerError, "internal", "Lỗi máy chủ; hãy thử lại", "server error; retry")
}
