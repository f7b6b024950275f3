package pii

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDetectOCRPages runs the detector on Tesseract's output for three tune
// documents of testdata/privacy (issue 18: after OCR, rows without cell
// separators kept their hamlets and birth years, a row whose family name
// OCR misread kept its name and birth date, and an address chain wrapped
// after "xã" kept the commune). Every personal value must go and every
// public phrase stay.
func TestDetectOCRPages(t *testing.T) {
	d := detector(t)
	files, err := filepath.Glob("testdata/ocr/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no OCR pages: %v", err)
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".json"), func(t *testing.T) {
			var c struct{ Personal, Public []string }
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(data, &c); err != nil {
				t.Fatal(err)
			}
			text, err := os.ReadFile(strings.TrimSuffix(f, ".json") + ".txt")
			if err != nil {
				t.Fatal(err)
			}
			got := redacted(d, string(text))
			// A value OCR wrapped over two lines is still that value.
			flat := strings.ToLower(strings.Join(strings.Fields(got), " "))
			for _, v := range c.Personal {
				if strings.Contains(flat, strings.ToLower(v)) {
					t.Errorf("%q survived", v)
				}
			}
			for _, v := range c.Public {
				if strings.Contains(string(text), v) && !strings.Contains(got, v) {
					t.Errorf("%q was redacted", v)
				}
			}
			if t.Failed() {
				t.Log(got)
			}
		})
	}
}

// TestDetectOCRRows covers the rules for rows and chains as OCR writes
// them (issue 18, part 1), each with what must stay public.
func TestDetectOCRRows(t *testing.T) {
	const header = "STT Họ và tên Năm sinh Nơi ở Đối tượng\n"
	runCases(t, []detCase{
		{"hamlet in a row without separators",
			"4 Lý Hoàng Đời 1949 Ấp Lung Dừa Hộ nghèo 540.000",
			[]string{"Lung Dừa", "Lý Hoàng Đời"}, []string{"Hộ nghèo 540.000"}},
		{"numbered hamlet in a row",
			"6 Đỗ Trọng 1955 Khóm 7 Người cao tuổi 540.000",
			[]string{"Khóm 7"}, []string{"Người cao tuổi"}},
		{"hamlet on a line with an ID",
			"CCCD 091093466972 Ấp Tân Lợi",
			[]string{"Tân Lợi"}, nil},
		{"hamlet of a body stays beside a name",
			"Ông Nguyễn Văn Ba, Tổ hòa giải ấp Đồng Tâm",
			[]string{"Nguyễn Văn Ba"}, []string{"Tổ hòa giải ấp Đồng Tâm"}},
		{"hamlet chief stays beside a name",
			"Ông Nguyễn Văn Ba, trưởng ấp Đồng Tâm",
			[]string{"Nguyễn Văn Ba"}, []string{"trưởng ấp Đồng Tâm"}},
		{"cells one a line after a misread row number",
			"STT\n\nHọ tên chủ hộ\nNăm sinh\n\nĐịa chỉ\n\n4\n\nVương Thắm\n1955\n\nẤp Đồng Tâm\n\nR)\n\nMai Ngọc Thuận\n1931\n\nẤp Tân Lợi\n\n6\n",
			[]string{"Đồng Tâm", "Tân Lợi", "Mai Ngọc Thuận"}, []string{"Họ tên chủ hộ", "Địa chỉ"}},
		{"hamlet without a person stays",
			"Nhà văn hóa Ấp Lung Dừa tổ chức họp",
			nil, []string{"Ấp Lung Dừa"}},
		{"misread family name in a list of people",
			header + "7 Lầm Minh Trọng 09/10/1955 Ấp Kinh Hội Người cao tuổi\n",
			[]string{"Lầm Minh Trọng", "09/10/1955", "Kinh Hội"}, []string{"Họ và tên", "Năm sinh", "Người cao tuổi"}},
		{"year in a list of people with a birth column",
			header + "8 Ôn Sa Rết 1942 Khóm 4\n",
			[]string{"Ôn Sa Rết", "1942", "Khóm 4"}, nil},
		{"a form label is not a list header",
			"Họ và tên: Trần Văn Bảy\n2. Lầm Minh Trọng đã nộp hồ sơ năm 2024\n",
			[]string{"Trần Văn Bảy"}, []string{"2. Lầm Minh Trọng", "năm 2024"}},
		{"signature block below a list stays",
			header + "1 Lầm Minh Trọng 1950 Khóm 4\n\nNgười lập biểu TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\nCao Minh Trí\n",
			[]string{"Lầm Minh Trọng", "1950"}, []string{"Cao Minh Trí", "Người lập biểu"}},
		{"a numbered paragraph below a list of people is not a row",
			header + "1 Lầm Minh Trọng 1950 Khóm 4\n2 Tô Sa Rết 1942 Khóm 7\n\n1. Giao Văn Phòng Ủy ban nhân dân xã thực hiện từ ngày 12/3/2024.\n",
			[]string{"Lầm Minh Trọng", "1950", "Tô Sa Rết"}, []string{"Giao Văn Phòng", "12/3/2024"}},
		{"one cell a line",
			"STT\n\nHọ tên chủ hộ\nNăm sinh\n\nĐịa chỉ\n\n3\n\nLầm Nghĩa\n\n1961\n\nẤp Cái Cám\n\nXác nhận của UBND xã Tân Ân",
			[]string{"Lầm Nghĩa", "1961", "Cái Cám"}, []string{"Họ tên chủ hộ", "Năm sinh", "Xác nhận của UBND xã Tân Ân"}},
		{"chain wrapped after a unit word",
			"Em tên phan quốc bảy, sinh 05/01/1993, ở ấp 10, xã\nKhánh Thuận.\nEm xin tạm hoãn",
			[]string{"ấp 10", "Khánh Thuận"}, []string{"Em xin tạm hoãn"}},
		{"chain wrapped after a district word",
			"thường trú tại ấp Tân Lợi, xã Khánh Thuận, huyện\nU Minh, tỉnh Cà Mau.",
			[]string{"Tân Lợi", "U Minh"}, nil},
		{"row wrapped by OCR",
			header + "1 Huỳnh Minh Hải 13/02/1938 Khóm 7 Khuyết tật nặng\n540.000\n2 Lầm Sa Rết 1942 Ấp\nĐồng Tâm Hộ nghèo\n3 Khưu Lan 1941 Ấp 9\n",
			[]string{"Lầm Sa Rết", "1942", "Đồng Tâm", "Khóm 7"}, []string{"nặng\n540.000", "nghèo"}},
		{"name wrapped at the right margin of prose",
			"We forward the application of our student Nguyễn Thị\nBé Ba who lives with her father in the city centre.\nBest regards",
			[]string{"Bé Ba"}, []string{"who lives"}},
		{"a short line before a title line is not a wrap",
			"We forward the application of our student, who lives with her father in the city centre.\nTrường THPT Chuyên Phan Ngọc Hiển\nPhó Hiệu trưởng\nĐinh Công Thắng",
			nil, []string{"Phó Hiệu trưởng", "Phan Ngọc Hiển", "Đinh Công Thắng"}},
		{"a body's commune wrapped stays",
			"Kính gửi: Ủy ban nhân dân xã\nKhánh Thuận",
			nil, []string{"Khánh Thuận"}},
	})
}

// TestDetectKnown checks that values found by other means (a class's
// fields, already replaced by placeholders) make their row personal: the
// hamlet beside a name the detector cannot read is an address.
func TestDetectKnown(t *testing.T) {
	d := detector(t)
	text := "1 Kpă Y Blơng 1949 Ấp Lung Dừa Hộ nghèo"
	name := strings.Index(text, "Kpă")
	hamlet := strings.Index(text, "Ấp Lung Dừa")
	covers := func(spans []Span) bool {
		for _, s := range spans {
			if s.Start <= hamlet && s.End >= hamlet+len("Ấp Lung Dừa") {
				return true
			}
		}
		return false
	}
	if covers(d.Detect(text)) {
		t.Fatalf("without a known name the row is not personal: %v", d.Detect(text))
	}
	for _, tt := range []struct {
		kind Kind
		want bool
	}{{Name, true}, {CCCD, true}, {Kind("area_m2"), false}} {
		got := d.DetectKnown(text, []Span{{Start: name, End: name + len("Kpă Y Blơng"), Kind: tt.kind}})
		if covers(got) != tt.want {
			t.Errorf("known %s: hamlet redacted %v, want %v: %v", tt.kind, covers(got), tt.want, got)
		}
		for _, s := range got {
			if s.Start == name && s.End == name+len("Kpă Y Blơng") {
				t.Errorf("known span returned: %v", s)
			}
		}
	}
}
