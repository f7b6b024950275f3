package catalog_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sohoa/sohoa/internal/catalog"
	"github.com/sohoa/sohoa/internal/domain"
)

func TestReviewReasons(t *testing.T) {
	th := catalog.Thresholds{Field: 0.8, Class: 0.5}
	sure := catalog.Field{Value: "12", Confidence: 0.95, Sensitivity: domain.Public}
	tests := []struct {
		name   string
		doc    *catalog.Document
		rec    *catalog.Record
		want   []string
		status string
	}{
		{"all confident", nil, &catalog.Record{ClassConfidence: 0.9, Fields: map[string]catalog.Field{"doc_number": sure}}, nil, catalog.StatusAuto},
		{"low field", nil, &catalog.Record{ClassConfidence: 0.9, Fields: map[string]catalog.Field{
			"doc_number": {Value: "12", Confidence: 0.5}, "issuer": sure}}, []string{"low_confidence:doc_number"}, catalog.StatusNeedsReview},
		{"reason on a confident field", nil, &catalog.Record{ClassConfidence: 0.9, Fields: map[string]catalog.Field{
			"doc_number": {Value: "12", Confidence: 0.9, Reasons: []string{"handwriting"}}}}, []string{"low_confidence:doc_number"}, catalog.StatusNeedsReview},
		{"validator", nil, &catalog.Record{ClassConfidence: 0.9, Fields: map[string]catalog.Field{
			"cccd": {Value: "1", Confidence: 0.9, Reasons: []string{"validator:cccd_province"}}}}, []string{"invalid:cccd"}, catalog.StatusNeedsReview},
		{"missing, class, page", &catalog.Document{PageErrors: map[domain.PageNo]string{2: "unreadable"}},
			&catalog.Record{ClassConfidence: 0.3, Missing: []string{"subject"}},
			[]string{"class_uncertain", "missing:subject", "page_failed:2"}, catalog.StatusNeedsReview},
		{"corrected field trusted", nil, &catalog.Record{ClassConfidence: 0.9, Missing: []string{"subject"}, Fields: map[string]catalog.Field{
			"subject": {Value: "x", Confidence: 1, Source: catalog.SourceReviewer}}}, nil, catalog.StatusAuto},
		{"verified", nil, &catalog.Record{ClassConfidence: 0.1, Verified: &catalog.Verification{By: "t"}}, nil, catalog.StatusVerified},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := catalog.ReviewReasons(tc.doc, tc.rec, th)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("reasons (-want +got)\n%s", diff)
			}
			if s := catalog.ReviewStatus(tc.rec, got); s != tc.status {
				t.Errorf("status %s, want %s", s, tc.status)
			}
		})
	}
	if n := catalog.UncertainFields([]string{"low_confidence:a", "invalid:a", "missing:b", "class_uncertain", "page_failed:1"}); n != 2 {
		t.Errorf("UncertainFields = %d, want 2", n)
	}
}

// TestUpdateRecordVersions: a correction makes a new version keeping the
// extracted value; an update from a stale version is refused with who
// changed it; the history holds every version, sealed like the record.
func TestUpdateRecordVersions(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	rec := &catalog.Record{DocumentID: docA, FinalizedAt: when, Fields: map[string]catalog.Field{
		"doc_number": {Value: "1284", Confidence: 0.4, Sensitivity: domain.Public},
		"cccd":       {Values: []string{"001190012345"}, Confidence: 0.9, Sensitivity: domain.Personal},
	}}
	if err := e.cat.PutRecord(ctx, rec); err != nil {
		t.Fatal(err)
	}
	correct := func(version int, value string) (*catalog.Record, error) {
		return e.cat.UpdateRecord(ctx, docA, version, func(r *catalog.Record) error {
			changed := catalog.Correct(r, map[string]catalog.Edit{"doc_number": {Value: value}}, "tok-r", "Chị Lan", when, nil)
			r.Revision = &catalog.Revision{By: "tok-r", ByName: "Chị Lan", At: when, Changed: changed}
			return nil
		})
	}
	got, err := correct(1, "1234")
	if err != nil {
		t.Fatal(err)
	}
	f := got.Fields["doc_number"]
	if got.Version != 2 || f.Value != "1234" || f.Source != catalog.SourceReviewer || f.Correction == nil || f.Correction.Value != "1284" {
		t.Fatalf("version %d field %+v", got.Version, f)
	}
	_, err = correct(1, "9999")
	var conflict *catalog.ConflictError
	if !errors.As(err, &conflict) || conflict.Version != 2 || conflict.ByName != "Chị Lan" {
		t.Fatalf("stale update: %v", err)
	}
	if _, err := correct(2, "1235"); err != nil {
		t.Fatal(err)
	}
	hist, err := e.cat.RecordHistory(ctx, docA)
	if err != nil {
		t.Fatal(err)
	}
	var values []string
	for _, h := range hist {
		values = append(values, h.Fields["doc_number"].Value)
	}
	if diff := cmp.Diff([]string{"1284", "1234", "1235"}, values); diff != "" {
		t.Errorf("history (-want +got)\n%s", diff)
	}
	if c := hist[2].Fields["doc_number"].Correction; c == nil || c.Value != "1284" {
		t.Errorf("the extracted value is lost after two corrections: %+v", c)
	}
	assertSealed(t, e, "001190012345")
}

// assertSealed fails when any stored object holds one of values in the
// clear.
func assertSealed(t testing.TB, e env, values ...string) {
	t.Helper()
	ctx := context.Background()
	keys, err := e.store.List(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		b, err := e.store.Get(ctx, k)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range values {
			if bytes.Contains(b, []byte(v)) {
				t.Errorf("%s holds personal data in the clear", k)
			}
		}
	}
}

// TestPutExtractedKeepsCorrections: extracting a document again (a retry)
// keeps the earlier record as a version, and the reviewer's values and
// verification carry over; fields no reviewer touched take the new
// extraction.
func TestPutExtractedKeepsCorrections(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	extracted := func(number, issuer string) *catalog.Record {
		return &catalog.Record{DocumentID: docA, FinalizedAt: when, Fields: map[string]catalog.Field{
			"doc_number": {Value: number, Confidence: 0.4, Sensitivity: domain.Public},
			"issuer":     {Value: issuer, Confidence: 0.9, Sensitivity: domain.Public},
		}}
	}
	blinded := 0
	if err := e.cat.PutExtracted(ctx, extracted("1284", "UBND"), func(*catalog.Record) { blinded++ }); err != nil {
		t.Fatal(err)
	}
	_, err := e.cat.UpdateRecord(ctx, docA, 1, func(r *catalog.Record) error {
		catalog.Correct(r, map[string]catalog.Edit{"doc_number": {Value: "1234"}}, "tok-r", "Chị Lan", when, nil)
		r.Verified = &catalog.Verification{By: "tok-r", ByName: "Chị Lan", At: when}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.cat.PutExtracted(ctx, extracted("1289", "UBND tỉnh"), func(*catalog.Record) { blinded++ }); err != nil {
		t.Fatal(err)
	}
	hist, err := e.cat.RecordHistory(ctx, docA)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range hist {
		got = append(got, fmt.Sprintf("v%d %s %s verified=%v", h.Version, h.Fields["doc_number"].Value, h.Fields["issuer"].Value, h.Verified != nil))
	}
	want := []string{"v1 1284 UBND verified=false", "v2 1234 UBND verified=true", "v3 1234 UBND tỉnh verified=true"}
	if diff := cmp.Diff(want, got); diff != "" || blinded != 2 {
		t.Errorf("versions (-want +got), prepared %d times\n%s", blinded, diff)
	}
}
