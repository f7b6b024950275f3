package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/sohoa/sohoa/internal/access"
	"github.com/sohoa/sohoa/internal/catalog"
	"github.com/sohoa/sohoa/internal/domain"
	"github.com/sohoa/sohoa/internal/pipeline"
)

// ConfidenceThresholder gives the field confidence below which a value
// needs review. (*extract.Engine).ConfidenceThreshold satisfies it once the
// engine has it; until then ConfidenceThreshold (a configured value) does.
type ConfidenceThresholder interface {
	ConfidenceThreshold() float64
}

// ConfidenceThreshold is a fixed threshold (the review.confidence_threshold
// setting).
type ConfidenceThreshold float64

// ConfidenceThreshold returns t.
func (t ConfidenceThreshold) ConfidenceThreshold() float64 { return float64(t) }

// FieldValidator checks a reviewer's value for a field. ValidateField
// returns reason codes ("validator:...") for an invalid value, none for a
// valid one; ReasonText gives a code's sentence in "vi" or "en". The
// extraction engine's validators (extract.ValidateField, extract.ReasonText)
// satisfy it through a small adapter; LocalValidator stands in until then.
type FieldValidator interface {
	ValidateField(name, value string, others map[string]string) []string
	ReasonText(code, lang string) string
}

// Review defaults.
const (
	// DefaultConfidenceThreshold is review.confidence_threshold's default.
	DefaultConfidenceThreshold = catalog.DefaultFieldThreshold
	// DefaultClassThreshold is review.class_threshold's default.
	DefaultClassThreshold = catalog.DefaultClassThreshold
	// maxEditChars bounds one corrected value, in characters.
	maxEditChars = 2000
)

// thresholds returns the review thresholds now in force.
func (s *Server) thresholds() catalog.Thresholds {
	th := catalog.Thresholds{Class: s.classThreshold}
	if s.threshold != nil {
		th.Field = s.threshold.ConfidenceThreshold()
	}
	return th.OrDefault()
}

// reviewItem is a document in the review queue.
type reviewItem struct {
	DocumentID      domain.DocumentID `json:"document_id"`
	Name            string            `json:"name"`
	BatchID         domain.BatchID    `json:"batch_id"`
	Class           string            `json:"class"`
	ClassConfidence float64           `json:"class_confidence"`
	Reasons         []string          `json:"reasons"`
	UncertainFields int               `json:"uncertain_fields"`
	Version         int               `json:"version"`
}

// getReview serves the review queue: GET /api/v1/review?batch=&reason=&class=
// (reviewer). Documents that need review, oldest batch first; within a
// batch, documents with more uncertain fields first. reason matches a
// whole reason ("missing:subject") or its kind ("missing").
func (s *Server) getReview(w http.ResponseWriter, r *http.Request) error {
	qv := r.URL.Query()
	limit, err := intParam(r, "limit", 100, 1, 1000)
	if err != nil {
		return err
	}
	f := catalog.QueueFilter{Reason: qv.Get("reason"), Class: qv.Get("class")}
	if b := qv.Get("batch"); b != "" {
		if !catalog.ValidBatchID(b) {
			return errNotFound("batch")
		}
		f.Batch = domain.BatchID(b)
	}
	th := s.thresholds()
	queue, err := s.cat.ReviewQueue(r.Context(), th, f)
	if errors.Is(err, catalog.ErrNotFound) {
		return errNotFound("batch")
	}
	if err != nil {
		return err
	}
	items := make([]reviewItem, 0, len(queue))
	for _, it := range queue {
		items = append(items, reviewItem{DocumentID: it.Document.ID, Name: it.Document.Name, BatchID: it.Document.BatchID,
			Class: it.Record.Class, ClassConfidence: it.Record.ClassConfidence, Reasons: it.Reasons,
			UncertainFields: catalog.UncertainFields(it.Reasons), Version: it.Record.CurrentVersion()})
	}
	total := len(items)
	items = items[:min(limit, total)]
	if err := s.auditOrFail(r, "review_queue", "", "", map[string]string{"total": strconv.Itoa(total)}); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"total": total, "threshold": th.Field, "items": items})
	return nil
}

// batchWithReview is a batch as GET /api/v1/batches/{id} shows it: its
// status, and the review state of its finished documents.
type batchWithReview struct {
	*pipeline.BatchView
	Review catalog.BatchReview `json:"review"`
}

// withReview adds to v the review summary of its batch: how many finished
// documents were accepted without review (auto_share), are in the queue,
// or were verified.
func (s *Server) withReview(r *http.Request, v *pipeline.BatchView) (batchWithReview, error) {
	b, err := s.cat.GetBatch(r.Context(), v.ID)
	if err != nil {
		return batchWithReview{}, err
	}
	items, err := s.cat.ReviewItems(r.Context(), b, s.thresholds())
	if err != nil {
		return batchWithReview{}, err
	}
	return batchWithReview{BatchView: v, Review: catalog.SummarizeReview(items)}, nil
}

// fieldViews shows a record's fields under a decision: values only when
// clear (the extracted value of a corrected field likewise), with their
// source and reasons.
func fieldViews(ap access.Applied) map[string]fieldView {
	fields := map[string]fieldView{}
	for _, f := range ap.Fields {
		fv := fieldView{Confidence: f.Field.Confidence, Page: f.Field.Page, Sensitivity: f.Field.Sensitivity,
			Source: f.Field.Source, Reasons: f.Field.Reasons}
		if fv.Source == "" {
			fv.Source = catalog.SourceOCR
		}
		c := f.Field.Correction
		if f.Outcome == access.Clear {
			fv.Value = shown(f.Field.Value, f.Field.Values)
			if c != nil {
				fv.Extracted = shown(c.Value, c.Values)
			}
		} else {
			fv.Masked = true
		}
		if c != nil {
			fv.CorrectedBy, fv.CorrectedAt = c.ByName, &c.At
		}
		fields[f.Name] = fv
	}
	return fields
}

func shown(value string, values []string) any {
	if len(values) > 0 {
		return values
	}
	return value
}

// reviewView is the review state of a record as the document view shows it.
func (s *Server) reviewView(d *catalog.Document, rec *catalog.Record) map[string]any {
	reasons := catalog.ReviewReasons(d, rec, s.thresholds())
	out := map[string]any{"status": catalog.ReviewStatus(rec, reasons), "reasons": append([]string{}, reasons...),
		"version": rec.CurrentVersion()}
	if rec.Verified != nil {
		out["verified_by"], out["verified_at"] = rec.Verified.ByName, rec.Verified.At
	}
	return out
}

// fieldEdit is one field of a correction: value, or values for a list field.
type fieldEdit struct {
	Value  *string  `json:"value"`
	Values []string `json:"values"`
}

// correction is the body of PATCH /api/v1/documents/{id}/fields.
type correction struct {
	Fields   map[string]fieldEdit `json:"fields"`
	Verified bool                 `json:"verified"`
	Version  int                  `json:"version"`
}

// edits checks a correction's fields against the record and the
// validators, and returns them as catalog edits.
func (s *Server) edits(r *http.Request, rec *catalog.Record, req correction) (map[string]catalog.Edit, error) {
	out := map[string]catalog.Edit{}
	others := map[string]string{}
	for name, f := range rec.Fields {
		others[name] = f.Value
	}
	clean := func(name, v string) (string, error) {
		v = norm.NFC.String(strings.TrimSpace(v))
		if !utf8.ValidString(v) || utf8.RuneCountInString(v) > maxEditChars {
			return "", errBadRequest("bad_value", fmt.Sprintf("Giá trị của %s quá dài hoặc không hợp lệ", name),
				fmt.Sprintf("the value of %s is too long or invalid", name))
		}
		return v, nil
	}
	for name, f := range req.Fields {
		_, known := rec.Fields[name]
		if !fieldName.MatchString(name) || (!known && !slices.Contains(rec.Missing, name)) {
			return nil, errBadRequest("unknown_field", "Bản ghi không có trường "+name, "the record has no field "+name)
		}
		var e catalog.Edit
		var err error
		if f.Value != nil {
			if e.Value, err = clean(name, *f.Value); err != nil {
				return nil, err
			}
		}
		for _, v := range f.Values {
			if v, err = clean(name, v); err != nil {
				return nil, err
			}
			if v != "" {
				e.Values = append(e.Values, v)
			}
		}
		if f.Value == nil && len(e.Values) > 0 {
			e.Value = e.Values[0]
		}
		out[name] = e
		others[name] = e.Value
	}
	var why []string
	for name, e := range out {
		for _, v := range append([]string{e.Value}, e.Values...) {
			if v == "" {
				continue
			}
			for _, code := range s.validator.ValidateField(name, v, others) {
				why = append(why, name+": "+s.validator.ReasonText(code, lang(r)))
			}
		}
	}
	if len(why) > 0 {
		sort.Strings(why)
		why = slices.Compact(why)
		return nil, &apiError{http.StatusUnprocessableEntity, "invalid_value",
			"Giá trị không hợp lệ: " + strings.Join(why, "; "), "invalid value: " + strings.Join(why, "; ")}
	}
	return out, nil
}

// editable refuses a correction to a document that is not finished: being
// (re)processed, failed, quarantined.
func editable(d *catalog.Document) error {
	switch d.Status {
	case domain.DocDone:
		return nil
	case domain.DocQueued, domain.DocProcessing:
		return &apiError{http.StatusConflict, "reprocessing",
			"Tài liệu đang được xử lý (lại); hãy sửa sau khi xử lý xong", "the document is being (re)processed; correct it once it is done"}
	}
	return &apiError{http.StatusConflict, "not_editable",
		"Tài liệu ở trạng thái " + string(d.Status) + " không sửa được", "a document with status " + string(d.Status) + " cannot be corrected"}
}

func conflict(c *catalog.ConflictError) error {
	at := c.At.UTC().Format("2006-01-02 15:04:05 UTC")
	return &apiError{http.StatusConflict, "version_conflict",
		fmt.Sprintf("Bản ghi đã được %s sửa lúc %s (phiên bản %d); hãy tải lại", c.ByName, at, c.Version),
		fmt.Sprintf("changed by %s at %s (version %d), reload", c.ByName, at, c.Version)}
}

// patchFields corrects fields of a record and/or verifies it: PATCH
// /api/v1/documents/{id}/fields (reviewer) with {"fields": {"<name>":
// {"value"} or {"values"}}, "verified", "version"}. It stores a new version
// keeping the extracted values, re-derives the blind tokens, re-indexes the
// document, and audits "correct" with the names of the fields changed,
// never their values. A stale version is refused (409 version_conflict).
func (s *Server) patchFields(w http.ResponseWriter, r *http.Request) error {
	dec, id, err := decideDocument(r)
	if err != nil {
		return err
	}
	var req correction
	jd := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
	jd.DisallowUnknownFields()
	if err := jd.Decode(&req); err != nil {
		return errBadRequest("bad_json", "Nội dung phải là JSON {\"fields\", \"verified\", \"version\"}",
			"body must be JSON {\"fields\", \"verified\", \"version\"}")
	}
	if req.Version < 1 {
		return errBadRequest("version_required", "Hãy gửi phiên bản (version) của bản ghi đã tải", "give the version of the record you loaded")
	}
	if len(req.Fields) == 0 && !req.Verified {
		return errBadRequest("nothing_to_change", "Không có trường nào để sửa", "no field to correct")
	}
	d, err := s.cat.GetDocument(r.Context(), id)
	if errors.Is(err, catalog.ErrNotFound) {
		return &apiError{http.StatusNotFound, "not_found", "Không tìm thấy tài liệu (có thể đã bị xoá)", "document not found (it may have been purged)"}
	}
	if err != nil {
		return err
	}
	if err := editable(d); err != nil {
		return err
	}
	rec, err := s.cat.GetRecord(r.Context(), id)
	if err != nil {
		return err
	}
	if v := rec.CurrentVersion(); v != req.Version {
		by, at := rec.ChangedBy()
		return conflict(&catalog.ConflictError{Version: v, ByName: by, At: at})
	}
	edits, err := s.edits(r, rec, req)
	if err != nil {
		return err
	}
	p := principal(r)
	now := time.Now().UTC()
	// Audit first: names of the fields sent, never values.
	names := make([]string, 0, len(edits))
	for name := range edits {
		names = append(names, name)
	}
	sort.Strings(names)
	if err := s.auditOrFail(r, "correct", string(id), "", map[string]string{"fields": strings.Join(names, ","),
		"verified": strconv.FormatBool(req.Verified), "version": strconv.Itoa(req.Version)}); err != nil {
		return err
	}
	next, err := s.cat.UpdateRecord(r.Context(), id, req.Version, func(rec *catalog.Record) error {
		changed := catalog.Correct(rec, edits, p.TokenID, p.Name, now, s.sensitivity)
		rec.Revision = &catalog.Revision{By: p.TokenID, ByName: p.Name, At: now, Changed: changed, Verified: req.Verified}
		if req.Verified {
			rec.Verified = &catalog.Verification{By: p.TokenID, ByName: p.Name, At: now}
		}
		if s.blind != nil {
			rec.Blind = pipeline.RecordBlind(s.blind, rec)
		}
		return nil
	})
	var ce *catalog.ConflictError
	if errors.As(err, &ce) {
		return conflict(ce)
	}
	if err != nil {
		return err
	}
	indexed := true
	if err := s.pipe.IndexDocument(r.Context(), id); err != nil {
		// The correction is stored; POST /api/v1/reindex indexes it again.
		s.log.ErrorContext(r.Context(), "re-index after correction", "document", id, "err", err)
		indexed = false
	}
	ap := dec.Apply(next)
	writeJSON(w, http.StatusOK, map[string]any{"id": id, "version": next.Version, "changed": next.Revision.Changed,
		"indexed": indexed, "review": s.reviewView(d, next), "fields": fieldViews(ap)})
	return nil
}

// sensitivity is the data class of a field a correction adds (a required
// field extraction missed): s.fieldSens when set, else personal, so a
// value of unknown class is sealed, blind-indexed and masked.
func (s *Server) sensitivity(field string) domain.Sensitivity {
	if s.fieldSens != nil {
		if c := s.fieldSens(field); c.Valid() {
			return c
		}
	}
	return domain.Personal
}

// historyEntry is one version of a record.
type historyEntry struct {
	Version  int                  `json:"version"`
	Source   string               `json:"source"`
	By       string               `json:"by"`
	At       time.Time            `json:"at"`
	Changed  []string             `json:"changed"`
	Verified bool                 `json:"verified"`
	Fields   map[string]fieldView `json:"fields"`
}

// getHistory serves GET /api/v1/documents/{id}/history (reviewer): every
// version of the record, oldest first, with who made it, when, the fields
// changed and the values under the record-view policy. Audited as the
// record view is, with history=true.
func (s *Server) getHistory(w http.ResponseWriter, r *http.Request) error {
	dec, id, err := decideDocument(r)
	if err != nil {
		return err
	}
	versions, err := s.cat.RecordHistory(r.Context(), id)
	if errors.Is(err, catalog.ErrNotFound) {
		return errNotFound("document")
	}
	if err != nil {
		return err
	}
	var released []string
	out := make([]historyEntry, 0, len(versions))
	for _, v := range versions {
		ap := dec.Apply(v)
		released = append(released, ap.Released...)
		by, at := v.ChangedBy()
		e := historyEntry{Version: v.Version, Source: catalog.SourceOCR, By: by, At: at, Changed: []string{}, Fields: fieldViews(ap)}
		if rv := v.Revision; rv != nil && rv.By != catalog.SourceOCR {
			e.Source, e.By, e.At, e.Changed, e.Verified = catalog.SourceReviewer, rv.ByName, rv.At, append(e.Changed, rv.Changed...), rv.Verified
		}
		out = append(out, e)
	}
	slices.Sort(released)
	released = slices.Compact(released)
	released = slices.DeleteFunc(released, func(n string) bool { return n == "text" })
	if err := s.auditView(r, dec, string(id), released, map[string]string{"history": "true"}); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": id, "versions": out})
	return nil
}

// decideDocument returns the caller's record-view decision and the
// document named by the path, or the error that refuses them.
func decideDocument(r *http.Request) (access.Decision, domain.DocumentID, error) {
	dec, err := decide(r, access.Record)
	if err != nil {
		return dec, "", err
	}
	id, err := docID(r)
	return dec, id, err
}
