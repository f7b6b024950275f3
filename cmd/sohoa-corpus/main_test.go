package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sohoa/sohoa/internal/corpus"
)

func TestRunWritesCorpus(t *testing.T) {
	dir := t.TempDir()
	var stderr bytes.Buffer
	args := []string{"-out", dir, "-n", "2", "-pages", "2", "-dpi", "72", "-formats", "pdf,png", "-seed", "4", "-classes", "decision,birth_extract", "-degrade", "light"}
	if err := run(args, &stderr); err != nil {
		t.Fatalf("run: %v\n%s", err, stderr.String())
	}
	b, err := os.ReadFile(filepath.Join(dir, "index.json"))
	if err != nil {
		t.Fatal(err)
	}
	var index []corpus.IndexEntry
	if err := json.Unmarshal(b, &index); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range index {
		got = append(got, e.ID+" "+e.Format+" "+e.File)
		if e.Pages != 2 {
			t.Errorf("%s has %d pages, want 2", e.ID, e.Pages)
		}
		if e.Class != corpus.ClassDecision && e.Class != corpus.ClassBirthExtract {
			t.Errorf("%s has class %s", e.ID, e.Class)
		}
		tr, err := corpus.ReadTruth(filepath.Join(dir, e.Truth))
		if err != nil {
			t.Fatal(err)
		}
		if tr.Degrade != "light" || tr.DPI != 72 || len(tr.Pages) != 2 {
			t.Errorf("%s truth: degrade %q dpi %d pages %d", e.ID, tr.Degrade, tr.DPI, len(tr.Pages))
		}
	}
	want := []string{"doc-0001 pdf doc-0001.pdf", "doc-0001 png doc-0001-p1.png", "doc-0002 pdf doc-0002.pdf", "doc-0002 png doc-0002-p1.png"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("index (-want +got):\n%s", diff)
	}

	// The same flags give the same bytes.
	again := t.TempDir()
	args[1] = again
	if err := run(args, &stderr); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"doc-0001.pdf", "doc-0002-p2.png", "doc-0002.pdf.json", "index.json"} {
		x, _ := os.ReadFile(filepath.Join(dir, f))
		y, _ := os.ReadFile(filepath.Join(again, f))
		if len(x) == 0 || !bytes.Equal(x, y) {
			t.Errorf("%s differs between two runs with the same seed", f)
		}
	}
}

func TestRunRejectsBadFlags(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no out", []string{"-n", "1"}, "-out is required"},
		{"pages", []string{"-out", dir, "-pages", "3,1"}, "max below min"},
		{"pages text", []string{"-out", dir, "-pages", "x"}, "not a positive number"},
		{"format", []string{"-out", dir, "-n", "1", "-dpi", "72", "-formats", "gif"}, "unknown format"},
		{"class", []string{"-out", dir, "-classes", "novel"}, "unknown class"},
		{"degrade", []string{"-out", dir, "-degrade", "extreme"}, "degrade"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stderr bytes.Buffer
			err := run(tc.args, &stderr)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("run(%q) = %v, want an error mentioning %q", tc.args, err, tc.want)
			}
		})
	}
}
