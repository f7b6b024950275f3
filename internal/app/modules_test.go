package app

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRoleModules checks which modules each role runs, with the embedded
// index and with Elasticsearch: index tasks run in the process that serves
// the API when the index is embedded, and with the readers otherwise; a
// worker of an embedded index does not open it.
func TestRoleModules(t *testing.T) {
	tests := []struct {
		role, es string
		want     string
	}{
		{"all", "", "admin redis index extractor readers indexer pipeline workers http"},
		{"all", "http://es:9200", "admin redis index extractor readers indexer pipeline workers http"},
		{"api", "", "admin redis index extractor indexer pipeline workers http"},
		{"api", "http://es:9200", "admin redis index extractor pipeline http"},
		{"worker", "", "redis extractor readers pipeline workers"},
		{"worker", "http://es:9200", "redis index extractor readers indexer pipeline workers"},
	}
	for _, tc := range tests {
		t.Run(tc.role+" "+tc.es, func(t *testing.T) {
			got, err := roleModules(Config{Role: tc.role, ElasticsearchURL: tc.es})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(strings.Fields(tc.want), got); diff != "" {
				t.Errorf("modules (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := roleModules(Config{Role: "ocr"}); err == nil {
		t.Error("an unknown role has modules")
	}
}
