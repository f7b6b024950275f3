package extract

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/sohoa/sohoa/internal/domain"
	"github.com/sohoa/sohoa/internal/pii"
)

// protectedValue is an extracted personal or sensitive value whose every
// occurrence must be redacted.
type protectedValue struct {
	field string
	sens  domain.Sensitivity
	value string
	raw   string
	norm  string
}

// placeholders replace redacted spans, by field name.
var placeholders = map[string]string{
	"person_names": "[họ tên]", "cccd": "[cccd]", "cmnd": "[cmnd]", "birth_dates": "[ngày sinh]",
	"addresses": "[địa chỉ]", "phones": "[số điện thoại]", "ethnicity": "[dân tộc]", "religion": "[tôn giáo]",
	"certificate_serial": "[số phát hành]", "book_entry_no": "[số vào sổ]", "id_number": "[số định danh]",
	"passport": "[hộ chiếu]",
}

// Placeholder returns the text that replaces a redacted span of field.
func Placeholder(field string) string {
	if p, ok := placeholders[field]; ok {
		return p
	}
	return "[" + field + "]"
}

// generic detectors run on every class, including the fallback.
var (
	reGenID12 = regexp.MustCompile(`(?:^|[^0-9])([0-9](?:[ .]?[0-9]){11})(?:[^0-9]|$)`)
	reGenID9  = regexp.MustCompile(`(?:^|[^0-9/.,\-])([0-9](?:[ .]?[0-9]){8})(?:[^0-9/,\-]|,\s|,$|$)`)
	reGenTel  = regexp.MustCompile(`(?:^|[^0-9])((?:\+84|0)(?:[ .\-]?[0-9]){9,10})(?:[^0-9]|$)`)
	reGenBorn = regexp.MustCompile(`(?i)(?:^|[^\pL])(?:sinh|ngay sinh|nam sinh|NS)\b[^0-9]{0,25}?((?:ng[a-z]{0,2}y[ \t]*[0-9]{1,2}[ \t]*th[a-z]{0,2}ng[ \t]*[0-9]{1,2}[ \t]*n[a-z]{0,2}m[ \t]*)?[0-9]{4}|[0-9]{1,2}[ \t]?[/.\-][ \t]?[0-9]{1,2}[ \t]?[/.\-][ \t]?[0-9]{4})`)
	reGenName = regexp.MustCompile(`(?m)(?:^|[^\pL])(?:[Hh]ọ[\pZ\s]*(?:và|,)?[\pZ\s]*(?:chữ đệm[\pZ\s]*(?:và|,)?[\pZ\s]*)?tên(?:[\pZ\s]+(?:chủ hộ|người[\pZ\s]+\pL+(?:[\pZ\s]+\pL+)?))?|[Hh]o va ten|[Hh]o ten|[Ôô]ng/[Bb]à|Ông|Bà|Ong|[ôoóốồổ]ng|b[àaáảạã]|[Cc]hủ hộ|[Nn]gười sử dụng đất|[Nn]gười được cấp|[Nn]gười khai|[Nn]gười đi khai sinh|[Tt]ôi tên là|[Tt]ên tôi là|[Tt]ôi là|[Cc]ha|[Mm]ẹ|[Vv]ợ|[Cc]hồng)[\pZ\s:.,;|\-–]*(\p{Lu}\pL*(?:[\pZ\t]+\p{Lu}\pL*){1,5})`)
	reGenAddr = regexp.MustCompile(`(?m)(?:^|[^\pL])(?:[Đđ]ịa chỉ(?: thường trú| cư trú)?|[Nn]ơi thường trú|[Nn]ơi cư trú|[Tt]hường trú(?: tại)?|[Cc]hỗ ở hiện (?:tại|nay)|[Qq]uê quán|[Nn]ơi sinh|[Tt]rú tại|[Cc]ư trú tại|[Dd]ia chi(?: thuong tru)?|[Tt]huong tru|[Nn]oi (?:thuong|cu) tru|[Qq]ue quan|[Nn]oi sinh)[\pZ\t:.;,|\-–_'"\x60+*]*(?:\n[\pZ\t:.;,|\-–_'"\x60+*]*){0,2}([^\n]{3,})`)
	// An address written as a chain of administrative units, labelled or
	// not (OCR often garbles the label): "Ấp 9, xã Quách Phẩm, huyện Đầm
	// Dơi, tỉnh Cà Mau", "Khóm 3, thị trấn Sông Đốc, ...". It must start with
	// a unit below the commune (hamlet, street, house number), which
	// residence addresses have and the names of bodies do not.
	reGenAddrChain = regexp.MustCompile(`(?i)(?:^|[^\pL])((?:(?:ap|khom|thon|xom|to|so nha|so|duong|pho|khu pho)[ \t]+[^\n,;]{1,30}?|\pL{1,4}\.?[ \t]*[0-9]{1,4}[a-z]?)[ \t]*[,.][ \t]*\n?[ \t]*(?:xa|phuong|thi tran)[ \t]+[^\n,;]{2,30}?(?:[ \t]*[,.][ \t]*\n?[ \t]*(?:huyen|quan|thi xa|thanh pho|tp)[ \t.]+[^\n,;]{2,30}?)?(?:[ \t]*[,.][ \t]*\n?[ \t]*tinh[ \t]+\pL+(?:[ \t]+\pL+)??)?)(?:[,.;]|\s|$)`)
	// A land certificate's serial alone on its line ("BS 150742") and the
	// book entry after its label ("Số vào sổ cấp GCN: CH 13775").
	reGenSerial = regexp.MustCompile(`(?m)^[ \t\-.:|]*([A-Z]{2}[ \t]?[0-9]{6,8})[ \t.:|]*$`)
	reGenBook   = regexp.MustCompile(`(?i)vao so(?:[ \t]+cap)?(?:[ \t]+(?:gcn|giay chung nhan))?[ \t]*(?:so)?[ \t:.]*([A-Z]{1,3}[ \t\-]?[0-9]{3,8})`)
	reGenEth    = regexp.MustCompile(`(?im)(?:^|[^\pL])(dan toc|ton giao)[ \t]*[:.][ \t]*([\pL][\pL \t]{0,30}?)(?:[ \t]{2,}|[;,]|$|[ \t]+(?:quoc tich|ton giao|dan toc|gioi tinh|noi|que))`)
)

// genericDetectors find personal values on folded text whatever was
// extracted: the first group of each match is redacted as field.
var genericDetectors = []struct {
	re    *regexp.Regexp
	field string
}{
	{reGenID12, "cccd"}, {reGenID9, "cmnd"}, {reGenTel, "phones"}, {reGenBorn, "birth_dates"},
	{reGenAddrChain, "addresses"}, {reGenSerial, "certificate_serial"}, {reGenBook, "book_entry_no"},
}

// findSpans locates every occurrence of the protected values and of the
// generic personal-data patterns in every page.
func findSpans(d *doc, vals []protectedValue) []Span {
	var spans []Span
	for _, p := range d.pages {
		add := func(fs, fe int, field string, sens domain.Sensitivity) {
			s, e := p.f.rawRange(fs, fe)
			if s < e {
				spans = append(spans, Span{Page: p.no, Start: s, End: e, Field: field, Sensitivity: sens})
			}
		}
		for _, v := range vals {
			if v.field == "person_names" {
				// A name whose cell wrapped in a table row.
				for _, r := range wrappedName(p.f.text, fold(v.value)) {
					add(r[0], r[1], v.field, v.sens)
				}
			}
			short := !searchEverywhere(v.value)
			for _, re := range valueRegexps(v) {
				for _, m := range re.FindAllStringSubmatchIndex(p.f.text, -1) {
					// A short single word ("Nam", "Kinh") counts only as a
					// labelled value ("Giới tính: Nam"), not inside other
					// words or names ("Việt Nam", "năm", "kinh tế").
					if short && !strings.HasSuffix(strings.TrimRight(p.f.text[:m[2]], " \t"), ":") {
						continue
					}
					add(m[2], m[3], v.field, v.sens)
				}
			}
		}
		t := p.f.text
		for _, g := range genericDetectors {
			for _, m := range g.re.FindAllStringSubmatchIndex(t, -1) {
				if g.field == "cmnd" && reMoney.MatchString(t[m[2]:]) {
					continue // "350.000.000 đồng" is a price, not an ID card
				}
				add(m[2], m[3], g.field, domain.Personal)
			}
		}
		raw := p.f.raw
		for _, m := range reGenName.FindAllStringSubmatchIndex(raw, -1) {
			if looksLikeName(raw[m[2]:m[3]]) || familyNames[key(strings.Fields(raw[m[2]:m[3]])[0])] {
				spans = append(spans, Span{Page: p.no, Start: m[2], End: m[3], Field: "person_names", Sensitivity: domain.Personal})
			}
		}
		for _, m := range reGenAddr.FindAllStringSubmatchIndex(raw, -1) {
			e := m[3]
			// An address ends before another label on the same line.
			if j := reNextLabel.FindStringIndex(fold(raw[m[2]:e])); j != nil && j[0] > 0 {
				e = m[2] + len(cutFolded(raw[m[2]:e], j[0]))
			}
			spans = append(spans, Span{Page: p.no, Start: m[2], End: e, Field: "addresses", Sensitivity: domain.Personal})
		}
		for _, m := range reGenEth.FindAllStringSubmatchIndex(t, -1) {
			field := "ethnicity"
			if strings.EqualFold(t[m[2]:m[2]+3], "ton") {
				field = "religion"
			}
			add(m[4], m[5], field, domain.Sensitive)
		}
	}
	return mergeSpans(spans)
}

// reMoney is an amount written in thousands with its currency.
var reMoney = regexp.MustCompile(`^[0-9]{1,3}(?:\.[0-9]{3}){2,}[ \t]*(?:đồng|dong|VND|VNĐ|đ\b|d\b)`)

var reNextLabel = regexp.MustCompile(`(?i)[ \t]{2,}|[ \t](?:so dien thoai|dien thoai|dt|email|so cccd|cccd|cmnd|ngay sinh|dan toc|quoc tich|ton giao)\b`)

// valueRegexps builds accent-, case- and spacing-tolerant patterns (on
// folded text) for every written form of a value.
func valueRegexps(v protectedValue) []*regexp.Regexp {
	var out []*regexp.Regexp
	seen := map[string]bool{}
	addText := func(s string) {
		words := strings.Fields(fold(s))
		if len(words) == 0 {
			return
		}
		total := 0
		for i, w := range words {
			total += len(w)
			words[i] = regexp.QuoteMeta(w)
		}
		if total < 3 {
			return
		}
		src := `(?i)(?:^|[^\pL\pN])(` + strings.Join(words, `[\s,.]*`) + `)(?:[^\pL\pN]|$)`
		if !seen[src] {
			seen[src] = true
			out = append(out, regexp.MustCompile(src))
		}
	}
	addDigits := func(ds string) {
		var b strings.Builder
		for i, r := range ds {
			if i > 0 {
				b.WriteString(`[ .\-]?`)
			}
			switch r {
			case '0':
				b.WriteString(`[0OoQ]`)
			case '1':
				b.WriteString(`[1lI|]`)
			default:
				b.WriteRune(r)
			}
		}
		src := `(?:^|[^0-9])(` + b.String() + `)(?:[^0-9]|$)`
		if !seen[src] {
			seen[src] = true
			out = append(out, regexp.MustCompile(src))
		}
	}
	val := v.value
	switch {
	case allDigits(val) && len(val) >= 6:
		addDigits(val)
	case isISODate(val):
		y, m, d := val[:4], val[5:7], val[8:10]
		dn, mn := strings.TrimLeft(d, "0"), strings.TrimLeft(m, "0")
		src := `(?i)(?:^|[^0-9])((?:0?` + dn + `)[ \t]?[/.\-][ \t]?(?:0?` + mn + `)[ \t]?[/.\-][ \t]?` + y +
			`|ng[a-z]{0,2}y[ \t]*0?` + dn + `[ \t]*[,.]?[ \t]*th[a-z]{0,2}ng[ \t]*0?` + mn + `[ \t]*[,.]?[ \t]*n[a-z]{0,2}m[ \t]*` + y + `)(?:[^0-9]|$)`
		out = append(out, regexp.MustCompile(src))
	case len(val) == 4 && allDigits(val):
		// A birth year alone: only where it is a birth year.
		out = append(out, regexp.MustCompile(`(?i)(?:sinh|NS)[^\n0-9]{0,12}?(`+val+`)(?:[^0-9]|$)`))
	default:
		addText(val)
	}
	if v.raw != "" && v.raw != val && utf8.RuneCountInString(v.raw) < 200 {
		r := strings.TrimSpace(v.raw)
		if allDigits(strings.NewReplacer(" ", "", ".", "").Replace(r)) {
			addDigits(strings.NewReplacer(" ", "", ".", "").Replace(r))
		} else if !(len(val) == 4 && allDigits(val)) {
			addText(r)
		}
	}
	return out
}

func isISODate(s string) bool {
	return len(s) == 10 && s[4] == '-' && s[7] == '-' && allDigits(s[:4]) && allDigits(s[5:7]) && allDigits(s[8:])
}

// mergeSpans sorts spans and merges overlapping ones, keeping the most
// protected class and the field of the longest span.
func mergeSpans(spans []Span) []Span {
	if len(spans) == 0 {
		return nil
	}
	sort.SliceStable(spans, func(i, j int) bool {
		a, b := spans[i], spans[j]
		if a.Page != b.Page {
			return a.Page < b.Page
		}
		if a.Start != b.Start {
			return a.Start < b.Start
		}
		if a.End != b.End {
			return a.End > b.End
		}
		// The same text found twice: the more specific field names it.
		return a.Field != "dates" && b.Field == "dates"
	})
	out := []Span{spans[0]}
	for _, s := range spans[1:] {
		last := &out[len(out)-1]
		if s.Page == last.Page && s.Start < last.End {
			if s.End > last.End {
				if s.End-s.Start > last.End-last.Start {
					last.Field = s.Field
				}
				last.End = s.End
			}
			if sensRank[s.Sensitivity] > sensRank[last.Sensitivity] {
				last.Sensitivity = s.Sensitivity
			}
			continue
		}
		out = append(out, s)
	}
	return out
}

// Redact returns each page's text with the personal and sensitive spans of
// r replaced by placeholders such as "[cccd]" and "[họ tên]". Only this
// text may reach the search index. Spans that do not fit a page's text (for
// example when pages changed since Extract) are ignored. The i-th string
// belongs to pages[i].
//
// Redact does not trust r.Spans alone: it searches the pages again for every
// protected value in r.Fields and for the generic personal-data patterns,
// so text that changed since Extract is still covered.
func Redact(pages []domain.Page, r Result) []string {
	out, _ := RedactWithMentions(pages, r)
	return out
}

// RedactWithMentions is Redact that also returns the personal values the
// detector found on the pages, by field name (see mentionsOf): the same
// detector run serves the redaction and the blind index.
func RedactWithMentions(pages []domain.Page, r Result) ([]string, map[string][]string) {
	var vals []protectedValue
	for name, f := range r.Fields {
		if !f.Sensitivity.Protected() {
			continue
		}
		vs := f.Values
		if len(vs) == 0 && f.Value != "" {
			vs = []string{f.Value}
		}
		for _, v := range vs {
			vals = append(vals, protectedValue{field: name, sens: f.Sensitivity, value: v})
		}
	}
	d := &doc{}
	for i := range pages {
		d.pages = append(d.pages, preparePage(&pages[i]))
	}
	all := append(append([]Span(nil), r.Spans...), findSpans(d, vals)...)
	detected := detectSpans(pages, all)
	all = mergeSpans(append(all, detected...))
	byPage := map[domain.PageNo][]Span{}
	for _, s := range all {
		if s.Sensitivity.Protected() {
			byPage[s.Page] = append(byPage[s.Page], s)
		}
	}
	out := make([]string, len(pages))
	done := map[domain.PageNo]bool{}
	for i, p := range pages {
		spans := byPage[p.No]
		if done[p.No] {
			spans = nil
		}
		done[p.No] = true
		sort.Slice(spans, func(a, b int) bool { return spans[a].Start < spans[b].Start })
		var b strings.Builder
		cur := 0
		for _, s := range spans {
			if s.Start < cur || s.End > len(p.Text) || s.Start >= s.End ||
				!utf8.RuneStart(p.Text[s.Start]) || (s.End < len(p.Text) && !utf8.RuneStart(p.Text[s.End])) {
				continue
			}
			b.WriteString(p.Text[cur:s.Start])
			b.WriteString(Placeholder(s.Field))
			cur = s.End
		}
		b.WriteString(p.Text[cur:])
		out[i] = b.String()
	}
	return out, mentionsOf(pages, detected)
}

// detector is the class-independent personal-data detector. Its vocabulary
// is embedded and checked by its tests, so failing to load it is a broken
// build.
var detector = func() *pii.Detector {
	d, err := pii.Default()
	if err != nil {
		panic(fmt.Sprintf("extract: %v", err))
	}
	return d
}()

// detectSpans runs the personal-data detector on every page, whatever the
// class: names, ID numbers, dates of birth, addresses and personal table
// rows, in any language, with or without diacritics. The protected spans
// already found (the class's fields) tell the detector which rows are
// personal.
func detectSpans(pages []domain.Page, found []Span) []Span {
	var out []Span
	for _, p := range pages {
		var known []pii.Span
		for _, s := range found {
			if s.Page == p.No && s.Sensitivity.Protected() {
				known = append(known, pii.Span{Start: s.Start, End: s.End, Kind: pii.Kind(s.Field)})
			}
		}
		for _, s := range detector.DetectKnown(p.Text, known) {
			out = append(out, Span{Page: p.No, Start: s.Start, End: s.End, Field: string(s.Kind), Sensitivity: domain.Personal})
		}
	}
	return out
}

// OverRedaction compares a text before and after redaction with phrases
// that must stay public (bodies, places of issue, document numbers, dates
// of issue, signers). It returns the phrases present in original but
// missing from redacted: the detector's over-redaction, which is counted
// and reported, while a leak is a failure.
func OverRedaction(original, redacted string, public []string) []string {
	var lost []string
	for _, w := range public {
		if strings.Contains(original, w) && !strings.Contains(redacted, w) {
			lost = append(lost, w)
		}
	}
	return lost
}

// cutFolded returns the prefix of s whose folded form is n bytes long.
func cutFolded(s string, n int) string {
	f := newFolded(s)
	if n > len(f.text) {
		return s
	}
	e, _ := f.rawRange(n, n)
	return s[:e]
}

// searchEverywhere reports whether a protected value is distinctive enough
// to be looked for across the whole text: several words, a number, or at
// least five letters. Shorter values are redacted only after a label.
func searchEverywhere(v string) bool {
	v = strings.TrimSpace(v)
	return strings.ContainsAny(v, " 0123456789") || utf8.RuneCountInString(v) >= 5
}
