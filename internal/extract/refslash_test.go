package extract

import "testing"

func TestRepairRefSlashes(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"date with I", "ngày 05I11I2019 về việc", "ngày 05/11/2019 về việc"},
		{"date with l and J", "ngày 7l3J2018", "ngày 7/3/2018"},
		{"state number with I", "Quyết định số 412IQĐ-UBND ngày", "Quyết định số 412/QĐ-UBND ngày"},
		{"state number with !", "Công văn số 77!SXD-QLN", "Công văn số 77/SXD-QLN"},
		{"party symbol with I", "Chỉ thị số 15-CTIHU ngày", "Chỉ thị số 15-CT/HU ngày"},
		{"a word after the number", "kế hoạch số 3 In ấn tài liệu", "kế hoạch số 3 In ấn tài liệu"},
		{"right already", "Quyết định số 5/QĐ-UBND ngày 01/02/2020", "Quyết định số 5/QĐ-UBND ngày 01/02/2020"},
		{"not a date", "năm 2020 có 1I2 hộ", "năm 2020 có 1I2 hộ"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, changed := repairRefSlashes(tt.in)
			if got != tt.want || changed != (tt.in != tt.want) {
				t.Errorf("repairRefSlashes(%q) = %q, %v; want %q", tt.in, got, changed, tt.want)
			}
		})
	}
}

// The document's spelling of a pair of words counts where the pair ends a
// clause ("kết quả kiểm tra, ..."): a subject's "kiem tra" is re-spelled.
func TestDocVariantsPairBeforePunctuation(t *testing.T) {
	pages := textPages("Căn cứ kết quả kiểm tra, đề nghị các xã báo cáo.\nSau khi kiểm tra; Ủy ban giao.\n")
	got, ok := docVariants([]*page{preparePage(&pages[0])}).repairText("kiem tra viec cap phep")
	if !ok || got != "kiểm tra viec cap phep" {
		t.Errorf("repairText = %q, %v; want %q", got, ok, "kiểm tra viec cap phep")
	}
}

// A word read with wrong marks is re-spelled as the document writes the
// pair elsewhere, unless the document also writes the word so elsewhere:
// then it is another word ("chấn chỉnh công tác" beside "hành chính công").
func TestDocNamesWrongMarks(t *testing.T) {
	tests := []struct {
		name, text, in, want string
	}{
		{"misread tone", "Đề nghị tổ chức họp.\nCác đơn vị tổ chức thực hiện.\n", "tố chức lấy ý kiến", "tổ chức lấy ý kiến"},
		{"another word", "Thực hiện chấn chỉnh kỷ cương.\nTrung tâm hành chính công, hành chính công cấp xã.\n", "chấn chỉnh công tác văn thư", "chấn chỉnh công tác văn thư"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pages := textPages(tt.text)
			got, _ := docVariants([]*page{preparePage(&pages[0])}).repairNames(tt.in)
			if got != tt.want {
				t.Errorf("repairNames(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
