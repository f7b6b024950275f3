package catalog_test

import (
	"testing"
	"time"

	"github.com/sohoa/sohoa/internal/catalog"
	"github.com/sohoa/sohoa/internal/domain"
)

// TestMeasure: on verified records, a confirmed value is right, a
// corrected one is changed (its extracted value and confidence count), an
// added one lowers recall, a removed one lowers precision; the
// above-threshold share counts only confident extracted values.
func TestMeasure(t *testing.T) {
	at := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	pub := func(string) domain.Sensitivity { return domain.Public }
	extracted := func() *catalog.Record {
		return &catalog.Record{Class: "decision", Version: 1, Fields: map[string]catalog.Field{
			"doc_number": {Value: "12", Confidence: 0.95},
			"issuer":     {Value: "UBND", Confidence: 0.9},
			"subject":    {Value: "noise", Confidence: 0.4},
		}}
	}
	// Document 1: doc_number corrected (confident and wrong), issuer
	// confirmed, subject removed, signer_name added.
	v1 := extracted()
	cur := extracted()
	catalog.Correct(cur, map[string]catalog.Edit{"doc_number": {Value: "1234"}, "issuer": {Value: "UBND"},
		"subject": {}, "signer_name": {Value: "Lê Văn A"}}, "t1", "rev", at, pub)
	cur.Version, cur.Verified = 2, &catalog.Verification{By: "t1", At: at}
	// Document 2: verified as extracted.
	v2 := extracted()
	v2.Verified = &catalog.Verification{By: "t1", At: at}

	acc := catalog.Measure([][]*catalog.Record{{v1, cur}, {v2}}, 0.8)
	if acc.Documents != 2 || len(acc.Classes) != 1 || acc.Classes[0].Documents != 2 {
		t.Fatalf("documents %d, classes %+v", acc.Documents, acc.Classes)
	}
	got := map[string]catalog.FieldAccuracy{}
	for _, f := range acc.Classes[0].Fields {
		got[f.Field] = f
	}
	want := map[string]catalog.FieldAccuracy{
		"doc_number":  {Field: "doc_number", Documents: 2, Extracted: 2, Present: 2, Right: 1, Changed: 1, Precision: 0.5, Recall: 0.5, Above: 2, AboveRight: 1, AbovePrecision: 0.5},
		"issuer":      {Field: "issuer", Documents: 2, Extracted: 2, Present: 2, Right: 2, Precision: 1, Recall: 1, Above: 2, AboveRight: 2, AbovePrecision: 1},
		"subject":     {Field: "subject", Documents: 2, Extracted: 2, Present: 1, Right: 1, Changed: 1, Precision: 0.5, Recall: 1},
		"signer_name": {Field: "signer_name", Documents: 1, Present: 1, Changed: 1},
	}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("%s:\n got %+v\nwant %+v", name, got[name], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("fields %v", got)
	}
	all := acc.All
	if all.Changed != 3 || all.Extracted != 6 || all.Right != 4 || all.Above != 4 || all.AboveRight != 3 {
		t.Errorf("totals %+v", all)
	}
}
