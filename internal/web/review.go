package web

import (
	"net/http"
	"sort"
	"strings"

	"github.com/sohoa/sohoa/internal/access"

	"github.com/sohoa/sohoa/internal/catalog"
	"github.com/sohoa/sohoa/internal/domain"
)

// batchReview sums up the review state of a batch's finished documents:
// how many were accepted without review, wait for review, or were verified.
func (s *Server) batchReview(r *http.Request, id domain.BatchID) (catalog.BatchReview, error) {
	b, err := s.d.Catalog.GetBatch(r.Context(), id)
	if err != nil {
		return catalog.BatchReview{}, err
	}
	items, err := s.d.Catalog.ReviewItems(r.Context(), b, s.d.Review.OrDefault())
	if err != nil {
		return catalog.BatchReview{}, err
	}
	return catalog.SummarizeReview(items), nil
}

// reviewRow is a document of the review queue page.
type reviewRow struct {
	ID      domain.DocumentID
	Name    string
	Batch   domain.BatchID
	Class   string
	Reasons []string // in the page's language
}

// reasonText returns a review reason ("low_confidence:doc_number") in
// lang: the kind's sentence and the field's label.
func reasonText(lang, reason string) string {
	kind, what, _ := strings.Cut(reason, ":")
	if kind == catalog.ReasonPageFailed {
		return tr(lang, "review.reason."+kind, what)
	}
	if what != "" {
		what = fieldLabel(lang, what)
	}
	return tr(lang, "review.reason."+kind, what)
}

// reviewQueuePage lists the review queue (reviewer): oldest batch first,
// more uncertain fields first.
func (s *Server) reviewQueuePage(w http.ResponseWriter, r *http.Request, v *view) error {
	q, err := s.d.Catalog.ReviewQueue(r.Context(), s.d.Review.OrDefault(), catalog.QueueFilter{})
	if err != nil {
		return err
	}
	rows := make([]reviewRow, 0, len(q))
	for _, it := range q {
		row := reviewRow{ID: it.Document.ID, Name: it.Document.Name, Batch: it.Document.BatchID, Class: v.ClassLabel(it.Record.Class)}
		for _, why := range it.Reasons {
			row.Reasons = append(row.Reasons, reasonText(v.Lang, why))
		}
		rows = append(rows, row)
	}
	v.Title = v.T("review.title")
	v.Data = rows
	s.render(w, v, http.StatusOK, "review_queue")
	return nil
}

// reviewField is a field on the review screen.
type reviewField struct {
	Name, Label, Value string
	Reasons            []string // in the page's language; empty when confident
	List               bool     // a list field: values separated by "; "
	Validate           string   // "cccd", "date" or "" for the in-browser check
	Boxes              string   // its words on the page image (fieldBoxes)
}

// reviewData is the review screen.
type reviewData struct {
	Doc      *catalog.Document
	Version  int
	Pages    []int
	Fields   []reviewField // uncertain first
	Reasons  []string      // the document's other reasons (class, pages)
	Next     domain.DocumentID
	Progress catalog.BatchReview
	Done     int // verified or accepted of the batch
}

// reviewPage is the review screen of one document (reviewer): the page
// images beside the fields, uncertain ones first with their reasons.
// Opening it is audited like the record view.
func (s *Server) reviewPage(w http.ResponseWriter, r *http.Request, v *view) error {
	dec, doc, err := s.decideDocument(r, v, access.Record)
	if err != nil {
		return err
	}
	id := doc.ID
	rec, err := s.d.Catalog.GetRecord(r.Context(), id)
	if err != nil {
		return err
	}
	th := s.d.Review.OrDefault()
	reasons := catalog.ReviewReasons(doc, rec, th)
	byField := map[string][]string{}
	d := reviewData{Doc: doc, Version: rec.CurrentVersion()}
	for _, why := range reasons {
		kind, field, _ := strings.Cut(why, ":")
		if field == "" || kind == catalog.ReasonPageFailed {
			d.Reasons = append(d.Reasons, reasonText(v.Lang, why))
			continue
		}
		byField[field] = append(byField[field], reasonText(v.Lang, why))
	}
	ap := dec.Apply(rec)
	seen := map[string]bool{}
	pages := map[domain.PageNo]*domain.Page{}
	for _, f := range ap.Fields {
		if f.Outcome != access.Clear {
			continue // secret: never shown, never corrected here
		}
		seen[f.Name] = true
		rf := reviewField{Name: f.Name, Label: fieldLabel(v.Lang, f.Name), Value: f.Field.Value, Reasons: byField[f.Name],
			List: len(f.Field.Values) > 0, Validate: validation(f.Name)}
		if rf.List {
			rf.Value = strings.Join(f.Field.Values, "; ")
		}
		if dec.Scans() == access.Clear {
			rf.Boxes = s.fieldBoxes(r.Context(), id, f.Field, pages)
		}
		d.Fields = append(d.Fields, rf)
	}
	for _, name := range rec.Missing {
		if !seen[name] {
			d.Fields = append(d.Fields, reviewField{Name: name, Label: fieldLabel(v.Lang, name), Reasons: byField[name], Validate: validation(name)})
		}
	}
	sort.SliceStable(d.Fields, func(i, j int) bool { return len(d.Fields[i].Reasons) > 0 && len(d.Fields[j].Reasons) == 0 })
	if dec.Scans() == access.Clear {
		for n := 1; n <= rec.Pages; n++ {
			d.Pages = append(d.Pages, n)
		}
	}
	q, err := s.d.Catalog.ReviewQueue(r.Context(), th, catalog.QueueFilter{})
	if err != nil {
		return err
	}
	for i, it := range q {
		if it.Document.ID == id && i+1 < len(q) {
			d.Next = q[i+1].Document.ID
		}
	}
	if d.Next == "" && len(q) > 0 && q[0].Document.ID != id {
		d.Next = q[0].Document.ID
	}
	if b, err := s.d.Catalog.GetBatch(r.Context(), doc.BatchID); err == nil {
		items, err := s.d.Catalog.ReviewItems(r.Context(), b, th)
		if err != nil {
			return err
		}
		d.Progress = catalog.SummarizeReview(items)
		d.Done = d.Progress.Auto + d.Progress.Verified
	}
	if err := s.auditView(r, v, dec, string(id), ap.Released, map[string]string{"review": "true"}); err != nil {
		return err
	}
	v.Title = v.T("review.doc", doc.Name)
	v.Data = d
	s.render(w, v, http.StatusOK, "review")
	return nil
}

// validation names the in-browser check of a field: "cccd" (12 digits),
// "date" (YYYY-MM-DD), or "" for none. The server's validators decide.
func validation(field string) string {
	switch {
	case field == "cccd":
		return "cccd"
	case strings.HasSuffix(field, "_date"):
		return "date"
	}
	return ""
}

// decideDocument returns the signed-in user's decision for view and the
// document the path names, or the error that refuses them.
func (s *Server) decideDocument(r *http.Request, v *view, view access.View) (access.Decision, *catalog.Document, error) {
	dec, err := decide(v, view, "")
	if err != nil {
		return dec, nil, err
	}
	id, err := docID(r)
	if err != nil {
		return dec, nil, err
	}
	doc, err := s.d.Catalog.GetDocument(r.Context(), id)
	return dec, doc, err
}
