package extract

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sohoa/sohoa/internal/domain"
)

var update = flag.Bool("update", false, "rewrite testdata/extract/*.golden.json")

const goldenDir = "../../testdata/extract"

// golden is what a golden file records for one case.
type golden struct {
	Result       Result   `json:"result"`
	Redacted     []string `json:"redacted"`
	DuplicateKey string   `json:"duplicate_key"`
}

// textPages splits a test case into pages at form feeds.
func textPages(text string) []domain.Page {
	var pages []domain.Page
	for i, t := range strings.Split(text, "\f") {
		pages = append(pages, domain.Page{No: domain.PageNo(i + 1), Text: t})
	}
	return pages
}

func defaultEngine(t testing.TB) *Engine {
	t.Helper()
	e, err := Default()
	if err != nil {
		t.Fatalf("Default: %v", err)
	}
	return e
}

// TestGolden runs every testdata/extract/<case>.txt (pages separated by
// form feeds; an optional <case>.hint holds the pipeline hint) and compares
// with <case>.golden.json. Run with -update to rewrite the golden files
// after reviewing the differences.
func TestGolden(t *testing.T) {
	e := defaultEngine(t)
	files, err := filepath.Glob(filepath.Join(goldenDir, "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden cases in %s: %v", goldenDir, err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".txt")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			hint := ""
			if h, err := os.ReadFile(strings.TrimSuffix(f, ".txt") + ".hint"); err == nil {
				hint = strings.TrimSpace(string(h))
			}
			pages := textPages(string(data))
			r, err := e.Extract(context.Background(), pages, hint)
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			got := golden{Result: r, Redacted: Redact(pages, r), DuplicateKey: DuplicateKey(r)}
			gotJSON, err := json.MarshalIndent(got, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			gotJSON = append(gotJSON, '\n')
			path := strings.TrimSuffix(f, ".txt") + ".golden.json"
			if *update {
				if err := os.WriteFile(path, gotJSON, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./internal/extract -run TestGolden -update)", err)
			}
			if diff := cmp.Diff(string(want), string(gotJSON)); diff != "" {
				t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
			}
		})
	}
}
