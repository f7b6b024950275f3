package corpus

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// Document classes the generator can produce.
const (
	ClassDecision        = "decision"
	ClassOfficialLetter  = "official_letter"
	ClassSubmission      = "submission"
	ClassNotice          = "notice"
	ClassReport          = "report"
	ClassPlan            = "plan"
	ClassParty           = "party"
	ClassLandCertificate = "land_certificate"
	ClassBirthExtract    = "birth_extract"
)

// Classes lists every document class, in a fixed order.
func Classes() []string {
	return []string{ClassDecision, ClassOfficialLetter, ClassSubmission, ClassNotice, ClassReport,
		ClassPlan, ClassParty, ClassLandCertificate, ClassBirthExtract}
}

// PipelineHint returns the pipeline a class belongs to: "administrative",
// "land" or "civil_status".
func PipelineHint(class string) string {
	switch class {
	case ClassLandCertificate:
		return "land"
	case ClassBirthExtract:
		return "civil_status"
	}
	return "administrative"
}

// composed is a document's content before pagination: the fixed front and
// closing matter, and a source of body paragraphs that fill the pages.
type composed struct {
	front, closing []block
	next           func(st *bodyState, short bool) []block // next body paragraph(s); updates st
	finish         func(st bodyState)                      // adjusts the closing to the final body
	pageNumbers    bool
}

// bodyState counts the body paragraphs and sections accepted so far, so a
// paragraph that does not fit can be dropped without a gap in numbering.
type bodyState struct {
	n        int // paragraphs (articles, items)
	sections int
}

// builder composes one document and records its ground-truth fields.
type builder struct {
	rng      *rand.Rand
	ppl      *people
	class    string
	date     time.Time
	body     float64 // body text size, points
	head     float64 // header text size, points
	fields   map[string][]string
	personal []string
	secret   bool
	colour   bool
	secretP  float64
}

func (b *builder) set(field string, vals ...string) {
	for _, v := range vals {
		if v = plain(v); v != "" && !contains(b.fields[field], v) {
			b.fields[field] = append(b.fields[field], v)
		}
	}
}

// pii records values that appear on the page and identify a citizen; it
// returns the first value with its spaces made non-breaking, so that the
// value is never split over two lines.
func (b *builder) pii(vals ...string) string {
	for _, v := range vals {
		if v = plain(v); !contains(b.personal, v) {
			b.personal = append(b.personal, v)
		}
	}
	return keep(vals[0])
}

// keep makes a phrase unbreakable.
func keep(s string) string { return strings.ReplaceAll(s, " ", nbsp) }

// citizen draws a new citizen born between minYear and maxYear; the caller
// records the fields it prints.
func (b *builder) citizen(male bool, minYear, maxYear int) person {
	return b.ppl.newPerson(male, minYear, maxYear)
}

// viDate writes a date the way NĐ 30 documents do:
// "ngày 05 tháng 01 năm 2020", "ngày 14 tháng 7 năm 2022".
func viDate(t time.Time) string {
	m := strconv.Itoa(int(t.Month()))
	if t.Month() <= 2 {
		m = fmt.Sprintf("%02d", int(t.Month()))
	}
	return fmt.Sprintf("ngày %02d tháng %s năm %d", t.Day(), m, t.Year())
}

// docNumber formats a running number: leading zero below 10.
func docNumber(n int) string { return fmt.Sprintf("%02d", n) }

// issuerInfo describes the body that issues an administrative document.
type issuerInfo struct {
	parent   string // upper-case parent body line, may be empty
	lines    []string
	name     string // issuer field value
	abbr     string // symbol suffix: UBND, STNMT
	place    string // place in the date line
	collect  string // "TM. ỦY BAN NHÂN DÂN", "" for a department
	head     string // CHỦ TỊCH, GIÁM ĐỐC
	deputy   string // PHÓ CHỦ TỊCH, PHÓ GIÁM ĐỐC
	district string
}

func (b *builder) adminIssuer() issuerInfo {
	switch r := b.rng.IntN(10); {
	case r < 4:
		return issuerInfo{lines: []string{"ỦY BAN NHÂN DÂN", "TỈNH CÀ MAU"}, name: "Ủy ban nhân dân tỉnh Cà Mau",
			abbr: "UBND", place: "Cà Mau", collect: "TM. ỦY BAN NHÂN DÂN", head: "CHỦ TỊCH", deputy: "PHÓ CHỦ TỊCH"}
	case r < 7:
		d := pick(b.rng, departments)
		return issuerInfo{parent: "ỦY BAN NHÂN DÂN TỈNH CÀ MAU", lines: []string{strings.ToUpper(d.name)},
			name: d.name + " tỉnh Cà Mau", abbr: d.abbr, place: "Cà Mau", head: strings.ToUpper(d.leader), deputy: "PHÓ " + strings.ToUpper(d.leader)}
	default:
		d := pick(b.rng, caMauDistricts)
		return issuerInfo{lines: []string{"ỦY BAN NHÂN DÂN", strings.ToUpper(d.kind + " " + d.name)},
			name: "Ủy ban nhân dân " + d.kind + " " + d.name, abbr: "UBND", place: d.name,
			collect: "TM. ỦY BAN NHÂN DÂN", head: "CHỦ TỊCH", deputy: "PHÓ CHỦ TỊCH", district: d.name}
	}
}

// fill replaces %Y (year), %D (district) and %C (commune) in a template.
func (b *builder) fill(s string) string {
	d, c := b.ppl.unit()
	s = strings.ReplaceAll(s, "%Y", strconv.Itoa(b.date.Year()))
	s = strings.ReplaceAll(s, "%D", d.name)
	s = strings.ReplaceAll(s, "%C", c.kind+" "+c.name)
	return s
}

// sentence builds one body sentence from the vocabulary.
func (b *builder) sentence() string {
	var s string
	switch b.rng.IntN(4) {
	case 0:
		s = pick(b.rng, bodyConnectives) + " " + lowerFirstCommon(pick(b.rng, bodyOpeners))
	default:
		s = pick(b.rng, bodyOpeners)
	}
	s += " " + pick(b.rng, bodyActions) + " " + pick(b.rng, bodyObjects)
	if b.rng.IntN(3) > 0 {
		s += " " + pick(b.rng, bodyTails)
	}
	if b.rng.IntN(4) == 0 {
		s += ", " + pick(b.rng, []string{"đồng thời", "trong đó", "nhất là", "chú trọng"}) + " " + pick(b.rng, bodyObjects)
	}
	return b.fill(capitalizeFirst(s)) + "."
}

// lowerFirstCommon lower-cases the first word unless it starts a proper name
// (Ủy ban, Văn phòng, Ban, Phòng, Trung tâm, Sở keep their capital).
func lowerFirstCommon(s string) string {
	for _, p := range []string{"Ủy ban", "Văn phòng", "Ban ", "Phòng", "Trung tâm", "Tổ "} {
		if strings.HasPrefix(s, p) {
			return s
		}
	}
	r := []rune(s)
	return strings.ToLower(string(r[0])) + string(r[1:])
}

// factSentence is a report sentence with figures.
func (b *builder) factSentence() string {
	f := pick(b.rng, reportFacts)
	f = strings.ReplaceAll(f, "%N", formatThousands(50+b.rng.IntN(20000)))
	f = strings.ReplaceAll(f, "%P%%", fmt.Sprintf("%d,%d%%", 60+b.rng.IntN(40), b.rng.IntN(10)))
	f = strings.ReplaceAll(f, "%P", fmt.Sprintf("%d,%d", 60+b.rng.IntN(40), b.rng.IntN(10)))
	lead := pick(b.rng, []string{"Trong năm %Y,", "Qua %M tháng triển khai,", "Tính đến ngày 30 tháng 6 năm %Y,", "Trong kỳ báo cáo,", "Lũy kế từ đầu năm,"})
	lead = strings.ReplaceAll(lead, "%M", strconv.Itoa(3+b.rng.IntN(9)))
	return b.fill(lead + " " + f + ".")
}

// formatThousands writes n with dot thousands separators: 12.345.
func formatThousands(n int) string {
	s := strconv.Itoa(n)
	var out []byte
	for i := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, '.')
		}
		out = append(out, s[i])
	}
	return string(out)
}

// paragraph joins k sentences.
func (b *builder) paragraph(k int) string {
	ss := make([]string, k)
	for i := range ss {
		if b.class == ClassReport && b.rng.IntN(2) == 0 {
			ss[i] = b.factSentence()
		} else {
			ss[i] = b.sentence()
		}
	}
	return strings.Join(ss, " ")
}

func (b *builder) para(text string) block {
	return block{kind: bkPara, para: lineSpec{text: text, size: b.body, align: alignJustify, gapBefore: 6}, indent: 10}
}

func (b *builder) line(text string, st style, size float64, al align) lineSpec {
	return lineSpec{text: text, st: st, size: size, align: al}
}

// stamps returns the secrecy and urgency stamps for the header, if any.
func (b *builder) stamps() []lineSpec {
	var out []lineSpec
	if b.rng.Float64() < b.secretP {
		s := pick(b.rng, []string{"MẬT", "MẬT", "TỐI MẬT", "TUYỆT MẬT"})
		b.secret = true
		b.set("secrecy", s)
		out = append(out, lineSpec{text: s, st: bold, size: b.head + 1, align: alignCenter, boxed: true, red: b.colour, gapBefore: 8})
	}
	if b.rng.IntN(6) == 0 {
		s := pick(b.rng, []string{"KHẨN", "KHẨN", "THƯỢNG KHẨN", "HỎA TỐC"})
		b.set("urgency", s)
		out = append(out, lineSpec{text: s, st: bold, size: b.head + 1, align: alignCenter, boxed: true, red: b.colour, gapBefore: 8})
	}
	return out
}

// nationalMotto is the right header column.
func (b *builder) nationalMotto() []lineSpec {
	return []lineSpec{
		b.line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold, b.head, alignCenter),
		{text: "Độc lập - Tự do - Hạnh phúc", st: bold, size: b.head + 1, align: alignCenter, underline: 1},
	}
}

// signature is the signing block: authority lines, room to sign, the name.
func (b *builder) signature(authority []string, name string, size float64) []lineSpec {
	var out []lineSpec
	for _, a := range authority {
		out = append(out, b.line(a, bold, size, alignCenter))
	}
	out = append(out, lineSpec{text: name, st: bold, size: size, align: alignCenter, gapBefore: 48 + float64(b.rng.IntN(20))})
	b.set("signer_name", name)
	b.set("signer_position", authority[len(authority)-1])
	return out
}

// recipients is the "Nơi nhận:" list ending with the archive copy.
func (b *builder) recipients(extra ...string) []lineSpec {
	out := []lineSpec{b.line("Nơi nhận:", boldItalic, 12, alignLeft)}
	list := append([]string{}, extra...)
	pool := []string{"- Như trên;", "- Thường trực Tỉnh ủy;", "- Thường trực HĐND tỉnh;", "- CT, các PCT UBND tỉnh;",
		"- Các sở, ban, ngành tỉnh;", "- UBND các huyện, thành phố;", "- Cổng Thông tin điện tử tỉnh;", "- LĐVP UBND tỉnh;"}
	for _, i := range b.rng.Perm(len(pool))[:3+b.rng.IntN(3)] {
		list = append(list, pool[i])
	}
	list = append(list, "- Lưu: VT, "+pick(b.rng, uBNDDivisions)+".")
	for _, l := range list {
		out = append(out, b.line(l, regular, 11, alignLeft))
	}
	return out
}

// closingBlock puts recipients left and the signature right.
func closingBlock(left, right []lineSpec) block {
	return block{kind: bkColumns, left: left, right: right, split: 0.45}
}

// compose builds a document of the builder's class.
func (b *builder) compose() composed {
	switch b.class {
	case ClassLandCertificate:
		return b.landCertificate()
	case ClassBirthExtract:
		return b.birthExtract()
	case ClassParty:
		return b.partyDoc()
	}
	return b.adminDoc()
}

// adminTypes maps classes to their title, symbol abbreviation and
// doc_type value.
var adminTypes = map[string]struct{ title, abbr, docType string }{
	ClassDecision:       {"QUYẾT ĐỊNH", "QĐ", "quyết định"},
	ClassOfficialLetter: {"", "", "công văn"},
	ClassSubmission:     {"TỜ TRÌNH", "TTr", "tờ trình"},
	ClassNotice:         {"THÔNG BÁO", "TB", "thông báo"},
	ClassReport:         {"BÁO CÁO", "BC", "báo cáo"},
	ClassPlan:           {"KẾ HOẠCH", "KH", "kế hoạch"},
}

func (b *builder) adminDoc() composed {
	t := adminTypes[b.class]
	is := b.adminIssuer()
	num := docNumber(1 + b.rng.IntN(2500))
	symbol := t.abbr + "-" + is.abbr
	if b.class == ClassOfficialLetter {
		symbol = is.abbr
		if is.abbr == "UBND" {
			symbol += "-" + pick(b.rng, uBNDDivisions)
		}
	}
	subject := b.fill(pick(b.rng, subjectThemes))
	b.set("doc_type", t.docType)
	b.set("doc_number", num)
	b.set("doc_symbol", symbol)
	b.set("issued_date", b.date.Format("2006-01-02"))
	b.set("issue_place", is.place)
	b.set("issuer", is.name)
	b.set("subject", subject)

	var left []lineSpec
	if is.parent != "" {
		left = append(left, b.line(is.parent, regular, b.head, alignCenter))
	}
	for i, l := range is.lines {
		ls := b.line(l, bold, b.head, alignCenter)
		if i == len(is.lines)-1 {
			ls.underline = 0.4
		}
		left = append(left, ls)
	}
	// The number and the place-and-date line share a row (NĐ 30 boxes 3 and 4).
	left2 := []lineSpec{{text: "Số: " + num + "/" + symbol, size: b.head, align: alignCenter, gapBefore: 6}}
	if b.class == ClassOfficialLetter {
		left2 = append(left2, lineSpec{text: "V/v " + subject, size: 12, align: alignCenter, gapBefore: 2})
	}
	left2 = append(left2, b.stamps()...)
	right2 := []lineSpec{{text: is.place + ", " + viDate(b.date), st: italic, size: b.head + 1, align: alignCenter, gapBefore: 6}}
	front := []block{
		{kind: bkColumns, left: left, right: b.nationalMotto(), split: 0.42},
		{kind: bkColumns, left: left2, right: right2, split: 0.42},
		{kind: bkSpace, space: 12},
	}

	if t.title != "" {
		front = append(front, block{kind: bkLines, lines: []lineSpec{
			b.line(t.title, bold, b.body+1, alignCenter),
			{text: capitalizeFirst(pick(b.rng, []string{"về việc ", "về việc ", ""})+subject) + "", st: bold, size: b.body, align: alignCenter, underline: 0.3},
		}})
	}
	// Long subjects wrap: the layouter's column fitting handles that.
	var authority []string
	if is.collect != "" {
		authority = append(authority, is.collect)
	}
	if b.rng.IntN(2) == 0 {
		authority = append(authority, "KT. "+is.head, is.deputy)
	} else {
		authority = append(authority, is.head)
	}
	signer := b.ppl.fullName(b.rng.IntN(3) > 0)

	switch b.class {
	case ClassOfficialLetter, ClassSubmission:
		to := "Ủy ban nhân dân tỉnh Cà Mau"
		if b.class == ClassOfficialLetter {
			to = pick(b.rng, []string{"Các sở, ban, ngành tỉnh", "Ủy ban nhân dân các huyện, thành phố", pick(b.rng, departments).name})
		}
		front = append(front, block{kind: bkLines, lines: []lineSpec{{text: "Kính gửi: " + to + ".", size: b.body, align: alignCenter, gapBefore: 6}}})
	case ClassDecision:
		decider := strings.ToUpper(is.name)
		if is.collect == "" {
			decider = is.head + " " + decider
		} else if b.rng.IntN(2) == 0 {
			decider = "CHỦ TỊCH " + decider
		}
		front = append(front, block{kind: bkLines, lines: []lineSpec{{text: decider, st: bold, size: b.body, align: alignCenter, gapBefore: 6}}})
		for _, lb := range pickN(b.rng, legalBases, 2+b.rng.IntN(3)) {
			front = append(front, block{kind: bkPara, para: lineSpec{text: "Căn cứ " + lb + ";", st: italic, size: b.body, align: alignJustify, gapBefore: 3}, indent: 10})
		}
		d := pick(b.rng, departments)
		front = append(front, block{kind: bkPara, para: lineSpec{text: fmt.Sprintf("Theo đề nghị của %s %s tại Tờ trình số %d/TTr-%s %s.", d.leader, d.name, 10+b.rng.IntN(400), d.abbr, viDate(b.date.AddDate(0, 0, -7-b.rng.IntN(20)))), st: italic, size: b.body, align: alignJustify, gapBefore: 3}, indent: 10})
		front = append(front, block{kind: bkLines, lines: []lineSpec{{text: "QUYẾT ĐỊNH:", st: bold, size: b.body + 1, align: alignCenter, gapBefore: 8}}})
	}

	// Personal data about a citizen appears in some documents.
	var citizenPara string
	if b.class != ClassReport && b.class != ClassPlan && b.rng.IntN(3) > 0 {
		citizenPara = b.citizenParagraph()
	}
	next := func(st *bodyState, short bool) []block {
		k := 2 + b.rng.IntN(3)
		if short {
			k = 1
		}
		text := b.paragraph(k)
		if st.n == 0 && citizenPara != "" {
			text = citizenPara
		}
		st.n++
		switch b.class {
		case ClassDecision:
			return []block{b.para(fmt.Sprintf("Điều %d. ", st.n) + text)}
		case ClassReport, ClassPlan:
			if (st.n == 1 || b.rng.IntN(3) == 0) && st.sections < len(romans) && !short {
				st.sections++
				head := block{kind: bkPara, para: lineSpec{text: romans[st.sections-1] + ". " + pick(b.rng, sectionHeads), st: bold, size: b.body, align: alignLeft, gapBefore: 8}, indent: 10}
				return []block{head, b.para(text)}
			}
		}
		return []block{b.para(text)}
	}

	closing := []block{b.para(pick(b.rng, []string{
		"Trên đây là nội dung đề nghị, kính trình xem xét, quyết định./.",
		"Đề nghị các cơ quan, đơn vị quan tâm phối hợp thực hiện./.",
		"Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, kịp thời báo cáo để được hướng dẫn, giải quyết./.",
		"Yêu cầu các cơ quan, đơn vị nghiêm túc triển khai thực hiện./.",
	}))}
	finish := func(st bodyState) {
		if b.class == ClassDecision { // the final article follows the last body article
			closing[0].para.text = fmt.Sprintf("Điều %d. Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng %s, Thủ trưởng các cơ quan, đơn vị và các cá nhân có liên quan chịu trách nhiệm thi hành Quyết định này./.", st.n+1, is.name)
		}
	}
	finish(bodyState{})
	sig := closingBlock(b.recipients(), b.signature(authority, signer, b.body))
	closing = append(closing, block{kind: bkSpace, space: 6}, sig)
	return composed{front: front, closing: closing, pageNumbers: true, next: next, finish: finish}
}

// citizenParagraph writes a paragraph about one citizen, recording every
// personal value it prints.
func (b *builder) citizenParagraph() string {
	p := b.citizen(b.rng.IntN(2) == 0, 1945, 2000)
	b.set("person_names", p.name)
	name := b.pii(p.name)
	var id string
	if b.rng.IntN(4) == 0 {
		b.set("cmnd", p.cmnd)
		id = "CMND số " + b.pii(p.cmnd)
	} else {
		b.set("cccd", p.cccd)
		id = "CCCD số " + b.pii(p.cccd)
	}
	b.set("addresses", p.address)
	addr := b.pii(p.address)
	var birth string
	if b.rng.IntN(2) == 0 {
		b.set("birth_dates", p.birthISO())
		birth = "sinh ngày " + b.pii(p.birthDMY())
	} else {
		b.set("birth_dates", strconv.Itoa(p.birth.Year()))
		birth = "sinh năm " + strconv.Itoa(p.birth.Year())
	}
	hon := strings.ToLower(p.honorific())
	switch b.class {
	case ClassDecision:
		areaInt, areaDec := 50+b.rng.IntN(3000), b.rng.IntN(10)
		parcel, sheet := strconv.Itoa(1+b.rng.IntN(900)), strconv.Itoa(1+b.rng.IntN(60))
		b.set("area_m2", fmt.Sprintf("%d.%d", areaInt, areaDec))
		b.set("parcel_no", parcel)
		b.set("map_sheet", sheet)
		return fmt.Sprintf("Thu hồi %s đất của %s %s, %s, %s, thường trú tại %s, thuộc thửa đất số %s, tờ bản đồ số %s để thực hiện dự án %s.",
			keep(fmt.Sprintf("%s,%d m²", formatThousands(areaInt), areaDec)), hon, name, birth, id, addr, parcel, sheet,
			pick(b.rng, []string{"nâng cấp tuyến đường giao thông nông thôn", "xây dựng trường mầm non", "đầu tư xây dựng công trình kè chống sạt lở bờ sông", "mở rộng chợ"}))
	case ClassOfficialLetter, ClassNotice:
		phone := ""
		if b.rng.IntN(2) == 0 {
			phone = ", số điện thoại " + b.pii(p.phone)
		}
		return fmt.Sprintf("Ngày %d tháng %d năm %d, cơ quan nhận được đơn của %s %s, %s, %s%s, địa chỉ thường trú tại %s, kiến nghị về việc %s. Sau khi xem xét, giao cơ quan chuyên môn kiểm tra, xác minh và trả lời cho công dân theo quy định.",
			1+b.rng.IntN(28), 1+b.rng.IntN(12), b.date.Year(), hon, name, birth, id, phone, addr, b.fill(pick(b.rng, subjectThemes)))
	default:
		return fmt.Sprintf("Đề nghị xem xét, khen thưởng %s %s, %s, %s, trú tại %s, đã có thành tích xuất sắc trong %s.",
			hon, name, birth, id, addr, pick(b.rng, bodyObjects))
	}
}

func pickN[T any](rng *rand.Rand, xs []T, n int) []T {
	out := make([]T, 0, n)
	for _, i := range rng.Perm(len(xs))[:min(n, len(xs))] {
		out = append(out, xs[i])
	}
	return out
}

// partyDoc is a document of the Communist Party of Viet Nam.
func (b *builder) partyDoc() composed {
	types := []struct{ title, abbr, docType string }{
		{"NGHỊ QUYẾT", "NQ", "nghị quyết"}, {"CHỈ THỊ", "CT", "chỉ thị"}, {"KẾT LUẬN", "KL", "kết luận"},
		{"THÔNG BÁO", "TB", "thông báo"}, {"BÁO CÁO", "BC", "báo cáo"},
	}
	t := pick(b.rng, types)
	var parent, body, name, abbr, place string
	if b.rng.IntN(2) == 0 {
		parent, body, name, abbr, place = "ĐẢNG BỘ TỈNH CÀ MAU", "TỈNH ỦY", "Tỉnh ủy Cà Mau", "TU", "Cà Mau"
	} else {
		d := pick(b.rng, caMauDistricts[1:])
		parent, body, name, abbr, place = "ĐẢNG BỘ TỈNH CÀ MAU", "HUYỆN ỦY "+strings.ToUpper(d.name), "Huyện ủy "+d.name, "HU", d.name
	}
	num := docNumber(1 + b.rng.IntN(400))
	symbol := t.abbr + "/" + abbr
	subject := b.fill(pick(b.rng, subjectThemes))
	b.set("doc_type", t.docType)
	b.set("doc_number", num)
	b.set("doc_symbol", symbol)
	b.set("issued_date", b.date.Format("2006-01-02"))
	b.set("issue_place", place)
	b.set("issuer", name)
	b.set("subject", subject)
	left := []lineSpec{
		b.line(parent, regular, b.head, alignCenter),
		b.line(body, bold, b.head, alignCenter),
		b.line("*", regular, b.head, alignCenter),
	}
	right := []lineSpec{{text: "ĐẢNG CỘNG SẢN VIỆT NAM", st: bold, size: b.head + 1, align: alignCenter, underline: 1}}
	left2 := append([]lineSpec{{text: "Số " + num + "-" + symbol, size: b.head, align: alignCenter}}, b.stamps()...)
	right2 := []lineSpec{{text: place + ", " + viDate(b.date), st: italic, size: b.head + 1, align: alignCenter}}
	front := []block{{kind: bkColumns, left: left, right: right, split: 0.45},
		{kind: bkColumns, left: left2, right: right2, split: 0.45}, {kind: bkSpace, space: 14},
		{kind: bkLines, lines: []lineSpec{
			b.line(t.title, bold, b.body+2, alignCenter),
			{text: capitalizeFirst(subject), st: bold, size: b.body, align: alignCenter},
			b.line("-----", regular, b.body, alignCenter),
		}}}
	numbered := b.rng.IntN(2) == 0
	next := func(st *bodyState, short bool) []block {
		k := 2 + b.rng.IntN(3)
		if short {
			k = 1
		}
		st.n++
		text := b.paragraph(k)
		if numbered {
			text = fmt.Sprintf("%d. %s", st.n, text)
		}
		return []block{b.para(text)}
	}
	position := pick(b.rng, []string{"BÍ THƯ", "PHÓ BÍ THƯ", "PHÓ BÍ THƯ THƯỜNG TRỰC"})
	authority := []string{pick(b.rng, []string{"T/M BAN THƯỜNG VỤ", "T/M BAN CHẤP HÀNH"}), position}
	signer := b.ppl.fullName(b.rng.IntN(4) > 0)
	rec := []lineSpec{b.line("Nơi nhận:", boldItalic, 12, alignLeft)}
	for _, l := range []string{"- Ban Bí thư (để báo cáo),", "- Các đảng bộ trực thuộc,", "- Các đồng chí Tỉnh ủy viên,", "- Lưu Văn phòng " + strings.TrimSuffix(name, " "+place) + "."} {
		rec = append(rec, b.line(l, regular, 11, alignLeft))
	}
	closing := []block{{kind: bkSpace, space: 8}, closingBlock(rec, b.signature(authority, signer, b.body))}
	return composed{front: front, closing: closing, next: next, pageNumbers: true}
}

// fieldLine is a "Label: value" line of a form.
func (b *builder) fieldLine(label, value string) block {
	return block{kind: bkPara, para: lineSpec{text: label + ": " + value, size: b.body, align: alignLeft, gapBefore: 4}, hang: 0}
}

// landCertificate is a land-use right certificate (sổ đỏ / sổ hồng).
func (b *builder) landCertificate() composed {
	owner := b.citizen(b.rng.IntN(3) > 0, 1940, 1995)
	b.set("doc_type", "giấy chứng nhận quyền sử dụng đất")
	b.set("issued_date", b.date.Format("2006-01-02"))
	newFormat := b.rng.IntN(3) == 0
	var front []block
	front = append(front, block{kind: bkLines, lines: []lineSpec{
		b.line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold, b.head+1, alignCenter),
		{text: "Độc lập - Tự do - Hạnh phúc", st: bold, size: b.head + 1, align: alignCenter, underline: 0.6},
		{text: "GIẤY CHỨNG NHẬN", st: bold, size: b.body + 6, align: alignCenter, gapBefore: 16},
		b.line("QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU NHÀ Ở", bold, b.body+1, alignCenter),
		b.line("VÀ TÀI SẢN KHÁC GẮN LIỀN VỚI ĐẤT", bold, b.body+1, alignCenter),
	}}, block{kind: bkSpace, space: 10})
	sec1 := "I. Người sử dụng đất, chủ sở hữu nhà ở và tài sản khác gắn liền với đất"
	sec2 := "II. Thửa đất, nhà ở và tài sản khác gắn liền với đất"
	if newFormat {
		sec1 = "1. Người sử dụng đất, chủ sở hữu tài sản gắn liền với đất"
		sec2 = "2. Thông tin thửa đất"
	}
	head := func(s string) block {
		return block{kind: bkPara, para: lineSpec{text: s, st: bold, size: b.body, align: alignLeft, gapBefore: 8}}
	}
	front = append(front, head(sec1))
	owners := []person{owner}
	if b.rng.IntN(2) == 0 {
		sp := b.citizen(!owner.male, owner.birth.Year()-5, owner.birth.Year()+5)
		owners = append(owners, sp)
	}
	for _, o := range owners {
		b.set("person_names", o.name)
		b.set("birth_dates", strconv.Itoa(o.birth.Year()))
		front = append(front, b.fieldLine(o.honorific(), b.pii(o.upperName(), o.name)+", sinh năm "+strconv.Itoa(o.birth.Year())))
		if o.birth.Year() < 1960 && b.rng.IntN(2) == 0 {
			b.set("cmnd", o.cmnd)
			front = append(front, b.fieldLine("CMND số", b.pii(o.cmnd)))
		} else {
			b.set("cccd", o.cccd)
			front = append(front, b.fieldLine("CCCD số", b.pii(o.cccd)))
		}
	}
	b.set("addresses", owner.address)
	front = append(front, b.fieldLine("Địa chỉ thường trú", b.pii(owner.address)))

	front = append(front, head(sec2))
	parcel := strconv.Itoa(1 + b.rng.IntN(900))
	if b.rng.IntN(8) == 0 {
		parcel += "a"
	}
	sheet := strconv.Itoa(1 + b.rng.IntN(60))
	if b.rng.IntN(8) == 0 {
		sheet = "C" + strconv.Itoa(10+b.rng.IntN(80))
	}
	areaInt, areaDec := 40+b.rng.IntN(5000), b.rng.IntN(10)
	area := fmt.Sprintf("%s,%d", formatThousands(areaInt), areaDec)
	purpose := pick(b.rng, landPurposes)
	d, c := b.ppl.unit()
	parcelAddr := b.ppl.addressIn(d, c)
	serial := pick(b.rng, serialLetters) + " " + b.ppl.digits(6)
	book := "CH " + fmt.Sprintf("%05d", 1+b.rng.IntN(20000))
	if b.rng.IntN(3) == 0 {
		book = "CS " + fmt.Sprintf("%05d", 1+b.rng.IntN(20000))
	}
	b.set("parcel_no", parcel)
	b.set("map_sheet", sheet)
	b.set("area_m2", fmt.Sprintf("%d.%d", areaInt, areaDec))
	b.set("land_purpose", purpose.text+" ("+purpose.code+")")
	b.set("addresses", parcelAddr)
	b.set("certificate_serial", serial)
	b.set("book_entry_no", book)
	lbl := []string{"a) ", "b) ", "c) ", "d) ", "đ) ", "e) ", "g) "}
	if newFormat {
		lbl = []string{"", "", "", "", "", "", ""}
	}
	front = append(front,
		b.fieldLine(lbl[0]+"Thửa đất số", parcel+";"+nbsp+" Tờ bản đồ số: "+sheet+";"),
		b.fieldLine(lbl[1]+"Địa chỉ", b.pii(parcelAddr)),
		b.fieldLine(lbl[2]+"Diện tích", keep(area+" m²")+" ("+pick(b.rng, []string{"Bằng chữ: xem sổ địa chính", "đã được đo đạc chính quy"})+")"),
		b.fieldLine(lbl[3]+"Hình thức sử dụng", pick(b.rng, []string{"Riêng", "Riêng", "Chung"})),
		b.fieldLine(lbl[4]+"Mục đích sử dụng", purpose.text+" ("+purpose.code+")"),
		b.fieldLine(lbl[5]+"Thời hạn sử dụng", pick(b.rng, []string{"Lâu dài", fmt.Sprintf("Đến ngày %02d/%02d/%d", 1+b.rng.IntN(28), 1+b.rng.IntN(12), 2040+b.rng.IntN(30))})),
		b.fieldLine(lbl[6]+"Nguồn gốc sử dụng", pick(b.rng, landOrigins)),
	)
	if !newFormat {
		front = append(front, b.fieldLine("2. Nhà ở", "-/-"), b.fieldLine("3. Công trình xây dựng khác", "-/-"))
	}
	b.pii(serial, book)

	var authority []string
	var issuer, place string
	if b.rng.IntN(2) == 0 {
		authority = []string{"TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"}
		if d.kind == "thành phố" {
			issuer, place = "Ủy ban nhân dân thành phố Cà Mau", "Cà Mau"
		} else {
			issuer, place = "Ủy ban nhân dân huyện "+d.name, d.name
		}
	} else {
		authority = []string{"SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG", "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"}
		issuer, place = "Sở Tài nguyên và Môi trường tỉnh Cà Mau", "Cà Mau"
	}
	b.set("issuer", issuer)
	b.set("issue_place", place)
	signer := b.ppl.fullName(b.rng.IntN(3) > 0)
	right := append([]lineSpec{{text: place + ", " + viDate(b.date), st: italic, size: b.body, align: alignCenter}}, b.signature(authority, signer, b.body)...)
	left := []lineSpec{
		{text: "Số vào sổ cấp GCN: " + book, st: bold, size: b.body - 1, align: alignLeft, gapBefore: 150},
		{text: serial, st: bold, size: b.body + 2, align: alignLeft, red: b.colour, gapBefore: 10},
	}
	closing := []block{{kind: bkSpace, space: 10}, {kind: bkColumns, left: left, right: right, split: 0.4}}

	next := func(st *bodyState, short bool) []block {
		var out []block
		if st.n == 0 {
			out = append(out, head(pick(b.rng, []string{"IV. Những thay đổi sau khi cấp Giấy chứng nhận", "3. Những thay đổi sau khi cấp Giấy chứng nhận"})))
		}
		st.n++
		dt := b.date.AddDate(0, st.n*2+b.rng.IntN(6), b.rng.IntN(28))
		text := fmt.Sprintf("Ngày %s: %s %d/%s.", dt.Format("02/01/2006"), pick(b.rng, landChanges), 100+b.rng.IntN(9000), strconv.Itoa(dt.Year()))
		if !short {
			text += " " + b.paragraph(1)
		}
		return append(out, block{kind: bkPara, para: lineSpec{text: text, size: b.body, align: alignJustify, gapBefore: 4}})
	}
	return composed{front: front, closing: closing, next: next, pageNumbers: true}
}

// birthExtract is a civil-status extract of a birth registration.
func (b *builder) birthExtract() composed {
	d, c := b.ppl.unit()
	childYear := 1975 + b.rng.IntN(48)
	child := b.citizen(b.rng.IntN(2) == 0, childYear, childYear)
	// The personal number starts with the code of the province where the
	// birth was registered: Cà Mau, here.
	child.province = provinces[len(provinces)-1]
	child.cccd = b.ppl.renumber(child)
	mother := b.citizen(false, childYear-40, childYear-19)
	father := b.citizen(true, childYear-45, childYear-20)
	father.address = mother.address
	regDate := child.birth.AddDate(0, 0, 3+b.rng.IntN(50))
	if b.date.Before(regDate) {
		b.date = regDate.AddDate(b.rng.IntN(3), b.rng.IntN(12), 0)
	}
	num := docNumber(1 + b.rng.IntN(900))
	symbol := "TLKS-BS"
	issuer := "Ủy ban nhân dân " + c.kind + " " + c.name
	place := c.name
	if c.kind == "phường" {
		place = d.name
	}
	b.set("doc_type", "trích lục khai sinh")
	b.set("doc_number", num)
	b.set("doc_symbol", symbol)
	b.set("issued_date", b.date.Format("2006-01-02"))
	b.set("issue_place", place)
	b.set("issuer", issuer)
	left := []lineSpec{
		b.line("ỦY BAN NHÂN DÂN", bold, b.head, alignCenter),
		{text: strings.ToUpper(c.kind + " " + c.name), st: bold, size: b.head, align: alignCenter, underline: 0.4},
		{text: "Số: " + num + "/" + symbol, size: b.head, align: alignCenter, gapBefore: 6},
	}
	right := b.nationalMotto()
	front := []block{{kind: bkColumns, left: left, right: right, split: 0.4}, {kind: bkSpace, space: 12},
		{kind: bkLines, lines: []lineSpec{
			b.line("TRÍCH LỤC KHAI SINH", bold, b.body+3, alignCenter),
			b.line("(Bản sao)", italic, b.body, alignCenter),
		}}}
	sex := "Nữ"
	if child.male {
		sex = "Nam"
	}
	b.set("person_names", child.name, mother.name, father.name)
	b.set("cccd", child.cccd)
	b.set("birth_dates", child.birthISO(), strconv.Itoa(mother.birth.Year()), strconv.Itoa(father.birth.Year()))
	b.set("addresses", mother.address)
	bp := b.fill(pick(b.rng, birthPlaces))
	if strings.HasPrefix(bp, "Trạm Y tế") {
		bp = "Trạm Y tế " + c.kind + " " + c.name + ", " + d.kind + " " + d.name + ", tỉnh Cà Mau"
	}
	eth := pick(b.rng, ethnicities)
	fl := func(label, value string) block { return b.fieldLine(label, value) }
	front = append(front,
		fl("Họ, chữ đệm, tên", b.pii(child.upperName(), child.name)),
		fl("Ngày, tháng, năm sinh", b.pii(child.birthDMY())),
		fl("Giới tính", sex+";"+nbsp+" Dân tộc: "+eth+";"+nbsp+" Quốc tịch: Việt Nam"),
		fl("Nơi sinh", bp),
		fl("Quê quán", c.kind+" "+c.name+", "+d.kind+" "+d.name+", tỉnh Cà Mau"),
		fl("Số định danh cá nhân", b.pii(child.cccd)),
		fl("Họ, chữ đệm, tên người mẹ", b.pii(mother.upperName(), mother.name)),
		fl("Năm sinh", strconv.Itoa(mother.birth.Year())+";"+nbsp+" Dân tộc: "+pick(b.rng, ethnicities)+";"+nbsp+" Quốc tịch: Việt Nam"),
		fl("Nơi cư trú", b.pii(mother.address)),
		fl("Họ, chữ đệm, tên người cha", b.pii(father.upperName(), father.name)),
		fl("Năm sinh", strconv.Itoa(father.birth.Year())+";"+nbsp+" Dân tộc: "+pick(b.rng, ethnicities)+";"+nbsp+" Quốc tịch: Việt Nam"),
		fl("Nơi cư trú", b.pii(father.address)),
		fl("Nơi đăng ký khai sinh", issuer+", "+d.kind+" "+d.name+", tỉnh Cà Mau"),
		fl("Ngày, tháng, năm đăng ký", regDate.Format("02/01/2006")),
	)
	signer := b.ppl.fullName(b.rng.IntN(2) == 0)
	authority := pick(b.rng, [][]string{{"NGƯỜI KÝ TRÍCH LỤC", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"}, {"NGƯỜI KÝ TRÍCH LỤC", "CHỦ TỊCH"}})
	right2 := append([]lineSpec{{text: place + ", " + viDate(b.date), st: italic, size: b.body, align: alignCenter}}, b.signature(authority, signer, b.body)...)
	closing := []block{{kind: bkSpace, space: 10}, {kind: bkColumns, right: right2, split: 0.4}}
	next := func(st *bodyState, short bool) []block {
		var out []block
		if st.n == 0 {
			out = append(out, block{kind: bkPara, para: lineSpec{text: "Ghi chú những thay đổi, cải chính hộ tịch", st: bold, size: b.body, align: alignLeft, gapBefore: 8}})
		}
		st.n++
		dt := regDate.AddDate(1+st.n*2+b.rng.IntN(3), b.rng.IntN(12), b.rng.IntN(28))
		od, oc := b.ppl.unit()
		note := pick(b.rng, []string{
			fmt.Sprintf("Cải chính nơi sinh thành \"%s\" theo Quyết định số %d/QĐ-UBND của Ủy ban nhân dân %s %s.", b.fill(pick(b.rng, birthPlaces)), 10+b.rng.IntN(900), od.kind, od.name),
			fmt.Sprintf("Bổ sung thông tin quê quán là %s %s, %s %s, tỉnh Cà Mau theo đề nghị của người yêu cầu.", oc.kind, oc.name, od.kind, od.name),
			fmt.Sprintf("Xác định lại dân tộc theo Quyết định số %d/QĐ-UBND của Ủy ban nhân dân %s %s.", 10+b.rng.IntN(900), od.kind, od.name),
			"Cấp bản sao trích lục khai sinh theo yêu cầu của người được khai sinh.",
			fmt.Sprintf("Ghi vào Sổ hộ tịch việc thay đổi hộ tịch theo Trích lục số %d/TLTĐ-BS.", 10+b.rng.IntN(900)),
		})
		text := fmt.Sprintf("%d. Ngày %s: %s", st.n, dt.Format("02/01/2006"), note)
		if !short {
			text += " " + pick(b.rng, []string{"Người thực hiện: công chức tư pháp - hộ tịch.", "Đã ghi vào Sổ đăng ký khai sinh.", "Hồ sơ lưu tại bộ phận một cửa."})
		}
		return append(out, block{kind: bkPara, para: lineSpec{text: text, size: b.body, align: alignJustify, gapBefore: 4}})
	}
	return composed{front: front, closing: closing, next: next, pageNumbers: true}
}
