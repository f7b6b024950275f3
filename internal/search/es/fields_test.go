package es

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/elastic/go-elasticsearch/v8"

	"github.com/sohoa/sohoa/internal/search"
	"github.com/sohoa/sohoa/internal/search/searchtest"
)

// TestOpenAddsFieldsToOlderIndex opens an index built before the class
// field existed (its strict mapping lacks it, as in every index made before
// the class vocabulary): Open adds the field, so records carrying a class
// are accepted and the class filter finds them.
func TestOpenAddsFieldsToOlderIndex(t *testing.T) {
	urls := strings.Split(testURL(t), ",")
	prefix := uniquePrefix(t)
	ctx := context.Background()
	old := (&Index{cfg: Config{IndexPrefix: prefix}.withDefaults(), alias: prefix}).template()
	mappings := old["template"].(map[string]any)["mappings"].(map[string]any)
	for _, name := range addedFields {
		delete(mappings["properties"].(map[string]any), name)
	}
	body, err := json.Marshal(map[string]any{
		"mappings": mappings,
		"aliases":  map[string]any{prefix: map[string]any{"is_write_index": true}},
	})
	if err != nil {
		t.Fatal(err)
	}
	client, err := elasticsearch.NewClient(elasticsearch.Config{Addresses: urls})
	if err != nil {
		t.Fatal(err)
	}
	if err := check(client.Indices.Create(prefix+"-"+schemaVersion, client.Indices.Create.WithBody(bytes.NewReader(body)),
		client.Indices.Create.WithContext(ctx))); err != nil {
		t.Fatalf("create the older index: %v", err)
	}
	ix := openTest(t, Config{IndexPrefix: prefix, RefreshOnWrite: true})
	defer ix.Close()
	r := searchtest.Corpus()[0]
	if r.Class == "" {
		t.Fatal("the first corpus record has no class")
	}
	if err := ix.Index(ctx, r); err != nil {
		t.Fatalf("Index a record with a class into the older index: %v", err)
	}
	if err := ix.Flush(ctx); err != nil {
		t.Fatalf("Flush: %v", err)
	}
	res, err := ix.Search(ctx, search.Query{Class: r.Class})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 1 || res.Hits[0].ID != r.ID || res.Hits[0].Class != r.Class {
		t.Errorf("class filter %q: %d hits %+v, want %s", r.Class, res.Total, res.Hits, r.ID)
	}
}
