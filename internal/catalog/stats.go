package catalog

import (
	"context"
	"errors"
	"slices"
	"sort"

	"github.com/sohoa/sohoa/internal/domain"
)

// FieldAccuracy is how one field of one class fared on verified records:
// every verified record is ground truth for the values it holds.
type FieldAccuracy struct {
	Field string `json:"field"`
	// Documents counts the verified documents where the field was
	// extracted or is present after review.
	Documents int `json:"documents"`
	// Extracted counts those where extraction gave a value; Present those
	// with a value after review; Right those where the extracted value is
	// the verified one.
	Extracted int `json:"extracted"`
	Present   int `json:"present"`
	Right     int `json:"right"`
	// Changed counts the values the reviewer changed (corrected, added
	// or removed): extracted value != verified value.
	Changed int `json:"changed"`
	// Precision is Right / Extracted; Recall is Right / Present (0 when
	// the denominator is 0).
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	// Above counts the extracted values at or above the confidence
	// threshold (accepted without review); AboveRight those that were
	// right, AbovePrecision their share: the calibration check on the
	// deployment's own records.
	Above          int     `json:"above_threshold"`
	AboveRight     int     `json:"above_threshold_right"`
	AbovePrecision float64 `json:"above_threshold_precision"`
}

// ClassAccuracy sums up one class: its verified documents and its fields
// (sorted by name), with the class's totals over every field in All (whose
// Documents are the class's).
type ClassAccuracy struct {
	Class     string          `json:"class"`
	Documents int             `json:"documents"`
	All       FieldAccuracy   `json:"all"`
	Fields    []FieldAccuracy `json:"fields"`
}

// Accuracy is the measured accuracy of extraction on the verified
// records, per class (sorted by name), at the confidence threshold
// Threshold, with the totals over every class in All.
type Accuracy struct {
	Threshold float64         `json:"threshold"`
	Documents int             `json:"documents"`
	All       FieldAccuracy   `json:"all"`
	Classes   []ClassAccuracy `json:"classes"`
}

// StatsFilter narrows the records measured: one batch, one class.
type StatsFilter struct {
	Batch domain.BatchID
	Class string
}

// Verified returns the verified records (with their documents), oldest
// batch first and in each batch's order. A filter on an unknown batch is
// ErrNotFound.
func (c *Catalog) Verified(ctx context.Context, f StatsFilter) ([]ReviewItem, error) {
	var out []ReviewItem
	err := c.eachBatch(ctx, f.Batch, func(b *Batch) error {
		items, err := c.ReviewItems(ctx, b, Thresholds{}.OrDefault())
		for _, it := range items {
			if it.Record.Verified != nil && (f.Class == "" || it.Record.Class == f.Class) {
				out = append(out, it)
			}
		}
		return err
	})
	return out, err
}

// eachBatch calls fn with batch only, or with every batch (oldest first,
// skipping those purged meanwhile) when only is "". An unknown batch only
// is ErrNotFound.
func (c *Catalog) eachBatch(ctx context.Context, only domain.BatchID, fn func(*Batch) error) error {
	ids := []domain.BatchID{only}
	if only == "" {
		var err error
		if ids, err = c.BatchIDs(ctx); err != nil {
			return err
		}
		slices.Reverse(ids) // batch IDs are time-ordered: oldest first
	}
	for _, id := range ids {
		b, err := c.GetBatch(ctx, id)
		if errors.Is(err, ErrNotFound) && only == "" {
			continue
		}
		if err != nil {
			return err
		}
		if err := fn(b); err != nil {
			return err
		}
	}
	return nil
}

// Extracted is a field's value as extraction gave it, with its confidence.
type Extracted struct {
	Value      string
	Values     []string
	Confidence float64
}

func (e Extracted) empty() bool { return e.Value == "" && len(e.Values) == 0 }

// ExtractedValues returns, for each field of record r (its current
// version, last of history), what extraction gave: the value a correction
// keeps; otherwise, for a field a reviewer confirmed, its value and
// confidence in the last version where extraction had set it; otherwise
// the field as it stands. history is RecordHistory's answer (oldest
// first); nil uses the current version alone.
func ExtractedValues(r *Record, history []*Record) map[string]Extracted {
	out := map[string]Extracted{}
	for _, v := range history {
		for name, f := range v.Fields {
			if f.Source != SourceReviewer {
				out[name] = Extracted{Value: f.Value, Values: f.Values, Confidence: f.Confidence}
			}
		}
	}
	for name, f := range r.Fields {
		switch {
		case f.Correction != nil:
			out[name] = Extracted{Value: f.Correction.Value, Values: f.Correction.Values, Confidence: f.Correction.Confidence}
		case f.Source != SourceReviewer:
			out[name] = Extracted{Value: f.Value, Values: f.Values, Confidence: f.Confidence}
		}
	}
	return out
}

// Measure computes the accuracy of extraction on verified records, each
// given with its history (RecordHistory, current version last), at the
// field confidence threshold th.
func Measure(histories [][]*Record, th float64) Accuracy {
	acc := Accuracy{Threshold: th, All: FieldAccuracy{Field: "*"}}
	classes := map[string]*ClassAccuracy{}
	fields := map[string]map[string]*FieldAccuracy{}
	for _, h := range histories {
		if len(h) == 0 {
			continue
		}
		r := h[len(h)-1]
		ca := classes[r.Class]
		if ca == nil {
			ca = &ClassAccuracy{Class: r.Class, All: FieldAccuracy{Field: "*"}}
			classes[r.Class], fields[r.Class] = ca, map[string]*FieldAccuracy{}
		}
		acc.Documents++
		ca.Documents++
		ext := ExtractedValues(r, h[:len(h)-1])
		names := map[string]bool{}
		for n := range ext {
			names[n] = true
		}
		for n := range r.Fields {
			names[n] = true
		}
		for name := range names {
			e, f := ext[name], r.Fields[name]
			truth := Extracted{Value: f.Value, Values: f.Values}
			if e.empty() && truth.empty() {
				continue
			}
			fa := fields[r.Class][name]
			if fa == nil {
				fa = &FieldAccuracy{Field: name}
				fields[r.Class][name] = fa
			}
			right := !e.empty() && e.Value == truth.Value && slices.Equal(e.Values, truth.Values)
			for _, a := range []*FieldAccuracy{fa, &ca.All, &acc.All} {
				a.count(e, truth, right, th)
			}
		}
	}
	for name, ca := range classes {
		for _, fa := range fields[name] {
			fa.rates()
			ca.Fields = append(ca.Fields, *fa)
		}
		sort.Slice(ca.Fields, func(i, j int) bool { return ca.Fields[i].Field < ca.Fields[j].Field })
		ca.All.rates()
		ca.All.Documents = ca.Documents
		acc.Classes = append(acc.Classes, *ca)
	}
	sort.Slice(acc.Classes, func(i, j int) bool { return acc.Classes[i].Class < acc.Classes[j].Class })
	acc.All.rates()
	acc.All.Documents = acc.Documents
	if acc.Classes == nil {
		acc.Classes = []ClassAccuracy{}
	}
	return acc
}

func (a *FieldAccuracy) count(e, truth Extracted, right bool, th float64) {
	a.Documents++
	if !e.empty() {
		a.Extracted++
		if e.Confidence >= th {
			a.Above++
			if right {
				a.AboveRight++
			}
		}
	}
	if !truth.empty() {
		a.Present++
	}
	if right {
		a.Right++
	} else {
		a.Changed++
	}
}

func (a *FieldAccuracy) rates() {
	a.Precision = ratio(a.Right, a.Extracted)
	a.Recall = ratio(a.Right, a.Present)
	a.AbovePrecision = ratio(a.AboveRight, a.Above)
}

func ratio(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) / float64(d)
}

// MeasureVerified measures the accuracy of extraction on the verified
// records f selects, at the field confidence threshold th.
func (c *Catalog) MeasureVerified(ctx context.Context, f StatsFilter, th float64) (Accuracy, error) {
	items, err := c.Verified(ctx, f)
	if err != nil {
		return Accuracy{}, err
	}
	hs := make([][]*Record, 0, len(items))
	for _, it := range items {
		h, err := c.RecordHistory(ctx, it.Document.ID)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return Accuracy{}, err
		}
		hs = append(hs, h)
	}
	return Measure(hs, th), nil
}
