package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/sohoa/sohoa/internal/audit"
	"github.com/sohoa/sohoa/internal/catalog"
	"github.com/sohoa/sohoa/internal/domain"
)

// EvalOptions say what sohoa eval measures and exports.
type EvalOptions struct {
	// Batch and Class narrow the verified records measured.
	Batch domain.BatchID
	Class string
	// ExportDir, when set, receives the verified documents (ExportEval).
	ExportDir string
	// Personal exports personal and sensitive values, the OCR text and
	// the page images of every document; it needs Reason, which the audit
	// keeps (encrypted).
	Personal bool
	Reason   string
}

// EvalThreshold is the field confidence threshold the review queue uses
// on this configuration (review.confidence_threshold, or the extractor's
// calibrated one).
func EvalThreshold(cfg Config) (float64, error) {
	if t := cfg.Review.ConfidenceThreshold; t > 0 {
		return t, nil
	}
	e, err := loadExtractor(cfg)
	if err != nil {
		return 0, fmt.Errorf("eval: load the extractor for its threshold: %w", err)
	}
	return reviewThreshold(cfg, e), nil
}

// Eval measures extraction on the verified records of core's data
// directory at threshold th (catalog.MeasureVerified), audits it as the
// command line ("cli", admin) and, when o.ExportDir is set, exports them.
func Eval(ctx context.Context, core *Core, o EvalOptions, th float64) (catalog.Accuracy, error) {
	if o.Personal && strings.TrimSpace(o.Reason) == "" {
		return catalog.Accuracy{}, errors.New("eval: personal values are exported only with a reason (--reason)")
	}
	f := catalog.StatsFilter{Batch: o.Batch, Class: o.Class}
	acc, err := core.Catalog.MeasureVerified(ctx, f, th)
	if err != nil {
		return acc, fmt.Errorf("eval: %w", err)
	}
	if _, err := core.Audit.Append(ctx, audit.Event{Actor: audit.Actor{Name: "cli"}, Role: "admin", Action: "review_stats",
		Object: string(o.Batch), Details: map[string]string{"documents": strconv.Itoa(acc.Documents)}}); err != nil {
		return acc, fmt.Errorf("eval: audit: %w", err)
	}
	if o.ExportDir == "" {
		return acc, nil
	}
	return acc, ExportEval(ctx, core, f, o, th)
}

// evalValue is a field of an exported record: the verified value and
// what extraction gave.
type evalValue struct {
	Value       string             `json:"value,omitempty"`
	Values      []string           `json:"values,omitempty"`
	Sensitivity domain.Sensitivity `json:"sensitivity"`
	Source      string             `json:"source"`
	Extracted   *evalExtracted     `json:"extracted,omitempty"`
}

type evalExtracted struct {
	Value      string   `json:"value,omitempty"`
	Values     []string `json:"values,omitempty"`
	Confidence float64  `json:"confidence"`
}

// evalRecord is an exported verified document (DIR/<id>/record.json).
type evalRecord struct {
	DocumentID domain.DocumentID    `json:"document_id"`
	BatchID    domain.BatchID       `json:"batch_id"`
	Class      string               `json:"class"`
	Pages      int                  `json:"pages"`
	VerifiedAt time.Time            `json:"verified_at"`
	Fields     map[string]evalValue `json:"fields"`
	// Withheld names the fields whose values were left out (personal or
	// sensitive, exported without --personal); Images and OCR list the
	// files written, empty when the document's pages show personal data
	// and personal values were not asked for.
	Withheld []string `json:"withheld,omitempty"`
	Images   []string `json:"images,omitempty"`
	OCR      []string `json:"ocr,omitempty"`
}

// ExportEval writes the verified records f selects under o.ExportDir (a
// new or empty directory, mode 0700): per document a folder with
// record.json (verified and extracted values), its page images and their
// OCR (page-NNN.<ext>, page-NNN.ocr.json), and manifest.json. Without
// o.Personal, personal and sensitive values are withheld, and documents
// holding personal data (values, mentions or personal text) get neither
// page images nor OCR: the rule of the batch export for a caller without a
// reason. The export is audited before anything is written (action
// export, scope eval) with the number of documents and the names of the
// personal fields released, never a value; o.Reason goes to the audit
// encrypted.
func ExportEval(ctx context.Context, core *Core, f catalog.StatsFilter, o EvalOptions, th float64) error {
	dir := o.ExportDir
	if err := emptyDir(dir); err != nil {
		return err
	}
	items, err := core.Catalog.Verified(ctx, f)
	if err != nil {
		return fmt.Errorf("eval export: %w", err)
	}
	// The audit comes first: no audit record, no export.
	released := map[string]bool{}
	for _, it := range items {
		for name, f := range it.Record.Fields {
			if o.Personal && f.Sensitivity != domain.Public && f.Sensitivity != domain.Secret {
				released[name] = true
			}
		}
	}
	names := make([]string, 0, len(released))
	for k := range released {
		names = append(names, k)
	}
	slices.Sort(names)
	details := map[string]string{"scope": "eval", "documents": strconv.Itoa(len(items)), "personal": strconv.FormatBool(o.Personal)}
	if len(names) > 0 {
		details["unmasked"] = strings.Join(names, ",")
	}
	if _, err := core.Audit.Append(ctx, audit.Event{Actor: audit.Actor{Name: "cli"}, Role: "admin", Action: audit.ActionExport,
		Object: string(f.Batch), Reason: o.Reason, Details: details}); err != nil {
		return fmt.Errorf("eval export: audit: %w", err)
	}
	n := 0
	for _, it := range items {
		h, err := core.Catalog.RecordHistory(ctx, it.Document.ID)
		if errors.Is(err, catalog.ErrNotFound) {
			continue // purged meanwhile
		}
		if err != nil {
			return fmt.Errorf("eval export %s: %w", it.Document.ID, err)
		}
		if err := exportEvalDoc(ctx, core.Catalog, filepath.Join(dir, string(it.Document.ID)), h, o.Personal); err != nil {
			return fmt.Errorf("eval export %s: %w", it.Document.ID, err)
		}
		n++
	}
	man := map[string]any{"documents": n, "threshold": th, "personal": o.Personal, "exported_at": time.Now().UTC()}
	return writeJSONFile(filepath.Join(dir, "manifest.json"), man)
}

// exportEvalDoc writes one verified document (history: RecordHistory,
// current version last) into dir.
func exportEvalDoc(ctx context.Context, cat *catalog.Catalog, dir string, history []*catalog.Record, personal bool) error {
	r := history[len(history)-1]
	out := evalRecord{DocumentID: r.DocumentID, BatchID: r.BatchID, Class: r.Class, Pages: r.Pages, Fields: map[string]evalValue{}}
	if r.Verified != nil {
		out.VerifiedAt = r.Verified.At
	}
	ext := catalog.ExtractedValues(r, history[:len(history)-1])
	shows := personal || !holdsPersonal(r)
	for name, f := range r.Fields {
		if f.Sensitivity == domain.Secret {
			continue
		}
		if f.Sensitivity != domain.Public && !personal {
			out.Withheld = append(out.Withheld, name)
			continue
		}
		v := evalValue{Value: f.Value, Values: f.Values, Sensitivity: f.Sensitivity, Source: cmpSource(f.Source)}
		if e, ok := ext[name]; ok {
			v.Extracted = &evalExtracted{Value: e.Value, Values: e.Values, Confidence: e.Confidence}
		}
		out.Fields[name] = v
	}
	slices.Sort(out.Withheld)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	for p := 1; shows && p <= r.Pages; p++ {
		n := domain.PageNo(p)
		img, err := cat.GetPageImage(ctx, r.DocumentID, n)
		if err == nil {
			name := fmt.Sprintf("page-%03d.%s", p, imageExt(img))
			if err := os.WriteFile(filepath.Join(dir, name), img, 0o600); err != nil {
				return err
			}
			out.Images = append(out.Images, name)
		} else if !errors.Is(err, catalog.ErrNotFound) {
			return err
		}
		pg, err := cat.GetPage(ctx, r.DocumentID, n)
		if err == nil {
			name := fmt.Sprintf("page-%03d.ocr.json", p)
			if err := writeJSONFile(filepath.Join(dir, name), pg); err != nil {
				return err
			}
			out.OCR = append(out.OCR, name)
		} else if !errors.Is(err, catalog.ErrNotFound) {
			return err
		}
	}
	return writeJSONFile(filepath.Join(dir, "record.json"), out)
}

func cmpSource(s string) string {
	if s == "" {
		return catalog.SourceOCR
	}
	return s
}

// holdsPersonal reports whether record r holds personal data: a value of
// a field that is not public, a mention, or a text with personal spans.
func holdsPersonal(r *catalog.Record) bool {
	for _, f := range r.Fields {
		if f.Sensitivity != domain.Public && (f.Value != "" || len(f.Values) > 0) {
			return true
		}
	}
	return len(r.Mentions) > 0 || !slices.Equal(r.Text, r.Redacted)
}

// imageExt names an image's format from its bytes.
func imageExt(b []byte) string {
	switch ct := http.DetectContentType(b); {
	case ct == "image/png":
		return "png"
	case ct == "image/jpeg":
		return "jpg"
	case strings.HasPrefix(string(b), "II*\x00"), strings.HasPrefix(string(b), "MM\x00*"):
		return "tif"
	}
	return "bin"
}

// emptyDir makes dir (mode 0700) or checks that it is empty.
func emptyDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("eval export: %w", err)
	}
	es, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("eval export: %w", err)
	}
	if len(es) > 0 {
		return fmt.Errorf("eval export: %s is not empty", dir)
	}
	return nil
}

func writeJSONFile(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o600)
}

// PrintAccuracy writes acc as a table: per class, its totals and each
// field's documents, changed values, precision, recall and the precision
// of the values at or above the threshold.
func PrintAccuracy(w io.Writer, acc catalog.Accuracy) error {
	fmt.Fprintf(w, "%d văn bản đã duyệt / verified documents; ngưỡng tin cậy / confidence threshold %.2f\n", acc.Documents, acc.Threshold)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "class\tfield\tdocuments\tchanged\tprecision\trecall\t≥ threshold right/n\tprecision ≥ threshold\t")
	rate := func(r float64, n int) string { // "-" when nothing was counted
		if n == 0 {
			return "-"
		}
		return fmt.Sprintf("%.3f", r)
	}
	row := func(class string, f catalog.FieldAccuracy) {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\t%s\t%d/%d\t%s\t\n", class, f.Field, f.Documents, f.Changed, rate(f.Precision, f.Extracted),
			rate(f.Recall, f.Present), f.AboveRight, f.Above, rate(f.AbovePrecision, f.Above))
	}
	for _, c := range acc.Classes {
		for _, f := range c.Fields {
			row(c.Class, f)
		}
		row(c.Class, c.All)
	}
	row("*", acc.All)
	return tw.Flush()
}
