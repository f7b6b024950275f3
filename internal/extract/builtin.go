package extract

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/sohoa/sohoa/internal/domain"
)

// typeNames are the display names of administrative document types, by key.
var typeNames = map[string]string{
	"NGHI QUYET": "Nghị quyết", "QUYET DINH": "Quyết định", "CHI THI": "Chỉ thị", "QUY CHE": "Quy chế",
	"QUY DINH": "Quy định", "THONG CAO": "Thông cáo", "THONG BAO": "Thông báo", "HUONG DAN": "Hướng dẫn",
	"CHUONG TRINH": "Chương trình", "KE HOACH": "Kế hoạch", "PHUONG AN": "Phương án", "DE AN": "Đề án",
	"DU AN": "Dự án", "BAO CAO": "Báo cáo", "BIEN BAN": "Biên bản", "TO TRINH": "Tờ trình",
	"HOP DONG": "Hợp đồng", "CONG DIEN": "Công điện", "BAN GHI NHO": "Bản ghi nhớ", "BAN THOA THUAN": "Bản thỏa thuận",
	"GIAY UY QUYEN": "Giấy ủy quyền", "GIAY MOI": "Giấy mời", "GIAY GIOI THIEU": "Giấy giới thiệu",
	"GIAY NGHI PHEP": "Giấy nghỉ phép", "PHIEU GUI": "Phiếu gửi", "PHIEU CHUYEN": "Phiếu chuyển",
	"PHIEU BAO": "Phiếu báo", "NGHI DINH": "Nghị định", "THONG TU": "Thông tư", "LUAT": "Luật",
	"KET LUAN": "Kết luận", "CONG VAN": "Công văn",
}

// reSoLabel finds the "Số:" label of the number and symbol in folded text,
// tolerating OCR variants (So, S0, S6, Sô).
var reSoLabel = regexp.MustCompile(`(?m)(?:^|[^\pL\pN])[Ss][oO06][ \t]*[:;.,]?[ \t]*([0-9OolI]{1,6}[ \t]*[/\-][ \t]*[\pL0-9][\pL0-9/\-. \t]{0,40})`)

// reBareSymbol finds a number and symbol without label.
var reBareSymbol = regexp.MustCompile(`(?m)(?:^|[ \t])([0-9]{1,5}(?:/[0-9]{4})?[/\-][A-Z][A-Za-z]{0,5}[\-/][A-Z][A-Za-z0-9\-]*)`)

func builtinNumberSymbol(d *doc) *cand { return builtinNumberSymbolCtx(d, normCtx{}) }

// builtinNumberSymbolCtx reads the number and symbol from the header of the
// first page (box 3 of NĐ 30).
func builtinNumberSymbolCtx(d *doc, nc normCtx) *cand {
	if len(d.pages) == 0 {
		return nil
	}
	p := d.pages[0]
	limit := headerEnd(p, 25)
	text := p.f.text[:p.f.offFold(limit)]
	for _, re := range []*regexp.Regexp{reSoLabel, reBareSymbol} {
		for _, m := range re.FindAllStringSubmatchIndex(text, -1) {
			s, e := p.f.rawRange(m[2], m[3])
			raw := p.f.raw[s:e]
			nr, ok := normNumberSymbol(raw, nc)
			if !ok {
				continue
			}
			q := nr.quality
			if re == reBareSymbol {
				q *= 0.9
			}
			return &cand{value: nr.value, parts: nr.parts, conf: p.conf(s, e) * q, page: p.no, raw: raw}
		}
	}
	return nil
}

// headerEnd returns the byte offset in the raw text after the n-th
// non-empty line of the page.
func headerEnd(p *page, n int) int {
	seen := 0
	for i := range p.lines {
		if strings.TrimSpace(p.lineText(i)) == "" {
			continue
		}
		seen++
		if seen >= n {
			return p.lines[i].end
		}
	}
	return len(p.f.raw)
}

// offFold maps a raw byte offset to the folded text offset (the first
// folded byte at or after it).
func (f folded) offFold(raw int) int {
	lo, hi := 0, len(f.off)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if f.off[mid] < raw {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}

func builtinField(d *doc, c *class, f *field, nc normCtx, pageIdx int) []cand {
	if len(d.pages) == 0 {
		return nil
	}
	p := d.pages[pageIdx]
	var out []cand
	switch f.builtin {
	case "title":
		k := d.titleKey
		name := typeNames[k]
		if name == "" && c.docType != "" {
			name = c.docType
		}
		if name == "" {
			return nil
		}
		conf := 0.95
		if d.titleLine >= 0 {
			l := p.lines[d.titleLine]
			conf = p.conf(l.start, l.end)
		}
		if c.docType != "" && key(c.docType) != k && typeNames[k] != "" {
			// Title word differs from the class's type (e.g. a Party
			// "BÁO CÁO"): the title wins.
			conf *= 0.95
		}
		out = append(out, cand{value: name, conf: conf, page: p.no})
	case "number_symbol":
		if d.numSym == nil {
			return nil
		}
		cd := *d.numSym
		switch f.part {
		case "number":
			cd.value = cd.parts["number"]
		case "symbol":
			cd.value = cd.parts["symbol"]
		}
		out = append(out, cd)
	case "place_date":
		if cd, ok := placeDate(p, f.part); ok {
			out = append(out, cd)
		}
	case "issuer":
		if cd, ok := issuer(d); ok {
			out = append(out, cd)
		}
	case "subject":
		if cd, ok := subject(d); ok {
			out = append(out, cd)
		}
	case "signer":
		if pageIdx != len(d.pages)-1 {
			return nil
		}
		if name, pos, ok := signer(d); ok {
			if f.part == "position" {
				if pos.value != "" {
					out = append(out, pos)
				}
			} else {
				out = append(out, name)
			}
		}
	case "secrecy", "urgency":
		// Filled from stamp detection after the fields.
	}
	return out
}

var reDateLine = regexp.MustCompile(`(?i)ng[a-z]{0,2}y[ \t]*[:.,]?[ \t]*[0-9OoIl]{1,2}[ \t]*[,.]?[ \t]*th[a-z]{0,2}ng[ \t]*[0-9OoIl]{1,2}[ \t]*[,.]?[ \t]*n[a-z]{0,2}m[ \t]*[0-9OoIl]{4}`)

// placeDate finds the place and date line of the header (box 4).
func placeDate(p *page, part string) (cand, bool) {
	limit := p.f.offFold(headerEnd(p, 20))
	text := p.f.text[:limit]
	ms := reDateLine.FindAllStringIndex(text, -1)
	if len(ms) == 0 {
		return cand{}, false
	}
	// Prefer a date preceded by "<place>," on its line.
	pick := ms[0]
	place := ""
	for _, m := range ms {
		ls := strings.LastIndexByte(text[:m[0]], '\n') + 1
		before := text[ls:m[0]]
		if strings.HasSuffix(strings.TrimRight(before, " \t"), ",") {
			pick = m
			rs, re := p.f.rawRange(ls, m[0])
			place = placeName(p.f.raw[rs:re])
			break
		}
	}
	rs, re := p.f.rawRange(pick[0], pick[1])
	raw := p.f.raw[rs:re]
	nr, ok := normDate(raw, normCtx{})
	if !ok || len(nr.value) != 10 {
		return cand{}, false
	}
	conf := p.conf(rs, re) * nr.quality
	if part == "place" {
		if place == "" {
			return cand{}, false
		}
		return cand{value: place, conf: conf, page: p.no, raw: place}, true
	}
	return cand{value: nr.value, conf: conf, page: p.no, raw: raw}, true
}

// placeName takes the place from the text before ", ngày": the trailing run
// of words after anything that belongs to the number/symbol column.
func placeName(before string) string {
	s := strings.TrimRight(strings.TrimSpace(before), ",")
	if i := strings.LastIndex(s, "  "); i >= 0 {
		s = s[i:]
	}
	words := strings.Fields(s)
	start := 0
	for i, w := range words {
		if strings.ContainsAny(w, "0123456789/:") || key(w) == "SO" {
			start = i + 1
		}
	}
	words = words[start:]
	if len(words) > 6 {
		words = words[len(words)-6:]
	}
	return trimPunct(nfc(strings.Join(words, " ")))
}

// mottoPrefixes start header lines that are not the issuer.
var mottoPrefixes = []string{"CONG HOA XA HOI", "DOC LAP", "DANG CONG SAN VIET NAM", "DANG CONG SAN", "HANH PHUC", "TU DO"}

// bodyWords start the name of an issuing body (rather than the second line
// of a wrapped name).
var bodyWords = []string{"UY BAN", "UBND", "SO ", "BO ", "PHONG ", "HOI DONG", "HDND", "BAN ", "TINH UY", "HUYEN UY",
	"THANH UY", "QUAN UY", "THI UY", "DANG UY", "DANG BO", "CHI BO", "TRUONG ", "CONG AN", "VAN PHONG", "CUC ",
	"CHI CUC", "TRUNG TAM", "BENH VIEN", "TOA AN", "VIEN ", "KHO BAC", "THANH TRA", "BAO HIEM", "NGAN HANG",
	"MAT TRAN", "DOAN ", "HOI ", "LIEN DOAN", "TONG CUC", "CHINH PHU", "THU TUONG", "QUOC HOI", "BO CHI HUY",
	"BCH", "BAN CHAP HANH", "TONG CONG TY", "CONG TY"}

func isBodyStart(k string) bool {
	for _, w := range bodyWords {
		if strings.HasPrefix(k+" ", w) {
			return true
		}
	}
	return false
}

// issuer reads the issuing body from the top-left header (box 2).
func issuer(d *doc) (cand, bool) {
	p := d.pages[0]
	var lines []string
	conf := 0.0
	if len(p.src.Words) > 0 && p.src.Width > 0 {
		t, c := zoneText(p, &zoneSpec{Top: 0, Bottom: 0.3, Left: 0, Right: 0.5})
		lines = strings.Split(t, "\n")
		conf = c
	} else {
		end := len(p.lines)
		if d.titleLine >= 0 {
			end = d.titleLine
		}
		for i := 0; i < end && i < 15; i++ {
			lines = append(lines, p.lineText(i))
		}
		if len(lines) > 0 {
			conf = p.conf(0, p.lines[min(end, len(p.lines))-1].end)
		}
	}
	var parts []string
	started := false
	for _, l := range lines {
		l = strings.TrimSpace(l)
		k := lineKey(l)
		if k == "" {
			if started && strings.TrimSpace(strings.Trim(l, "-_*=~. ")) == "" && l != "" {
				break // the rule under the issuer
			}
			continue
		}
		// Cut the right column if OCR merged it into the line.
		if cut := cutMotto(l); cut != l {
			l = cut
			k = lineKey(l)
			if k == "" {
				continue
			}
		}
		if isMotto(k) {
			continue
		}
		if reSoStart.MatchString(fold(l)) || reDateLine.MatchString(fold(l)) || strings.HasPrefix(k, "V V ") || strings.HasPrefix(k, "VE VIEC") {
			if started {
				break
			}
			continue
		}
		if !mostlyUpper(l) {
			if started {
				break
			}
			continue
		}
		if typeNames[k] != "" || k == key(d.titleKey) {
			break
		}
		if started && isBodyStart(k) {
			parts = []string{} // previous line was the parent body
		}
		parts = append(parts, strings.Trim(l, "-_*=~ "))
		started = true
	}
	if len(parts) == 0 {
		return cand{}, false
	}
	v := nfc(strings.Join(parts, " "))
	v = strings.TrimSpace(strings.Trim(v, "-_*=~"))
	if v == "" {
		return cand{}, false
	}
	return cand{value: v, conf: conf * 0.95, page: p.no, raw: v}, true
}

var reSoStart = regexp.MustCompile(`^\s*[Ss][oO06]\s*[:;.]`)

func isMotto(k string) bool {
	for _, m := range mottoPrefixes {
		if strings.HasPrefix(k, m) {
			return true
		}
	}
	return false
}

// cutMotto removes the national motto or Party header when OCR put it on
// the same line as the issuer.
func cutMotto(l string) string {
	f := newFolded(l)
	up := strings.ToUpper(f.text)
	for _, m := range []string{"CONG HOA XA HOI", "DOC LAP", "DANG CONG SAN VIET NAM"} {
		if i := strings.Index(up, m); i > 0 {
			s, _ := f.rawRange(i, i)
			return strings.TrimSpace(l[:s])
		}
	}
	return l
}

var reSubjectStop = regexp.MustCompile(`(?i)^\s*(?:can cu|kinh gui|thuc hien|theo |dieu \d|phan |chuong |i\.|1\.|[-_*=]{3,}|noi nhan|xet de nghi|ngay \d)`)

// subject reads the trích yếu: the lines under the title, or after "V/v"
// for a công văn.
func subject(d *doc) (cand, bool) {
	p := d.pages[0]
	start := -1
	prefix := ""
	// Công văn: "V/v ..." in the header.
	for i := range p.lines {
		if i > 40 {
			break
		}
		f := strings.TrimSpace(fold(p.lineText(i)))
		if m := reVv.FindStringIndex(f); m != nil {
			start, prefix = i, "vv"
			break
		}
	}
	if start < 0 && d.titleLine >= 0 {
		start = d.titleLine + 1
		// A title line may carry the subject ("THÔNG BÁO Kết luận ...").
	}
	if start < 0 {
		return cand{}, false
	}
	var parts []string
	conf := 1.0
	n := 0
	for i := start; i < len(p.lines) && len(parts) < 5; i++ {
		raw := strings.TrimSpace(p.lineText(i))
		if prefix == "vv" && i == start {
			f := newFolded(raw)
			m := reVv.FindStringIndex(f.text)
			_, e := f.rawRange(m[0], m[1])
			raw = strings.TrimSpace(raw[e:])
			// Drop a place/date merged in from the right column.
			if dm := reDateLine.FindStringIndex(fold(raw)); dm != nil {
				raw = strings.TrimSpace(raw[:cutBeforePlace(raw)])
			}
			if raw == "" {
				continue
			}
		} else {
			if raw == "" {
				if len(parts) > 0 {
					break
				}
				continue
			}
			fr := fold(raw)
			if reSubjectStop.MatchString(fr) {
				break
			}
			if len(parts) > 0 && mostlyUpper(raw) && len(strings.Fields(raw)) >= 2 {
				break // the authority line of a quyết định
			}
			if prefix == "vv" && (reDateLine.MatchString(fr) || isMotto(lineKey(raw))) {
				break
			}
			if len(parts) == 0 && prefix == "" && mostlyUpper(raw) && len(strings.Fields(raw)) >= 4 && typeNames[lineKey(raw)] == "" {
				// A second title line in capitals is the subject too.
			}
		}
		parts = append(parts, raw)
		l := p.lines[i]
		conf += p.conf(l.start, l.end)
		n++
	}
	if len(parts) == 0 {
		return cand{}, false
	}
	v := nfc(strings.Join(parts, " "))
	v = strings.TrimSpace(strings.TrimLeft(v, "-:;., "))
	v = strings.TrimRight(v, " ;,")
	if v == "" {
		return cand{}, false
	}
	return cand{value: v, conf: (conf - 1) / float64(n) * 0.95, page: p.no, raw: v}, true
}

var reVv = regexp.MustCompile(`(?i)^(?:V\s*[/\\|1l]\s*[vV]\b|Ve viec\b)[ \t]*[:.]?`)

// cutBeforePlace returns the offset where a merged "<place>, ngày ..." begins.
func cutBeforePlace(s string) int {
	f := newFolded(s)
	m := reDateLine.FindStringIndex(f.text)
	if m == nil {
		return len(s)
	}
	head := f.text[:m[0]]
	head = strings.TrimRight(head, " \t,")
	// Walk back over capitalised place words.
	words := strings.Fields(head)
	k := len(words)
	for k > 0 && len(words[k-1]) > 0 && unicode.IsUpper(rune(words[k-1][0])) && len(words)-k < 4 {
		k--
	}
	pos := 0
	if k < len(words) {
		pos = strings.LastIndex(head, strings.Join(words[k:], " "))
	} else {
		pos = len(head)
	}
	s1, _ := f.rawRange(pos, pos)
	return s1
}

var reSignPrefix = regexp.MustCompile(`^(?:TM|KT|Q|TL|TUQ|PP|T/M|K/T)\s*[.:]`)

// signer reads the signature block (box 7) of the last page: the name is
// the last line that looks like a person's name, the position the capital
// lines above it.
func signer(d *doc) (cand, cand, bool) {
	p := d.pages[len(d.pages)-1]
	nameIdx := -1
	stopAt := len(p.lines)
	for i := len(p.lines) - 1; i >= 0; i-- {
		raw := strings.TrimSpace(p.lineText(i))
		if raw == "" {
			continue
		}
		if !looksLikeName(raw) {
			continue
		}
		nameIdx = i
		break
	}
	_ = stopAt
	if nameIdx < 0 {
		return cand{}, cand{}, false
	}
	raw := strings.TrimSpace(p.lineText(nameIdx))
	nr, ok := normPersonName(raw, normCtx{})
	if !ok {
		return cand{}, cand{}, false
	}
	l := p.lines[nameIdx]
	name := cand{value: nr.value, conf: p.conf(l.start, l.end) * nr.quality, page: p.no, raw: raw}
	// Position: capital lines above the name, skipping signature marks.
	var pos []string
	pconf := 0.0
	for i := nameIdx - 1; i >= 0 && nameIdx-i < 12; i-- {
		r := strings.TrimSpace(p.lineText(i))
		if r == "" || isSignMark(r) {
			if len(pos) > 0 && r == "" && nameIdx-i > 8 {
				break
			}
			continue
		}
		k := lineKey(r)
		if strings.HasPrefix(k, "NOI NHAN") || strings.HasPrefix(r, "-") || strings.HasPrefix(r, "+") || !mostlyUpper(r) {
			if len(pos) > 0 {
				break
			}
			if strings.HasPrefix(k, "NOI NHAN") || !mostlyUpper(r) {
				continue
			}
			continue
		}
		// Keep only the right column when a "Nơi nhận" column merged in.
		if j := strings.Index(strings.ToUpper(fold(r)), "NOI NHAN"); j >= 0 {
			continue
		}
		pos = append([]string{r}, pos...)
		ll := p.lines[i]
		pconf = p.conf(ll.start, ll.end)
		if reSignPrefix.MatchString(strings.ToUpper(fold(r))) && len(pos) > 0 && i > 0 {
			// The authority prefix line (TM./KT.) opens the block.
			break
		}
	}
	position := cand{}
	if len(pos) > 0 {
		// The signer's own title is the last line; TM./KT. lines describe
		// on whose behalf.
		v := nfc(pos[len(pos)-1])
		if reSignPrefix.MatchString(strings.ToUpper(fold(v))) {
			v = strings.TrimSpace(reSignPrefix.ReplaceAllString(nfc(v), ""))
		}
		position = cand{value: v, conf: pconf, page: p.no, raw: v}
	}
	return name, position, true
}

func isSignMark(s string) bool {
	k := lineKey(s)
	return strings.HasPrefix(k, "DA KY") || strings.HasPrefix(k, "KY TEN") || strings.HasPrefix(k, "KY GHI RO") ||
		strings.HasPrefix(k, "KY DONG DAU") || strings.HasPrefix(k, "CHU KY") || strings.HasPrefix(k, "KY ")
}

// looksLikeName reports whether a line is a Vietnamese personal name on its
// own: 2-5 words, each starting with a capital letter, letters only.
func looksLikeName(s string) bool {
	words := strings.Fields(s)
	if len(words) < 2 || len(words) > 5 {
		return false
	}
	for _, w := range words {
		rs := []rune(w)
		if !unicode.IsUpper(rs[0]) {
			return false
		}
		for _, r := range rs {
			if !unicode.IsLetter(r) && !unicode.Is(unicode.Mn, r) {
				return false
			}
		}
	}
	k := key(s)
	if typeNames[k] != "" || isMotto(k) || isBodyStart(k) || strings.HasPrefix(k, "NOI NHAN") {
		return false
	}
	// A name has a common family name or at least is not all capitals in
	// a position-like phrase.
	first := strings.Fields(k)[0]
	if familyNames[first] {
		return true
	}
	return !mostlyUpper(s)
}

// familyNames are common Vietnamese family names (key form).
var familyNames = map[string]bool{
	"NGUYEN": true, "TRAN": true, "LE": true, "PHAM": true, "HOANG": true, "HUYNH": true, "PHAN": true, "VU": true,
	"VO": true, "DANG": true, "BUI": true, "DO": true, "HO": true, "NGO": true, "DUONG": true, "LY": true, "TRINH": true,
	"DINH": true, "LAM": true, "MAI": true, "TRUONG": true, "LUU": true, "QUACH": true, "TA": true, "TO": true, "CAO": true,
	"LUONG": true, "HA": true, "THAI": true, "CHAU": true, "TANG": true, "DIEP": true, "KIEU": true, "LA": true,
	"DOAN": true, "VUONG": true, "TONG": true, "LUC": true, "THACH": true, "KIM": true, "DAM": true, "NONG": true,
	"TRIEU": true, "VI": true, "HAN": true, "VAN": true, "LO": true, "KHUC": true, "TIEU": true, "QUAN": true,
}

var _ = domain.Public
