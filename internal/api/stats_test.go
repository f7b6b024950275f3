package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/sohoa/sohoa/internal/auth"
	"github.com/sohoa/sohoa/internal/catalog"
	"github.com/sohoa/sohoa/internal/domain"
)

// TestReviewStats: reviewers verify documents through the API, correcting
// some fields; the stats count the verified documents and the changed
// values per class and field, with precision, recall and the precision
// above the threshold, for operators only, audited without any value.
func TestReviewStats(t *testing.T) {
	e := newReviewEnv(t)
	path := func(id domain.DocumentID) string { return "/api/v1/documents/" + string(id) + "/fields" }
	for _, p := range []struct {
		doc, body string
	}{
		// cong_van: doc_number 1284 (0.41) corrected, the confident issuer and person confirmed.
		{"one-low", `{"fields":{"doc_number":{"value":"1234"}},"verified":true,"version":1}`},
		// cong_van: all confident, verified as is.
		{"confident", `{"verified":true,"version":1}`},
		// to_khai: the confident CCCD corrected, subject added, doc_number confirmed.
		{"three-low", `{"fields":{"cccd":{"values":["` + newCCCD + `"]},"subject":{"value":"Đề nghị cấp giấy"},"doc_number":{"value":"77"}},"verified":true,"version":1}`},
	} {
		if code, body := e.do(t, auth.RoleReviewer, "PATCH", path(e.docs[p.doc]), p.body, nil); code != 200 {
			t.Fatalf("%s: HTTP %d %s", p.doc, code, body)
		}
	}
	// A correction without verification is not ground truth yet.
	if code, body := e.do(t, auth.RoleReviewer, "PATCH", path(e.docs["class-unsure"]), `{"fields":{"doc_number":{"value":"61"}},"version":1}`, nil); code != 200 {
		t.Fatalf("HTTP %d %s", code, body)
	}
	for _, role := range []auth.Role{auth.RoleUploader, auth.RoleSearcher, auth.RolePIIReader, auth.RoleReviewer} {
		if code, _ := e.do(t, role, "GET", "/api/v1/review/stats", "", nil); code != http.StatusForbidden {
			t.Errorf("%s: HTTP %d, want 403", role, code)
		}
	}
	e.audit.take()

	var acc catalog.Accuracy
	code, body := e.do(t, auth.RoleOperator, "GET", "/api/v1/review/stats", "", &acc)
	if code != 200 {
		t.Fatalf("HTTP %d %s", code, body)
	}
	for _, v := range []string{newCCCD, oldCCCD, citizen, "1284", "1234", "Đề nghị"} {
		if strings.Contains(body, v) {
			t.Errorf("stats hold the value %q", v)
		}
	}
	if acc.Documents != 3 || acc.Threshold != 0.8 || len(acc.Classes) != 2 {
		t.Fatalf("stats: %s", body)
	}
	type row struct{ docs, extracted, present, right, changed, above, aboveRight int }
	want := map[string]row{
		"cong_van/doc_number":   {2, 2, 2, 1, 1, 1, 1},
		"cong_van/issuer":       {2, 2, 2, 2, 0, 2, 2},
		"cong_van/issued_date":  {1, 1, 1, 1, 0, 1, 1},
		"cong_van/person_names": {1, 1, 1, 1, 0, 1, 1},
		"to_khai/doc_number":    {1, 1, 1, 1, 0, 0, 0},
		"to_khai/cccd":          {1, 1, 1, 0, 1, 1, 0},
		"to_khai/issuer":        {1, 1, 1, 1, 0, 1, 1},
		"to_khai/subject":       {1, 0, 1, 0, 1, 0, 0},
	}
	got := map[string]row{}
	for _, c := range acc.Classes {
		for _, f := range c.Fields {
			got[c.Class+"/"+f.Field] = row{f.Documents, f.Extracted, f.Present, f.Right, f.Changed, f.Above, f.AboveRight}
		}
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s = %+v, want %+v", k, got[k], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("fields: %v", got)
	}
	cv := acc.Classes[0]
	if cv.Class != "cong_van" || cv.Documents != 2 || cv.All.Changed != 1 || cv.All.Precision != 5.0/6 || cv.All.AbovePrecision != 1 {
		t.Errorf("cong_van totals: %+v", cv)
	}
	if acc.All.Changed != 3 || acc.All.Above != 7 || acc.All.AboveRight != 6 {
		t.Errorf("totals: %+v", acc.All)
	}

	// Filters, and the audit: counts only.
	code, body = e.do(t, auth.RoleAdmin, "GET", "/api/v1/review/stats?class=to_khai&batch="+string(e.old), "", &acc)
	if code != 200 || acc.Documents != 1 || len(acc.Classes) != 1 || acc.Classes[0].Class != "to_khai" {
		t.Errorf("filtered: HTTP %d %s", code, body)
	}
	if code, _ := e.do(t, auth.RoleOperator, "GET", "/api/v1/review/stats?batch=nope", "", nil); code != http.StatusNotFound {
		t.Errorf("unknown batch: HTTP %d", code)
	}
	entries := e.audit.take()
	if len(entries) == 0 {
		t.Fatal("no audit entry")
	}
	for _, en := range entries {
		if en.action != "review_stats" {
			t.Errorf("audit action %q", en.action)
		}
		for k, v := range en.details {
			if k != "documents" {
				t.Errorf("audit detail %s=%s", k, v)
			}
		}
	}
}
