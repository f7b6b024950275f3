package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hibiken/asynq"

	"github.com/sohoa/sohoa/internal/catalog"
	"github.com/sohoa/sohoa/internal/domain"
	"github.com/sohoa/sohoa/internal/pdfa"
	"github.com/sohoa/sohoa/internal/search"
	"github.com/sohoa/sohoa/internal/vault"
)

func decode[T any](t *asynq.Task) (T, error) {
	var v T
	if err := json.Unmarshal(t.Payload(), &v); err != nil {
		return v, fmt.Errorf("%s: bad payload: %v: %w", t.Type(), err, asynq.SkipRetry)
	}
	return v, nil
}

// lastAttempt reports whether the running task will not be retried after a failure.
func lastAttempt(ctx context.Context) bool {
	n, ok1 := asynq.GetRetryCount(ctx)
	max, ok2 := asynq.GetMaxRetry(ctx)
	return ok1 && ok2 && n >= max
}

// loadCurrent loads a document and reports whether the task belongs to its
// current attempt; tasks of an older attempt (superseded by a staff retry)
// do nothing.
func (p *Pipeline) loadCurrent(ctx context.Context, doc domain.DocumentID, attempt int) (*catalog.Document, bool, error) {
	d, err := p.cat.GetDocument(ctx, doc)
	if errors.Is(err, catalog.ErrNotFound) {
		return nil, false, fmt.Errorf("document %s: %w: %w", doc, err, asynq.SkipRetry)
	}
	if err != nil {
		return nil, false, err
	}
	return d, d.Attempt == attempt, nil
}

func (p *Pipeline) handleSplit(ctx context.Context, t *asynq.Task) error {
	dt, err := decode[docTask](t)
	if err != nil {
		return err
	}
	log := p.log.With("task", t.Type(), "document", dt.Doc, "attempt", dt.Attempt)
	d, current, err := p.loadCurrent(ctx, dt.Doc, dt.Attempt)
	if err != nil || !current || d.Status.Terminal() {
		return err
	}
	// The original is streamed, one sealed chunk at a time, to the reader
	// that opens it: this process never holds the whole file.
	orig, err := p.cat.OpenOriginal(ctx, d.ID)
	if err != nil {
		return fmt.Errorf("split %s: %w", d.ID, err)
	}
	defer orig.Close()
	src, err := p.split.Open(ctx, orig, orig.Size(), p.cfg.Limits)
	if err != nil {
		if errors.Is(err, domain.ErrReaderDied) {
			if err := p.strike(ctx, d.ID, d.Attempt, 0, err); err != nil {
				return err // retried: the reader may have died for another reason
			}
		}
		var rej *domain.Rejection
		if errors.As(err, &rej) {
			log.Warn("document rejected", "code", rej.Code, "reason", rej.EN)
			d.Status, d.Problem = domain.DocRejected, rej
			if perr := p.cat.PutDocument(ctx, d); perr != nil {
				return perr
			}
			p.metrics.Document(string(domain.DocRejected))
			return fmt.Errorf("split %s: %w: %w", d.ID, err, asynq.SkipRetry)
		}
		return fmt.Errorf("split %s: %w", d.ID, err)
	}
	defer src.Close()
	d.Pages = src.Pages()
	d.Status = domain.DocProcessing
	if err := p.cat.PutDocument(ctx, d); err != nil {
		return err
	}
	for n := domain.PageNo(1); int(n) <= src.Pages(); n++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		img, err := src.Page(ctx, n)
		if err != nil {
			var rej *domain.Rejection
			if !errors.As(err, &rej) {
				return fmt.Errorf("split %s page %d: %w", d.ID, n, err)
			}
			// One unreadable page must not stop the document.
			log.Warn("page unreadable", "page", n, "code", rej.Code, "err", err)
			if err := p.finishPage(ctx, d.ID, d.Attempt, d.Pages, n, &domain.Page{No: n, Error: rej.VI, DoneAt: time.Now().UTC()}); err != nil {
				return err
			}
			continue
		}
		if err := p.cat.PutPageImage(ctx, d.ID, n, img.Data); err != nil {
			return err
		}
		pt := pageTask{Doc: d.ID, Attempt: d.Attempt, Page: n, Pages: d.Pages, Width: img.Width, Height: img.Height, DPI: img.DPI}
		if err := p.enqueue(ctx, TypeOCR, fmt.Sprintf("ocr:%s:%d:%d", d.ID, d.Attempt, n), QueueOCR, pt, p.cfg.OCRTimeout); err != nil {
			return err
		}
	}
	log.Info("document split", "pages", d.Pages)
	return nil
}

func (p *Pipeline) handleOCR(ctx context.Context, t *asynq.Task) error {
	pt, err := decode[pageTask](t)
	if err != nil {
		return err
	}
	log := p.log.With("task", t.Type(), "document", pt.Doc, "page", pt.Page, "attempt", pt.Attempt)
	// A page read before (duplicate delivery, or a retry of its document) is reused.
	if prev, err := p.cat.GetPage(ctx, pt.Doc, pt.Page); err == nil && prev.Error == "" {
		return p.finishPage(ctx, pt.Doc, pt.Attempt, pt.Pages, pt.Page, nil)
	}
	img, err := p.cat.GetPageImage(ctx, pt.Doc, pt.Page)
	if err != nil {
		if errors.Is(err, catalog.ErrNotFound) {
			return p.failPage(ctx, pt, "Không tìm thấy ảnh trang", err)
		}
		return p.retryOrFail(ctx, pt, err)
	}
	// Stamps (secrecy, urgency) sit on a document's first page.
	page, err := p.ocr.Recognize(ctx, img, domain.ReadOptions{Marks: pt.Page == 1, DPI: pt.DPI})
	if err != nil {
		if errors.Is(err, domain.ErrReaderDied) {
			if err := p.strike(ctx, pt.Doc, pt.Attempt, pt.Page, err); err != nil {
				return err
			}
		}
		var rej *domain.Rejection
		if errors.As(err, &rej) {
			return p.failPage(ctx, pt, rej.VI, err)
		}
		return p.retryOrFail(ctx, pt, err)
	}
	page.No, page.Width, page.Height, page.DPI = pt.Page, pt.Width, pt.Height, pt.DPI
	log.Info("page read", "words", len(page.Words), "confidence", math.Round(page.Confidence), "seconds", page.OCRSeconds)
	return p.finishPage(ctx, pt.Doc, pt.Attempt, pt.Pages, pt.Page, &page)
}

// strike records that reading page n of a document attempt (0: opening the
// document) killed a reader. Below the strike limit it returns an error, so
// that the task is retried by a fresh reader; at the limit it returns nil and
// the caller fails the page or the document with the reader's reason, so the
// input is never handed out again.
func (p *Pipeline) strike(ctx context.Context, doc domain.DocumentID, attempt int, n domain.PageNo, cause error) error {
	count, err := p.cat.AddStrike(ctx, doc, attempt, n, cause.Error())
	if err != nil {
		return fmt.Errorf("record reader failure on %s page %d: %w", doc, n, err)
	}
	p.log.Warn("reader died on input", "document", doc, "page", n, "strikes", count, "limit", p.cfg.MaxStrikes, "err", cause)
	// On the task's last attempt the input is failed now: an error would
	// leave the page (or document) unfinished for good.
	if count < p.cfg.MaxStrikes && !lastAttempt(ctx) {
		return fmt.Errorf("%s page %d: reader died (strike %d of %d): %w", doc, n, count, p.cfg.MaxStrikes, cause)
	}
	return nil
}

// retryOrFail returns err for asynq to retry, except on the last attempt, when
// the page is recorded as failed so that its document still finishes.
func (p *Pipeline) retryOrFail(ctx context.Context, pt pageTask, err error) error {
	if !lastAttempt(ctx) {
		return fmt.Errorf("ocr %s page %d: %w", pt.Doc, pt.Page, err)
	}
	return p.failPage(ctx, pt, "Lỗi khi nhận dạng trang (đã thử lại nhiều lần)", err)
}

func (p *Pipeline) failPage(ctx context.Context, pt pageTask, reason string, cause error) error {
	p.log.Warn("page failed", "document", pt.Doc, "page", pt.Page, "reason", reason, "err", cause)
	return p.finishPage(ctx, pt.Doc, pt.Attempt, pt.Pages, pt.Page, &domain.Page{No: pt.Page, Error: reason, DoneAt: time.Now().UTC()})
}

// finishPage stores a page result (nil when an earlier result is reused),
// marks page n done, and enqueues the document's finalize task once every
// page is done. Concurrent last pages may both enqueue; the task ID makes that
// one task.
func (p *Pipeline) finishPage(ctx context.Context, doc domain.DocumentID, attempt, total int, n domain.PageNo, page *domain.Page) error {
	if page != nil {
		if err := p.cat.PutPage(ctx, doc, page); err != nil {
			return err
		}
		p.metrics.Page(page.Error != "", page.OCRSeconds)
	}
	done, err := p.markPageDone(ctx, doc, attempt, n)
	if err != nil {
		return err
	}
	if done >= total {
		return p.enqueueFinalize(ctx, doc, attempt)
	}
	return nil
}

func (p *Pipeline) handleFinalize(ctx context.Context, t *asynq.Task) error {
	dt, err := decode[docTask](t)
	if err != nil {
		return err
	}
	log := p.log.With("task", t.Type(), "document", dt.Doc, "attempt", dt.Attempt)
	d, current, err := p.loadCurrent(ctx, dt.Doc, dt.Attempt)
	if err != nil || !current {
		return err
	}
	var (
		pgs     []domain.Page
		sumConf float64
		nConf   int
	)
	d.PageErrors = nil
	for n := domain.PageNo(1); int(n) <= d.Pages; n++ {
		pg, err := p.cat.GetPage(ctx, d.ID, n)
		if err != nil {
			return fmt.Errorf("finalize %s: %w", d.ID, err)
		}
		if pg.Error != "" {
			if d.PageErrors == nil {
				d.PageErrors = map[domain.PageNo]string{}
			}
			d.PageErrors[n] = pg.Error
		} else {
			sumConf += pg.Confidence
			nConf++
		}
		pgs = append(pgs, *pg)
	}
	ex, err := p.extract.Extract(ctx, pgs, d.Pipeline)
	if err != nil {
		return fmt.Errorf("finalize %s: extract: %w", d.ID, err)
	}
	rec := &catalog.Record{
		DocumentID: d.ID, BatchID: d.BatchID, Name: d.Name, Pipeline: ex.Pipeline, Class: ex.Class,
		ClassConfidence: ex.ClassConfidence, Title: ex.Title, Fields: ex.Fields, Secrecy: ex.Secrecy,
		QuarantineReason: ex.QuarantineReason, DuplicateKey: ex.DuplicateKey, Pages: d.Pages,
		Redacted: ex.Redacted, Mentions: ex.Mentions, FinalizedAt: time.Now().UTC(), Missing: ex.Missing,
	}
	if nConf > 0 {
		rec.Confidence = sumConf / float64(nConf)
	}
	for _, pg := range pgs {
		rec.Text = append(rec.Text, pg.Text)
	}
	// A re-extraction keeps the earlier record as a version, and a
	// reviewer's corrections carry over (catalog.PutExtracted).
	if err := p.cat.PutExtracted(ctx, rec, func(r *catalog.Record) { r.Blind = RecordBlind(p.blind, r) }); err != nil {
		return err
	}
	switch {
	case ex.QuarantineReason != "":
		d.Status = domain.DocQuarantined
		d.Problem = domain.Reject("secret_document", ex.QuarantineReason, "document carries a state-secret stamp ("+ex.Secrecy+"): quarantined, not indexed", nil)
	case nConf == 0:
		d.Status = domain.DocFailed
		d.Problem = domain.Reject("no_readable_page", "Không trang nào đọc được", "no page could be read", nil)
		if why := d.PageErrors[1]; why != "" {
			// Say why, in the words the page's failure used.
			d.Problem.VI += " (trang 1: " + why + ")"
			d.Problem.EN += " (page 1: " + why + ")"
		}
	default:
		d.Status = domain.DocDone
		d.Problem = nil
		// The searchable PDF/A (page images with an invisible text layer).
		pdf, err := pdfa.FromCatalog(ctx, p.cat, d.ID)
		if err != nil {
			return fmt.Errorf("finalize %s: pdf/a: %w", d.ID, err)
		}
		if err := p.cat.PutPDF(ctx, d.ID, pdf); err != nil {
			return err
		}
	}
	if err := p.cat.PutDocument(ctx, d); err != nil {
		return err
	}
	if p.publish != nil {
		if err := p.publish.Sync(ctx, d, rec); err != nil {
			return fmt.Errorf("finalize %s: publish: %w", d.ID, err)
		}
	}
	if d.Status == domain.DocQuarantined && p.audit != nil {
		if err := p.audit.AuditSystem(ctx, "quarantine", string(d.ID), map[string]string{"secrecy": ex.Secrecy}); err != nil {
			return fmt.Errorf("finalize %s: audit quarantine: %w", d.ID, err)
		}
	}
	p.metrics.Document(string(d.Status))
	log.Info("document finalized", "status", d.Status, "class", ex.Class, "pages", d.Pages, "page_errors", len(d.PageErrors))
	// Quarantined documents get an index task too: it removes any earlier copy.
	return p.enqueueIndex(ctx, d.ID, d.Attempt)
}

// BlindTokens derives blind-index tokens for every protected field value:
// one on the exact value and, for names and addresses, a second one on the
// accent-folded value under the field's folded companion (vault.Folded), so
// that a lookup typed without diacritics finds the record. It returns nil
// when b is nil.
func BlindTokens(b Blinder, fields map[string]catalog.Field) []string {
	if b == nil {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	add := func(field, v string) {
		if tok := b.Blind(field, v); tok != "" && !seen[tok] {
			seen[tok] = true
			out = append(out, tok)
		}
	}
	for name, f := range fields {
		if !f.Sensitivity.Protected() {
			continue
		}
		folded, hasFolded := vault.Folded(name)
		for _, v := range fieldValues(f) {
			add(name, v)
			if hasFolded {
				add(folded, v)
			}
		}
	}
	sort.Strings(out)
	return out
}

// withMentions returns fields with the mentioned personal values added to
// the values of the field they belong to, for BlindTokens: a person of an
// annex table is found by name like the person a class field names.
func withMentions(fields map[string]catalog.Field, mentions map[string][]string) map[string]catalog.Field {
	if len(mentions) == 0 {
		return fields
	}
	out := make(map[string]catalog.Field, len(fields)+len(mentions))
	for name, f := range fields {
		out[name] = f
	}
	for name, vs := range mentions {
		f, ok := out[name]
		if !ok {
			f = catalog.Field{Sensitivity: domain.Personal}
		}
		f.Values = append(append([]string(nil), f.Values...), vs...)
		if !f.Sensitivity.Protected() {
			f.Sensitivity = domain.Personal
		}
		out[name] = f
	}
	return out
}

// AddLookup adds to q the blind-index lookup of value in field. For a field
// with a folded companion (names, addresses) it is a search.BlindLookup on
// both tokens, so the value typed with or without diacritics, in any case,
// finds the record and the exact spelling ranks first; for other fields
// (cccd) it is the exact token, which every hit must hold.
func AddLookup(q *search.Query, b Blinder, field, value string) {
	if folded, ok := vault.Folded(field); ok {
		q.Lookups = append(q.Lookups, search.BlindLookup{Exact: b.Blind(field, value), Folded: b.Blind(folded, value)})
		return
	}
	q.Blind = append(q.Blind, b.Blind(field, value))
}

func (p *Pipeline) handleIndex(ctx context.Context, t *asynq.Task) error {
	dt, err := decode[docTask](t)
	if err != nil {
		return err
	}
	d, current, err := p.loadCurrent(ctx, dt.Doc, dt.Attempt)
	if err != nil || !current {
		return err
	}
	if d.Status == domain.DocQuarantined {
		return p.index.Delete(ctx, string(d.ID))
	}
	rec, err := p.cat.GetRecord(ctx, d.ID)
	if err != nil {
		return fmt.Errorf("index %s: %w", d.ID, err)
	}
	start := time.Now()
	if err := p.index.Index(ctx, SearchRecord(d, rec)); err != nil {
		return fmt.Errorf("index %s: %w", d.ID, err)
	}
	p.metrics.Indexed(time.Since(start))
	p.log.Info("document indexed", "task", t.Type(), "document", d.ID)
	return nil
}

// SearchRecord builds the index's view of a record: public fields, redacted
// text and blind tokens only.
func SearchRecord(d *catalog.Document, r *catalog.Record) search.Record {
	sr := search.Record{
		ID: string(d.ID), BatchID: string(d.BatchID), Title: r.Title, DocType: r.Class, Class: r.Class,
		Pipeline: r.Pipeline, Pages: r.Pages, Text: strings.Join(r.Redacted, "\n\f\n"),
		Fields: map[string][]string{}, Blind: r.Blind, IndexedAt: time.Now().UTC(),
	}
	// Verified by a reviewer: a filter (f.verified=true).
	if r.Verified != nil {
		sr.Fields["verified"] = []string{"true"}
	}
	for name, f := range r.Fields {
		if f.Sensitivity != domain.Public {
			continue
		}
		vals := fieldValues(f)
		sr.Fields[name] = vals
		switch name {
		case "issuer":
			sr.Issuer = first(vals)
		case "issued_date":
			if t, err := time.Parse("2006-01-02", first(vals)); err == nil {
				sr.IssuedDate = t
			}
		case "doc_type":
			if v := first(vals); v != "" {
				sr.DocType = v
			}
		}
	}
	if sr.Title == "" {
		sr.Title = titleFromText(sr.Text, d.Name)
	}
	return sr
}

// fieldValues returns a field's value and its list values, in that order.
func fieldValues(f catalog.Field) []string {
	if f.Value == "" {
		return f.Values
	}
	return append([]string{f.Value}, f.Values...)
}

func first(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

// titleFromText is a fallback title: the first substantial line.
func titleFromText(text, name string) string {
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if utf8.RuneCountInString(line) >= 12 {
			if utf8.RuneCountInString(line) > 120 {
				r := []rune(line)
				line = string(r[:120]) + "…"
			}
			return line
		}
	}
	return name
}
