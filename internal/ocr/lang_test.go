package ocr

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sohoa/sohoa/internal/corpus"
	"github.com/sohoa/sohoa/internal/domain"
)

func TestIsVietnameseSyllable(t *testing.T) {
	tests := []struct {
		w    string
		want bool
	}{
		{"Quyết", true}, {"định", true}, {"NGHIÊNG", true}, {"gì", true}, {"Đường", true},
		{"khuyến", true}, {"ngoài", true}, {"thuở", true}, {"a", true}, {"the", true},
		{"and", false}, {"data", false}, {"sháre", false}, {"ïn", false}, {"program", false},
		{"UBND", false}, {"ặắ", false}, {"tiếng̀", false}, {"x", false},
	}
	for _, tt := range tests {
		if got := isVietnameseSyllable(tt.w); got != tt.want {
			t.Errorf("isVietnameseSyllable(%q) = %v, want %v", tt.w, got, tt.want)
		}
	}
}

func pageOf(text string) domain.Page {
	var p domain.Page
	for _, w := range strings.Fields(text) {
		p.Words = append(p.Words, domain.Word{Text: w})
	}
	return p
}

func TestVietnameseShare(t *testing.T) {
	vie := "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Xét đề nghị của Giám đốc Sở Tài nguyên và Môi trường tại Tờ trình số 215/TTr-STNMT, UBND tỉnh quyết định:"
	eng := "The parties agree to share technical reports, satellite imagery and field survey data within thirty days of each request."
	engAsVie := "Sữbjeet; Cooperaton oñ manprove forest protection ardl The parties agree tỏ sháre technicä] report5, satellite Ínagery ad field"
	if s := vietnameseShare(pageOf(vie)); s < 0.85 {
		t.Errorf("Vietnamese text scores %.2f, want at least 0.85", s)
	}
	for _, text := range []string{eng, engAsVie} {
		if s := vietnameseShare(pageOf(text)); s >= minVietnameseShare {
			t.Errorf("English text %q scores %.2f, want under %.2f", text[:20], s, minVietnameseShare)
		}
	}
	if s := vietnameseShare(pageOf("123 4/5 ---")); s != 1 {
		t.Errorf("page without words of letters scores %.2f, want 1", s)
	}
}

func readTestPage(t *testing.T, e *Engine, name string) (domain.Page, string) {
	t.Helper()
	img, err := os.ReadFile(filepath.Join("..", "..", "testdata", "ocr", name+".png"))
	if err != nil {
		t.Fatal(err)
	}
	truth, err := os.ReadFile(filepath.Join("..", "..", "testdata", "ocr", strings.TrimSuffix(name, "-poor-scan")+".txt"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := e.Recognize(context.Background(), img, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return p, string(truth)
}

// TestLanguages checks how the configured languages are used: Vietnamese
// pages with English terms are read with Vietnamese alone (better than the
// combined model), and a poor scan of an English page, which the Vietnamese
// model reads badly, is read again with every language.
func TestLanguages(t *testing.T) {
	both := newEngine(t, 1) // default languages: vie, eng
	vieOnly, err := New(Config{Workers: 1, Languages: []string{"vie"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { vieOnly.Close() })
	combined, err := New(Config{Workers: 1, Languages: []string{"eng", "vie"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { combined.Close() })

	mixed, truth := readTestPage(t, both, "mixed-vie-eng")
	mixedCombined, _ := readTestPage(t, combined, "mixed-vie-eng")
	cm, cc := corpus.CER(truth, mixed.Text), corpus.CER(truth, mixedCombined.Text)
	t.Logf("Vietnamese page with English terms: CER %.2f%% read as %s, %.2f%% with the combined eng+vie model", 100*cm, mixed.Languages, 100*cc)
	if mixed.Languages != "vie" {
		t.Errorf("Vietnamese page read with %q, want vie", mixed.Languages)
	}
	if cm > 0.02 {
		t.Errorf("Vietnamese page with English terms: CER %.2f%%, want under 2%%", 100*cm)
	}

	en, truth := readTestPage(t, both, "english-poor-scan")
	enVie, _ := readTestPage(t, vieOnly, "english-poor-scan")
	ce, cv := corpus.CER(truth, en.Text), corpus.CER(truth, enVie.Text)
	t.Logf("poor scan of an English page: CER %.2f%% read as %s, %.2f%% with Vietnamese alone", 100*ce, en.Languages, 100*cv)
	if en.Languages != "vie+eng" {
		t.Errorf("English page read with %q, want vie+eng", en.Languages)
	}
	if ce >= cv*0.75 {
		t.Errorf("English page: CER %.2f%% with the fallback, not clearly better than %.2f%% with Vietnamese alone", 100*ce, 100*cv)
	}
}
