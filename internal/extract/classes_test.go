package extract

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestClassListShipped checks that every shipped class is listed once with
// its pipeline and both labels, so the web filters, the upload form and the
// API show every class in Vietnamese and English.
func TestClassListShipped(t *testing.T) {
	e, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	list := e.ClassList()
	seen := map[string]bool{}
	n := 0
	for _, p := range e.Pipelines() {
		for _, id := range p.Classes() {
			n++
			c, ok := FindClass(list, id)
			if !ok {
				t.Errorf("class %s of %s missing from ClassList", id, p.Name)
				continue
			}
			if c.Pipeline != p.Name {
				t.Errorf("class %s: pipeline %q, want %q", id, c.Pipeline, p.Name)
			}
			if c.Title == "" || c.TitleEN == "" {
				t.Errorf("class %s: title %q, title_en %q: both are needed (pipelines/%s.yaml)", id, c.Title, c.TitleEN, p.Name)
			}
			if c.Title == c.TitleEN {
				t.Errorf("class %s: title_en %q is the Vietnamese title", id, c.TitleEN)
			}
		}
	}
	for _, c := range list {
		if seen[c.ID] {
			t.Errorf("class %s listed twice", c.ID)
		}
		seen[c.ID] = true
	}
	if len(list) != n || n < 10 {
		t.Errorf("ClassList has %d classes, the pipelines %d", len(list), n)
	}
	for _, want := range []struct{ id, vi, en string }{
		{"decision", "Quyết định", "Decision"},
		{"land_certificate", "Giấy chứng nhận quyền sử dụng đất", "Land-use right certificate"},
		{"birth_extract", "Trích lục khai sinh", "Birth extract"},
	} {
		c, ok := FindClass(list, want.id)
		if !ok || c.Label("vi") != want.vi || c.Label("en") != want.en {
			t.Errorf("class %s: labels %q / %q, want %q / %q", want.id, c.Label("vi"), c.Label("en"), want.vi, want.en)
		}
	}
}

// TestClassLabel checks the fallbacks of Label: a class added without
// title_en shows its Vietnamese title in English pages, and one without any
// title shows its ID.
func TestClassLabel(t *testing.T) {
	tests := []struct {
		name   string
		c      ClassInfo
		vi, en string
	}{
		{"both titles", ClassInfo{ID: "plan", Title: "Kế hoạch", TitleEN: "Plan"}, "Kế hoạch", "Plan"},
		{"no english", ClassInfo{ID: "x", Title: "Biên bản"}, "Biên bản", "Biên bản"},
		{"no title", ClassInfo{ID: "x_y"}, "x_y", "x_y"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.c.Label("vi"); got != tt.vi {
				t.Errorf("Label(vi) = %q, want %q", got, tt.vi)
			}
			if got := tt.c.Label("en"); got != tt.en {
				t.Errorf("Label(en) = %q, want %q", got, tt.en)
			}
		})
	}
}

// TestClassListFromYAML checks that a class added by a YAML file alone,
// with title_en, appears in ClassList with its labels.
func TestClassListFromYAML(t *testing.T) {
	dir := t.TempDir()
	yaml := `pipeline: minutes
description: Biên bản
classes:
  - id: meeting_minutes
    title: Biên bản họp
    title_en: Meeting minutes
    cues:
      - {title: BIÊN BẢN}
    fields:
      - {name: subject, kind: builtin, builtin: subject}
  - id: minutes_other
    title: Biên bản khác
    fallback: true
`
	if err := os.WriteFile(filepath.Join(dir, "minutes.yaml"), []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	e, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	got := e.ClassList()
	want := []ClassInfo{
		{ID: "meeting_minutes", Pipeline: "minutes", Title: "Biên bản họp", TitleEN: "Meeting minutes"},
		{ID: "minutes_other", Pipeline: "minutes", Title: "Biên bản khác"},
	}
	if len(got) != len(want) {
		t.Fatalf("ClassList = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("ClassList[%d] = %+v, want %+v", i, got[i], want[i])
		}
	}
	if _, ok := FindClass(got, "nope"); ok || strings.Contains(got[1].Label("en"), "minutes") {
		t.Errorf("FindClass found an unknown class or Label invented an English title")
	}
}
