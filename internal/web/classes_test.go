package web

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sohoa/sohoa/internal/extract"
)

func shippedView(t *testing.T, lang string) *view {
	t.Helper()
	e, err := extract.Default()
	if err != nil {
		t.Fatal(err)
	}
	return &view{Lang: lang, classes: e.ClassList()}
}

// TestClassLabels checks the labels the search page, its facets and the
// record page show: the engine's titles in the page's language, the
// document's own type word added when it says more, and unknown values
// (older links, removed classes) shown as they are.
func TestClassLabels(t *testing.T) {
	vi, en := shippedView(t, "vi"), shippedView(t, "en")
	tests := []struct {
		name                 string
		v                    *view
		class, docType, want string
	}{
		{"class and its own word", vi, "decision", "Quyết định", "Quyết định"},
		{"word in another case", vi, "decision", "QUYẾT ĐỊNH", "Quyết định"},
		{"english", en, "decision", "Quyết định", "Decision"},
		{"word says more", vi, "other_administrative", "Chỉ thị", "Văn bản hành chính khác · Chỉ thị"},
		{"doc_type fell back to the class", vi, "generic", "generic", "Tài liệu chưa phân loại"},
		{"no class (older record)", vi, "", "Quyết định", "Quyết định"},
		{"unknown class", vi, "removed_class", "", "removed_class"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.v.HitType(tt.class, tt.docType); got != tt.want {
				t.Errorf("HitType(%q, %q) = %q, want %q", tt.class, tt.docType, got, tt.want)
			}
		})
	}
	opts := en.DocTypes()
	if len(opts) != len(en.classes) || !slices.Contains(opts, option{"decision", "Decision"}) {
		t.Errorf("DocTypes(en) = %v, want every class by ID, decision as Decision", opts)
	}
}

// TestUploadHints checks the upload form's choices: detect, then one
// group per pipeline holding the pipeline itself and each of its classes,
// all from the engine.
func TestUploadHints(t *testing.T) {
	got := shippedView(t, "vi").uploadHints()
	if len(got) != 5 {
		t.Fatalf("%d groups, want detect + 4 pipelines: %+v", len(got), got)
	}
	if diff := cmp.Diff(optGroup{Options: []option{{"", "Tự động nhận dạng"}}}, got[0]); diff != "" {
		t.Errorf("first group (-want +got):\n%s", diff)
	}
	land := optGroup{Label: "Hồ sơ đất đai", Options: []option{
		{"land", "Hồ sơ đất đai: tự nhận dạng loại"},
		{"land_certificate", "Giấy chứng nhận quyền sử dụng đất"},
	}}
	var found bool
	for _, g := range got[1:] {
		if g.Label == land.Label {
			found = true
			if diff := cmp.Diff(land, g); diff != "" {
				t.Errorf("land group (-want +got):\n%s", diff)
			}
		}
	}
	if !found {
		t.Errorf("no land group in %+v", got)
	}
}
