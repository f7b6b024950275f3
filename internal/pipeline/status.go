package pipeline

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/sohoa/sohoa/internal/catalog"
	"github.com/sohoa/sohoa/internal/domain"
)

// DocumentView is a document's progress as shown to staff (API.md).
type DocumentView struct {
	ID        domain.DocumentID        `json:"id"`
	Name      string                   `json:"name"`
	Status    domain.DocStatus         `json:"status"`
	Pages     int                      `json:"pages"`
	PagesDone int                      `json:"pages_done"`
	Error     string                   `json:"error,omitempty"`
	ErrorCode string                   `json:"error_code,omitempty"`
	Duplicate bool                     `json:"duplicate,omitempty"`
	PageErrs  map[domain.PageNo]string `json:"page_errors,omitempty"`
}

// BatchView is a batch's progress (API.md).
type BatchView struct {
	ID         domain.BatchID     `json:"id"`
	Status     domain.BatchStatus `json:"status"`
	CreatedAt  time.Time          `json:"created_at"`
	PagesTotal int                `json:"pages_total"`
	PagesDone  int                `json:"pages_done"`
	Pipeline   string             `json:"pipeline,omitempty"`
	Fonds      string             `json:"fonds,omitempty"`
	Dossier    string             `json:"dossier,omitempty"`
	Retention  string             `json:"retention,omitempty"`
	Note       string             `json:"note,omitempty"`
	Documents  []DocumentView     `json:"documents"`
}

// BatchScope is which batches a caller may see and retry: every batch
// (admins and operators), or only those its uploader uploaded.
type BatchScope struct {
	All      bool
	Uploader string // token ID or "user:<username>" of the caller
}

// AllBatches is the scope of staff who see every batch.
var AllBatches = BatchScope{All: true}

// Allows reports whether b is within the scope.
func (s BatchScope) Allows(b *catalog.Batch) bool { return s.All || b.UploadedBy(s.Uploader) }

// batch reads a batch manifest within scope: a batch outside it is
// catalog.ErrNotFound, so a caller cannot tell it exists.
func (p *Pipeline) batch(ctx context.Context, scope BatchScope, id domain.BatchID) (*catalog.Batch, error) {
	b, err := p.cat.GetBatch(ctx, id)
	if err != nil {
		return nil, err
	}
	if !scope.Allows(b) {
		return nil, fmt.Errorf("batch %s: outside the caller's scope: %w", id, catalog.ErrNotFound)
	}
	return b, nil
}

// Batch returns the current view of a batch within scope (else
// catalog.ErrNotFound). lang selects the language of error messages ("en"
// or Vietnamese).
func (p *Pipeline) Batch(ctx context.Context, scope BatchScope, id domain.BatchID, lang string) (*BatchView, error) {
	b, err := p.batch(ctx, scope, id)
	if err != nil {
		return nil, err
	}
	return p.batchView(ctx, b, lang)
}

func (p *Pipeline) batchView(ctx context.Context, b *catalog.Batch, lang string) (*BatchView, error) {
	id := b.ID
	v := &BatchView{ID: b.ID, CreatedAt: b.CreatedAt, Pipeline: b.Pipeline, Fonds: b.Fonds,
		Dossier: b.Dossier, Retention: b.Retention, Note: b.Note, Documents: []DocumentView{}}
	allTerminal, anyProblem, anyStarted := true, false, false
	for _, it := range b.Items {
		dv := DocumentView{ID: it.DocumentID, Name: it.Name, Duplicate: it.Duplicate}
		if it.Rejected != nil {
			dv.Status, dv.Error, dv.ErrorCode = domain.DocRejected, it.Rejected.Message(lang), it.Rejected.Code
		} else {
			d, err := p.cat.GetDocument(ctx, it.DocumentID)
			if errors.Is(err, catalog.ErrNotFound) {
				// Purged (erased) after upload.
				dv.Status, dv.ErrorCode = domain.DocRejected, "purged"
				dv.Error = map[bool]string{true: "document erased", false: "Văn bản đã bị xoá vĩnh viễn"}[lang == "en"]
				v.Documents = append(v.Documents, dv)
				anyProblem, anyStarted = true, true
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("batch %s: %w", id, err)
			}
			dv.Status, dv.Pages, dv.PagesDone = d.Status, d.Pages, p.pagesDone(ctx, d)
			if d.Problem != nil {
				dv.Error, dv.ErrorCode = d.Problem.Message(lang), d.Problem.Code
			}
			if len(d.PageErrors) > 0 {
				dv.PageErrs = d.PageErrors
				if dv.Error == "" {
					dv.Error = pageErrorSummary(len(d.PageErrors), lang)
				}
			}
		}
		if !dv.Status.Terminal() {
			allTerminal = false
		}
		if dv.Status != domain.DocQueued {
			anyStarted = true
		}
		if dv.Status != domain.DocDone || len(dv.PageErrs) > 0 {
			anyProblem = true
		}
		v.PagesTotal += dv.Pages
		v.PagesDone += dv.PagesDone
		v.Documents = append(v.Documents, dv)
	}
	switch {
	case allTerminal && anyProblem:
		v.Status = domain.BatchDoneWithErrors
	case allTerminal:
		v.Status = domain.BatchDone
	case anyStarted:
		v.Status = domain.BatchProcessing
	default:
		v.Status = domain.BatchQueued
	}
	return v, nil
}

func pageErrorSummary(n int, lang string) string {
	if lang == "en" {
		return fmt.Sprintf("%d page(s) could not be read", n)
	}
	return fmt.Sprintf("%d trang không đọc được", n)
}

// Batches returns views of the newest batches within scope, newest first.
func (p *Pipeline) Batches(ctx context.Context, scope BatchScope, limit int, lang string) ([]*BatchView, error) {
	ids, err := p.cat.BatchIDs(ctx)
	if err != nil {
		return nil, err
	}
	out := []*BatchView{}
	for _, id := range ids {
		if limit > 0 && len(out) == limit {
			break
		}
		b, err := p.batch(ctx, scope, id)
		if errors.Is(err, catalog.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		v, err := p.batchView(ctx, b, lang)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].CreatedAt.After(out[j].CreatedAt) })
	return out, nil
}

// Retry re-enqueues the failed documents of a batch within scope (else
// catalog.ErrNotFound) and those with failed
// pages, as a new attempt, and resumes its unfinished documents. Rejected
// uploads (bad files) cannot be retried: they need a new upload. It returns
// how many documents were re-enqueued or resumed.
func (p *Pipeline) Retry(ctx context.Context, scope BatchScope, id domain.BatchID) (int, error) {
	b, err := p.batch(ctx, scope, id)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, it := range b.Items {
		if it.Rejected != nil || it.Duplicate {
			continue
		}
		d, err := p.cat.GetDocument(ctx, it.DocumentID)
		if errors.Is(err, catalog.ErrNotFound) {
			continue // purged
		}
		if err != nil {
			return n, err
		}
		if !d.Status.Terminal() {
			// Still queued or processing: if Redis lost its tasks (restarted
			// without its data), the current attempt starts again from the
			// blob store, reusing the pages already read. While its tasks
			// exist, their IDs make this a no-op.
			if err := p.enqueueSplit(ctx, d.ID, d.Attempt); err != nil {
				return n, err
			}
			n++
			continue
		}
		retry := d.Status == domain.DocFailed || (d.Status == domain.DocDone && len(d.PageErrors) > 0)
		if !retry {
			if d.Status == domain.DocDone || d.Status == domain.DocQuarantined {
				// Finished, but its index task may have been lost with
				// Redis's state: the record is in the blob store, so the
				// task is queued again. While the finished task is kept
				// (Config.Retention), its ID makes this a no-op.
				if err := p.enqueueIndex(ctx, d.ID, d.Attempt); err != nil {
					return n, err
				}
			}
			continue
		}
		d.Attempt++
		d.Status, d.Problem, d.PageErrors = domain.DocQueued, nil, nil
		if err := p.cat.PutDocument(ctx, d); err != nil {
			return n, err
		}
		if err := p.enqueueSplit(ctx, d.ID, d.Attempt); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// Document returns a document's state.
func (p *Pipeline) Document(ctx context.Context, id domain.DocumentID) (*catalog.Document, error) {
	return p.cat.GetDocument(ctx, id)
}
