package catalog

import (
	"context"
	"errors"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/sohoa/sohoa/internal/domain"
)

// Field sources.
const (
	// SourceOCR is a value as extraction found it (also written "").
	SourceOCR = "ocr"
	// SourceReviewer is a value a reviewer corrected or confirmed.
	SourceReviewer = "reviewer"
)

// Review statuses of a record.
const (
	// StatusAuto: every field was confident; accepted without review.
	StatusAuto = "auto"
	// StatusNeedsReview: the record is in the review queue.
	StatusNeedsReview = "needs_review"
	// StatusVerified: a reviewer verified the record.
	StatusVerified = "verified"
)

// Review reason kinds. A reason is "<kind>" or "<kind>:<field or page>".
const (
	// ReasonLowConfidence: a field's confidence is below the threshold, or
	// the extractor gave a reason to doubt it.
	ReasonLowConfidence = "low_confidence"
	// ReasonInvalid: a field's value failed a validator.
	ReasonInvalid = "invalid"
	// ReasonMissing: a required field of the class was not found.
	ReasonMissing = "missing"
	// ReasonClassUncertain: the class confidence is below its threshold.
	ReasonClassUncertain = "class_uncertain"
	// ReasonPageFailed: a page could not be read.
	ReasonPageFailed = "page_failed"
)

// Thresholds decide which records need review.
type Thresholds struct {
	// Field is the field confidence below which a value needs review.
	Field float64
	// Class is the class confidence below which the class needs review.
	Class float64
}

// The default thresholds (review.confidence_threshold, review.class_threshold).
const (
	DefaultFieldThreshold = 0.8
	DefaultClassThreshold = 0.5
)

// OrDefault returns t with its unset (zero or negative) thresholds at
// their defaults.
func (t Thresholds) OrDefault() Thresholds {
	if t.Field <= 0 {
		t.Field = DefaultFieldThreshold
	}
	if t.Class <= 0 {
		t.Class = DefaultClassThreshold
	}
	return t
}

// Verification is a reviewer's verification of a whole record.
type Verification struct {
	By     string    `json:"by"`      // token or user ID
	ByName string    `json:"by_name"` // its label
	At     time.Time `json:"at"`
}

// Correction keeps the extracted value of a field a reviewer corrected.
type Correction struct {
	Value      string    `json:"value,omitempty"`
	Values     []string  `json:"values,omitempty"`
	Confidence float64   `json:"confidence"`
	Reasons    []string  `json:"reasons,omitempty"`
	By         string    `json:"by"`
	ByName     string    `json:"by_name"`
	At         time.Time `json:"at"`
}

// ReviewReasons returns why record r of document d needs review, sorted:
// "low_confidence:<field>", "invalid:<field>", "missing:<field>",
// "class_uncertain", "page_failed:<n>". Fields a reviewer set are trusted;
// a verified record has none.
func ReviewReasons(d *Document, r *Record, th Thresholds) []string {
	if r.Verified != nil {
		return nil
	}
	var out []string
	for name, f := range r.Fields {
		if f.Source == SourceReviewer {
			continue
		}
		invalid := slices.ContainsFunc(f.Reasons, func(c string) bool { return strings.HasPrefix(c, "validator:") })
		switch {
		case invalid:
			out = append(out, ReasonInvalid+":"+name)
		case f.Confidence < th.Field || len(f.Reasons) > 0:
			out = append(out, ReasonLowConfidence+":"+name)
		}
	}
	for _, name := range r.Missing {
		if f, ok := r.Fields[name]; !ok || f.Source != SourceReviewer {
			out = append(out, ReasonMissing+":"+name)
		}
	}
	if r.ClassConfidence < th.Class {
		out = append(out, ReasonClassUncertain)
	}
	if d != nil {
		for n := range d.PageErrors {
			out = append(out, ReasonPageFailed+":"+strconv.Itoa(int(n)))
		}
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// ReviewStatus returns the record's review status given its reasons.
func ReviewStatus(r *Record, reasons []string) string {
	switch {
	case r.Verified != nil:
		return StatusVerified
	case len(reasons) > 0:
		return StatusNeedsReview
	}
	return StatusAuto
}

// UncertainFields counts the distinct fields named by reasons.
func UncertainFields(reasons []string) int {
	seen := map[string]bool{}
	for _, r := range reasons {
		kind, field, ok := strings.Cut(r, ":")
		if ok && kind != ReasonPageFailed {
			seen[field] = true
		}
	}
	return len(seen)
}

// HasReason reports whether reasons hold want, given as a whole reason
// ("missing:subject") or a kind ("missing").
func HasReason(reasons []string, want string) bool {
	return slices.ContainsFunc(reasons, func(r string) bool {
		kind, _, _ := strings.Cut(r, ":")
		return r == want || kind == want
	})
}

// Edit is a reviewer's value for one field: Values for a list field.
type Edit struct {
	Value  string
	Values []string
}

// Correct applies a reviewer's edits to r, by the principal id (labelled
// name) at time at. A changed field keeps its extracted value in
// Correction (the first one, over several corrections); a field set to
// the value it had is confirmed (source reviewer, no correction). A new
// field takes sensitivity unknown (fields the record does not have, such
// as missing ones) from newSens. It returns the names of the fields whose
// value changed, sorted.
func Correct(r *Record, edits map[string]Edit, id, name string, at time.Time, newSens func(field string) domain.Sensitivity) []string {
	var changed []string
	if r.Fields == nil {
		r.Fields = map[string]Field{}
	}
	for field, e := range edits {
		f, ok := r.Fields[field]
		if !ok {
			f = Field{Sensitivity: newSens(field)}
		}
		if f.Value != e.Value || !slices.Equal(f.Values, e.Values) {
			changed = append(changed, field)
			if f.Correction == nil {
				f.Correction = &Correction{Value: f.Value, Values: f.Values, Confidence: f.Confidence, Reasons: f.Reasons}
			}
			f.Correction.By, f.Correction.ByName, f.Correction.At = id, name, at
			f.Value, f.Values = e.Value, e.Values
		}
		f.Source, f.Confidence, f.Reasons = SourceReviewer, 1, nil
		r.Fields[field] = f
	}
	sort.Strings(changed)
	return changed
}

// ReviewItem is a finished document of a batch with its review state.
type ReviewItem struct {
	Document *Document
	Record   *Record
	// Reasons are ReviewReasons; Status is ReviewStatus.
	Reasons []string
	Status  string
}

// ReviewItems returns the finished documents of batch b (status done,
// with a record), each once, in the batch's order, with their review
// state under th.
func (c *Catalog) ReviewItems(ctx context.Context, b *Batch, th Thresholds) ([]ReviewItem, error) {
	var out []ReviewItem
	seen := map[domain.DocumentID]bool{}
	for _, it := range b.Items {
		if it.DocumentID == "" || it.Rejected != nil || seen[it.DocumentID] {
			continue
		}
		seen[it.DocumentID] = true
		d, err := c.GetDocument(ctx, it.DocumentID)
		if errors.Is(err, ErrNotFound) {
			continue // purged
		}
		if err != nil {
			return nil, err
		}
		if d.Status != domain.DocDone || d.BatchID != b.ID {
			continue
		}
		r, err := c.GetRecord(ctx, d.ID)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		reasons := ReviewReasons(d, r, th)
		out = append(out, ReviewItem{Document: d, Record: r, Reasons: reasons, Status: ReviewStatus(r, reasons)})
	}
	return out, nil
}

// BatchReview sums up the review state of a batch's finished documents.
type BatchReview struct {
	// Finished counts the documents with a record (status done).
	Finished int `json:"finished"`
	// Auto counts those accepted without review (every field confident).
	Auto int `json:"auto"`
	// NeedsReview counts those in the review queue; Verified those a
	// reviewer verified.
	NeedsReview int `json:"needs_review"`
	Verified    int `json:"verified"`
	// AutoShare is Auto / Finished (0 when nothing is finished).
	AutoShare float64 `json:"auto_share"`
}

// SummarizeReview sums up items (as ReviewItems returns them).
func SummarizeReview(items []ReviewItem) BatchReview {
	s := BatchReview{Finished: len(items)}
	for _, it := range items {
		switch it.Status {
		case StatusAuto:
			s.Auto++
		case StatusNeedsReview:
			s.NeedsReview++
		case StatusVerified:
			s.Verified++
		}
	}
	if s.Finished > 0 {
		s.AutoShare = float64(s.Auto) / float64(s.Finished)
	}
	return s
}

// QueueFilter narrows the review queue: one batch, a reason (whole or
// kind, as HasReason), a class. Zero fields do not filter.
type QueueFilter struct {
	Batch  domain.BatchID
	Reason string
	Class  string
}

// ReviewQueue returns the documents that need review under th, oldest
// batch first and, within a batch, those with more uncertain fields first
// (then in the batch's order). A filter on an unknown batch is ErrNotFound.
func (c *Catalog) ReviewQueue(ctx context.Context, th Thresholds, f QueueFilter) ([]ReviewItem, error) {
	var out []ReviewItem
	err := c.eachBatch(ctx, f.Batch, func(b *Batch) error {
		items, err := c.ReviewItems(ctx, b, th)
		if err != nil {
			return err
		}
		items = slices.DeleteFunc(items, func(it ReviewItem) bool {
			return it.Status != StatusNeedsReview || (f.Reason != "" && !HasReason(it.Reasons, f.Reason)) ||
				(f.Class != "" && it.Record.Class != f.Class)
		})
		sort.SliceStable(items, func(i, j int) bool {
			return UncertainFields(items[i].Reasons) > UncertainFields(items[j].Reasons)
		})
		out = append(out, items...)
		return nil
	})
	return out, err
}
