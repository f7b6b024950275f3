package extract

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/sohoa/sohoa/pipelines"
)

// shippedPlus returns the shipped pipeline files plus extra files.
func shippedPlus(t testing.TB, extra map[string][]byte) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	names, err := fs.Glob(pipelines.FS, "*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		data, err := fs.ReadFile(pipelines.FS, n)
		if err != nil {
			t.Fatal(err)
		}
		m[n] = &fstest.MapFile{Data: data}
	}
	for n, data := range extra {
		m[n] = &fstest.MapFile{Data: data}
	}
	return m
}

const invitationText = `ỦY BAN NHÂN DÂN
HUYỆN ĐẦM DƠI
Số: 45/GM-UBND
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Đầm Dơi, ngày 03 tháng 4 năm 2023

GIẤY MỜI
Họp triển khai kế hoạch phòng, chống thiên tai năm 2023

Ủy ban nhân dân huyện Đầm Dơi trân trọng kính mời: Phòng Nông nghiệp và Phát triển nông thôn huyện
Thời gian: 07 giờ 30 phút, ngày 05 tháng 4 năm 2023
Địa điểm: Hội trường Ủy ban nhân dân huyện Đầm Dơi
Rất mong quý đại biểu tham dự đúng giờ./.

Nơi nhận:
- Như trên;
- Lưu: VT.
TL. CHỦ TỊCH
CHÁNH VĂN PHÒNG
Nguyễn Văn Bình
`

// TestNewClassFromYAML adds a document class (giấy mời, with its own
// fields) from a YAML file in testdata, with no Go change: the class is
// recognised and its fields extracted.
func TestNewClassFromYAML(t *testing.T) {
	data, err := os.ReadFile("../../testdata/pipelines/invitation.yaml")
	if err != nil {
		t.Fatal(err)
	}
	e, err := Load(shippedPlus(t, map[string][]byte{"invitation.yaml": data}))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	r, err := e.Extract(context.Background(), textPages(invitationText), "")
	if err != nil {
		t.Fatalf("Extract: %v", err)
	}
	if r.Class != "invitation" || r.Pipeline != "invitation" {
		t.Fatalf("class %s/%s (%.2f), want invitation", r.Pipeline, r.Class, r.ClassConfidence)
	}
	want := map[string]string{
		"doc_type":     "Giấy mời",
		"doc_number":   "45",
		"doc_symbol":   "GM-UBND",
		"issued_date":  "2023-04-03",
		"invitees":     "Phòng Nông nghiệp và Phát triển nông thôn huyện",
		"meeting_time": "07 giờ 30 phút",
		"meeting_date": "2023-04-05",
		"venue":        "Hội trường Ủy ban nhân dân huyện Đầm Dơi",
		"signer_name":  "Nguyễn Văn Bình",
	}
	for name, v := range want {
		if got := r.Fields[name].Value; got != v {
			t.Errorf("%s = %q, want %q", name, got, v)
		}
	}
	if len(r.Missing) > 0 {
		t.Errorf("missing required fields %v", r.Missing)
	}
	// Without the file, the same text is another class: the class came
	// from the YAML file, not from Go.
	def := defaultEngine(t)
	r2, err := def.Extract(context.Background(), textPages(invitationText), "")
	if err != nil {
		t.Fatal(err)
	}
	if r2.Class == "invitation" {
		t.Errorf("the shipped pipelines already know the class")
	}
}

// TestVocabularyShipped checks the shipped vocabularies loaded and hold
// what the extractor relies on.
func TestVocabularyShipped(t *testing.T) {
	if len(vocProblems) > 0 {
		t.Fatalf("shipped vocabulary: %s", strings.Join(vocProblems, "\n"))
	}
	tests := []struct {
		name string
		got  any
		want any
	}{
		{"quyết định abbreviation", typeAbbrs["QUYET DINH"], "QĐ"},
		{"quy định abbreviation", typeAbbrs["QUY DINH"], "QyĐ"},
		{"công văn has none", typeAbbrs["CONG VAN"], ""},
		{"giấy mời name", typeNames["GIAY MOI"], "Giấy mời"},
		{"QD restored", dRepairs["QD"], "QĐ"},
		{"HD is Hướng dẫn, not restored", dRepairs["HD"], ""},
		{"DA is Dự án, not restored", dRepairs["DA"], ""},
		{"Party Quy định", dRepairs["QDI"], "QĐi"},
		{"mixed case CTr", knownMixed("CTr"), true},
		{"mixed case QyD", knownMixed("QyD"), true},
		{"provinces old and new", len(voc.provinces), 64}, // 63 + Huế
		{"home province", voc.homeKey, "CA MAU"},
		{"land purpose", landPurposeNames["ONT"], "Đất ở tại nông thôn"},
		{"family name from pii", familyNames["NGUYEN"], true},
		{"unit word", unitWords["THANH"], true},
		{"middle Van is Văn", voc.names.middle["van"][0], "Văn"},
		{"secrecy rank", secRank("TUYỆT MẬT"), 3},
		{"urgency rank", urgRank("HỎA TỐC"), 3},
		{"urgency rank khẩn", urgRank("KHẨN"), 1},
		{"O read for 0", string(voc.digitOf['O']), "0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("got %v, want %v", tc.got, tc.want)
			}
		})
	}
}

// TestVocabularyErrors checks that a broken vocabulary file is reported
// with its file and YAML path, like a pipeline file.
func TestVocabularyErrors(t *testing.T) {
	read := func(name string) []byte {
		data, err := fs.ReadFile(pipelines.Vocab, name)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	files := fstest.MapFS{}
	names, _ := fs.Glob(pipelines.Vocab, "vocab/*.yaml")
	for _, n := range names {
		files[n] = &fstest.MapFile{Data: read(n)}
	}
	files["vocab/doc_types.yaml"] = &fstest.MapFile{Data: []byte("types:\n  - {name: Quyết định, abrv: QĐ}\n")}
	files["vocab/gazetteer.yaml"] = &fstest.MapFile{Data: []byte(strings.Replace(string(read("vocab/gazetteer.yaml")),
		"formed_from: [Cà Mau, Bạc Liêu]", "formed_from: [Cà Mau, Bạc Liêu, Kiên Giang]", 1))}
	files["vocab/names.yaml"] = &fstest.MapFile{Data: []byte("prefer: {family: [Xyz]}\n")}
	v := &validationErrors{}
	loadVocab(files, pipelines.PII, "pipelines", v)
	all := strings.Join(v.errs, "\n")
	for _, want := range []string{
		"pipelines/vocab/doc_types.yaml: types[0].abrv: unknown key",
		`pipelines/vocab/gazetteer.yaml: provinces_since_2025[33].formed_from[1]: "Kiên Giang" also forms Cà Mau`,
		`pipelines/vocab/names.yaml: prefer.family[0]: "Xyz" is not a syllable`,
	} {
		if !strings.Contains(all, want) {
			t.Errorf("problems lack %q:\n%s", want, all)
		}
	}
	// A pipeline naming an unknown repair is refused.
	_, err := Load(shippedPlus(t, map[string][]byte{"x.yaml": []byte(
		"pipeline: x\nclasses:\n  - id: x\n    cues: [{title: X}]\n    fields:\n      - {name: issuer, kind: builtin, builtin: issuer, repairs: [provinse]}\n")}))
	var le *LoadError
	if !errors.As(err, &le) || !strings.Contains(err.Error(), `x.yaml: classes[0].fields[0].repairs[0]: unknown repair "provinse"`) {
		t.Errorf("err = %v", err)
	}
}
