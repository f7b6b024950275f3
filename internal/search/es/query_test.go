package es

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sohoa/sohoa/internal/search"
)

// TestBuildQueryLookups checks, without a server, the query a blind lookup
// becomes: either token filters, the exact one scores (the conformance
// suite checks the ranking against a live server).
func TestBuildQueryLookups(t *testing.T) {
	p, err := search.PrepareQuery(search.Query{Lookups: []search.BlindLookup{{Exact: "person_names:e", Folded: "person_names_folded:f"}}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.Marshal(buildQuery(p))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"bool":{"filter":[{"bool":{"minimum_should_match":1,"should":[{"term":{"blind":{"value":"person_names:e"}}},{"term":{"blind":{"value":"person_names_folded:f"}}}]}}],` +
		`"must":[{"match_all":{}}],"should":[{"term":{"blind":{"boost":2,"value":"person_names:e"}}}]}}`
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("query (-want +got):\n%s", diff)
	}
}
