package evalcorpus

import (
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"time"
)

// landCertificate composes a land-use right certificate in one of two
// layouts this generator adds: a bordered table form, or a two-page form
// whose parcel and signature are on the second page.
func (b *builder) landCertificate() {
	b.set("doc_type", "giấy chứng nhận quyền sử dụng đất")
	b.set("issued_date", b.date.Format("2006-01-02"))
	d := pick(b.r, b.prov.districts)
	owners := []person{newPerson(b.r, b.prov, b.chance(0.6), 1945, 1995)}
	if b.chance(0.5) {
		owners = append(owners, newPerson(b.r, b.prov, !owners[0].male, 1945, 1995))
		owners[1].address = owners[0].address
	}
	table := b.chance(0.5)
	b.page.Top = []line{{"c b", motto[0]}, {"c b", motto[1]}}
	b.page.Title = []string{"GIẤY CHỨNG NHẬN", "QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU TÀI SẢN GẮN LIỀN VỚI ĐẤT"}
	var ownerRows [][]string
	for _, o := range owners {
		b.set("person_names", o.name)
		b.set("cccd", o.cccd)
		birth := b.birth(o, 0.5, "Ngày sinh: ")
		b.pii(upper(o.name), o.name)
		ownerRows = append(ownerRows, []string{o.title() + ": " + upper(o.name), birth + "; Số CCCD: " + b.pii(o.cccd)})
	}
	b.set("addresses", owners[0].address)
	ownerRows = append(ownerRows, []string{"Địa chỉ thường trú:", b.pii(owners[0].address)})

	parcel := strconv.Itoa(1 + b.r.IntN(900))
	sheet := strconv.Itoa(1 + b.r.IntN(70))
	ai, ad := 45+b.r.IntN(6000), b.r.IntN(10)
	area := groupThousands(ai) + "," + strconv.Itoa(ad)
	purpose := pick(b.r, landPurposes)
	parcelAddr := capFirst(pick(b.r, d.hamlets)) + ", " + pick(b.r, d.communes) + ", " + d.kind + " " + d.name + ", " + b.provinceUnit()
	serial := pick(b.r, []string{"CĐ", "DA", "BV", "CS", "DK"}) + " " + fmt.Sprintf("%06d", b.r.IntN(1000000))
	book := pick(b.r, []string{"CH", "CS", "VP"}) + pick(b.r, []string{" ", ""}) + fmt.Sprintf("%05d", 1+b.r.IntN(30000))
	b.set("parcel_no", parcel)
	b.set("map_sheet", sheet)
	b.set("area_m2", fmt.Sprintf("%d.%d", ai, ad))
	b.set("land_purpose", purpose)
	b.set("addresses", parcelAddr)
	b.set("certificate_serial", serial)
	b.set("book_entry_no", book)
	b.pii(parcelAddr, serial, book)
	term := pick(b.r, []string{"Lâu dài", "Đến ngày " + b.date.AddDate(50, 0, 0).Format("02/01/2006")})
	origin := pick(b.r, []string{"Công nhận quyền sử dụng đất như giao đất có thu tiền sử dụng đất", "Nhận chuyển nhượng đất được công nhận quyền sử dụng đất", "Nhà nước giao đất không thu tiền sử dụng đất"})

	var auth []string
	var issuerName, place string
	if b.chance(0.5) {
		auth = []string{"TM. ỦY BAN NHÂN DÂN " + upper(d.kind+" "+d.name), "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"}
		issuerName, place = "Ủy ban nhân dân "+d.kind+" "+d.name, d.name
	} else {
		auth = []string{"SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", upper(b.provinceUnit()), "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"}
		issuerName, place = "Sở Nông nghiệp và Môi trường "+b.provinceUnit(), b.prov.name
	}
	b.set("issuer", issuerName)
	b.set("issue_place", place)
	signer := b.officialName()
	b.set("signer_name", signer)
	b.set("signer_position", auth[len(auth)-1])
	sig := &signature{PlaceDate: b.placeDate(place, false), Authority: auth, Signer: signer,
		Left: []template.HTML{template.HTML(template.HTMLEscapeString("Số vào sổ cấp GCN: " + book)), template.HTML(template.HTMLEscapeString("Số phát hành: " + serial))}}
	if b.chance(0.5) { // the book number written in by hand
		b.feat(FeatHandwritten)
		b.hand = append(b.hand, "book_entry_no")
		sig.Left[0] = "Số vào sổ cấp GCN: " + handwritten(b.r, book)
	}

	if table {
		b.feat(FeatTableForm)
		b.page.Blocks = append(b.page.Blocks,
			block{Class: "h", Para: "1. Người sử dụng đất, chủ sở hữu tài sản gắn liền với đất"},
			block{Class: "boxed", Rows: ownerRows},
			block{Class: "h", Para: "2. Thông tin thửa đất"},
			block{Grid: &grid{Head: []string{"Thửa đất số", "Tờ bản đồ số", "Diện tích (m²)", "Mục đích sử dụng", "Thời hạn sử dụng"},
				Rows: [][]string{{parcel, sheet, area, purpose, term}}}},
			block{Class: "boxed", Rows: [][]string{{"Địa chỉ thửa đất:", parcelAddr}, {"Nguồn gốc sử dụng:", origin}}},
		)
	} else {
		b.feat(FeatSignPage2)
		b.page.Blocks = append(b.page.Blocks,
			block{Class: "h", Para: "I. NGƯỜI SỬ DỤNG ĐẤT"},
			block{Rows: ownerRows},
			block{Break: true, Class: "h", Para: "II. THỬA ĐẤT, TÀI SẢN GẮN LIỀN VỚI ĐẤT"},
			block{Rows: [][]string{
				{"1. Thửa đất số: " + parcel, "Tờ bản đồ số: " + sheet},
				{"2. Địa chỉ:", parcelAddr},
				{"3. Diện tích:", area + " m² (bằng chữ: theo hồ sơ địa chính)"},
				{"4. Hình thức sử dụng:", pick(b.r, []string{"Sử dụng riêng", "Sử dụng chung"})},
				{"5. Mục đích sử dụng:", purpose},
				{"6. Thời hạn sử dụng:", term},
				{"7. Nguồn gốc sử dụng:", origin},
			}},
			block{Class: "h", Para: "III. GHI CHÚ"},
			block{Para: "Không có."},
		)
	}
	b.page.Sign = sig
	if b.chance(0.5) {
		b.certify("CHỨNG THỰC BẢN SAO ĐÚNG VỚI BẢN CHÍNH")
	}
}

// birthExtract composes a Vietnamese birth extract as a bordered table,
// with the parents side by side.
func (b *builder) birthExtract() {
	d := pick(b.r, b.prov.districts)
	commune := pick(b.r, d.communes)
	ckind, cname, _ := strings.Cut(commune, " ")
	year := 1980 + b.r.IntN(44)
	child := newPerson(b.r, b.prov, b.chance(0.5), year, year)
	mother := newPerson(b.r, b.prov, false, year-38, year-19)
	father := newPerson(b.r, b.prov, true, year-42, year-20)
	father.address = mother.address
	reg := child.birth.AddDate(0, 0, 5+b.r.IntN(40))
	if b.date.Before(reg) {
		b.date = reg.AddDate(b.r.IntN(4), b.r.IntN(10), 0)
	}
	if b.date.After(time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC)) {
		b.date = time.Date(2025, 11, 1+b.r.IntN(25), 0, 0, 0, 0, time.UTC)
	}
	num := b.number(600)
	issuerName := "Ủy ban nhân dân " + commune
	place := cname
	b.set("doc_type", "trích lục khai sinh")
	b.set("doc_number", num)
	b.set("doc_symbol", "TLKS-BS")
	b.set("issued_date", b.date.Format("2006-01-02"))
	b.set("issue_place", place)
	b.set("issuer", issuerName)
	b.set("person_names", child.name, mother.name, father.name)
	b.set("birth_dates", child.iso(), strconv.Itoa(mother.birth.Year()), strconv.Itoa(father.birth.Year()))
	b.set("cccd", child.cccd)
	b.set("addresses", mother.address)
	b.pii(upper(child.name), child.name, child.dmy(), child.cccd, upper(mother.name), mother.name, upper(father.name), father.name, mother.address)
	handNo := b.chance(0.3)
	if handNo {
		b.feat(FeatHandwritten)
	}
	b.feat(FeatTableForm)
	b.page.Head = &header{Issuer: []string{"ỦY BAN NHÂN DÂN", upper(commune)}, Motto: motto,
		Number: b.numberLine("Số:", num, "/", "TLKS-BS", handNo), PlaceDate: b.placeDate(place, false)}
	b.page.Title = []string{"TRÍCH LỤC KHAI SINH", "(BẢN SAO)"}
	sex := "Nữ"
	if child.male {
		sex = "Nam"
	}
	b.page.Blocks = append(b.page.Blocks,
		block{Class: "boxed", Rows: [][]string{
			{"Họ, chữ đệm và tên", upper(child.name)},
			{"Ngày, tháng, năm sinh", child.dmy()},
			{"Giới tính", sex},
			{"Dân tộc / Quốc tịch", pick(b.r, ethnic) + " / Việt Nam"},
			{"Nơi sinh", pick(b.r, []string{"Bệnh viện Đa khoa ", "Trung tâm Y tế "}) + d.kind + " " + d.name + ", " + b.provinceUnit()},
			{"Số định danh cá nhân", child.cccd},
		}},
		block{Grid: &grid{Head: []string{"", "Người mẹ", "Người cha"}, Rows: [][]string{
			{"Họ, chữ đệm, tên", upper(mother.name), upper(father.name)},
			{"Năm sinh", strconv.Itoa(mother.birth.Year()), strconv.Itoa(father.birth.Year())},
			{"Dân tộc", pick(b.r, ethnic), pick(b.r, ethnic)},
			{"Nơi cư trú", mother.address, father.address},
		}}},
		block{Para: "Nơi đăng ký khai sinh: Ủy ban nhân dân " + commune + ", " + d.kind + " " + d.name + ", " + b.provinceUnit() + ". Ngày đăng ký: " + reg.Format("02/01/2006") + "."},
	)
	_ = ckind
	auth := []string{"TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"}
	if b.chance(0.5) {
		auth = []string{"NGƯỜI KÝ TRÍCH LỤC", "CÔNG CHỨC TƯ PHÁP - HỘ TỊCH"}
	}
	signer := b.officialName()
	b.set("signer_name", signer)
	b.set("signer_position", auth[len(auth)-1])
	b.page.Sign = &signature{Authority: auth, Signer: signer, Note: "(Ký, ghi rõ họ, chữ đệm, tên và đóng dấu)"}
	if b.chance(0.5) {
		b.certify("CHỨNG THỰC BẢN SAO ĐÚNG VỚI BẢN CHÍNH")
	}
}

// englishTranslation composes an English translation of a birth or
// marriage record, names without diacritics, with the translator's and
// the notary's certification.
func (b *builder) englishTranslation(marriage bool) {
	b.feat(FeatTranslation)
	d := pick(b.r, b.prov.districts)
	commune := pick(b.r, d.communes)
	ckind, cname, _ := strings.Cut(commune, " ")
	en := map[string]string{"xã": "Commune", "phường": "Ward", "thị trấn": "Town"}[ckind]
	if en == "" {
		en = "Commune"
	}
	issuerName := "People's Committee of " + fold(cname) + " " + en
	prov := fold(b.prov.name) + " " + map[string]string{"tỉnh": "Province", "thành phố": "City"}[b.prov.kind]
	place := fold(cname)
	num := b.number(400)
	b.set("issued_date", b.date.Format("2006-01-02"))
	b.set("issue_place", place)
	b.set("issuer", issuerName)
	b.set("doc_number", num)
	nameOf := func(p person) string {
		n := fold(p.name)
		b.set("person_names", n)
		b.pii(upper(n), n)
		return upper(n)
	}
	addr := func(p person) string {
		a := fold(p.address)
		b.set("addresses", a)
		return b.pii(a)
	}
	b.page.Head = &header{Issuer: []string{upper(issuerName)}, Motto: []string{"SOCIALIST REPUBLIC OF VIETNAM", "Independence - Freedom - Happiness"},
		Number: template.HTML("No.: " + num)}
	var rows [][]string
	if marriage {
		b.set("doc_type", "giấy chứng nhận kết hôn")
		b.page.Head.Number = template.HTML("No.: " + num + "<br>Book No.: " + fmt.Sprintf("%02d/%d", 1+b.r.IntN(3), b.date.Year()))
		b.page.Title = []string{"CERTIFICATE OF MARRIAGE", "(Translation from Vietnamese)"}
		wife := newPerson(b.r, b.prov, false, 1965, 2002)
		husband := newPerson(b.r, b.prov, true, 1960, 2000)
		for _, p := range []person{wife, husband} {
			b.set("birth_dates", p.iso())
			b.set("cccd", p.cccd)
			b.pii(p.dmy(), p.cccd)
		}
		rows = [][]string{
			{"", "WIFE", "HUSBAND"},
			{"Full name", nameOf(wife), nameOf(husband)},
			{"Date of birth", wife.dmy(), husband.dmy()},
			{"Ethnicity", "Kinh", "Kinh"},
			{"Nationality", "Vietnamese", "Vietnamese"},
			{"Place of residence", addr(wife), addr(husband)},
			{"ID number", wife.cccd, husband.cccd},
		}
		b.page.Blocks = append(b.page.Blocks, block{Class: "boxed", Rows: rows},
			block{Para: "Date of registration: " + b.date.Format("02/01/2006") + "."})
	} else {
		b.set("doc_type", "trích lục khai sinh")
		b.set("doc_symbol", "TLKS-BS")
		b.page.Head.Number = template.HTML("No.: " + num + "/TLKS-BS")
		b.page.Title = []string{"EXTRACT OF BIRTH REGISTRATION", "(Translation from Vietnamese)"}
		year := 1985 + b.r.IntN(38)
		child := newPerson(b.r, b.prov, b.chance(0.5), year, year)
		mother := newPerson(b.r, b.prov, false, year-38, year-19)
		father := newPerson(b.r, b.prov, true, year-42, year-20)
		father.address = mother.address
		b.set("birth_dates", child.iso(), strconv.Itoa(mother.birth.Year()), strconv.Itoa(father.birth.Year()))
		b.set("cccd", child.cccd)
		b.pii(child.dmy(), child.cccd)
		sex := "Female"
		if child.male {
			sex = "Male"
		}
		rows = [][]string{
			{"Full name:", nameOf(child)},
			{"Date of birth:", child.dmy()},
			{"Sex:", sex},
			{"Ethnicity:", "Kinh"},
			{"Nationality:", "Vietnamese"},
			{"Place of birth:", fold(d.name) + " Medical Center, " + prov},
			{"Personal identification number:", child.cccd},
			{"Mother's full name:", nameOf(mother)},
			{"Year of birth:", strconv.Itoa(mother.birth.Year())},
			{"Place of residence:", addr(mother)},
			{"Father's full name:", nameOf(father)},
			{"Year of birth:", strconv.Itoa(father.birth.Year())},
			{"Place of residence:", fold(father.address)},
			{"Place of registration:", issuerName + ", " + fold(d.name) + " District, " + prov},
		}
		b.page.Blocks = append(b.page.Blocks, block{Rows: rows})
	}
	signer := fold(b.officialName())
	pos := pick(b.r, []string{"VICE CHAIRMAN", "CHAIRMAN", "VICE CHAIRWOMAN"})
	b.set("signer_name", titleCase(signer))
	b.set("signer_position", pos)
	b.page.Sign = &signature{PlaceDate: template.HTML("Issued at " + place + ", on " + b.date.Format("January 2, 2006")),
		Authority: []string{"ON BEHALF OF THE PEOPLE'S COMMITTEE", pos}, Note: "(signed and sealed)", Signer: upper(signer)}
	b.page.Foot = "I, the undersigned translator, certify that this translation is true and accurate to the Vietnamese original. " +
		"Certified at the Justice Division, " + prov + "."
	if b.chance(0.4) {
		b.certify("CHỨNG THỰC CHỮ KÝ NGƯỜI DỊCH")
	}
	if b.chance(0.5) {
		b.page.Foot += " Translator's certification No. " + strconv.Itoa(100+b.r.IntN(900)) + ", Book No. 02/2024-SCT/CK,ĐC."
	}
}

// certify adds the commune's certification that a copy matches the
// original (chứng thực bản sao), with its own number, book and date.
func (b *builder) certify(kind string) {
	b.feat(FeatCertified)
	d := pick(b.r, b.prov.districts)
	c := pick(b.r, d.communes)
	when := b.date.AddDate(b.r.IntN(3), 1+b.r.IntN(10), b.r.IntN(20))
	_, cname, _ := strings.Cut(c, " ")
	b.page.Copy = &copyBlock{Kind: kind, Agency: []string{"ỦY BAN NHÂN DÂN", upper(c)},
		Number:    fmt.Sprintf("Số chứng thực: %d, Quyển số: %02d/%d-SCBS", 1+b.r.IntN(900), 1+b.r.IntN(3), when.Year()),
		PlaceDate: cname + ", " + viDate(when), Authority: []string{"NGƯỜI THỰC HIỆN CHỨNG THỰC", "PHÓ CHỦ TỊCH"}, Signer: b.officialName()}
}

// petition composes a citizen's petition (class generic): no issuer, no
// number; the petitioner's particulars as labelled lines.
func (b *builder) petition() {
	p := newPerson(b.r, b.prov, b.chance(0.5), 1950, 2003)
	d := pick(b.r, b.prov.districts)
	c := pick(b.r, d.communes)
	_, cname, _ := strings.Cut(c, " ")
	b.set("person_names", p.name)
	b.set("cccd", p.cccd)
	b.set("addresses", p.address)
	b.set("issued_date", b.date.Format("2006-01-02"))
	b.set("issue_place", cname)
	birth := b.birth(p, 0.4, "Sinh ngày: ")
	b.pii(p.name, p.cccd, p.address, p.phone)
	b.page.Top = []line{{"c b", motto[0]}, {"c b", motto[1]}}
	b.page.Title = []string{pick(b.r, []string{"ĐƠN ĐỀ NGHỊ", "ĐƠN XIN XÁC NHẬN", "ĐƠN KIẾN NGHỊ"})}
	b.page.To = "Kính gửi: Ủy ban nhân dân " + c + ", " + d.kind + " " + d.name
	b.page.Blocks = append(b.page.Blocks,
		block{Rows: [][]string{{"Tôi tên là: " + p.name}, {birth}, {"Số CCCD: " + p.cccd}, {"Nơi thường trú: " + p.address}, {"Điện thoại: " + p.phone}}},
		block{Para: "Tôi làm đơn này kính đề nghị " + pick(b.r, []string{"Ủy ban nhân dân xã xác nhận nơi cư trú để bổ sung hồ sơ vay vốn.",
			"cơ quan có thẩm quyền xem xét, giải quyết việc cấp lại bản sao giấy khai sinh.", "Ủy ban nhân dân xem xét, giải quyết việc tranh chấp ranh giới đất với hộ liền kề."})},
		block{Para: "Tôi xin cam đoan những nội dung nêu trên là đúng sự thật và chịu trách nhiệm trước pháp luật. Trân trọng cảm ơn./."},
	)
	b.page.Sign = &signature{PlaceDate: b.placeDate(cname, false), Authority: []string{"NGƯỜI LÀM ĐƠN"}, Note: "(Ký và ghi rõ họ tên)", Signer: p.name}
}

// birth prints a birth year ("Năm sinh: 1968", with probability pYear) or
// a birth date after dateLabel, and records it.
func (b *builder) birth(p person, pYear float64, dateLabel string) string {
	if b.chance(pYear) {
		b.set("birth_dates", strconv.Itoa(p.birth.Year()))
		return "Năm sinh: " + strconv.Itoa(p.birth.Year())
	}
	b.set("birth_dates", p.iso())
	return dateLabel + b.pii(p.dmy())
}
