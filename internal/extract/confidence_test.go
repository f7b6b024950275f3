package extract

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sohoa/sohoa/internal/domain"
)

// wordsPage builds an OCR page from lines of "word:conf" tokens.
func wordsPage(lines ...string) *domain.Page {
	p := &domain.Page{No: 1}
	var text []string
	for li, l := range lines {
		var ws []string
		for _, tok := range strings.Fields(l) {
			w, c, _ := strings.Cut(tok, ":")
			conf := 92.0
			switch c {
			case "lo":
				conf = 40
			case "mid":
				conf = 70
			}
			ws = append(ws, w)
			p.Words = append(p.Words, domain.Word{Text: w, Conf: conf, Line: li})
		}
		text = append(text, strings.Join(ws, " "))
	}
	p.Text = strings.Join(text, "\n")
	return p
}

func TestCandConfidence(t *testing.T) {
	e := defaultEngine(t)
	printed := "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập Tự do Hạnh phúc UỶ BAN NHÂN DÂN TỈNH CÀ MAU"
	tests := []struct {
		name      string
		field     string // default issued_date
		line      string
		value     string
		raw       string
		reason    string // expected, "" for none
		notReason string // must not be given
		maxConf   float64
		minConf   float64
		wantNone  bool
	}{
		{name: "no word confidence for a long number", field: "cccd", line: "Số CCCD: 096085000123:lo", value: "096085000123", wantNone: true, minConf: 0.9, maxConf: 1},
		{name: "printed date", line: "Cà Mau, ngày 15 tháng 3 năm 2021", value: "2021-03-15", raw: "ngày 15 tháng 3 năm 2021", minConf: 0.85, maxConf: 1, wantNone: true},
		{name: "handwritten day", line: "Cà Mau, ngày 15:lo tháng 3 năm 2021", value: "2021-03-15", raw: "ngày 15 tháng 3 năm 2021", reason: ReasonHandwriting, maxConf: 0.6},
		{name: "handwritten number located by its tokens", line: "Số: 125:lo /QĐ-UBND", value: "125/QĐ-UBND", reason: ReasonHandwriting, maxConf: 0.6},
		{name: "faded word in text", line: "V/v cấp giấy:lo chứng nhận", value: "cấp giấy chứng nhận", reason: ReasonLowOCRConfidence, maxConf: 0.6},
		{name: "middling word lowers without reason", line: "Số: 125:mid /QĐ-UBND", value: "125/QĐ-UBND", minConf: 0.7, maxConf: 0.8, wantNone: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := wordsPage(printed, printed, tt.line)
			d := &doc{pages: []*page{preparePage(src)}}
			field := tt.field
			if field == "" {
				field = "issued_date"
			}
			conf, reasons := e.candConfidence(d, field, cand{value: tt.value, raw: tt.raw, conf: 0.95, page: 1})
			if tt.reason != "" && !slices.Contains(reasons, tt.reason) {
				t.Errorf("reasons %v, want %s", reasons, tt.reason)
			}
			if tt.notReason != "" && slices.Contains(reasons, tt.notReason) {
				t.Errorf("reasons %v, must not hold %s", reasons, tt.notReason)
			}
			if tt.wantNone && len(reasons) > 0 {
				t.Errorf("reasons %v, want none", reasons)
			}
			if conf > tt.maxConf || conf < tt.minConf {
				t.Errorf("confidence %.3f, want in [%.2f, %.2f]", conf, tt.minConf, tt.maxConf)
			}
		})
	}
	t.Run("anchor", func(t *testing.T) {
		d := &doc{pages: []*page{preparePage(&domain.Page{No: 1, Text: "Thửa đất số: 217"})}}
		exact, _ := e.candConfidence(d, "parcel_no", cand{value: "217", conf: 0.9, page: 1})
		fuzzy, reasons := e.candConfidence(d, "parcel_no", cand{value: "217", conf: 0.9, page: 1, anchor: 0.7, reasons: []string{"anchor_fuzzy"}})
		if exact != 0.9 || fuzzy >= exact || !slices.Equal(reasons, []string{"anchor_fuzzy"}) {
			t.Errorf("exact %.3f, fuzzy %.3f %v", exact, fuzzy, reasons)
		}
	})
}

// TestExtractReasons runs the whole extraction on a letter whose number is
// handwritten and whose date is in the future: both values are returned,
// below the threshold, with their reasons.
func TestExtractReasons(t *testing.T) {
	e := defaultEngine(t)
	src := wordsPage(
		"UỶ BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
		"TỈNH CÀ MAU Độc lập - Tự do - Hạnh phúc",
		"Số: 125:lo /UBND-VX Cà Mau, ngày 15 tháng 3 năm 2099",
		"V/v triển khai công tác chuyển đổi số năm 2021",
		"Kính gửi: Sở Thông tin và Truyền thông",
		"Ủy ban nhân dân tỉnh đề nghị các cơ quan, đơn vị triển khai thực hiện.",
		"KT. CHỦ TỊCH",
		"PHÓ CHỦ TỊCH",
		"Nguyễn Văn An",
	)
	r, err := e.Extract(context.Background(), []domain.Page{*src}, "")
	if err != nil {
		t.Fatal(err)
	}
	thr := e.ConfidenceThreshold()
	for name, want := range map[string]string{"doc_number": ReasonHandwriting, "issued_date": ReasonDateFuture} {
		f, ok := r.Fields[name]
		if !ok {
			t.Errorf("%s missing: %+v", name, r.Fields)
			continue
		}
		if !slices.Contains(f.Reasons, want) || f.Confidence >= thr || !e.NeedsReview(f) {
			t.Errorf("%s = %+v, want reason %s and confidence below %.2f", name, f, want, thr)
		}
	}
	// The printed subject has no reason and keeps its OCR confidence.
	if f := r.Fields["subject"]; len(f.Reasons) > 0 || f.Confidence < 0.8 {
		t.Errorf("subject = %+v, want no reason and its OCR confidence", f)
	}
}

func TestConfidenceConfig(t *testing.T) {
	e := defaultEngine(t)
	if thr := e.ConfidenceThreshold(); thr <= 0.5 || thr >= 1 {
		t.Errorf("shipped threshold %.3f, want a calibrated value in (0.5, 1)", thr)
	}
	bad := []string{
		"threshold: 1.5\nlow_word_conf: 50\nhandwriting: {digit_conf_below: 60, printed_conf_above: 85}\nreason_cap: 0.5\n",
		"threshold: 0.8\nlow_word_conf: 0\nhandwriting: {digit_conf_below: 60, printed_conf_above: 85}\nreason_cap: 0.5\n",
		"threshold: 0.8\nlow_word_conf: 50\nhandwriting: {digit_conf_below: 60, printed_conf_above: 85}\nreason_cap: 0.5\nunknown: 1\n",
	}
	for _, b := range bad {
		if _, err := parseConfidence([]byte(b)); err == nil {
			t.Errorf("parseConfidence accepted %q", b)
		}
	}
	// A pipeline directory may carry its own calibration.
	dir := t.TempDir()
	data, err := os.ReadFile(filepath.Join("..", "..", "pipelines", "generic.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "generic.yaml"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	own := "threshold: 0.9\nlow_word_conf: 50\nhandwriting: {digit_conf_below: 60, printed_conf_above: 85}\nreason_cap: 0.5\n"
	if err := os.WriteFile(filepath.Join(dir, confidenceFile), []byte(own), 0o644); err != nil {
		t.Fatal(err)
	}
	e2, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if e2.ConfidenceThreshold() != 0.9 {
		t.Errorf("threshold from the directory = %v, want 0.9", e2.ConfidenceThreshold())
	}
}

func TestReasonText(t *testing.T) {
	if got := ReasonText(ReasonHandwriting, "vi"); !strings.Contains(got, "viết tay") {
		t.Errorf("vi: %q", got)
	}
	if got := ReasonText(ReasonHandwriting, "en"); !strings.Contains(got, "handwritten") {
		t.Errorf("en: %q", got)
	}
	if got := ReasonText("no_such_code", "en"); got != "no_such_code" {
		t.Errorf("unknown code: %q", got)
	}
}

// TestValidateFields checks the checks across fields: the number, the
// symbol and the issuer share a doubt, an annex names its document, and a
// document typed without diacritics says its restored ones are guesses.
func TestValidateFields(t *testing.T) {
	e := defaultEngine(t)
	body := strings.Repeat("Ủy ban nhân dân tỉnh đề nghị các cơ quan đơn vị triển khai thực hiện nghiêm túc.\n", 6)
	plain := strings.Repeat("Uy ban nhan dan tinh de nghi cac co quan don vi trien khai thuc hien nghiem tuc.\n", 6)
	tests := []struct {
		name   string
		fields map[string]Field
		text   string
		want   map[string]string // field -> reason it must carry ("" none)
	}{
		{"symbol of another body", map[string]Field{
			"doc_number": {Value: "30", Confidence: 0.97}, "doc_symbol": {Value: "NĐ-CP", Confidence: 0.97},
			"issuer": {Value: "Sở Tư pháp tỉnh Cà Mau", Confidence: 0.97}}, body,
			map[string]string{"doc_number": ReasonSymbolIssuer, "doc_symbol": ReasonSymbolIssuer, "issuer": ReasonSymbolIssuer}},
		{"symbol of the issuer", map[string]Field{
			"doc_number": {Value: "30", Confidence: 0.97}, "doc_symbol": {Value: "QĐ-STP", Confidence: 0.97},
			"issuer": {Value: "Sở Tư pháp tỉnh Cà Mau", Confidence: 0.97}}, body,
			map[string]string{"doc_number": "", "doc_symbol": "", "issuer": ""}},
		{"annex agrees", map[string]Field{
			"doc_number": {Value: "1085", Confidence: 0.97}, "issued_date": {Value: "2020-10-13", Confidence: 0.97}},
			body + "PHỤ LỤC\n(Kèm theo Quyết định số 1085/QĐ-SNNMT ngày 13/10/2020 của Sở Nông nghiệp và Môi trường)\n",
			map[string]string{"doc_number": "", "issued_date": ""}},
		{"annex disagrees", map[string]Field{
			"doc_number": {Value: "30", Confidence: 0.97}, "issued_date": {Value: "2025-02-19", Confidence: 0.97}},
			body + "(Kèm theo Văn bản số 1085/QĐ-SNNMT ngày 13/10/2020 của Sở Nông nghiệp và Môi trường)\n",
			map[string]string{"doc_number": ReasonAnnexNumber, "issued_date": ReasonAnnexDate}},
		{"accentless document", map[string]Field{
			"issuer": {Value: "Ủy ban nhân dân xã Hiệp Thạnh", Confidence: 0.97}, "doc_number": {Value: "12", Confidence: 0.97}}, plain,
			map[string]string{"issuer": ReasonAccentsRestored, "doc_number": ""}},
		{"copy block", map[string]Field{
			"signer_name": {Value: "Dương Thanh Toàn", Confidence: 0.97}, "subject": {Value: "Kiện toàn ban chỉ đạo", Confidence: 0.97}},
			body + "VĂN PHÒNG SAO Y\nSố: 12/SY-VP\nPHÓ CHÁNH VĂN PHÒNG\nDương Thanh Toàn\n",
			map[string]string{"signer_name": ReasonCopyBlock, "subject": ""}},
		{"copy mentioned in a sentence", map[string]Field{
			"signer_name": {Value: "Dương Thanh Toàn", Confidence: 0.97}},
			body + "Hồ sơ gồm bản sao giấy chứng nhận.\n",
			map[string]string{"signer_name": ""}},
		{"accented document", map[string]Field{
			"issuer": {Value: "Ủy ban nhân dân xã Hiệp Thạnh", Confidence: 0.97}}, body,
			map[string]string{"issuer": ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pages := []*page{preparePage(&domain.Page{No: 1, Text: tt.text})}
			e.validateFields(tt.fields, pages)
			for name, reason := range tt.want {
				f := tt.fields[name]
				switch {
				case reason == "" && len(f.Reasons) > 0:
					t.Errorf("%s: reasons %v, want none", name, f.Reasons)
				case reason != "" && (!slices.Contains(f.Reasons, reason) || f.Confidence > e.conf.ReasonCap):
					t.Errorf("%s: %+v, want reason %s and confidence at most %.2f", name, f, reason, e.conf.ReasonCap)
				}
			}
		})
	}
}
