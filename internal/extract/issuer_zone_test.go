package extract

import (
	"context"
	"testing"

	"github.com/sohoa/sohoa/internal/domain"
)

// A body printed under its parent takes the parent's locality; words that
// fold like a unit word ("quản lý" like "quận") are not its locality.
func TestIssuerUnderParent(t *testing.T) {
	tests := []struct {
		name, head, want string
	}{
		{"project board under the province", "ỦY BAN NHÂN DÂN\nTỈNH KON TUM\nBAN QUẢN LÝ DỰ ÁN\nGIAO THÔNG\n", "BAN QUẢN LÝ DỰ ÁN GIAO THÔNG TỈNH KON TUM"},
		{"board read with wrong marks", "ỦY BAN NHÂN DÂN\nTỈNH KON TUM\nBẠN QUẦN LÝ DỰ ÂN\nĐẦU TƯ XÂY DỰNG\n", "BAN QUẢN LÝ DỰ ÁN ĐẦU TƯ XÂY DỰNG TỈNH KON TUM"},
		{"department under the province", "ỦY BAN NHÂN DÂN\nTỈNH KON TUM\nSỞ TƯ PHÁP\n", "SỞ TƯ PHÁP TỈNH KON TUM"},
		{"a district's own name", "ỦY BAN NHÂN DÂN\nQUẬN BA ĐÌNH\n", "ỦY BAN NHÂN DÂN QUẬN BA ĐÌNH"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := tt.head + "Số: 12/BC-BQLDA\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nKon Tum, ngày 3 tháng 4 năm 2019\nBÁO CÁO\nKết quả thực hiện dự án năm 2019\n"
			r := extractText(t, text, "")
			if got := r.Fields["issuer"].Value; got != tt.want {
				t.Errorf("issuer = %q, want %q", got, tt.want)
			}
		})
	}
}

// The signature block: a scribble read as letters between the title and
// the name is not the title; a name carried to the top of the next page
// (under the last recipients) goes with the title at the foot of the page.
func TestSignerBlock(t *testing.T) {
	body := func(y int) []placed {
		var out []placed
		for i := 0; i < 8; i++ {
			out = append(out, placed{60, y + 30*i, "Ủy ban nhân dân huyện đề nghị các cơ quan, đơn vị phối hợp thực hiện nghiêm túc"})
		}
		return out
	}
	tests := []struct {
		name            string
		pages           []domain.Page
		signer, posWant string
	}{
		{"scribble under the title", []domain.Page{boxPage(t, 1, join(letterHeader(100, "Số: 215/UBND-VP"), []placed{
			{60, 800, "Nơi nhận:"}, {760, 800, "TL. CHỦ TỊCH"},
			{60, 830, "- Như trên;"}, {760, 830, "CHÁNH VĂN PHÒNG"},
			{60, 860, "- Lưu: VT."}, {800, 900, "GMNN)"},
			{760, 990, "Nguyễn Văn Bình"},
		})...)}, "Nguyễn Văn Bình", "CHÁNH VĂN PHÒNG"},
		{"name on the next page", []domain.Page{
			boxPage(t, 1, join(letterHeader(100, "Số: 215/UBND-VP"), body(500), []placed{
				{60, 1600, "Nơi nhận:"}, {760, 1600, "KT. CHỦ TỊCH"},
				{60, 1630, "- Như trên;"}, {760, 1630, "PHÓ CHỦ TỊCH"},
			})...),
			boxPage(t, 2, []placed{{60, 100, "- Các phòng, ban;"}, {760, 130, "Trần Thị Mai"}, {60, 160, "- Lưu: VT."}}...),
		}, "Trần Thị Mai", "PHÓ CHỦ TỊCH"},
	}
	e := defaultEngine(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := e.Extract(context.Background(), tt.pages, "")
			if err != nil {
				t.Fatal(err)
			}
			if got := r.Fields["signer_name"].Value; got != tt.signer {
				t.Errorf("signer_name = %q, want %q", got, tt.signer)
			}
			if got := r.Fields["signer_position"].Value; got != tt.posWant {
				t.Errorf("signer_position = %q, want %q", got, tt.posWant)
			}
		})
	}
}

// A number quoted in running text ("… Chỉ thị số" at the end of one line,
// "246/CT-TTg" opening the next) is never the document's own number, even
// when the subject's "V/v" is unreadable and the header zone runs on.
func TestQuotedNumberNotOwn(t *testing.T) {
	text := "ỦY BAN NHÂN DÂN\nTỈNH KON TUM\nSố:     /UBND-VP\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n" +
		"Kon Tum, ngày 3 tháng 4 năm 2019\n#§ triển khai thực hiện Chỉ thị số\n246/CT-TTg ngày 03/07/2016 về đất đai\n" +
		"Kính gửi: Các sở, ban, ngành.\n"
	r := extractText(t, text, "")
	if f, ok := r.Fields["doc_number"]; ok {
		t.Errorf("doc_number = %q, want none (the quoted Chỉ thị's number)", f.Value)
	}
	for _, tt := range []struct {
		before string
		want   bool
	}{
		{"trien khai Chi thi so\n", true},
		{"Cong van so ", true},
		{"\nSo ", false},
		{"ve viec ", false},
	} {
		if got := quotedNumber(tt.before); got != tt.want {
			t.Errorf("quotedNumber(%q) = %v, want %v", tt.before, got, tt.want)
		}
	}
}
