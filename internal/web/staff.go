package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/sohoa/sohoa/internal/auth"
	"github.com/sohoa/sohoa/internal/catalog"
	"github.com/sohoa/sohoa/internal/domain"
	"github.com/sohoa/sohoa/internal/pipeline"
)

func (s *Server) uploadPage(w http.ResponseWriter, r *http.Request, v *view) error {
	v.Title = v.T("upload.title")
	v.Data = v.uploadHints()
	s.render(w, v, http.StatusOK, "upload")
	return nil
}

// upload streams a multipart upload into a new batch, like POST
// /api/v1/batches. The script sends the CSRF token as a header; a form
// without script sends it as the first part. It answers JSON {"id", "url"}
// to scripts and redirects a plain form to the batch page.
func (s *Server) upload(w http.ResponseWriter, r *http.Request, v *view) error {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "multipart/form-data" {
		return errStatus(http.StatusBadRequest, "err.badform")
	}
	release, err := s.d.Uploads.Acquire(v.User.TokenID)
	if err != nil {
		w.Header().Set("Retry-After", "10")
		return errStatus(http.StatusTooManyRequests, "err.toomany")
	}
	defer release()
	r.Body = http.MaxBytesReader(w, r.Body, s.d.MaxUploadBytes)
	mr, err := r.MultipartReader()
	if err != nil {
		return errStatus(http.StatusBadRequest, "err.badform")
	}
	csrfOK := v.Session.ValidCSRF(r.Header.Get(auth.CSRFHeader))
	up, files, err := s.d.Pipeline.ReceiveMultipart(r.Context(), mr, v.User.TokenID+" "+v.User.Name, pipeline.FormHooks{
		Field: func(name, value string) {
			if name == "csrf" {
				csrfOK = csrfOK || v.Session.ValidCSRF(value)
			}
		},
		BeforeFiles: func() error {
			if !csrfOK {
				return errStatus(http.StatusForbidden, "err.csrf")
			}
			return nil
		},
	})
	switch {
	case errors.Is(err, pipeline.ErrBatchTooLarge):
		return errStatus(http.StatusRequestEntityTooLarge, "err.toolarge")
	case errors.Is(err, pipeline.ErrBadForm):
		return errStatus(http.StatusBadRequest, "err.badform")
	case err != nil:
		return err
	}
	if !csrfOK {
		return errStatus(http.StatusForbidden, "err.csrf")
	}
	if up == nil {
		return errStatus(http.StatusBadRequest, "upload.nofiles")
	}
	id, err := up.Commit(r.Context())
	if err != nil {
		return err
	}
	rejected := up.Rejected()
	if err := s.audit(r, v, "upload", string(id), "", map[string]string{
		"files": strconv.Itoa(files), "documents": strconv.Itoa(up.Documents()), "rejected": strconv.Itoa(rejected)}); err != nil {
		return err
	}
	target := "/batches/" + string(id)
	if strings.Contains(r.Header.Get("Accept"), "application/json") {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		return json.NewEncoder(w).Encode(map[string]any{"id": id, "url": target, "documents": up.Documents(), "rejected": rejected})
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
	return nil
}

// batchRow is a batch in the list.
type batchRow struct {
	*pipeline.BatchView
	DocsDone, Failed, Rejected, Quarantined int
	Finished                                bool
}

func summarize(b *pipeline.BatchView) batchRow {
	row := batchRow{BatchView: b, Finished: b.Status == domain.BatchDone || b.Status == domain.BatchDoneWithErrors}
	for _, d := range b.Documents {
		if d.Status.Terminal() {
			row.DocsDone++
		}
		switch d.Status {
		case domain.DocFailed:
			row.Failed++
		case domain.DocRejected:
			row.Rejected++
		case domain.DocQuarantined:
			row.Quarantined++
		}
	}
	return row
}

func (s *Server) batchesPage(w http.ResponseWriter, r *http.Request, v *view) error {
	list, err := s.d.Pipeline.Batches(r.Context(), batchScope(v), 50, v.Lang)
	if err != nil {
		return err
	}
	rows := make([]batchRow, 0, len(list))
	for _, b := range list {
		rows = append(rows, summarize(b))
	}
	v.Title = v.T("batches.title")
	v.Data = rows
	s.render(w, v, http.StatusOK, "batches")
	return nil
}

// batchScope is which batches the signed-in user sees: admins and
// operators see every batch, an uploader only their own (another's is not
// found).
func batchScope(v *view) pipeline.BatchScope {
	return pipeline.BatchScope{All: v.User.Has(auth.RoleOperator), Uploader: v.User.TokenID}
}

func batchID(r *http.Request) (domain.BatchID, error) {
	id := r.PathValue("id")
	if !catalog.ValidBatchID(id) {
		return "", errStatus(http.StatusNotFound, "err.notfound")
	}
	return domain.BatchID(id), nil
}

// batchData is the batch page.
type batchData struct {
	batchRow
	Quarantine map[domain.DocumentID]string // reason by document
	Retryable  bool
	// Review sums up the review state of the finished documents.
	Review catalog.BatchReview
}

func (s *Server) batchPage(w http.ResponseWriter, r *http.Request, v *view) error {
	id, err := batchID(r)
	if err != nil {
		return err
	}
	b, err := s.d.Pipeline.Batch(r.Context(), batchScope(v), id, v.Lang)
	if err != nil {
		return err
	}
	d := batchData{batchRow: summarize(b), Quarantine: map[domain.DocumentID]string{}}
	if d.Review, err = s.batchReview(r, id); err != nil {
		return err
	}
	for _, doc := range b.Documents {
		if doc.Status == domain.DocFailed || len(doc.PageErrs) > 0 {
			d.Retryable = true
		}
		if doc.Status == domain.DocQuarantined {
			rec, err := s.d.Catalog.GetRecord(r.Context(), doc.ID)
			if err == nil {
				d.Quarantine[doc.ID] = rec.QuarantineReason
			} else if !errors.Is(err, catalog.ErrNotFound) {
				return err
			}
		}
	}
	if r.URL.Query().Get("retried") != "" {
		v.Flash = v.T("batch.retried", r.URL.Query().Get("retried"))
	}
	v.Title = v.T("batch.title", string(id))
	v.Data = d
	s.render(w, v, http.StatusOK, "batch")
	return nil
}

func (s *Server) retry(w http.ResponseWriter, r *http.Request, v *view) error {
	id, err := batchID(r)
	if err != nil {
		return err
	}
	n, err := s.d.Pipeline.Retry(r.Context(), batchScope(v), id)
	if err != nil {
		return err
	}
	if err := s.audit(r, v, "retry", string(id), "", map[string]string{"documents": strconv.Itoa(n)}); err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/batches/%s?retried=%d", id, n), http.StatusSeeOther)
	return nil
}

// sseLimit bounds one event stream; the browser reconnects by itself, and
// a bounded stream never holds up a server shutdown for long.
const sseLimit = 25 * time.Second

// stream sends the result of next as a "batch" event every interval until
// done reports true, the client leaves or sseLimit passes.
func (s *Server) stream(w http.ResponseWriter, r *http.Request, interval time.Duration, next func() (any, bool, error)) error {
	fl, ok := w.(http.Flusher)
	if !ok {
		return errors.New("streaming unsupported")
	}
	w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	ctx := r.Context()
	limit := time.After(sseLimit)
	tick := time.NewTicker(interval)
	defer tick.Stop()
	var last []byte
	for {
		v, done, err := next()
		if err != nil {
			s.d.Log.WarnContext(ctx, "event stream", "path", r.URL.Path, "err", err)
			return nil
		}
		b, err := json.Marshal(v)
		if err != nil {
			return nil
		}
		if string(b) != string(last) {
			fmt.Fprintf(w, "event: batch\ndata: %s\n\n", b)
			last = b
		} else {
			fmt.Fprint(w, ": keep-alive\n\n")
		}
		if done {
			fmt.Fprint(w, "event: done\ndata: {}\n\n")
			fl.Flush()
			return nil
		}
		fl.Flush()
		select {
		case <-ctx.Done():
			return nil
		case <-limit:
			return nil
		case <-tick.C:
		}
	}
}

// progress is what the batch events carry.
type progress struct {
	ID         domain.BatchID          `json:"id"`
	Status     domain.BatchStatus      `json:"status"`
	StatusText string                  `json:"status_text"`
	PagesDone  int                     `json:"pages_done"`
	PagesTotal int                     `json:"pages_total"`
	DocsDone   int                     `json:"docs_done"`
	Docs       int                     `json:"docs"`
	Finished   bool                    `json:"finished"`
	Documents  []pipeline.DocumentView `json:"documents,omitempty"`
	DocStatus  map[string]string       `json:"doc_status_text,omitempty"`
}

func progressOf(b *pipeline.BatchView, lang string, docs bool) progress {
	row := summarize(b)
	p := progress{ID: b.ID, Status: b.Status, StatusText: tr(lang, "status."+string(b.Status)), PagesDone: b.PagesDone,
		PagesTotal: b.PagesTotal, DocsDone: row.DocsDone, Docs: len(b.Documents), Finished: row.Finished}
	if docs {
		p.Documents = b.Documents
		p.DocStatus = map[string]string{}
		for _, d := range b.Documents {
			p.DocStatus[string(d.Status)] = tr(lang, "status."+string(d.Status))
		}
	}
	return p
}

// batchEvents streams one batch's progress, per document and page.
func (s *Server) batchEvents(w http.ResponseWriter, r *http.Request, v *view) error {
	id, err := batchID(r)
	if err != nil {
		return err
	}
	scope := batchScope(v)
	if _, err := s.d.Pipeline.Batch(r.Context(), scope, id, v.Lang); err != nil {
		return err
	}
	return s.stream(w, r, time.Second, func() (any, bool, error) {
		b, err := s.d.Pipeline.Batch(r.Context(), scope, id, v.Lang)
		if err != nil {
			return nil, false, err
		}
		p := progressOf(b, v.Lang, true)
		return p, p.Finished, nil
	})
}

// batchesEvents streams the progress of the newest 20 batches until they
// are all finished.
func (s *Server) batchesEvents(w http.ResponseWriter, r *http.Request, v *view) error {
	return s.stream(w, r, 2*time.Second, func() (any, bool, error) {
		list, err := s.d.Pipeline.Batches(r.Context(), batchScope(v), 20, v.Lang)
		if err != nil {
			return nil, false, err
		}
		out := []progress{}
		all := true
		for _, b := range list {
			p := progressOf(b, v.Lang, false)
			all = all && p.Finished
			out = append(out, p)
		}
		return out, all, nil
	})
}
