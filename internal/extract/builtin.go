package extract

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sohoa/sohoa/internal/domain"
)

// typeNames are the display names of document types, by key
// (vocab/doc_types.yaml).
var typeNames = voc.typeNames

// reSoLabel finds the "Số:" label of the number and symbol in folded text,
// tolerating OCR variants (So, S0, S6, Sô) and a slash read as "!" or "|".
var reSoLabel = regexp.MustCompile(`(?m)(?:^|[^\pL\pN])[Ss][oO06][ \t]*[:;.,]?[ \t]*([0-9OolI]{1,6}[ \t]*[/\-!|][ \t]*[\pL0-9][\pL0-9/\-. \t]{0,40})`)

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
	text := headerText(d)
	for _, re := range []*regexp.Regexp{reSoLabel, reBareSymbol} {
		if re == reBareSymbol {
			if c := spacedNumber(d, nc); c != nil {
				return c
			}
		}
		var found *cand
		for _, m := range re.FindAllStringSubmatchIndex(text, -1) {
			if re == reBareSymbol && quotedNumber(text[:m[2]]) {
				continue // "… Chỉ thị số 246/CT-TTg": another document's number
			}
			s, e := p.f.rawRange(m[2], m[3])
			raw := p.f.raw[s:e]
			nr, ok := normNumberSymbol(raw, nc)
			if !ok {
				continue
			}
			if found != nil {
				if nr.value != found.value {
					// Two numbers in the number zone.
					found.reasons = append(found.reasons, "zone_ambiguous")
				}
				break
			}
			q := nr.quality
			anchorQ := 0.6 // no label
			if re == reBareSymbol {
				q *= 0.9
			} else {
				anchorQ = numberAnchor(d, p, m[0], m[2])
			}
			found = &cand{value: nr.value, parts: nr.parts, conf: p.conf(s, e) * q, page: p.no, raw: raw, anchor: anchorQ, reasons: anchorReasons(anchorQ)}
			if d.zones == nil {
				break
			}
		}
		if found != nil {
			return found
		}
	}
	return nil
}

// quotedNumber reports whether the folded text before a bare number ends
// with "số" in running text ("Chỉ thị số", "Công văn số"): the number of a
// document quoted, not the document's own, whose label opens its line.
func quotedNumber(before string) bool {
	t := strings.TrimRight(before, " \t\n")
	i := strings.LastIndexAny(t, " \t\n")
	if i < 0 || !strings.EqualFold(t[i+1:], "so") {
		return false
	}
	prev := strings.TrimRight(t[:i], " \t\n")
	return prev != "" && unicode.IsLetter(rune(prev[len(prev)-1]))
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
		if name == "" {
			name = c.titleType(k) // a title cue's doc_type
		}
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
		anchorQ := 1.0
		if d.titleLine < 0 {
			anchorQ = 0.7 // no title line: the class's type
		}
		out = append(out, cand{value: name, conf: conf, page: p.no, anchor: anchorQ})
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
		if cd, ok := placeDate(d, f.part); ok {
			out = append(out, cd)
		} else if f.part == "place" {
			if cd, ok := placeBeforeDate(d); ok {
				out = append(out, cd)
			}
		}
	case "issuer":
		if cd, ok := issuer(d); ok {
			// OCR debris at the ends would become a facet of its own.
			if cd.value = cleanName(cd.value, bodyName); cd.value != "" {
				cd.raw = cd.value
				out = append(out, cd)
			}
		}
	case "subject":
		if cd, ok := subject(d); ok {
			out = append(out, cd)
		}
	case "signer":
		if pageIdx != d.signPage() {
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

var reDateLine = regexp.MustCompile(`(?i)ng[a-z]{0,2}y[ \t]*[:.,]?[ \t]*[0-9OoIl](?:[ \t]?[0-9OoIl])?[ \t]*[,.]?[ \t]*th[a-z]{0,2}ng[ \t]*[0-9OoIl](?:[ \t]?[0-9OoIl])?[ \t]*[,.]?[ \t]*n[a-z]{0,2}m[ \t]*[0-9OoIl]{4}`)

// placeDate finds the place and date line (box 4): the first
// "<place>, ngày ... tháng ... năm ..." in the document (the header of an
// administrative document, the signature block of a certificate), else the
// first such date in the header of the first page.
func placeDate(d *doc, part string) (cand, bool) {
	type hit struct {
		p     *page
		s, e  int
		place string
		q     float64 // how well ", ngày" matched
	}
	var first *hit
	var best *hit
	for pi, p := range d.pages {
		text := p.f.text
		for _, m := range reDateLine.FindAllStringIndex(text, -1) {
			if !d.inDateZone(pi, p.lineAt(p.f.off[m[0]])) {
				continue // a copy form's or stamp's own date, or one quoted in the body
			}
			ls := strings.LastIndexByte(text[:m[0]], '\n') + 1
			before := text[ls:m[0]]
			if pi == 0 && first == nil && p.lineAt(p.f.off[m[0]]) < headerLineLimit(p, 20) {
				first = &hit{p: p, s: m[0], e: m[1]}
			}
			if strings.TrimRight(before, " \t") != strings.TrimRight(before, " \t,;.") {
				// ", ngày" (a comma OCR may read as ";" or ".")
				rs, re := p.f.rawRange(ls, m[0])
				if place := placeName(p.f.raw[rs:re]); place != "" {
					q := 1.0
					if !strings.HasSuffix(strings.TrimRight(before, " \t"), ",") {
						q = 0.9
					}
					best = &hit{p: p, s: m[0], e: m[1], place: place, q: q}
					break
				}
			}
		}
		if best != nil {
			break
		}
	}
	if best == nil {
		best = first
	}
	if best == nil {
		return cand{}, false
	}
	p := best.p
	rs, re := p.f.rawRange(best.s, best.e)
	raw := p.f.raw[rs:re]
	nr, ok := normDate(raw, normCtx{})
	if !ok || len(nr.value) != 10 {
		return cand{}, false
	}
	conf := p.conf(rs, re) * nr.quality
	q, reasons := best.q, anchorReasons(best.q)
	if best.place == "" {
		q, reasons = 0.7, nil // a date in the header without "<place>, ngày"
	}
	if part == "place" {
		if best.place == "" {
			return cand{}, false
		}
		return cand{value: best.place, conf: conf, page: p.no, raw: best.place, anchor: q, reasons: reasons}, true
	}
	return cand{value: nr.value, conf: conf, page: p.no, raw: raw, anchor: q, reasons: reasons}, true
}

// headerLineLimit returns the index of the n-th non-empty line.
func headerLineLimit(p *page, n int) int {
	seen := 0
	for i := range p.lines {
		if strings.TrimSpace(p.lineText(i)) == "" {
			continue
		}
		seen++
		if seen >= n {
			return i
		}
	}
	return len(p.lines)
}

// placeName takes the place from the text before ", ngày": the trailing run
// of words after anything that belongs to the number/symbol column.
func placeName(before string) string {
	s := strings.TrimRight(strings.TrimSpace(before), ",;.")
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

// mottoPrefixes start header lines that are not the issuer; mottoCuts are
// cut off the issuer's line (vocab/bodies.yaml, motto).
var mottoPrefixes, mottoCuts = voc.mottos, voc.cuts

// bodyWords start the name of an issuing body (rather than the second line
// of a wrapped name), key form (vocab/bodies.yaml, starts).
var bodyWords = voc.bodyStarts

func isBodyStart(k string) bool {
	for _, w := range bodyWords {
		if strings.HasPrefix(k, w) && (len(k) == len(w) || w[len(w)-1] == ' ' || k[len(w)] == ' ') {
			return true
		}
	}
	return false
}

// issuer reads the issuing body from the top-left header (box 2). A body
// printed under its parent without a locality ("SỞ TƯ PHÁP" under "ỦY BAN
// NHÂN DÂN TỈNH CÀ MAU", "TỈNH ỦY" under "ĐẢNG BỘ TỈNH CÀ MAU") takes the
// parent's locality. Certificates without a header name the body in the
// signature block ("TM. ỦY BAN NHÂN DÂN").
func issuer(d *doc) (cand, bool) {
	p := d.pages[0]
	// The header lines above the title (the layout view puts the left
	// column's pieces on lines of their own).
	var lines, full []string
	conf := 0.0
	end := len(p.lines)
	if d.titleLine >= 0 {
		end = d.titleLine
	}
	// With word boxes, the header is read as two columns: words starting
	// left of the motto's first word belong to the issuer's column, which
	// drops pieces of the motto and rule debris that OCR put on its lines.
	cut := mottoX(p, min(end, 8+d.excludedBefore(0, end)))
	for i, n := 0, 0; i < end && n < 15; i++ {
		if d.excluded(0, i) {
			continue // a copy form or received stamp over the header
		}
		n++
		full = append(full, p.lineText(i))
		if cut > 0 {
			lines = append(lines, p.lineLeft(i, cut))
			continue
		}
		lines = append(lines, p.lineText(i))
	}
	if len(lines) > 0 {
		conf = p.conf(0, p.lines[max(min(end, len(p.lines))-1, 0)].end)
	}
	var parts []string
	parent := ""
	started := false
	for li, l := range lines {
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
		if isMotto(k) || isMotto(lineKey(full[li])) {
			continue // also when the left column holds only its first words
		}
		if !isBodyStart(k) && strings.HasSuffix(lineKey(full[li]), " NGHIA VIET NAM") {
			continue // the motto's end, its first words garbled by a stamp
		}
		// The number line merged into a line of the body's name.
		f := newFolded(l)
		if m := reSoInside.FindStringIndex(f.text); m != nil {
			s0, _ := f.rawRange(m[0], m[0])
			l = strings.TrimSpace(l[:s0])
			k = lineKey(l)
		}
		if reSoStart.MatchString(fold(l)) || reDateLine.MatchString(fold(l)) || reLabelNumber.MatchString(full[li]) || strings.HasPrefix(k, "V V ") || strings.HasPrefix(k, "VE VIEC") {
			if started {
				break
			}
			continue
		}
		if !mostlyUpper(l) {
			if started && !strings.HasSuffix(k, " HANH PHUC") {
				break
			}
			continue // the motto's second line, its first words garbled by a stamp
		}
		if typeNames[k] != "" || (d.titleKey != "" && k == d.titleKey) {
			break
		}
		if _, ok := matchLevel(k, secrecyLevels); ok {
			continue
		}
		if _, ok := matchLevel(k, urgencyLevels); ok {
			continue
		}
		if started && isBodyStart(k) && !wrapsOn(parts[len(parts)-1]) {
			parent = strings.Join(parts, " ") // previous lines were the parent body
			parts = nil
		}
		if started && letterCount(l) < 3 {
			continue // a speck or a scrap of the rule read as letters
		}
		// Keep a hyphen that joins a wrapped name ("SỞ LAO ĐỘNG -" /
		// "THƯƠNG BINH VÀ XÃ HỘI"); trim rule debris.
		l = strings.TrimLeft(strings.Trim(l, "_*=~ "), "- ")
		if strings.HasSuffix(l, "-") && !strings.HasSuffix(l, " -") {
			l = strings.TrimRight(l, "- ")
		}
		parts = append(parts, l)
		started = true
	}
	v := stray(nfc(strings.Join(parts, " ")))
	v = strings.TrimSpace(strings.Trim(v, "-_*=~"))
	v = endAtProvince(dropLonePunct(reUnitDot.ReplaceAllString(v, "$1 ")))
	if v == "" {
		return signatureIssuer(d)
	}
	if !isBodyStart(lineKey(parts[0])) {
		// Capitals at the top that do not name a body ("ĐƠN ĐỀ NGHỊ").
		if d.fallback {
			return cand{}, false
		}
		conf *= 0.6
	}
	v = withLocality(v, parent)
	if kind, _ := locality(v); kind == "" && needsUnit(v) {
		// A people's committee or council is always named with its unit;
		// the header lost it (a stamp, OCR): the authority line under a
		// decision's title or the signature block's body with its locality
		// is the better reading.
		if c, ok := authorityLine(d); ok {
			return c, true
		}
		if c, ok := signatureIssuer(d); ok {
			if kind, _ := locality(c.value); kind != "" {
				return c, true
			}
		}
	}
	return cand{value: v, conf: conf * 0.95, page: p.no, raw: v, anchor: 1}, true
}

// authorityLine returns the issuing authority a decision names in capitals
// between its title and its first "Căn cứ" ("ỦY BAN NHÂN DÂN THÀNH PHỐ CẦN
// THƠ"), when it holds its locality.
func authorityLine(d *doc) (cand, bool) {
	if d.titleLine < 0 {
		return cand{}, false
	}
	p := d.pages[0]
	for i := d.titleLine + 1; i < len(p.lines) && i <= d.titleLine+12; i++ {
		l := strings.TrimSpace(p.lineText(i))
		k := lineKey(l)
		if strings.HasPrefix(k, "CAN CU") || strings.HasPrefix(k, "DIEU 1") {
			break
		}
		if d.excluded(0, i) || !mostlyUpper(l) || !isBodyStart(k) {
			continue
		}
		if kind, _ := locality(l); kind != "" {
			v := nfc(l)
			return cand{value: v, conf: p.conf(p.lines[i].start, p.lines[i].end) * 0.85, page: p.no, raw: v, anchor: 0.8}, true
		}
	}
	return cand{}, false
}

// needsUnit reports whether v opens with the name of a body that is only
// ever named with its administrative unit (ỦY BAN NHÂN DÂN, HỘI ĐỒNG NHÂN
// DÂN, UBND, HĐND), read in full or cut short ("ỦY BAN NH").
func needsUnit(v string) bool {
	k := strings.ReplaceAll(lineKey(v), " ", "")
	for _, w := range []string{"UYBANNHAN", "UYBANNH", "HOIDONGNHAN", "UBND", "HDND"} {
		if strings.HasPrefix(k, w) {
			return true
		}
	}
	return false
}

// reUnitDot finds a unit word followed by a stray dot ("TỈNH. CÀ MAU").
var reUnitDot = regexp.MustCompile(`(?i)\b(tỉnh|huyện|xã|phường|quận)\.\s`)

// endAtProvince cuts what follows "TỈNH <province>" in a body's name: the
// locality ends the name, and what OCR read after it is debris ("ỦY BAN
// NHÂN DÂN TỈNH CÀ MAU H CA 1").
func endAtProvince(v string) string {
	words := strings.Fields(v)
	for i := 0; i+1 < len(words); i++ {
		if key(words[i]) != "TINH" {
			continue
		}
		for _, name := range provinceCodes {
			n := len(strings.Fields(name))
			if i+1+n <= len(words) && key(strings.Join(words[i+1:i+1+n], " ")) == key(name) {
				if i+1+n < len(words) {
					return strings.Join(words[:i+1+n], " ")
				}
				return v
			}
		}
	}
	return v
}

// dropLonePunct removes dots and specks standing alone between the words
// of a name, and a lone dash before a unit word ("ỦY BAN NHÂN DÂN - HUYỆN
// ..."); a dash joining two names ("LAO ĐỘNG - THƯƠNG BINH") stays.
func dropLonePunct(v string) string {
	words := strings.Fields(v)
	out := words[:0]
	for i, w := range words {
		if letterCount(w) == 0 && !strings.ContainsAny(w, "0123456789") {
			if w != "-" && w != "–" {
				continue
			}
			if i+1 < len(words) && unitWords[key(words[i+1])] {
				continue
			}
		}
		out = append(out, w)
	}
	return strings.Join(out, " ")
}

// unitWords start the names of administrative units (key form,
// vocab/admin_units.yaml).
var unitWords = voc.unitFirst

func letterCount(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n
}

// localityWords name administrative units (key form,
// vocab/admin_units.yaml, in its order).
var localityWords = voc.localityWords

// localityRes find each locality word followed by a name, in key form.
var localityRes = func() []*regexp.Regexp {
	out := make([]*regexp.Regexp, len(localityWords))
	for i, w := range localityWords {
		out[i] = regexp.MustCompile(`(?:^|[^A-Z])(` + w + `)\.?[ \t]+([A-Z])`)
	}
	return out
}()

// locality returns the trailing "<unit> <name>" of an issuer name in key
// form and its byte offset in s, or -1.
func locality(s string) (kind string, at int) {
	f := newFolded(s)
	up := strings.ToUpper(f.text)
	for i, w := range localityWords {
		re := localityRes[i]
		for _, m := range re.FindAllStringSubmatchIndex(up, -1) {
			rest := up[m[4]:]
			if rest == "UY" || strings.HasPrefix(rest, "UY ") {
				if len(strings.Fields(rest)) > 1 {
					// "HUYỆN ỦY TRẦN VĂN THỜI": named committee.
					s0, _ := f.rawRange(m[2], m[3])
					return w, s0
				}
				continue // "TỈNH ỦY": the Party committee, not a locality
			}
			if w == "XA" && strings.HasPrefix(rest, "HOI") {
				continue // "xã hội" (society)
			}
			if w == "QUAN" && (rest == "LY" || strings.HasPrefix(rest, "LY ") || strings.HasPrefix(rest, "SU")) {
				continue // "quản lý" (Ban Quản lý ...), "quân sự": not a district
			}
			s0, _ := f.rawRange(m[2], m[3])
			return w, s0
		}
	}
	return "", -1
}

// withLocality appends the parent's locality to an issuer that has none.
func withLocality(v, parent string) string {
	if parent == "" {
		return v
	}
	if kind, _ := locality(v); kind != "" {
		return v
	}
	pk, at := locality(parent)
	if at < 0 {
		return v
	}
	loc := strings.TrimSpace(parent[at:])
	vk := key(v)
	// "TỈNH ỦY" + "TỈNH CÀ MAU" -> "TỈNH ỦY CÀ MAU".
	if strings.HasSuffix(vk, " UY") && strings.HasPrefix(vk, pk+" ") {
		if i := strings.IndexFunc(loc, unicode.IsSpace); i > 0 && pk != "THANH PHO" && pk != "THI XA" && pk != "THI TRAN" {
			return v + " " + strings.TrimSpace(loc[i:])
		}
	}
	return v + " " + loc
}

var reSignBody = regexp.MustCompile(`^['\x60]?(?:T[Il1|]?M|[Il1|]M|T/M)\s*[.:]?\s*`)

// signatureIssuer finds the issuing body in the signature block of the last
// page and completes its locality from the parcel or residence address.
func signatureIssuer(d *doc) (cand, bool) {
	pi := d.signPage()
	p := d.pages[pi]
	for i := len(p.lines) - 1; i >= 0; i-- {
		if d.excluded(pi, i) {
			continue
		}
		raw := strings.TrimSpace(p.lineText(i))
		if raw == "" {
			continue
		}
		body := ""
		if !mostlyUpper(raw) {
			// OCR may put the left column's labels ("Số vào sổ cấp
			// GCN: ...") on the line of the body's name.
		} else if m := reSignBody.FindStringIndex(strings.ToUpper(fold(raw))); m != nil {
			f := newFolded(raw)
			s0, _ := f.rawRange(m[1], m[1])
			body = strings.TrimSpace(raw[s0:])
		}
		if body == "" {
			body = bodyOverAuthority(d, pi, i)
		}
		if body == "" {
			continue
		}
		l := p.lines[i]
		conf := p.conf(l.start, l.end) * 0.85
		if kind, _ := locality(body); kind == "" {
			want := "HUYEN|THANH PHO|THI XA|QUAN"
			if strings.HasPrefix(key(body), "SO ") || strings.HasPrefix(key(body), "CUC ") {
				want = "TINH"
			}
			if loc := addressLocality(d, want); loc != "" {
				body += " " + loc
			} else if loc := placeProvince(d, body); loc != "" {
				body += " " + loc
				conf *= 0.8
			}
		}
		v := nfc(body)
		// Not in the header's issuer zone: from the signature block.
		return cand{value: v, conf: conf, page: p.no, raw: v, anchor: 0.7}, true
	}
	return cand{}, false
}

// placeProvince returns the province named by the place of issue ("Quảng
// Trị, ngày ..."), as the locality of a body in the capitals of body
// ("TỈNH QUẢNG TRỊ", "THÀNH PHỐ CẦN THƠ" for a city under the centre,
// without marks when body has none), or "". A body dates its documents
// from the seat of its own unit (NĐ 30, Appendix I, box 4): a provincial
// name there is the body's province.
func placeProvince(d *doc, body string) string {
	c, ok := placeDate(d, "place")
	if !ok {
		return ""
	}
	pk := key(c.value)
	for _, name := range voc.provinces {
		if key(name) != pk {
			continue
		}
		unit := "TỈNH "
		if voc.cities[pk] {
			unit = "THÀNH PHỐ "
		}
		loc := unit + strings.ToUpper(strings.TrimSpace(c.value))
		if fold(body) == body {
			loc = strings.ToUpper(fold(loc))
		}
		return loc
	}
	return ""
}

// bodyOverAuthority returns the issuing body's name printed over the
// authority line of the signature block ("SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG" /
// "TỈNH HÀ TĨNH" / "KT. GIÁM ĐỐC"), the way a certificate names its issuer:
// the capitals from a body's first word to the end of line i, with the
// locality on the next line, or "". What OCR put to their left on the same
// lines (the certificate's book and serial numbers) is not part of it.
func bodyOverAuthority(d *doc, pi, i int) string {
	p := d.pages[pi]
	body := upperTailFrom(p.lineText(i), isBodyStart)
	if body == "" {
		return ""
	}
	isLocality := func(k string) bool { kind, at := locality(k); return kind != "" && at == 0 }
	for j, n := i+1, 0; j < len(p.lines) && n < 4; j++ {
		l := strings.TrimSpace(p.lineText(j))
		if l == "" || d.excluded(pi, j) {
			continue
		}
		n++
		if reSignPrefix.MatchString(strings.ToUpper(fold(l))) {
			return body
		}
		if kind, _ := locality(body); kind == "" {
			if loc := upperTailFrom(l, isLocality); loc != "" {
				body += " " + loc
				continue
			}
		}
		if mostlyUpper(l) {
			return "" // other capitals: not a body over the authority line
		}
		// A line of the left column between them.
	}
	return ""
}

// upperTailFrom returns the longest tail of line, from a word in capitals
// on, that is in capitals, holds no label's colon and whose key form
// satisfies starts, or "".
func upperTailFrom(line string, starts func(k string) bool) string {
	words := strings.Fields(line)
	for w := range words {
		tail := strings.Join(words[w:], " ")
		if letterCount(tail) >= 4 && mostlyUpper(words[w]) && mostlyUpper(tail) && !strings.Contains(tail, ":") && starts(lineKey(tail)) {
			return tail
		}
	}
	return ""
}

// addressLabels find the parcel address, then any address.
var addressLabels = []*regexp.Regexp{
	regexp.MustCompile(`(?i)thu+a+ dat so[^\n]*\n(?:[^\n]*\n)??[^\n]*dia chi\b[ \t]*:?\s*`),
	regexp.MustCompile(`(?i)dia chi\b[^\n:]*:\s*`),
}

// addressLocality returns the first "<unit> <Name>" of the given kinds
// found in an address of the document: the parcel address first.
func addressLocality(d *doc, kinds string) string {
	re := regexp.MustCompile(`(?:^|[^\pL])((?i:` + strings.ToLower(kinds) + `)[ \t]+[A-Z][\pL]*(?:[ \t]+[A-Z][\pL]*){0,3})`)
	for _, lre := range addressLabels {
		for _, p := range d.pages {
			for _, m := range lre.FindAllStringIndex(p.f.text, -1) {
				end := strings.IndexByte(p.f.text[m[1]:], '\n')
				if end < 0 {
					end = len(p.f.text) - m[1]
				}
				seg := p.f.text[m[1] : m[1]+end]
				if lm := re.FindStringSubmatchIndex(seg); lm != nil {
					s0, e0 := p.f.rawRange(m[1]+lm[2], m[1]+lm[3])
					v := strings.TrimSpace(p.f.raw[s0:e0])
					return strings.ToUpper(v)
				}
			}
		}
	}
	return ""
}

var reSoInside = regexp.MustCompile(`\s[Ss§$][oOuU06]\s*:\s*[0-9OolI]{1,6}\s*[/\-]`)

// reLabelNumber is a form's labelled number ("Số CCCD: 045179723584",
// "Điện thoại: 0985..."): a field of a petition or form, never a line of
// the issuing body's name. It is matched on the whole line, as the number
// may lie right of the motto's column.
var reLabelNumber = regexp.MustCompile(`^[^:0-9]{2,30}:\s*[0-9]{4}`)

// reSoStart opens the number line ("Số: 12/QĐ-UBND"; "No.: 242/TLKS-BS" in
// an English translation).
var reSoStart = regexp.MustCompile(`^\s*(?:[Ss§$][oOuU06]\s*(?:[:;.]|[0-9OolI]{1,6}\s*[/\-])|No\.?\s*:)`)

func isMotto(k string) bool {
	if k == "VIET NAM" || k == "CHU NGHIA VIET NAM" || k == "NAM" || k == "CONG" {
		return true // the motto wrapped onto a second line, or split by the layout
	}
	for _, m := range mottoPrefixes {
		if strings.HasPrefix(k, m) {
			return true
		}
	}
	return false
}

// mottoX returns the left edge of the national motto or the Party's
// heading (CỘNG HÒA..., ĐẢNG CỘNG SẢN VIỆT NAM) among the first n lines,
// from word boxes, or 0 when not found or without boxes.
func mottoX(p *page, n int) int {
	for i := 0; i < n && i < len(p.lines); i++ {
		ws := p.lineWords(i)
		for j := 0; j+1 < len(ws); j++ {
			a, b := key(ws[j].word.Text), key(ws[j+1].word.Text)
			if a == "CONG" && b == "HOA" || a == "DANG" && b == "CONG" && j+2 < len(ws) && key(ws[j+2].word.Text) == "SAN" {
				if x := ws[j].word.Box.Min.X; x > 0 && (p.src.Width == 0 || x > p.src.Width/4) {
					// The second motto line is centred under the first
					// and may start a few pixels further left.
					return x - max(10, p.src.Width/80)
				}
			}
		}
	}
	return 0
}

// cutMotto removes the national motto or Party header when OCR put it on
// the same line as the issuer.
func cutMotto(l string) string {
	f := newFolded(l)
	up := strings.ToUpper(f.text)
	at := -1
	for _, m := range mottoCuts {
		if i := strings.Index(up, m); i > 0 && (at < 0 || i < at) {
			at = i // the earliest piece of the motto
		}
	}
	if at < 0 {
		return l
	}
	s, _ := f.rawRange(at, at)
	return strings.TrimSpace(l[:s])
}

// rePlaceDateLine is a line holding only "<place>, ngày ... năm ...".
var rePlaceDateLine = regexp.MustCompile(`(?i)^[^,\n]{2,40},\s*ng[a-z]{0,2}y\s*[0-9OoIl]{1,2}\s*th[a-z]{0,2}ng\s*[0-9OoIl]{1,2}\s*n[a-z]{0,2}m\s*[0-9OoIl]{4}\s*$`)

// reSpeckToken is a token of specks read as text ("1...", "._").
var reSpeckToken = regexp.MustCompile(`^[0-9]?[.…:;_~|\-]{2,}$`)

// reBodyStart opens the body of a document, never its subject.
var reBodyStart = regexp.MustCompile(`(?i)^\s*(?:can cu\b|kinh gui\b|ngay \d|dieu \d|chuong [ivx\d]|phan [ivx\d]\b|[ivx]+\.\s|\d+\.\s|noi nhan\b)`)

var reSubjectStop = regexp.MustCompile(`(?i)^\s*(?:can cu|kinh gui|thuc hien|theo de nghi|dieu \d|phan [ivx\d]|chuong [ivx\d]|[ivx]+\.|\d+\.|[-_*=]{3,}|noi nhan|xet de nghi|ngay \d|che do|do mat|do khan)`)

// subjectJoin are words after which a wrapped subject may continue with a
// capitalised proper name on the next line ("của huyện" / "Đầm Dơi")
// (vocab/words.yaml, name_follows, and the units' last words).
var subjectJoin = voc.nameFollows

// subject reads the trích yếu: the lines under the title, or after "V/v"
// in the header of a công văn. Lines of the right header column that OCR or
// the layout interleaved are skipped; the subject ends at an empty line, a
// new sentence or a known body opening.
func subject(d *doc) (cand, bool) {
	p := d.pages[0]
	start := -1
	vv := false
	vvAnchor := 1.0
	if d.titleLine >= 0 {
		start = d.titleLine + 1
	} else {
		seen := 0
		for i := range p.lines {
			raw := strings.TrimSpace(p.lineText(i))
			if raw == "" {
				continue
			}
			if seen++; seen > 16 {
				break
			}
			if strings.HasPrefix(lineKey(raw), "KINH GUI") {
				break
			}
			if d.excluded(0, i) {
				continue
			}
			if h, ok := subjectAnchor(d, raw); ok {
				start, vv, vvAnchor = i, true, h.score
				break
			}
		}
	}
	if start < 0 {
		return cand{}, false
	}
	var parts []string
	last := -1 // the line of the last part
	conf := 0.0
	n := 0
	size := 0
	for i := start; i < len(p.lines) && len(parts) < 6 && size < 500; i++ {
		if d.excluded(0, i) {
			continue
		}
		raw := strings.TrimSpace(p.lineText(i))
		fr := fold(raw)
		if len(parts) == 0 {
			// Drop "V/v" or "Về việc" before the subject.
			if h, ok := subjectAnchor(d, raw); ok {
				raw = strings.TrimSpace(strings.TrimLeft(raw[h.end:], ":. "))
				fr = fold(raw)
			} else if reBodyStart.MatchString(fr) {
				break // no subject: the body begins (or OCR lost the subject)
			}
			if vv {
				// A place/date merged in from the right column.
				if reDateLine.MatchString(fr) {
					raw = strings.TrimSpace(raw[:cutBeforePlace(raw)])
					fr = fold(raw)
				}
			}
			if letterCount(raw) == 0 {
				// Empty lines and specks between the title and the
				// subject.
				if i-start < 3 {
					continue
				}
				break
			}
		} else {
			// Specks at the start of a wrapped line (": mưa bão",
			// "1... xã hội").
			raw = strings.TrimLeft(raw, " :;.,_-~'\"|`")
			if f := strings.Fields(raw); len(f) > 1 && reSpeckToken.MatchString(f[0]) {
				raw = strings.TrimSpace(raw[len(f[0]):])
			}
			fr = fold(raw)
			if raw == "" {
				break
			}
			k := lineKey(raw)
			if isMotto(k) || rePlaceDateLine.MatchString(fr) || !sameColumn(p, last, i) {
				continue // the right header column, interleaved
			}
			// Under "V/v", a line set tight under the last one in the
			// left column goes on with the subject (a wrapped "ngày
			// 12/09/2023 về ...", a capitalised "Giấy chứng nhận ...");
			// under a title, only a centred line narrower than the body's
			// (a body paragraph fills the measure).
			tight := d.zones != nil && tightBelow(p, last, i) && (vv || centredNarrow(p, last, i))
			if reSubjectStop.MatchString(fr) && !(tight && strings.HasPrefix(strings.ToLower(strings.TrimSpace(fr)), "ngay")) {
				break
			}
			if _, ok := matchLevel(k, secrecyLevels); ok {
				break
			}
			if _, ok := matchLevel(k, urgencyLevels); ok {
				break
			}
			if mostlyUpper(raw) && len(strings.Fields(raw)) >= 2 {
				break // the authority line of a quyết định
			}
			prev := parts[len(parts)-1]
			first, _ := utf8.DecodeRuneInString(raw)
			if strings.HasSuffix(prev, ".") || strings.HasSuffix(prev, ":") || strings.HasSuffix(prev, ";") {
				// A sentence ends there, unless the next line goes on in
				// lower case: then the mark was a speck ("mùa." / "mưa").
				if !unicode.IsLower(first) || strings.HasSuffix(prev, "./.") {
					break
				}
				parts[len(parts)-1] = strings.TrimRight(prev, ".:; ")
			}
			if unicode.IsUpper(first) && !tight {
				pw := strings.Fields(key(prev))
				rw := strings.Fields(raw)
				short := len(rw) <= 3 && !strings.ContainsAny(raw, ".,;:")
				// After "huyện", "tỉnh"...: a place name wrapped onto this
				// line ("Đầm Dơi năm 2020"), not a sentence ("Văn phòng
				// Ủy ban nhân dân tỉnh xây dựng...").
				name := len(rw) > 1 && unicode.IsUpper([]rune(rw[1])[0]) || len(rw) <= 3
				if len(pw) == 0 || !(subjectJoin[pw[len(pw)-1]] && name || short) {
					break // a new sentence: the body
				}
			}
		}
		parts = append(parts, raw)
		last = i
		size += len(raw)
		l := p.lines[i]
		conf += p.conf(l.start, l.end)
		n++
	}
	if len(parts) == 0 {
		return cand{}, false
	}
	v := stray(nfc(strings.Join(parts, " ")))
	// A lone dot between words is a speck read as text; a lone comma
	// belongs to the word before it.
	v = strings.ReplaceAll(v, " . ", " ")
	v = strings.ReplaceAll(v, " , ", ", ")
	// A symbol wrapped at its hyphen ("194/BNNMT-" / "QLĐĐ ngày ...").
	v = reWrapHyphen.ReplaceAllString(v, "$1-$2")
	v = strings.TrimSpace(strings.TrimLeft(v, "-:;., "))
	v = strings.TrimRight(v, " ;,.:-_")
	if v == "" {
		return cand{}, false
	}
	return cand{value: v, conf: conf / float64(n) * 0.95, page: p.no, anchor: vvAnchor, reasons: anchorReasons(vvAnchor)}, true
}

var reWrapHyphen = regexp.MustCompile(`([\p{Lu}\pN])- (\p{Lu})`)

var reVv = regexp.MustCompile(`(?i)^[ \t\-_.,:;|'"~*•]*(?:V\s*[/\\|1l]\s*[vV]\b|Ve\s+viec\b)[ \t]*[:.]?`)

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

var reKT = regexp.MustCompile(`^KT\s*[.:]?\s*(\S.*)$`)

var reSignPrefix = signPrefixRegexp()

// signer reads the signature block (box 7) of the last page: the name is
// the last line that looks like a person's name, the position the capital
// lines above it.
func signer(d *doc) (cand, cand, bool) {
	pi := d.signPage()
	p := d.pages[pi]
	nameIdx, raw := signerName(d, pi, 0)
	if nameIdx < 0 && pi+1 < len(d.pages) {
		// The block's title at the foot of the page, the name at the top
		// of the next one (its first lines, under the last recipients).
		if i, r := signerName(d, pi+1, 5); i >= 0 {
			pi, p, nameIdx, raw = pi+1, d.pages[pi+1], i, r
		}
	}
	if nameIdx < 0 {
		return cand{}, cand{}, false
	}
	nr, ok := normPersonName(raw, normCtx{})
	if !ok {
		return cand{}, cand{}, false
	}
	l := p.lines[nameIdx]
	name := cand{value: nr.value, conf: p.conf(l.start, l.end) * nr.quality, page: p.no, raw: raw, anchor: 1}
	// The signature block is a column: when the name sits right of the
	// page's middle, the lines above it are read from a quarter page left
	// of the name's centre, which leaves out a "Nơi nhận" column that OCR
	// merged into the same lines.
	colX := -1
	if x0, x1, ok := p.lineBox(nameIdx); ok && p.src.Width > 0 && (x0+x1)/2 > p.src.Width/2 {
		colX = (x0+x1)/2 - p.src.Width/4
	}
	// Position: capital lines above the name, skipping signature marks.
	var pos []string
	pconf := 0.0
	walk := func(p *page, pi, nameIdx int) {
		for i := nameIdx - 1; i >= 0 && nameIdx-i < 12; i-- {
			r := p.lineText(i)
			if colX >= 0 {
				r = p.lineRight(i, colX)
			}
			if d.excluded(pi, i) {
				r = ""
			}
			r = strings.TrimSpace(r)
			// A scrap of the signature or seal read as letters ("Ẻ", "7 TA"):
			// no title is that short.
			if r != "" && letterCount(r) < 4 {
				continue
			}
			if r == "" || isSignMark(r) {
				if len(pos) > 0 && r == "" && nameIdx-i > 8 {
					break
				}
				continue
			}
			if len(pos) == 0 && !plausiblePosition(r) {
				continue // the signature read as letters ("GMNN)") under the title
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
			if (reSignPrefix.MatchString(strings.ToUpper(fold(r))) || d.role("authority").has(r)) && len(pos) > 0 && i > 0 {
				// The authority prefix line (TM./KT.) opens the block.
				break
			}
		}
	}
	walk(p, pi, nameIdx)
	if len(pos) == 0 && pi > 0 && nameIdx < 3 {
		// The name at the top of its page: the block began at the foot
		// of the page before.
		prev := d.pages[pi-1]
		walk(prev, pi-1, len(prev.lines))
	}
	position := cand{}
	if len(pos) > 0 {
		// "KT. CHỦ TỊCH" with the deputy's own line lost: a deputy signs
		// on behalf of the head (ký thay), so the title is "PHÓ CHỦ TỊCH".
		last := pos[len(pos)-1]
		if m := reKT.FindStringSubmatchIndex(strings.ToUpper(fold(last))); m != nil {
			f := newFolded(last)
			s0, _ := f.rawRange(m[2], m[2])
			pos = append(pos, "PHÓ "+strings.TrimSpace(last[s0:]))
			pconf *= 0.8
		}
		// The signer's own title is the last line; TM./KT. lines describe
		// on whose behalf.
		v := nfc(pos[len(pos)-1])
		if reSignPrefix.MatchString(strings.ToUpper(fold(v))) {
			v = strings.TrimSpace(reSignPrefix.ReplaceAllString(nfc(v), ""))
		}
		position = cand{value: v, conf: pconf, page: p.no, raw: v}
		position.anchor, position.reasons = authorityAnchor(d, pos[0])
	}
	return name, position, true
}

// signerName returns the last line of page pi (within its first top
// non-empty lines when top > 0) that looks like a person's name, outside
// excluded blocks, and the name; -1 when none.
func signerName(d *doc, pi, top int) (int, string) {
	p := d.pages[pi]
	last := len(p.lines) - 1
	if top > 0 {
		for i, n := 0, 0; i < len(p.lines); i++ {
			if strings.TrimSpace(p.lineText(i)) != "" {
				if n++; n == top {
					last = i
					break
				}
			}
		}
	}
	for i := last; i >= 0; i-- {
		if d.excluded(pi, i) {
			continue // a copy form's signer
		}
		// The whole line, or its right part when a wide gap splits it (the
		// name beside the last "Nơi nhận" line).
		for _, c := range []string{p.lineText(i), p.lineLastSegment(i), lastTextSegment(p.lineText(i))} {
			c = strings.TrimSpace(strings.Trim(c, " .,;:-_~*'`|"))
			if c != "" && looksLikeName(c) {
				return i, c
			}
		}
	}
	return -1, ""
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
	if typeNames[k] != "" || isMotto(k) || strings.HasPrefix(k, "NOI NHAN") {
		return false
	}
	if !mostlyUpper(s) {
		return true
	}
	// In capitals, only with a known family name and not a body's name.
	return familyNames[strings.Fields(k)[0]] && !isBodyStart(k)
}

// familyNames are Vietnamese family names (key form), from the
// detector's vocabulary (pii/vocabulary.yaml, family_names).
var familyNames = voc.familyKeys

var _ = domain.Public

// reStray matches marks OCR leaves from dust and rules around words
// ("thể 'thao", "CÀ MAU_", "| KHẨN").
var reStray = regexp.MustCompile("(?:^|\\s)['`´‘’\"|_~^*•·]+|['`´‘’\"|_~^*•·]+(?:\\s|$)")

// stray removes such marks and collapses spaces.
func stray(s string) string {
	return strings.Join(strings.Fields(reStray.ReplaceAllString(s, " ")), " ")
}
