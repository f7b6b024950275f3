package extract

import (
	"slices"
	"testing"

	"github.com/sohoa/sohoa/internal/domain"
)

// TestMentionsAndScrubPublic: the people a page names outside the class's
// fields are returned as mentions, and a public field quoting one of them
// (a subject naming the citizen) loses the value, while the signer of the
// act stays public (issue 18).
func TestMentionsAndScrubPublic(t *testing.T) {
	page := domain.Page{No: 1, Text: "GIẤY ỦY QUYỀN\n" +
		"Bên ủy quyền: KIỀU KIM MAI, sinh ngày 12/03/1961, CCCD 096161003412\n" +
		"Nơi cư trú: ấp Tân Hòa, xã Khánh Bình Tây, huyện Trần Văn Thời, tỉnh Cà Mau\n" +
		"CÔNG CHỨC TƯ PHÁP - HỘ TỊCH\nLục Thị Kim Yến\n"}
	_, m := RedactWithMentions([]domain.Page{page}, Result{})
	if !slices.Contains(m["person_names"], "KIỀU KIM MAI") {
		t.Errorf("names %q lack the citizen", m["person_names"])
	}
	if !slices.Contains(m["cccd"], "096161003412") {
		t.Errorf("cccd %q lack the citizen's", m["cccd"])
	}
	if slices.Contains(m["person_names"], "Lục Thị Kim Yến") {
		t.Error("the official who certified was taken for a citizen")
	}
	fields := map[string]Field{
		"subject":     {Value: "Bên ủy quyền: KIỀU KIM MAI", Sensitivity: domain.Public},
		"signer_name": {Value: "Lục Thị Kim Yến", Sensitivity: domain.Public},
		"doc_type":    {Value: "Giấy ủy quyền", Sensitivity: domain.Public},
	}
	ScrubPublic(fields, m)
	if got := fields["subject"].Value; got != "Bên ủy quyền: "+Placeholder("person_names") {
		t.Errorf("subject = %q", got)
	}
	if fields["signer_name"].Value != "Lục Thị Kim Yến" || fields["doc_type"].Value != "Giấy ủy quyền" {
		t.Errorf("public fields changed: %+v", fields)
	}
}
