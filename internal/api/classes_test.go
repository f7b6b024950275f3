package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sohoa/sohoa/internal/access/accesstest"
	"github.com/sohoa/sohoa/internal/api"
	"github.com/sohoa/sohoa/internal/auth"
	"github.com/sohoa/sohoa/internal/catalog/catalogtest"
	"github.com/sohoa/sohoa/internal/extract"
	"github.com/sohoa/sohoa/internal/pipeline"
	"github.com/sohoa/sohoa/internal/search"
)

// shippedClasses is the engine of the shipped pipelines.
func shippedClasses(t testing.TB) *extract.Engine {
	t.Helper()
	e, err := extract.Default()
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestSetType checks how a "type" value becomes a filter: a class ID (what
// the web filters send) filters on the class the index holds, any other
// value on doc_type as before, so "type=Quyết định" keeps working.
func TestSetType(t *testing.T) {
	classes := shippedClasses(t).ClassList()
	tests := []struct {
		name    string
		classes []extract.ClassInfo
		v       string
		want    search.Query
	}{
		{"class id", classes, "land_certificate", search.Query{Class: "land_certificate"}},
		{"class id with spaces", classes, " decision ", search.Query{Class: "decision"}},
		{"display name stays doc_type", classes, "Quyết định", search.Query{DocType: "Quyết định"}},
		{"unknown id stays doc_type", classes, "no_such_class", search.Query{DocType: "no_such_class"}},
		{"no classes known", nil, "decision", search.Query{DocType: "decision"}},
		{"empty", classes, "", search.Query{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var q search.Query
			api.SetType(&q, tt.classes, tt.v)
			if diff := cmp.Diff(tt.want, q); diff != "" {
				t.Errorf("query (-want +got):\n%s", diff)
			}
		})
	}
}

// lastQuery is a search index that records the query it was given.
type lastQuery struct{ q *search.Query }

func (l lastQuery) Search(_ context.Context, q search.Query) (search.Result, error) {
	*l.q = q
	return search.Result{Total: 1, Hits: []search.Hit{{ID: "d1", DocType: "Quyết định", Class: "decision"}},
		Facets: map[string][]search.FacetCount{"class": {{Value: "decision", Count: 1}}}}, nil
}

// TestSearchClassFilter calls GET /api/v1/search with type and class
// parameters and GET /api/v1/classes: the filter reaches the index as the
// class ID, hits carry it, and the list of classes is the engine's with
// labels in the caller's language.
func TestSearchClassFilter(t *testing.T) {
	ctx := context.Background()
	cat, store := catalogtest.New(t)
	as := auth.NewStore(store)
	tok, _, err := as.Create(ctx, auth.RoleSearcher, "official")
	if err != nil {
		t.Fatal(err)
	}
	var got search.Query
	engine := shippedClasses(t)
	srv := api.New(api.Deps{Pipeline: pipeline.New(pipeline.Config{}, pipeline.Deps{Catalog: cat}), Catalog: cat, Auth: as,
		Audit: &accesstest.Audit{}, Search: lastQuery{&got}, Classes: engine})
	get := func(t *testing.T, path, lang string, out any) {
		t.Helper()
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Accept-Language", lang)
		rr := httptest.NewRecorder()
		srv.ServeHTTP(rr, req)
		if rr.Code != http.StatusOK {
			t.Fatalf("GET %s: HTTP %d: %s", path, rr.Code, rr.Body)
		}
		if err := json.Unmarshal(rr.Body.Bytes(), out); err != nil {
			t.Fatalf("GET %s: %v: %s", path, err, rr.Body)
		}
	}
	for _, tc := range []struct {
		path          string
		class, doctyp string
	}{
		{"/api/v1/search?type=decision", "decision", ""},
		{"/api/v1/search?class=land_certificate", "land_certificate", ""},
		{"/api/v1/search?type=Quy%E1%BA%BFt+%C4%91%E1%BB%8Bnh", "", "Quyết định"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			var res struct {
				Hits []struct {
					Class   string `json:"class"`
					DocType string `json:"doc_type"`
				} `json:"hits"`
				Facets map[string][]search.FacetCount `json:"facets"`
			}
			get(t, tc.path, "vi", &res)
			if got.Class != tc.class || got.DocType != tc.doctyp {
				t.Errorf("query class %q doc_type %q, want %q %q", got.Class, got.DocType, tc.class, tc.doctyp)
			}
			if len(res.Hits) != 1 || res.Hits[0].Class != "decision" || res.Hits[0].DocType != "Quyết định" {
				t.Errorf("hits %+v, want class decision and doc_type Quyết định", res.Hits)
			}
			if len(res.Facets["class"]) != 1 {
				t.Errorf("facets %+v have no class facet", res.Facets)
			}
		})
	}
	t.Run("classes", func(t *testing.T) {
		for _, lang := range []string{"vi", "en"} {
			var res struct {
				Classes []struct {
					extract.ClassInfo
					Label string `json:"label"`
				} `json:"classes"`
			}
			get(t, "/api/v1/classes", lang, &res)
			want := engine.ClassList()
			if len(res.Classes) != len(want) {
				t.Fatalf("%s: %d classes, want %d", lang, len(res.Classes), len(want))
			}
			for i, c := range res.Classes {
				if c.ClassInfo != want[i] || c.Label != want[i].Label(lang) {
					t.Errorf("%s: class %d = %+v, want %+v labelled %q", lang, i, c, want[i], want[i].Label(lang))
				}
			}
		}
	})
}
