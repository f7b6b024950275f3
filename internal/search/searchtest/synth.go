package searchtest

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/sohoa/sohoa/internal/search"
)

// Vocabulary of the synthetic records: the building blocks of Vietnamese
// administrative documents (NĐ 30/2020 layout) and land certificates.
var (
	synthProvinces = []string{"Cà Mau", "Bạc Liêu", "Sóc Trăng", "Cần Thơ", "Kiên Giang", "An Giang", "Hậu Giang", "Vĩnh Long", "Trà Vinh", "Bến Tre", "Đồng Tháp", "Long An"}
	synthDistricts = []string{"Trần Văn Thời", "U Minh", "Thới Bình", "Cái Nước", "Đầm Dơi", "Năm Căn", "Phú Tân", "Ngọc Hiển", "Giá Rai", "Hồng Dân", "Phước Long", "Vĩnh Lợi"}
	synthCommunes  = []string{"Khánh Bình", "Khánh Hải", "Lợi An", "Phong Lạc", "Trần Hợi", "Khánh Lộc", "Tân Lộc", "Biển Bạch", "Tân Bằng", "Hồ Thị Kỷ", "Tạ An Khương", "Nguyễn Huân"}
	synthBodies    = []string{"Sở Nội vụ", "Sở Tài nguyên và Môi trường", "Sở Kế hoạch và Đầu tư", "Sở Tài chính", "Sở Giáo dục và Đào tạo", "Sở Y tế", "Sở Thông tin và Truyền thông", "Sở Nông nghiệp và Phát triển nông thôn", "Sở Xây dựng", "Sở Giao thông vận tải"}
	synthTypes     = []struct{ key, word, abbr string }{
		{"quyet_dinh", "Quyết định", "QĐ"}, {"cong_van", "Công văn", ""}, {"ke_hoach", "Kế hoạch", "KH"},
		{"bao_cao", "Báo cáo", "BC"}, {"to_trinh", "Tờ trình", "TTr"}, {"thong_bao", "Thông báo", "TB"},
		{"giay_chung_nhan", "Giấy chứng nhận", ""}, {"huong_dan", "Hướng dẫn", "HD"},
	}
	synthSubjects = []string{
		"chuyển đổi số", "cải cách hành chính", "phòng chống thiên tai", "quản lý đất đai", "cấp giấy chứng nhận quyền sử dụng đất",
		"đất ở nông thôn", "xây dựng nông thôn mới", "phát triển kinh tế xã hội", "bảo vệ môi trường", "an toàn giao thông",
		"phòng chống dịch bệnh", "đào tạo cán bộ công chức", "số hoá tài liệu lưu trữ", "thu ngân sách nhà nước", "giải quyết khiếu nại tố cáo",
		"quy hoạch sử dụng đất", "hỗ trợ hộ nghèo", "nuôi trồng thủy sản", "bồi thường giải phóng mặt bằng", "ứng dụng công nghệ thông tin",
	}
	synthClauses = []string{
		"Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015",
		"Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư",
		"Căn cứ Luật Đất đai ngày 18 tháng 01 năm 2024",
		"Theo đề nghị của Giám đốc %s tại Tờ trình số %d/TTr-%s",
		"Các cơ quan, đơn vị có liên quan chịu trách nhiệm thi hành %s này",
		"Giao %s chủ trì, phối hợp với các sở, ngành, địa phương tổ chức triển khai thực hiện",
		"Ủy ban nhân dân các huyện, thành phố có trách nhiệm báo cáo kết quả thực hiện trước ngày %d tháng %d năm %d",
		"Kinh phí thực hiện được bố trí từ nguồn ngân sách nhà nước và các nguồn hợp pháp khác",
		"Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, đề nghị phản ánh kịp thời về %s để tổng hợp",
		"Tăng cường công tác tuyên truyền, nâng cao nhận thức của cán bộ, công chức và nhân dân về %s",
		"Rà soát, cập nhật thông tin thửa đất vào cơ sở dữ liệu đất đai của xã %s, huyện %s",
		"Đẩy mạnh ứng dụng công nghệ thông tin trong hoạt động của cơ quan nhà nước, hướng tới chính quyền số",
		"Tổ chức kiểm tra, giám sát việc thực hiện %s tại các địa phương",
		"Thời gian thực hiện từ ngày %d tháng %d năm %d đến hết ngày 31 tháng 12 năm %d",
		"Tổng diện tích đất được giao là %d.%03d m2, trong đó đất ở tại nông thôn %d m2",
		"Hồ sơ gồm đơn đăng ký, bản sao giấy tờ về quyền sử dụng đất và sơ đồ thửa đất",
		"Kết quả đạt %d phần trăm kế hoạch năm, tăng %d phần trăm so với cùng kỳ",
		"Điều %d. %s có hiệu lực kể từ ngày ký",
		"Chánh Văn phòng Ủy ban nhân dân tỉnh, Thủ trưởng các sở, ban, ngành và Chủ tịch Ủy ban nhân dân các huyện chịu trách nhiệm thi hành",
		"Nơi nhận: Như Điều %d; Thường trực Tỉnh ủy; Lưu: VT, %s",
	}
)

// stripOne drops the diacritics of a word, as poor OCR does.
func stripOne(w string) string { return search.Fold(w) }

// Synthetic returns the i-th synthetic record: a deterministic Vietnamese
// administrative document (or land certificate) of about 300 to 1500 words,
// with public fields, blind tokens and a little OCR noise (lost diacritics,
// one wrong letter). The same i always gives the same record.
func Synthetic(i int) search.Record {
	rng := rand.New(rand.NewPCG(uint64(i), 0x50a0a))
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	typ := synthTypes[rng.IntN(len(synthTypes))]
	year := 2015 + rng.IntN(11)
	issued := time.Date(year, time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC)
	province := pick(synthProvinces)
	body := pick(synthBodies)
	issuer := "UBND tỉnh " + province
	if rng.IntN(3) == 0 {
		issuer = body
	}
	subject := pick(synthSubjects)
	number := 1 + rng.IntN(3000)
	symbol := typ.abbr + "-UBND"
	if typ.abbr == "" {
		symbol = "UBND-VP"
	}
	fields := map[string][]string{
		"doc_number":  {fmt.Sprint(number)},
		"doc_symbol":  {symbol},
		"issued_date": {issued.Format(time.DateOnly)},
		"issue_place": {province},
	}
	var blind []string
	var b strings.Builder
	fmt.Fprintf(&b, "ỦY BAN NHÂN DÂN TỈNH %s\nSố: %d/%s\n%s, ngày %d tháng %d năm %d\n%s\nVề việc %s\n",
		strings.ToUpper(province), number, symbol, province, issued.Day(), int(issued.Month()), year, strings.ToUpper(typ.word), subject)
	if typ.key == "giay_chung_nhan" {
		parcel, sheet, area := 1+rng.IntN(900), 1+rng.IntN(60), 40+rng.IntN(5000)
		commune, district := pick(synthCommunes), pick(synthDistricts)
		fields["parcel_no"] = []string{fmt.Sprint(parcel)}
		fields["map_sheet"] = []string{fmt.Sprint(sheet)}
		fields["area_m2"] = []string{fmt.Sprint(area)}
		fields["land_purpose"] = []string{pick([]string{"ONT", "ODT", "CLN", "LUC", "NTS"})}
		blind = []string{fmt.Sprintf("cccd:%064x", rng.Uint64()), fmt.Sprintf("name:%064x", rng.Uint64())}
		fmt.Fprintf(&b, "Người sử dụng đất: [HỌ TÊN], CCCD số [CCCD]\nThửa đất số: %d Tờ bản đồ số: %d\nĐịa chỉ: xã %s, huyện %s\nDiện tích: %d m2\n",
			parcel, sheet, commune, district, area)
	}
	target := 300 + rng.IntN(1201)
	words := 0
	for words < target {
		sentence := fillClause(rng, pick(synthClauses), body, subject, typ.word, year) + ". "
		for _, w := range strings.Fields(sentence) {
			switch r := rng.IntN(1000); {
			case r < 20:
				w = stripOne(w)
			case r < 25 && len(w) > 4 && w[len(w)-1] < 0x80:
				w = w[:len(w)-1] + "q" // one wrong letter
			}
			b.WriteString(w)
			b.WriteByte(' ')
			words++
		}
		if rng.IntN(6) == 0 {
			b.WriteByte('\n')
		}
	}
	return search.Record{
		ID:         fmt.Sprintf("syn-%07d", i),
		BatchID:    fmt.Sprintf("batch-%04d", i/500),
		Name:       fmt.Sprintf("scan-%07d.pdf", i),
		Title:      typ.word + " về " + subject,
		DocType:    typ.key,
		Pipeline:   map[bool]string{true: "land", false: "admin"}[typ.key == "giay_chung_nhan"],
		Issuer:     issuer,
		IssuedDate: issued,
		Pages:      1 + words/350,
		Text:       b.String(),
		Fields:     fields,
		Blind:      blind,
	}
}

// fillClause replaces the %s and %d verbs of c with plausible values.
func fillClause(rng *rand.Rand, c, body, subject, typeWord string, year int) string {
	var out strings.Builder
	for i := 0; i < len(c); i++ {
		if c[i] != '%' || i+1 >= len(c) {
			out.WriteByte(c[i])
			continue
		}
		// Skip width flags such as %03d.
		j := i + 1
		for j < len(c) && c[j] >= '0' && c[j] <= '9' {
			j++
		}
		switch c[j] {
		case 's':
			out.WriteString([]string{body, subject, typeWord, synthCommunes[rng.IntN(len(synthCommunes))], synthDistricts[rng.IntN(len(synthDistricts))]}[rng.IntN(5)])
		case 'd':
			switch rng.IntN(3) {
			case 0:
				fmt.Fprint(&out, year+rng.IntN(2))
			case 1:
				fmt.Fprint(&out, 1+rng.IntN(12))
			default:
				fmt.Fprint(&out, 1+rng.IntN(999))
			}
		}
		i = j
	}
	return out.String()
}
