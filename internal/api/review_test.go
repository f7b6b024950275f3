package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sohoa/sohoa/internal/api"
	"github.com/sohoa/sohoa/internal/auth"
	"github.com/sohoa/sohoa/internal/catalog"
	"github.com/sohoa/sohoa/internal/catalog/catalogtest"
	"github.com/sohoa/sohoa/internal/domain"
	"github.com/sohoa/sohoa/internal/pipeline"
	"github.com/sohoa/sohoa/internal/search/bleve"
)

// fullAudit records every audit entry with all its details.
type fullAudit struct {
	mu      sync.Mutex
	entries []fullEntry
}

type fullEntry struct {
	role, action, object string
	details              map[string]string
}

func (a *fullAudit) Audit(_ context.Context, p auth.Principal, action, object, _ string, d map[string]string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.entries = append(a.entries, fullEntry{string(p.Role), action, object, maps.Clone(d)})
	return nil
}

func (a *fullAudit) take() []fullEntry {
	a.mu.Lock()
	defer a.mu.Unlock()
	e := a.entries
	a.entries = nil
	return e
}

// reviewEnv is the API over a real catalog, vault, bleve index and
// pipeline, seeded with two batches of finished documents.
type reviewEnv struct {
	srv    *api.Server
	cat    *catalog.Catalog
	audit  *fullAudit
	tokens map[auth.Role]string
	docs   map[string]domain.DocumentID
	old    domain.BatchID // the older batch
	young  domain.BatchID
}

// The personal values of the seeded records.
const (
	oldCCCD = "001190012399" // as OCR read it
	newCCCD = "001190012345" // as the reviewer corrects it
	citizen = "Lò Thị Mai"
)

func newReviewEnv(t *testing.T) *reviewEnv {
	t.Helper()
	ctx := context.Background()
	cat, store, v := catalogtest.NewWithVault(t)
	dir := t.TempDir()
	ix, err := bleve.Open(filepath.Join(dir, "index"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	pipe := pipeline.New(pipeline.Config{}, pipeline.Deps{Catalog: cat, Index: ix, Blind: v})
	as := auth.NewStore(store)
	e := &reviewEnv{cat: cat, audit: &fullAudit{}, tokens: map[auth.Role]string{}, docs: map[string]domain.DocumentID{}}
	for _, r := range auth.Roles() {
		tok, _, err := as.Create(ctx, r, "t-"+string(r))
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[r] = tok
	}
	tok, _, err := as.Create(ctx, auth.RoleReviewer, "Chị Lan")
	if err != nil {
		t.Fatal(err)
	}
	e.tokens["reviewer2"] = tok
	e.srv = api.New(api.Deps{Pipeline: pipe, Catalog: cat, Auth: as, Audit: e.audit, Search: ix, Blind: v,
		Threshold: api.ConfidenceThreshold(0.8), ClassThreshold: 0.5})

	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	e.old, e.young = catalog.NewBatchID(t0), catalog.NewBatchID(t0.Add(time.Hour))
	sure := func(v string) catalog.Field {
		return catalog.Field{Value: v, Confidence: 0.95, Sensitivity: domain.Public}
	}
	person := catalog.Field{Values: []string{citizen}, Confidence: 0.95, Sensitivity: domain.Personal}
	seeds := []struct {
		name  string
		batch domain.BatchID
		rec   catalog.Record
		stat  domain.DocStatus
	}{
		{"one-low", e.old, catalog.Record{Class: "cong_van", ClassConfidence: 0.9, Fields: map[string]catalog.Field{
			"doc_number": {Value: "1284", Confidence: 0.41, Sensitivity: domain.Public, Reasons: []string{"handwriting"}},
			"issuer":     sure("UBND xã Tân Lập"), "person_names": person}}, domain.DocDone},
		{"three-low", e.old, catalog.Record{Class: "to_khai", ClassConfidence: 0.9, Missing: []string{"subject"}, Fields: map[string]catalog.Field{
			"doc_number": {Value: "77", Confidence: 0.5, Sensitivity: domain.Public},
			"cccd":       {Values: []string{oldCCCD}, Value: oldCCCD, Confidence: 0.9, Sensitivity: domain.Personal, Reasons: []string{"validator:cccd_province"}},
			"issuer":     sure("UBND xã Tân Lập")}}, domain.DocDone},
		{"confident", e.old, catalog.Record{Class: "cong_van", ClassConfidence: 0.95, Fields: map[string]catalog.Field{
			"doc_number": sure("15"), "issuer": sure("UBND huyện"), "issued_date": sure("2023-05-04")}}, domain.DocDone},
		{"class-unsure", e.young, catalog.Record{Class: "cong_van", ClassConfidence: 0.3, Fields: map[string]catalog.Field{
			"doc_number": sure("16")}}, domain.DocDone},
		{"reprocessing", e.young, catalog.Record{Class: "cong_van", ClassConfidence: 0.9, Fields: map[string]catalog.Field{
			"doc_number": {Value: "9", Confidence: 0.2, Sensitivity: domain.Public}}}, domain.DocProcessing},
	}
	batches := map[domain.BatchID]*catalog.Batch{
		e.old:   {ID: e.old, CreatedAt: t0, Uploader: "u t-uploader"},
		e.young: {ID: e.young, CreatedAt: t0.Add(time.Hour), Uploader: "u t-uploader"},
	}
	for i, s := range seeds {
		id := catalog.DocumentIDFor(fmt.Sprintf("%032x%032x", i+1, 0))
		e.docs[s.name] = id
		b := batches[s.batch]
		b.Items = append(b.Items, catalog.Item{Name: s.name + ".pdf", DocumentID: id, Format: "pdf"})
		rec := s.rec
		rec.DocumentID, rec.BatchID, rec.Name, rec.Pages, rec.FinalizedAt = id, s.batch, s.name+".pdf", 1, t0
		rec.Text, rec.Redacted = []string{"Công văn " + citizen}, []string{"Công văn [person]"}
		rec.Blind = pipeline.RecordBlind(v, &rec)
		for _, err := range []error{
			cat.PutDocument(ctx, &catalog.Document{ID: id, BatchID: s.batch, Name: s.name + ".pdf", Status: s.stat, Pages: 1}),
			cat.PutRecord(ctx, &rec),
		} {
			if err != nil {
				t.Fatal(err)
			}
		}
		if s.stat == domain.DocDone {
			if err := pipe.IndexDocument(ctx, id); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, b := range batches {
		if err := cat.PutBatch(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// do calls the API as role (a key of e.tokens) and decodes the JSON answer
// into out (when not nil); it returns the status and the raw body.
func (e *reviewEnv) do(t *testing.T, role auth.Role, method, path, body string, out any) (int, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, rd)
	req.Header.Set("Authorization", "Bearer "+e.tokens[role])
	if strings.HasSuffix(string(role), "+en") {
		req.Header.Set("Authorization", "Bearer "+e.tokens[auth.Role(strings.TrimSuffix(string(role), "+en"))])
		req.Header.Set("Accept-Language", "en")
	}
	rr := httptest.NewRecorder()
	e.srv.ServeHTTP(rr, req)
	if out != nil && rr.Code < 300 {
		if err := json.Unmarshal(rr.Body.Bytes(), out); err != nil {
			t.Fatalf("%s %s: %v: %s", method, path, err, rr.Body)
		}
	}
	return rr.Code, rr.Body.String()
}

type queue struct {
	Total int `json:"total"`
	Items []struct {
		DocumentID domain.DocumentID `json:"document_id"`
		Reasons    []string          `json:"reasons"`
	} `json:"items"`
}

// TestReviewQueue: the queue holds the documents that need review, with
// their reasons, oldest batch first and, within a batch, the documents
// with more uncertain fields first; confident documents are accepted
// without review and counted per batch.
func TestReviewQueue(t *testing.T) {
	e := newReviewEnv(t)
	name := map[domain.DocumentID]string{}
	for n, id := range e.docs {
		name[id] = n
	}
	tests := []struct {
		query string
		want  []string // name: reasons
	}{
		{"", []string{
			"three-low: invalid:cccd low_confidence:doc_number missing:subject",
			"one-low: low_confidence:doc_number",
			"class-unsure: class_uncertain"}},
		{"?reason=missing", []string{"three-low: invalid:cccd low_confidence:doc_number missing:subject"}},
		{"?reason=low_confidence:doc_number", []string{
			"three-low: invalid:cccd low_confidence:doc_number missing:subject", "one-low: low_confidence:doc_number"}},
		{"?class=cong_van", []string{"one-low: low_confidence:doc_number", "class-unsure: class_uncertain"}},
		{"?batch=" + string(e.young), []string{"class-unsure: class_uncertain"}},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			var q queue
			if code, body := e.do(t, auth.RoleReviewer, "GET", "/api/v1/review"+tc.query, "", &q); code != 200 {
				t.Fatalf("HTTP %d: %s", code, body)
			}
			var got []string
			for _, it := range q.Items {
				got = append(got, name[it.DocumentID]+": "+strings.Join(it.Reasons, " "))
			}
			if diff := cmp.Diff(tc.want, got); diff != "" || q.Total != len(tc.want) {
				t.Errorf("queue total %d (-want +got)\n%s", q.Total, diff)
			}
		})
	}
	var b struct {
		Review catalog.BatchReview `json:"review"`
	}
	if code, body := e.do(t, auth.RoleAdmin, "GET", "/api/v1/batches/"+string(e.old), "", &b); code != 200 {
		t.Fatalf("batch: HTTP %d: %s", code, body)
	}
	if want := (catalog.BatchReview{Finished: 3, Auto: 1, NeedsReview: 2, AutoShare: 1.0 / 3}); b.Review != want {
		t.Errorf("batch review %+v, want %+v", b.Review, want)
	}
	for _, role := range []auth.Role{auth.RoleUploader, auth.RoleSearcher, auth.RolePIIReader, auth.RoleAdmin} {
		if code, _ := e.do(t, role, "GET", "/api/v1/review", "", nil); code != http.StatusForbidden {
			t.Errorf("%s: HTTP %d, want 403", role, code)
		}
	}
}

type patchResult struct {
	Version int      `json:"version"`
	Changed []string `json:"changed"`
	Review  struct {
		Status  string   `json:"status"`
		Reasons []string `json:"reasons"`
	} `json:"review"`
	Fields map[string]struct {
		Value     any    `json:"value"`
		Extracted any    `json:"extracted"`
		Source    string `json:"source"`
	} `json:"fields"`
}

func errCode(body string) string {
	var e apiErrorBody
	_ = json.Unmarshal([]byte(body), &e)
	return e.Error.Code + ": " + e.Error.Message
}

// hits runs a search as a pii_reader and returns the IDs found.
func (e *reviewEnv) hits(t *testing.T, query string) []domain.DocumentID {
	t.Helper()
	var res struct {
		Hits []struct {
			ID domain.DocumentID `json:"document_id"`
		} `json:"hits"`
	}
	if code, body := e.do(t, auth.RolePIIReader, "GET", "/api/v1/search?"+query, "", &res); code != 200 {
		t.Fatalf("search %s: HTTP %d: %s", query, code, body)
	}
	var ids []domain.DocumentID
	for _, h := range res.Hits {
		ids = append(ids, h.ID)
	}
	return ids
}

// TestCorrections: a reviewer's correction makes a new version keeping
// the extracted value, is re-indexed (the corrected value is found, the
// old one is not; personal values through the blind index), verifies the
// record, and is audited by field name only; a stale version, a bad
// value, an unfinished or unknown document and other roles are refused.
func TestCorrections(t *testing.T) {
	e := newReviewEnv(t)
	oneLow, threeLow := e.docs["one-low"], e.docs["three-low"]
	path := func(id domain.DocumentID) string { return "/api/v1/documents/" + string(id) + "/fields" }

	if got := e.hits(t, "f.doc_number=1284"); !slices.Equal(got, []domain.DocumentID{oneLow}) {
		t.Fatalf("before: f.doc_number=1284 finds %v", got)
	}
	for _, role := range []auth.Role{auth.RoleUploader, auth.RoleSearcher, auth.RolePIIReader, auth.RoleAdmin} {
		if code, _ := e.do(t, role, "PATCH", path(oneLow), `{"fields":{"doc_number":{"value":"1"}},"version":1}`, nil); code != http.StatusForbidden {
			t.Errorf("%s: HTTP %d, want 403", role, code)
		}
	}
	e.audit.take()

	var res patchResult
	code, body := e.do(t, auth.RoleReviewer, "PATCH", path(oneLow), `{"fields":{"doc_number":{"value":"1234"}},"verified":true,"version":1}`, &res)
	if code != 200 {
		t.Fatalf("HTTP %d: %s", code, body)
	}
	f := res.Fields["doc_number"]
	if res.Version != 2 || f.Value != "1234" || f.Extracted != "1284" || f.Source != "reviewer" || res.Review.Status != "verified" {
		t.Errorf("after the correction: %s", body)
	}
	if got := e.hits(t, "f.doc_number=1234"); !slices.Equal(got, []domain.DocumentID{oneLow}) {
		t.Errorf("f.doc_number=1234 finds %v, want the corrected document", got)
	}
	if got := e.hits(t, "f.doc_number=1284"); len(got) != 0 {
		t.Errorf("f.doc_number=1284 (the old value) finds %v", got)
	}
	if got := e.hits(t, "f.verified=true"); !slices.Equal(got, []domain.DocumentID{oneLow}) {
		t.Errorf("f.verified=true finds %v", got)
	}

	// A second reviewer saving from the same version is refused, in
	// Vietnamese by default and in English on request.
	stale := `{"fields":{"doc_number":{"value":"1235"}},"version":1}`
	code, body = e.do(t, "reviewer2", "PATCH", path(oneLow), stale, nil)
	if code != http.StatusConflict || !strings.Contains(body, "version_conflict") || !strings.Contains(body, "t-reviewer") ||
		!strings.Contains(body, "hãy tải lại") {
		t.Errorf("stale version: HTTP %d %s", code, body)
	}
	if _, body = e.do(t, "reviewer2+en", "PATCH", path(oneLow), stale, nil); !strings.Contains(body, "changed by t-reviewer at ") ||
		!strings.Contains(body, "reload") {
		t.Errorf("stale version in English: %s", body)
	}

	// A personal value: validated, sealed, blind-indexed, never audited.
	code, body = e.do(t, auth.RoleReviewer, "PATCH", path(threeLow), `{"fields":{"cccd":{"values":["0011900"]}},"version":1}`, nil)
	if code != http.StatusUnprocessableEntity || !strings.Contains(errCode(body), "invalid_value: Giá trị không hợp lệ: cccd: số CCCD") {
		t.Errorf("bad CCCD: HTTP %d %s", code, body)
	}
	code, body = e.do(t, auth.RoleReviewer, "PATCH", path(threeLow),
		`{"fields":{"cccd":{"values":["`+newCCCD+`"]},"subject":{"value":"Đề nghị cấp giấy"}},"version":1}`, &res)
	if code != 200 {
		t.Fatalf("HTTP %d: %s", code, body)
	}
	if diff := cmp.Diff([]string{"low_confidence:doc_number"}, res.Review.Reasons); diff != "" {
		t.Errorf("reasons left (-want +got)\n%s", diff)
	}
	if got := e.hits(t, "cccd="+newCCCD); !slices.Equal(got, []domain.DocumentID{threeLow}) {
		t.Errorf("cccd=<corrected> finds %v", got)
	}
	if got := e.hits(t, "cccd="+oldCCCD); len(got) != 0 {
		t.Errorf("cccd=<extracted> finds %v", got)
	}

	var corrections []string
	for _, a := range e.audit.take() {
		for k, v := range a.details {
			for _, secret := range []string{newCCCD, oldCCCD, citizen, "Đề nghị"} {
				if strings.Contains(k+v, secret) {
					t.Errorf("audit %s %s holds a value: %s=%s", a.action, a.object, k, v)
				}
			}
		}
		if a.action == "correct" {
			corrections = append(corrections, a.role+" "+a.object+" fields="+a.details["fields"]+" verified="+a.details["verified"])
		}
	}
	want := []string{
		"reviewer " + string(oneLow) + " fields=doc_number verified=true",
		"reviewer " + string(threeLow) + " fields=cccd,subject verified=false",
	}
	if diff := cmp.Diff(want, corrections); diff != "" {
		t.Errorf("correct audits (-want +got)\n%s", diff)
	}

	for _, tc := range []struct {
		name string
		id   domain.DocumentID
		body string
		code int
		want string
	}{
		{"reprocessing", e.docs["reprocessing"], `{"fields":{"doc_number":{"value":"9"}},"version":1}`, 409, "reprocessing"},
		{"purged or unknown", catalog.DocumentIDFor(strings.Repeat("f", 64)), `{"fields":{"doc_number":{"value":"9"}},"version":1}`, 404, "not_found"},
		{"no version", e.docs["confident"], `{"fields":{"doc_number":{"value":"9"}}}`, 400, "version_required"},
		{"unknown field", e.docs["confident"], `{"fields":{"dien_tich":{"value":"9"}},"version":1}`, 400, "unknown_field"},
		{"unknown key", e.docs["confident"], `{"fields":{"doc_number":{"value":"9"}},"version":1,"extra":1}`, 400, "bad_json"},
		{"future date", e.docs["confident"], `{"fields":{"issued_date":{"value":"2999-01-01"}},"version":1}`, 422, "invalid_value"},
		{"bad date", e.docs["confident"], `{"fields":{"issued_date":{"value":"2023-02-30"}},"version":1}`, 422, "invalid_value"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, body := e.do(t, auth.RoleReviewer, "PATCH", path(tc.id), tc.body, nil)
			if code != tc.code || !strings.HasPrefix(errCode(body), tc.want+":") {
				t.Errorf("HTTP %d %s, want %d %s", code, body, tc.code, tc.want)
			}
		})
	}
}

// TestHistory: the history lists every version with who made it, the
// fields changed, and the extracted and corrected values; only a reviewer
// reads it, and reading it is audited.
func TestHistory(t *testing.T) {
	e := newReviewEnv(t)
	id := e.docs["one-low"]
	path := "/api/v1/documents/" + string(id)
	for i, v := range []string{"1234", "1236"} {
		body := fmt.Sprintf(`{"fields":{"doc_number":{"value":%q}},"version":%d}`, v, i+1)
		if code, body := e.do(t, auth.RoleReviewer, "PATCH", path+"/fields", body, nil); code != 200 {
			t.Fatalf("HTTP %d: %s", code, body)
		}
	}
	e.audit.take()
	var h struct {
		Versions []struct {
			Version int      `json:"version"`
			Source  string   `json:"source"`
			By      string   `json:"by"`
			Changed []string `json:"changed"`
			Fields  map[string]struct {
				Value any `json:"value"`
			} `json:"fields"`
		} `json:"versions"`
	}
	if code, body := e.do(t, auth.RoleReviewer, "GET", path+"/history", "", &h); code != 200 {
		t.Fatalf("HTTP %d: %s", code, body)
	}
	var got []string
	for _, v := range h.Versions {
		got = append(got, fmt.Sprintf("%d %s %s %v %v %v", v.Version, v.Source, v.By, v.Changed, v.Fields["doc_number"].Value,
			v.Fields["person_names"].Value))
	}
	want := []string{
		"1 ocr ocr [] 1284 [Lò Thị Mai]",
		"2 reviewer t-reviewer [doc_number] 1234 [Lò Thị Mai]",
		"3 reviewer t-reviewer [doc_number] 1236 [Lò Thị Mai]",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("history (-want +got)\n%s", diff)
	}
	audits := e.audit.take()
	if len(audits) != 1 || audits[0].action != "unmask" || audits[0].details["history"] != "true" || audits[0].details["unmasked"] != "person_names" {
		t.Errorf("history audit %+v", audits)
	}
	// Every record a reviewer opens is audited, the full record shown.
	var doc struct {
		Review struct {
			Version int `json:"version"`
		} `json:"review"`
	}
	if code, body := e.do(t, auth.RoleReviewer, "GET", path, "", &doc); code != 200 || doc.Review.Version != 3 {
		t.Errorf("document: HTTP %d: %s", code, body)
	}
	if a := e.audit.take(); len(a) != 1 || a[0].action != "unmask" || a[0].role != "reviewer" {
		t.Errorf("document audit %+v", a)
	}
	for _, role := range []auth.Role{auth.RoleSearcher, auth.RolePIIReader, auth.RoleUploader} {
		if code, _ := e.do(t, role, "GET", path+"/history", "", nil); code != http.StatusForbidden {
			t.Errorf("%s: HTTP %d, want 403", role, code)
		}
	}
}
