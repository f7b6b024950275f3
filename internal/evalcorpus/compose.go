package evalcorpus

import (
	"fmt"
	"html/template"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Layout features recorded per document (Document.Features), so a report
// can count how often each occurs in a half.
const (
	FeatVvLower        = "vv_lower"
	FeatVvUpper        = "vv_upper"
	FeatCopyTop        = "copy_block_top"
	FeatCopyBottom     = "copy_block_bottom"
	FeatReceivedStamp  = "received_stamp"
	FeatQuotedRef      = "subject_quotes_document"
	FeatParentTwoLines = "parent_two_lines"
	FeatHandwritten    = "handwritten"
	FeatAnnexPeople    = "annex_people"
	FeatTranslation    = "english_translation"
	FeatAccentless     = "accentless"
	FeatSignPage2      = "signature_page2"
	FeatRecipientsSide = "recipients_beside_signature"
	FeatLandLetter     = "letter_about_land"
	FeatTableForm      = "table_form"
	FeatUrgency        = "urgency_mark"
	FeatSecrecy        = "secrecy_mark"
	FeatUnit2025       = "unit_after_2025"
	FeatCertified      = "certified_copy_stamp"
	FeatSignTL         = "signature_tl"
	FeatSignedNote     = "signed_note"
)

// builder composes one document: its page description and its truth.
type builder struct {
	r          *rand.Rand
	class      string
	prov       province
	date       time.Time
	fields     map[string][]string
	personal   []string
	hand       []string
	feats      map[string]bool
	page       docPage
	accentless bool
	// force is a feature this document must draw (chosen by its index,
	// so every feature occurs in every half whatever the seeds give).
	force string
}

// forced are the features given in turn to administrative documents.
var forced = []string{FeatCopyTop, FeatParentTwoLines, FeatReceivedStamp, FeatQuotedRef, FeatHandwritten, FeatCopyBottom, FeatAccentless, FeatSignPage2}

// want draws a feature with probability p, or always when forced.
func (b *builder) want(f string, p float64) bool {
	c := b.chance(p)
	return c || b.force == f
}

func newBuilder(seed int64, class string) *builder {
	r := rand.New(rand.NewPCG(uint64(seed), 0x5e11a))
	b := &builder{r: r, class: class, fields: map[string][]string{}, feats: map[string]bool{}}
	b.prov = pick(r, provinces)
	b.date = time.Date(2012+r.IntN(14), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
	b.page = docPage{Font: pick(r, fonts), Size: pick(r, []float64{13, 13, 13.5, 14, 12.5}), Leading: 1.25 + r.Float64()*0.15,
		HeadSize: pick(r, []float64{12, 12.5, 13}), MarginTop: 15 + r.IntN(8), MarginLeft: 25 + r.IntN(8), LeftWidth: 40 + r.IntN(5), SignGap: 55 + r.IntN(30)}
	return b
}

// set records field values (duplicates dropped).
func (b *builder) set(field string, vs ...string) {
	for _, v := range vs {
		if v != "" && !slices.Contains(b.fields[field], v) {
			b.fields[field] = append(b.fields[field], v)
		}
	}
}

// pii records personal strings as printed and returns the first.
func (b *builder) pii(vs ...string) string {
	for _, v := range vs {
		if !slices.Contains(b.personal, v) {
			b.personal = append(b.personal, v)
		}
	}
	return vs[0]
}

func (b *builder) feat(f string) { b.feats[f] = true }

func (b *builder) chance(p float64) bool { return b.r.Float64() < p }

// issuer is the issuing body of an administrative document.
type issuer struct {
	parent    []string
	lines     []string
	name      string
	abbr      string
	place     string
	collect   string // "TM. ỦY BAN NHÂN DÂN" for collegial bodies
	head      string
	deputy    string
	divisions []string
	unit      string // the unit words for subjects ("huyện Cẩm Xuyên")
}

func (b *builder) provinceUnit() string { return b.prov.kind + " " + b.prov.name }

// adminIssuer picks a People's Committee, one of its departments, a
// district committee or office, or a commune after 2025.
func (b *builder) adminIssuer() issuer {
	p := b.prov
	provLine := upper(b.provinceUnit())
	parent := func(short string) []string {
		if b.want(FeatParentTwoLines, 0.5) {
			b.feat(FeatParentTwoLines)
			return []string{"ỦY BAN NHÂN DÂN", short}
		}
		return []string{"UBND " + short}
	}
	k := b.r.IntN(10)
	if b.force == FeatParentTwoLines && (k < 3 || k >= 8) {
		k = 4
	}
	switch {
	case k < 3:
		return issuer{lines: []string{"ỦY BAN NHÂN DÂN", provLine}, name: "Ủy ban nhân dân " + b.provinceUnit(), abbr: "UBND",
			place: p.name, collect: "TM. ỦY BAN NHÂN DÂN", head: "CHỦ TỊCH", deputy: "PHÓ CHỦ TỊCH", divisions: ubndDivisions, unit: b.provinceUnit()}
	case k < 6:
		a := pick(b.r, agencies)
		return issuer{parent: parent(provLine), lines: a.lines, name: a.name + " " + b.provinceUnit(), abbr: a.abbr, place: p.name,
			head: a.head, deputy: "PHÓ " + a.head, divisions: a.units, unit: b.provinceUnit()}
	case k < 8:
		d := pick(b.r, p.districts)
		dl := upper(d.kind + " " + d.name)
		if b.chance(0.5) {
			return issuer{lines: []string{"ỦY BAN NHÂN DÂN", dl}, name: "Ủy ban nhân dân " + d.kind + " " + d.name, abbr: "UBND", place: d.name,
				collect: "TM. ỦY BAN NHÂN DÂN", head: "CHỦ TỊCH", deputy: "PHÓ CHỦ TỊCH", divisions: []string{"TNMT", "VP", "NV"}, unit: d.kind + " " + d.name}
		}
		o := pick(b.r, districtOffices)
		return issuer{parent: parent(dl), lines: o.lines, name: o.name + " " + d.kind + " " + d.name, abbr: o.abbr, place: d.name,
			head: o.head, deputy: "PHÓ " + o.head, unit: d.kind + " " + d.name}
	default:
		b.feat(FeatUnit2025)
		c := pick(b.r, p.communes2025)
		kind, name, _ := strings.Cut(c, " ")
		return issuer{lines: []string{"ỦY BAN NHÂN DÂN", upper(c)}, name: "Ủy ban nhân dân " + c, abbr: "UBND", place: name,
			collect: "TM. ỦY BAN NHÂN DÂN", head: "CHỦ TỊCH", deputy: "PHÓ CHỦ TỊCH", divisions: []string{"VP", "KT"}, unit: kind + " " + name}
	}
}

// number is a document number as printed: small numbers sometimes with a
// leading zero.
func (b *builder) number(max int) string {
	n := 1 + b.r.IntN(max)
	if n < 10 && b.chance(0.5) {
		return fmt.Sprintf("%02d", n)
	}
	return strconv.Itoa(n)
}

// numberLine prints "Số: 245/QĐ-UBND", the number sometimes left blank
// and filled in by hand.
func (b *builder) numberLine(prefix, num, sep, symbol string, hand bool) template.HTML {
	if hand {
		b.hand = append(b.hand, "doc_number")
		return template.HTML(template.HTMLEscapeString(prefix)+"&nbsp;") + handwritten(b.r, num) + template.HTML(template.HTMLEscapeString(sep+symbol))
	}
	return template.HTML(template.HTMLEscapeString(prefix + " " + num + sep + symbol))
}

// placeDate prints "Hà Tĩnh, ngày 05 tháng 3 năm 2024", the day and month
// sometimes filled in by hand.
func (b *builder) placeDate(place string, hand bool) template.HTML {
	if hand {
		b.hand = append(b.hand, "issued_date")
		return template.HTML(template.HTMLEscapeString(place+", ngày ")) + handwritten(b.r, strconv.Itoa(b.date.Day())) +
			template.HTML(" tháng ") + handwritten(b.r, strconv.Itoa(int(b.date.Month()))) + template.HTML(template.HTMLEscapeString(fmt.Sprintf(" năm %d", b.date.Year())))
	}
	if b.chance(0.25) { // older documents do not pad days and months
		return template.HTML(template.HTMLEscapeString(fmt.Sprintf("%s, ngày %d tháng %d năm %d", place, b.date.Day(), int(b.date.Month()), b.date.Year())))
	}
	return template.HTML(template.HTMLEscapeString(place + ", " + viDate(b.date)))
}

var motto = []string{"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"}

// marks adds urgency and secrecy marks under the number.
func (b *builder) marks(h *header) {
	if b.chance(0.12) {
		s := pick(b.r, []string{"MẬT", "MẬT", "TỐI MẬT"})
		b.set("secrecy", s)
		b.feat(FeatSecrecy)
		h.Marks = append(h.Marks, s)
	}
	if b.chance(0.2) {
		s := pick(b.r, []string{"KHẨN", "KHẨN", "HỎA TỐC", "THƯỢNG KHẨN"})
		b.set("urgency", s)
		b.feat(FeatUrgency)
		h.Marks = append(h.Marks, s)
	}
}

// officialName is a name of a public official (not personal data).
func (b *builder) officialName() string {
	return newPerson(b.r, b.prov, b.chance(0.6), 1960, 1985).name
}

// sign builds the signing block of an issuer.
func (b *builder) sign(is issuer, recipients []string) *signature {
	var auth []string
	if is.collect != "" {
		auth = append(auth, is.collect)
	}
	switch x := b.r.Float64(); {
	case x < 0.15 && is.head != "CHÁNH VĂN PHÒNG":
		b.feat(FeatSignTL)
		auth = []string{"TL. " + is.head, "CHÁNH VĂN PHÒNG"}
	case x < 0.6:
		auth = append(auth, "KT. "+is.head, is.deputy)
	default:
		auth = append(auth, is.head)
	}
	s := &signature{Authority: auth, Signer: b.officialName(), Recipients: recipients}
	if b.chance(0.2) { // an electronic copy prints "(Đã ký)" for the signature
		b.feat(FeatSignedNote)
		s.Note = "(Đã ký)"
	}
	b.set("signer_name", s.Signer)
	b.set("signer_position", auth[len(auth)-1])
	if b.chance(0.2) {
		s.Below = true
	} else {
		b.feat(FeatRecipientsSide)
	}
	return s
}

func (b *builder) recipients(is issuer) []string {
	pool := []string{"- Như trên;", "- Thường trực HĐND " + b.prov.kind + ";", "- Chủ tịch, các PCT UBND " + b.prov.kind + ";",
		"- Các sở, ban, ngành;", "- UBND các xã, phường;", "- Trung tâm Phục vụ hành chính công;", "- Cổng thông tin điện tử;"}
	var out []string
	for _, i := range b.r.Perm(len(pool))[:2+b.r.IntN(3)] {
		out = append(out, pool[i])
	}
	div := "VP"
	if len(is.divisions) > 0 {
		div = pick(b.r, is.divisions)
	}
	return append(out, "- Lưu: VT, "+div+".")
}

// subject fills a subject template; sometimes it quotes another
// document's number (never the document's own).
func (b *builder) subject(is issuer) string {
	s := pick(b.r, subjects)
	s = strings.NewReplacer("%P", b.provinceUnit(), "%U", is.unit, "%Y", strconv.Itoa(b.date.Year())).Replace(s)
	if b.want(FeatQuotedRef, 0.3) {
		b.feat(FeatQuotedRef)
		q := strings.ReplaceAll(pick(b.r, quotedDocs), "%N", strconv.Itoa(1+b.r.IntN(300)))
		d := b.date.AddDate(0, -1-b.r.IntN(5), -b.r.IntN(20))
		s = "triển khai thực hiện " + q + " ngày " + d.Format("02/01/2006") + " về " + s
	}
	return s
}

// sentence is one body sentence.
func (b *builder) sentence() string {
	return pick(b.r, bodyLead) + ", " + pick(b.r, bodyVerb) + " " + pick(b.r, bodyTail) + "."
}

func (b *builder) paragraph() string {
	n := 2 + b.r.IntN(3)
	ss := make([]string, n)
	for i := range ss {
		ss[i] = b.sentence()
	}
	return strings.Join(ss, " ")
}

// citizen describes a person in running text and records the values.
func (b *builder) citizen(p person) string {
	b.set("person_names", p.name)
	b.set("addresses", p.address)
	b.set("cccd", p.cccd)
	var birth string
	if b.chance(0.6) {
		b.set("birth_dates", p.iso())
		birth = "sinh ngày " + b.pii(p.dmy())
	} else {
		b.set("birth_dates", strconv.Itoa(p.birth.Year()))
		birth = "sinh năm " + strconv.Itoa(p.birth.Year())
	}
	id := pick(b.r, []string{"Căn cước công dân số ", "số định danh cá nhân ", "CCCD: ", "thẻ căn cước số "}) + b.pii(p.cccd)
	addr := pick(b.r, []string{"thường trú tại ", "nơi cư trú: ", "địa chỉ: "}) + b.pii(p.address)
	s := lowerFirst(p.title()) + " " + b.pii(p.name) + ", " + birth + ", " + id + ", " + addr
	if b.chance(0.3) {
		s += ", điện thoại " + b.pii(p.phone)
	}
	return s
}

// annexPeople is an annex listing people (name, birth date, CCCD,
// address), attached to a document.
func (b *builder) annexPeople(docRef string) *grid {
	b.feat(FeatAnnexPeople)
	g := &grid{Title: []string{"DANH SÁCH", pick(b.r, []string{"CÁC HỘ GIA ĐÌNH, CÁ NHÂN ĐƯỢC HỖ TRỢ", "NGƯỜI ĐƯỢC CỬ THAM GIA ĐOÀN CÔNG TÁC", "CÁ NHÂN ĐƯỢC KHEN THƯỞNG"})},
		Ref: "(Kèm theo " + docRef + ")", Head: []string{"STT", "Họ và tên", "Ngày sinh", "Số CCCD", "Nơi thường trú"}}
	n := 3 + b.r.IntN(4)
	if b.chance(0.3) {
		n = 8 + b.r.IntN(5)
	}
	for i := 0; i < n; i++ {
		p := newPerson(b.r, b.prov, b.chance(0.5), 1950, 2004)
		b.set("person_names", p.name)
		b.set("birth_dates", p.iso())
		b.set("cccd", p.cccd)
		b.set("addresses", p.address)
		g.Rows = append(g.Rows, []string{strconv.Itoa(i + 1), b.pii(p.name), b.pii(p.dmy()), b.pii(p.cccd), b.pii(p.address)})
	}
	return g
}

// copyOf adds a certified-copy block of a copying agency with its own
// number and date.
func (b *builder) copyOf(is issuer) {
	top := b.chance(0.5)
	if b.force == FeatCopyTop || b.force == FeatCopyBottom {
		top = b.force == FeatCopyTop
	}
	if top {
		b.feat(FeatCopyTop)
	} else {
		b.feat(FeatCopyBottom)
	}
	agency := []string{"VĂN PHÒNG", upper("ỦY BAN NHÂN DÂN " + b.provinceUnit())}
	abbr := "VP"
	if b.chance(0.4) {
		d := pick(b.r, b.prov.districts)
		agency = []string{"ỦY BAN NHÂN DÂN", upper(d.kind + " " + d.name)}
		abbr = "UBND"
	}
	kind := pick(b.r, []string{"SAO Y", "BẢN SAO", "SAO Y BẢN CHÍNH", "SAO LỤC"})
	sym := map[string]string{"SAO Y": "SY", "BẢN SAO": "SY", "SAO Y BẢN CHÍNH": "SY", "SAO LỤC": "SL"}[kind]
	d := b.date.AddDate(0, 0, 2+b.r.IntN(20))
	c := &copyBlock{Top: top, Kind: kind, Agency: agency, Agency0: titleCase(strings.Join(agency, " ")),
		Number: "Số: " + strconv.Itoa(1+b.r.IntN(90)) + "/" + sym + "-" + abbr, PlaceDate: b.prov.name + ", " + viDate(d),
		Authority: []string{"TL. CHỦ TỊCH", "KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG"}, Signer: b.officialName(),
		Recipients: []string{"- " + pick(b.r, []string{"UBND các xã, phường;", "Các phòng chuyên môn;", "Các đơn vị sự nghiệp;"}), "- Lưu: VT."}}
	if abbr == "UBND" {
		c.Authority = []string{"TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"}
	}
	if top {
		c.PlaceDate = "Thời gian ký: " + d.Format("02/01/2006") + fmt.Sprintf(" %02d:%02d:%02d +07:00", 7+b.r.IntN(10), b.r.IntN(60), b.r.IntN(60))
	}
	b.page.Copy = c
}

// receivedStamp prints a red "ĐẾN" stamp over the header, its number and
// day written by hand.
func (b *builder) receivedStamp() {
	b.feat(FeatReceivedStamp)
	d := b.date.AddDate(0, 0, 1+b.r.IntN(6))
	org := pick(b.r, []string{"VĂN PHÒNG UBND " + upper(b.provinceUnit()), "SỞ TƯ PHÁP", "UBND " + upper(pick(b.r, b.prov.districts).name)})
	b.page.Stamp = &stamp{Left: b.r.Float64() * 75, Top: b.r.Float64() * 4, Rotate: -7 + b.r.Float64()*10,
		Lines: []template.HTML{
			template.HTML(`<div class="big">` + template.HTMLEscapeString(org) + `</div>`),
			template.HTML(`<div class="big">CÔNG VĂN ĐẾN</div>`),
			"Số: " + handwritten(b.r, strconv.Itoa(100+b.r.IntN(4000))),
			"Ngày: " + handwritten(b.r, d.Format("2/1/2006")),
			"Chuyển: " + handwritten(b.r, pick(b.r, []string{"P.KT", "VP", "đ/c Hùng", "TNMT"})),
		}}
}

// adminTypes are the NĐ 30 types of the administrative classes.
var adminTypes = map[string][]struct{ title, abbr string }{
	"decision":             {{"QUYẾT ĐỊNH", "QĐ"}},
	"official_letter":      {{"", ""}},
	"submission":           {{"TỜ TRÌNH", "TTr"}},
	"notice":               {{"THÔNG BÁO", "TB"}},
	"report":               {{"BÁO CÁO", "BC"}},
	"plan":                 {{"KẾ HOẠCH", "KH"}},
	"other_administrative": {{"GIẤY MỜI", "GM"}, {"HƯỚNG DẪN", "HD"}, {"CHƯƠNG TRÌNH", "CTr"}},
}

// admin composes an administrative document of the NĐ 30 form.
func (b *builder) admin(aboutLand bool) {
	t := pick(b.r, adminTypes[b.class])
	is := b.adminIssuer()
	num := b.number(1800)
	symbol := t.abbr + "-" + is.abbr
	if b.class == "official_letter" {
		symbol = is.abbr
		if len(is.divisions) > 0 && b.chance(0.7) {
			symbol += "-" + pick(b.r, is.divisions)
		}
	}
	b.accentless = b.want(FeatAccentless, 0.15)
	handNo, handDate := b.want(FeatHandwritten, 0.25), false
	if handNo {
		handDate = b.chance(0.7)
		b.feat(FeatHandwritten)
	}
	docType := strings.ToLower(t.title)
	if docType == "" {
		docType = "công văn"
	}
	b.set("doc_type", docType)
	b.set("doc_number", num)
	b.set("doc_symbol", symbol)
	b.set("issued_date", b.date.Format("2006-01-02"))
	b.set("issue_place", is.place)
	b.set("issuer", is.name)

	var landPerson person
	var subject string
	if aboutLand {
		b.feat(FeatLandLetter)
		landPerson = newPerson(b.r, b.prov, b.chance(0.5), 1950, 1990)
		subject = pick(b.r, []string{"xác minh nguồn gốc, quá trình sử dụng đất", "giải quyết hồ sơ đề nghị cấp Giấy chứng nhận quyền sử dụng đất",
			"trả lời đơn kiến nghị về đất đai", "đính chính thông tin trên Giấy chứng nhận quyền sử dụng đất"})
	} else {
		subject = b.subject(is)
	}
	b.set("subject", subject)

	h := &header{Parent: is.parent, Issuer: is.lines, Motto: motto, Number: b.numberLine("Số:", num, "/", symbol, handNo), PlaceDate: b.placeDate(is.place, handDate)}
	if b.class == "official_letter" {
		vv := "V/v"
		if b.chance(0.45) {
			vv = "v/v"
			b.feat(FeatVvLower)
		} else {
			b.feat(FeatVvUpper)
		}
		if b.chance(0.2) {
			vv += ":"
		}
		h.Vv = []string{vv + " " + subject}
	}
	b.marks(h)
	b.page.Head = h
	b.page.PageNumbers = b.chance(0.8)
	if t.title != "" {
		b.page.Title = []string{t.title}
		pre := ""
		if b.chance(0.5) {
			pre = "Về việc "
		}
		b.page.Subject = []string{capFirst(pre + subject)}
	}
	switch b.class {
	case "official_letter":
		if b.chance(0.4) {
			for _, i := range b.r.Perm(len(agencies))[:2+b.r.IntN(2)] {
				b.page.ToList = append(b.page.ToList, "- "+agencies[i].name+";")
			}
			b.page.ToList = append(b.page.ToList, "- Ủy ban nhân dân các xã, phường.")
			break
		}
		b.page.To = "Kính gửi: " + pick(b.r, []string{"Các sở, ban, ngành " + b.provinceUnit(), "Ủy ban nhân dân các xã, phường", "Sở Nông nghiệp và Môi trường", "Chi nhánh Văn phòng đăng ký đất đai"}) + "."
	case "submission":
		b.page.To = "Kính gửi: Ủy ban nhân dân " + b.provinceUnit() + "."
	case "decision":
		decider := strings.Replace(upper(is.head+" "+is.name), "BAN BAN ", "BAN ", 1)
		if is.collect != "" {
			decider = upper("ỦY BAN NHÂN DÂN " + is.unit)
		}
		b.page.Blocks = append(b.page.Blocks, block{Class: "c b", Para: decider})
		for _, lb := range []string{"Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 02 năm 2025;",
			"Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;",
			"Xét đề nghị của Trưởng phòng Nội vụ."} {
			if b.chance(0.7) {
				b.page.Blocks = append(b.page.Blocks, block{Class: "pre", Para: lb})
			}
		}
		b.page.Blocks = append(b.page.Blocks, block{Class: "c b", Para: "QUYẾT ĐỊNH:"})
	}
	nPara := 2 + b.r.IntN(3)
	signBreak := b.want(FeatSignPage2, 0.25)
	if signBreak {
		nPara += 3
		b.feat(FeatSignPage2)
	}
	var ann *grid
	if (b.class == "decision" && b.chance(0.7)) || ((b.class == "notice" || b.class == "plan" || b.class == "other_administrative") && b.chance(0.35)) {
		ann = b.annexPeople(pick(b.r, []string{adminTypes[b.class][0].title, "Văn bản"}) + " số " + num + "/" + symbol + " ngày " + b.date.Format("02/01/2006") + " của " + is.name)
	}
	for i := 0; i < nPara; i++ {
		text := b.paragraph()
		switch {
		case i == 0 && aboutLand:
			parcel, sheet := strconv.Itoa(1+b.r.IntN(700)), strconv.Itoa(1+b.r.IntN(45))
			ai, ad := 60+b.r.IntN(4000), b.r.IntN(10)
			purpose := pick(b.r, landPurposes)
			b.set("parcel_no", parcel)
			b.set("map_sheet", sheet)
			b.set("area_m2", fmt.Sprintf("%d.%d", ai, ad))
			b.set("land_purpose", purpose)
			text = "Ngày " + b.date.AddDate(0, 0, -10-b.r.IntN(30)).Format("02/01/2006") + ", " + is.name + " nhận được hồ sơ của " + b.citizen(landPerson) +
				fmt.Sprintf(" đối với thửa đất số %s, tờ bản đồ số %s, diện tích %s,%d m², mục đích sử dụng: %s. ", parcel, sheet, groupThousands(ai), ad, purpose) +
				"Qua kiểm tra, hồ sơ chưa đủ cơ sở để giải quyết; đề nghị đơn vị phối hợp xác minh, báo cáo kết quả trước ngày " + b.date.AddDate(0, 0, 15).Format("02/01/2006") + "."
		case i == 0 && (b.class == "official_letter" || b.class == "submission" || b.class == "notice") && b.chance(0.5):
			text = "Ngày " + b.date.AddDate(0, 0, -5-b.r.IntN(20)).Format("02/01/2006") + ", cơ quan nhận được đơn của " + b.citizen(newPerson(b.r, b.prov, b.chance(0.5), 1950, 2000)) + ". " + b.sentence()
		}
		switch b.class {
		case "decision":
			text = fmt.Sprintf("Điều %d. %s", i+1, text)
			if i == 0 && ann != nil {
				text = "Điều 1. Phê duyệt danh sách kèm theo Quyết định này. " + b.sentence()
			}
		case "report", "plan":
			if i%2 == 0 {
				heads := []string{"I. KẾT QUẢ ĐẠT ĐƯỢC", "II. TỒN TẠI, HẠN CHẾ", "III. NHIỆM VỤ, GIẢI PHÁP", "IV. TỔ CHỨC THỰC HIỆN"}
				if i/2 < len(heads) {
					b.page.Blocks = append(b.page.Blocks, block{Class: "h", Para: heads[i/2]})
				}
			}
		}
		b.page.Blocks = append(b.page.Blocks, block{Para: text})
	}
	closing := pick(b.r, []string{"Đề nghị các cơ quan, đơn vị nghiêm túc thực hiện./.", "Trân trọng./.", "Trong quá trình thực hiện, nếu có vướng mắc, đề nghị phản ánh kịp thời để được hướng dẫn./."})
	if b.class == "decision" {
		closing = fmt.Sprintf("Điều %d. Quyết định này có hiệu lực kể từ ngày ký. Thủ trưởng các cơ quan, đơn vị và cá nhân có liên quan chịu trách nhiệm thi hành Quyết định này./.", nPara+1)
	}
	b.page.Blocks = append(b.page.Blocks, block{Para: closing})
	s := b.sign(is, b.recipients(is))
	s.Break = signBreak
	b.page.Sign = s
	b.page.Annex = ann
	if b.want(FeatCopyTop, 0.25) || b.force == FeatCopyBottom {
		b.copyOf(is)
	}
	if b.want(FeatReceivedStamp, 0.2) {
		b.receivedStamp()
	}
}

// party composes a Party document.
func (b *builder) party() {
	types := []struct{ title, abbr string }{{"NGHỊ QUYẾT", "NQ"}, {"CHỈ THỊ", "CT"}, {"KẾT LUẬN", "KL"}, {"THÔNG BÁO", "TB"}, {"BÁO CÁO", "BC"}, {"QUY ĐỊNH", "QĐi"}}
	t := pick(b.r, types)
	var is issuer
	switch b.r.IntN(3) {
	case 0:
		is = issuer{parent: []string{"ĐẢNG BỘ " + upper(b.provinceUnit())}, lines: []string{"TỈNH ỦY"}, name: "Tỉnh ủy " + b.prov.name, abbr: "TU", place: b.prov.name,
			collect: "T/M BAN THƯỜNG VỤ", head: "BÍ THƯ", deputy: "PHÓ BÍ THƯ"}
		if b.prov.kind == "thành phố" {
			is.lines, is.name, is.abbr = []string{"THÀNH ỦY"}, "Thành ủy "+b.prov.name, "ThU"
		}
	case 1:
		d := pick(b.r, b.prov.districts)
		is = issuer{parent: []string{"ĐẢNG BỘ " + upper(b.provinceUnit())}, lines: []string{upper("huyện ủy " + d.name)}, name: "Huyện ủy " + d.name, abbr: "HU", place: d.name,
			collect: "T/M BAN THƯỜNG VỤ", head: "BÍ THƯ", deputy: "PHÓ BÍ THƯ"}
	default:
		is = issuer{parent: []string{upper("tỉnh ủy " + b.prov.name)}, lines: []string{"BAN TỔ CHỨC"}, name: "Ban Tổ chức Tỉnh ủy " + b.prov.name, abbr: "BTCTU", place: b.prov.name,
			head: "TRƯỞNG BAN", deputy: "PHÓ TRƯỞNG BAN"}
		if t.abbr == "NQ" || t.abbr == "CT" || t.abbr == "QĐi" {
			t = types[4]
		}
	}
	num := b.number(400)
	symbol := t.abbr + "/" + is.abbr
	handNo := b.chance(0.25)
	if handNo {
		b.feat(FeatHandwritten)
	}
	b.set("doc_type", strings.ToLower(t.title))
	b.set("doc_number", num)
	b.set("doc_symbol", symbol)
	b.set("issued_date", b.date.Format("2006-01-02"))
	b.set("issue_place", is.place)
	b.set("issuer", is.name)
	subject := b.subject(is)
	b.set("subject", subject)
	h := &header{Parent: is.parent, Issuer: is.lines, Star: true, Motto: []string{"ĐẢNG CỘNG SẢN VIỆT NAM"},
		Number: b.numberLine("Số", num, "-", symbol, handNo), PlaceDate: b.placeDate(is.place, false)}
	b.marks(h)
	b.page.Head = h
	b.page.Title = []string{t.title}
	b.page.Subject = []string{capFirst(subject)}
	signBreak := b.chance(0.3)
	n := 2 + b.r.IntN(3)
	if signBreak {
		n += 3
		b.feat(FeatSignPage2)
	}
	for i := 0; i < n; i++ {
		b.page.Blocks = append(b.page.Blocks, block{Para: fmt.Sprintf("%d. %s", i+1, b.paragraph())})
	}
	auth := []string{is.head}
	if is.collect != "" {
		auth = []string{is.collect, pick(b.r, []string{is.head, is.deputy})}
	} else if b.chance(0.5) {
		auth = []string{"K/T " + is.head, is.deputy}
	}
	s := &signature{Authority: auth, Signer: b.officialName(), Break: signBreak,
		Recipients: []string{"- Ban Thường vụ Tỉnh ủy,", "- Các đảng bộ trực thuộc,", "- Lưu Văn phòng."}}
	b.set("signer_name", s.Signer)
	b.set("signer_position", auth[len(auth)-1])
	b.feat(FeatRecipientsSide)
	b.page.Sign = s
	if b.chance(0.2) {
		b.receivedStamp()
	}
}
