package extract

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sohoa/sohoa/internal/domain"
)

// seeds are texts shaped like the documents the fuzzers mutate.
var seeds = []string{
	header + "QUYẾT ĐỊNH\nVề việc thu hồi đất\nĐiều 1. Ông Nguyễn Văn An, sinh năm 1969, CCCD số 0960 6900 1234.\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n\nLê Văn Bình\n",
	"Thửa đất số: 217a; Tờ bản đồ số: C44;\nDiện tích: 1.250,5 m²\nSố vào sổ cấp GCN: CH 00120\nBS 123456\n",
	"TRÍCH LỤC KHAI SINH\nHọ, chữ đệm, tên: NGUYỄN VĂN AN\nNgày, tháng, năm sinh: 12/03/2001\nDân tộc: Kinh\f2\n",
	"TỐI MẬT\nSố 05-NQ/TU\nĐẢNG CỘNG SẢN VIỆT NAM\n",
	"\x00\xff\xfe ngày 31 tháng 02 năm 2020 \u0301\u0301 Đ\u0110",
}

// FuzzExtract feeds untrusted OCR text to the engine: it must not panic,
// must return spans inside the text, and Redact must keep valid UTF-8 when
// given valid UTF-8.
func FuzzExtract(f *testing.F) {
	for _, s := range seeds {
		f.Add(s, "")
	}
	f.Add(seeds[1], "land")
	e, err := Default()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text, hint string) {
		if hint != "" && hint != "land" && hint != "generic" {
			hint = ""
		}
		pages := textPages(text)
		r, err := e.Extract(context.Background(), pages, hint)
		if err != nil {
			t.Fatalf("Extract: %v", err)
		}
		for _, s := range r.Spans {
			if s.Page < 1 || int(s.Page) > len(pages) || s.Start < 0 || s.End > len(pages[s.Page-1].Text) || s.Start >= s.End {
				t.Fatalf("span %+v outside the text", s)
			}
		}
		red := Redact(pages, r)
		if len(red) != len(pages) {
			t.Fatalf("Redact returned %d pages for %d", len(red), len(pages))
		}
		for i, p := range pages {
			if utf8.ValidString(p.Text) && !utf8.ValidString(red[i]) {
				t.Fatalf("redaction broke UTF-8: %q", red[i])
			}
		}
		for _, fld := range r.Fields {
			if !utf8.ValidString(fld.Value) || fld.Confidence < 0 || fld.Confidence > 1 {
				t.Fatalf("bad field %+v", fld)
			}
		}
		_ = DuplicateKey(r)
	})
}

// FuzzLayout feeds arbitrary word boxes to the layout view.
func FuzzLayout(f *testing.F) {
	f.Add("Số: 12/QĐ-UBND Cà Mau, ngày 1 tháng 2 năm 2020", 10, 2000)
	f.Fuzz(func(t *testing.T, text string, gap, width int) {
		p := domain.Page{No: 1, Text: text, Width: width}
		x := 0
		for i, w := range strings.Fields(text) {
			p.Words = append(p.Words, domain.Word{Text: w, Conf: 90, Line: i % 3})
			p.Words[i].Box.Min.X, p.Words[i].Box.Max.X = x, x+len(w)*10
			p.Words[i].Box.Min.Y, p.Words[i].Box.Max.Y = (i%3)*50, (i%3)*50+30
			x += len(w)*10 + gap
		}
		lp := layoutPage(&p)
		for _, w := range lp.words {
			if w.start < 0 || w.end > len(lp.f.raw) || w.start > w.end {
				t.Fatalf("word span %+v outside %q", w, lp.f.raw)
			}
		}
	})
}

// FuzzNormalizeDate checks that dates are ISO dates or years.
func FuzzNormalizeDate(f *testing.F) {
	for _, s := range []string{"ngày 14 tháng 7 năm 2022", "05/03/1998", "sinh năm 1969", "ngay O5 thang l2 nam 2O20", "31/02/2020"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, ok := normDate(s, normCtx{})
		if !ok {
			return
		}
		if !(len(r.value) == 4 && allDigits(r.value)) && !isISODate(r.value) {
			t.Fatalf("normDate(%q) = %q", s, r.value)
		}
	})
}

// FuzzNormalizers runs every normaliser on arbitrary text.
func FuzzNormalizers(f *testing.F) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Add("Số: 1929/QD-UBND")
	f.Add("0960 6900 l234")
	f.Fuzz(func(t *testing.T, s string) {
		for name, n := range normalizers() {
			r, ok := n(s, normCtx{typeAbbr: "QĐ", birthYear: 1969})
			if ok && (r.quality <= 0 || r.quality > 1) {
				t.Fatalf("%s(%q): quality %v", name, s, r.quality)
			}
			if ok && utf8.ValidString(s) && !utf8.ValidString(r.value) {
				t.Fatalf("%s(%q) = invalid UTF-8 %q", name, s, r.value)
			}
		}
		_ = nfc(s)
		_, _ = repairIssuer(s)
		_, _ = repairProvinces(s)
		_, _ = newNameVocab().repairName(s)
	})
}
