package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sohoa/sohoa/internal/access/accesstest"
	"github.com/sohoa/sohoa/internal/api"
	"github.com/sohoa/sohoa/internal/auth"
	"github.com/sohoa/sohoa/internal/catalog/catalogtest"
	"github.com/sohoa/sohoa/internal/pipeline"
	"github.com/sohoa/sohoa/internal/search"
)

// oneHit is a search index holding one public hit.
type oneHit struct{ id string }

func (o oneHit) Search(context.Context, search.Query) (search.Result, error) {
	return search.Result{Total: 1, Hits: []search.Hit{{ID: o.id, Title: "Quyết định", Issuer: "UBND"}}}, nil
}

// TestRecordViews calls the API's document view, page image and CSV with
// each role: what each gets, and what the audit records, come from the
// access policy.
func TestRecordViews(t *testing.T) {
	ctx := context.Background()
	cat, store := catalogtest.New(t)
	as := auth.NewStore(store)
	tokens := map[auth.Role]string{}
	for _, r := range auth.Roles() {
		tok, _, err := as.Create(ctx, r, "t-"+string(r))
		if err != nil {
			t.Fatal(err)
		}
		tokens[r] = tok
	}
	id := accesstest.Seed(t, cat)
	au := &accesstest.Audit{Keys: []string{"unmasked", "personal", "page"}}
	srv := api.New(api.Deps{Pipeline: pipeline.New(pipeline.Config{}, pipeline.Deps{Catalog: cat}), Catalog: cat, Auth: as,
		Audit: au, Search: oneHit{string(id)}})
	doc := "/api/v1/documents/" + string(id)
	tests := []struct {
		name, path string
		role       auth.Role
		status     int
		code       string
		fields     map[string]any // value shown per field; nil = masked
		text       string
		audit      []string
	}{
		{"searcher", doc, auth.RoleSearcher, 200, "",
			map[string]any{"issuer": accesstest.Issuer, "person_names": nil, "ethnicity": nil}, "[person], sinh năm [năm]",
			[]string{"searcher view " + string(id)}},
		{"searcher with reason", doc + "?reason=x", auth.RoleSearcher, 200, "",
			map[string]any{"issuer": accesstest.Issuer, "person_names": nil, "ethnicity": nil}, "[person], sinh năm [năm]",
			[]string{"searcher view " + string(id) + " reason=x"}},
		{"admin with reason", doc + "?reason=x", auth.RoleAdmin, 200, "",
			map[string]any{"issuer": accesstest.Issuer, "person_names": nil, "ethnicity": nil}, "[person], sinh năm [năm]",
			[]string{"admin view " + string(id) + " reason=x"}},
		{"pii_reader", doc, auth.RolePIIReader, 200, "",
			map[string]any{"issuer": accesstest.Issuer, "person_names": []any{accesstest.Name}, "ethnicity": nil}, accesstest.Name + ", sinh năm 1990",
			[]string{"pii_reader unmask " + string(id) + " unmasked=person_names,text"}},
		{"pii_reader with reason", doc + "?reason=%20x%C3%A1c%20minh%20", auth.RolePIIReader, 200, "",
			map[string]any{"issuer": accesstest.Issuer, "person_names": []any{accesstest.Name}, "ethnicity": accesstest.Ethnicity}, accesstest.Name + ", sinh năm 1990",
			[]string{"pii_reader unmask " + string(id) + " unmasked=ethnicity,person_names,text reason=xác minh"}},
		{"reason too long", doc + "?reason=" + strings.Repeat("a", 501), auth.RolePIIReader, 400, "bad_reason", nil, "", nil},
		{"uploader", doc, auth.RoleUploader, 403, "forbidden", nil, "", nil},
		{"page image as pii_reader", doc + "/pages/1/image", auth.RolePIIReader, 200, "", nil, "",
			[]string{"pii_reader download " + string(id) + " page=1"}},
		{"page image as searcher", doc + "/pages/1/image", auth.RoleSearcher, 403, "forbidden", nil, "", nil},
		{"page image as admin", doc + "/pages/1/image", auth.RoleAdmin, 403, "forbidden", nil, "", nil},
		{"csv as searcher", "/api/v1/search/export.csv?q=x", auth.RoleSearcher, 200, "", nil, "",
			[]string{"searcher export  personal=false"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, tc.path, nil)
			req.Header.Set("Authorization", "Bearer "+tokens[tc.role])
			rr := httptest.NewRecorder()
			srv.ServeHTTP(rr, req)
			if rr.Code != tc.status {
				t.Fatalf("HTTP %d, want %d: %s", rr.Code, tc.status, rr.Body)
			}
			if diff := cmp.Diff(tc.audit, au.Take()); diff != "" {
				t.Errorf("audit (-want +got)\n%s", diff)
			}
			if tc.status != 200 {
				var e apiErrorBody
				if err := json.Unmarshal(rr.Body.Bytes(), &e); err != nil || e.Error.Code != tc.code {
					t.Errorf("error %s, want code %s", rr.Body, tc.code)
				}
				return
			}
			if tc.fields == nil {
				return
			}
			var body struct {
				Fields map[string]struct {
					Value  any  `json:"value"`
					Masked bool `json:"masked"`
				} `json:"fields"`
				Text string `json:"text"`
			}
			if err := json.Unmarshal(rr.Body.Bytes(), &body); err != nil {
				t.Fatal(err)
			}
			got := map[string]any{}
			for n, f := range body.Fields {
				got[n] = f.Value
				if f.Masked != (f.Value == nil) {
					t.Errorf("%s: masked %v, value %v", n, f.Masked, f.Value)
				}
			}
			if diff := cmp.Diff(tc.fields, got); diff != "" {
				t.Errorf("fields (-want +got)\n%s", diff)
			}
			if body.Text != tc.text {
				t.Errorf("text %q, want %q", body.Text, tc.text)
			}
		})
	}
}
