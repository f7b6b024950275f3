package web

import (
	"net/http"

	"github.com/sohoa/sohoa/internal/catalog"
)

// accuracyMessages are the texts of the accuracy page.
var accuracyMessages = map[string][2]string{
	"accuracy.title":     {"Độ chính xác trên hồ sơ đã duyệt", "Accuracy on verified records"},
	"accuracy.intro":     {"Mỗi văn bản đã được kiểm tra viên duyệt là dữ liệu chuẩn: so sánh giá trị máy trích xuất với giá trị đã duyệt.", "Every document a reviewer verified is ground truth: the machine's values are compared with the verified ones."},
	"accuracy.summary":   {"%d văn bản đã duyệt; ngưỡng tin cậy %s", "%d verified documents; confidence threshold %s"},
	"accuracy.empty":     {"Chưa có văn bản nào được duyệt.", "No document has been verified yet."},
	"accuracy.all":       {"Tất cả các trường", "All fields"},
	"accuracy.overall":   {"Toàn bộ", "Overall"},
	"accuracy.field":     {"Trường", "Field"},
	"accuracy.documents": {"Văn bản", "Documents"},
	"accuracy.changed":   {"Giá trị bị sửa", "Values changed"},
	"accuracy.precision": {"Độ chính xác (precision)", "Precision"},
	"accuracy.recall":    {"Độ đầy đủ (recall)", "Recall"},
	"accuracy.above":     {"Đúng / số giá trị trên ngưỡng", "Right / values above the threshold"},
	"accuracy.abovep":    {"Tỉ lệ đúng trên ngưỡng", "Precision above the threshold"},
	"accuracy.link":      {"Độ chính xác trên hồ sơ đã duyệt", "Accuracy on verified records"},
}

func init() {
	for k, m := range accuracyMessages {
		messages[k] = m
	}
}

// accuracyRow is a line of the accuracy table, labelled in the page's
// language.
type accuracyRow struct {
	Label string
	Total bool // a class's or the overall totals
	catalog.FieldAccuracy
}

// accuracyClass is a class's table.
type accuracyClass struct {
	ID, Label string
	Documents int
	Rows      []accuracyRow
}

// accuracyData is the accuracy page.
type accuracyData struct {
	Acc     catalog.Accuracy
	Classes []accuracyClass
	Overall accuracyRow
}

// accuracyPage shows operators the accuracy of extraction measured on the
// verified records (catalog.MeasureVerified): per class and field, the
// documents verified, the values changed, precision, recall and the
// precision above the confidence threshold. Counts only, no value.
func (s *Server) accuracyPage(w http.ResponseWriter, r *http.Request, v *view) error {
	acc, err := s.d.Catalog.MeasureVerified(r.Context(), catalog.StatsFilter{}, s.d.Review.OrDefault().Field)
	if err != nil {
		return err
	}
	d := accuracyData{Acc: acc, Overall: accuracyRow{Label: v.T("accuracy.overall"), Total: true, FieldAccuracy: acc.All}}
	for _, c := range acc.Classes {
		ac := accuracyClass{ID: c.Class, Label: v.ClassLabel(c.Class), Documents: c.Documents}
		for _, f := range c.Fields {
			ac.Rows = append(ac.Rows, accuracyRow{Label: fieldLabel(v.Lang, f.Field), FieldAccuracy: f})
		}
		ac.Rows = append(ac.Rows, accuracyRow{Label: v.T("accuracy.all"), Total: true, FieldAccuracy: c.All})
		d.Classes = append(d.Classes, ac)
	}
	v.Title = v.T("accuracy.title")
	v.Data = d
	s.render(w, v, http.StatusOK, "accuracy")
	return nil
}
