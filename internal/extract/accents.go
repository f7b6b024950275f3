package extract

import (
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// OCR often loses or confuses Vietnamese diacritics on bold and italic
// lines (names, titles, the place and date). Two repairs restore them:
// a vocabulary of name syllables for personal names, and the document's own
// spelling of the same word elsewhere for other text.

// Name syllables by position, most common first (family names, middle
// names, given names).
const (
	familySyllables = "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Trịnh Đinh Lâm Mai Trương Lưu Quách Tạ Tô Cao Lương Hà Thái Châu Tăng Diệp Kiều La Đoàn Vương Tống Lục Thạch Kim Đàm Nông Triệu Vi Hàn Văn Lò Khúc Tiêu Quan Hứa Từ Mạc Giang Âu Phùng Doãn Lại Chu Ông Bạch Lã Nghiêm Thân Viên Đồng Ninh Mã Tôn Khổng Lạc Cù Hầu Bế Lăng Mông Sầm Danh Sơn Lữ Khưu Ung Ngọc"
	middleSyllables = "Văn Thị Hữu Đức Minh Quốc Thanh Hồng Ngọc Công Đình Xuân Thu Kim Bảo Gia Hoài Tuấn Anh Thúy Diễm Cẩm Mỹ Tuyết Bích Trọng Chí Duy Hoàng Nhật Phương Thành Tấn Phúc Khánh Như Tường Vĩnh Quang Huy Mạnh Trung Bá Ngân Hải Hoa Kiều Thùy Lệ Mai Yến Thiên Tiến Đăng Hà Phước Thế Hùng Việt Nam Huyền Hạnh Trúc Lan Ánh Tú Khắc Đắc Huệ Hoàn Thái Vân Nguyên Quý Quang Sỹ Sĩ Tất Viết Ngân Kiến Thiện Trường Tự Phú Nhã"
	givenSyllables  = "An Anh Bình Cường Dũng Dung Duy Đạt Đức Giang Hà Hải Hạnh Hằng Hiền Hiếu Hòa Hoa Hồng Hùng Hưng Hương Hường Huy Huyền Khải Khang Khánh Khoa Kiệt Lan Liên Linh Loan Long Lộc Mai Minh My Mỹ Nam Nga Ngân Ngọc Nguyệt Nhân Nhi Nhung Oanh Phát Phong Phú Phúc Phương Phượng Quân Quang Quốc Quyên Sơn Tài Tâm Tân Thảo Thắng Thanh Thành Thịnh Thu Thủy Thúy Tiến Toàn Trang Trâm Trí Trinh Trung Tú Tuấn Tùng Tuyết Uyên Vân Việt Vinh Vũ Xuân Yến Lâm Hậu Hiệp Nhàn Lợi Phụng Diễm Châu Ánh Ngà Thơ Đông Tín Thiện Lực Nghĩa Hào Khôi Quý Quyết Sang Thông Trọng Nhật Bảo Hoàng Cảnh Chiến Công Định Hiển Hoan Kha Lành Luân Nhựt Tạo Thuận Thương Tường Vĩ Xuyên Ân Giao Liễu Thắm Trúc Vy Ý Bích Cúc Đào Điệp Hạ Hân Hậu Hoài Huệ Khuê Kiều Lệ Ly Mẫn Mơ Nương Phấn Sương Tiên Trâm Tươi Vi Xoan Yên Ánh Bằng Biên Cẩn Chánh Chính Đăng Đạo Điền Đoàn Giàu Hải Hiền Hòa Hợp Khiêm Lễ Lĩnh Mạnh Ngữ Nhơn Pháp Quí Tâm Thạch Thiên Thọ Toản Triều Trực Tường Vỹ"
)

// nameVocab maps a folded, lower-case syllable to its spellings, most
// common first, for each position.
type nameVocab struct {
	family, middle, given, known map[string][]string
}

func newNameVocab() *nameVocab {
	v := &nameVocab{family: map[string][]string{}, middle: map[string][]string{}, given: map[string][]string{}, known: map[string][]string{}}
	add := func(m map[string][]string, list string) {
		for _, s := range strings.Fields(list) {
			k := strings.ToLower(fold(s))
			if !contains(m[k], s) {
				m[k] = append(m[k], s)
			}
			if !contains(v.known[k], s) {
				v.known[k] = append(v.known[k], s)
			}
		}
	}
	add(v.family, familySyllables)
	add(v.middle, middleSyllables)
	add(v.given, givenSyllables)
	return v
}

// marks returns the combining marks of s (NFD).
func marks(s string) map[rune]bool {
	out := map[rune]bool{}
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			out[r] = true
		}
	}
	return out
}

// repairName restores the diacritics of a name in Vietnamese
// capitalisation whose syllables are not spelled as any known name
// syllable: "Pham Van Khai" -> "Phạm Văn Khải", "Thái Thi Nguyét" -> "Thái
// Thị Nguyệt". It reports whether anything changed.
func (v *nameVocab) repairName(name string) (string, bool) {
	words := strings.Fields(name)
	changed := false
	for i, w := range words {
		k := strings.ToLower(fold(w))
		pos := v.middle
		switch {
		case i == 0:
			pos = v.family
		case i == len(words)-1:
			pos = v.given
		}
		// Known in this position, or unknown here but known elsewhere
		// with no spelling for this position: keep.
		if contains(pos[k], w) || (len(pos[k]) == 0 && contains(v.known[k], w)) {
			continue
		}
		var cands []string
		switch {
		case i == 0:
			cands = append(append(append(cands, v.family[k]...), v.middle[k]...), v.given[k]...)
		case i == len(words)-1:
			cands = append(append(append(cands, v.given[k]...), v.middle[k]...), v.family[k]...)
		default:
			cands = append(append(append(cands, v.middle[k]...), v.given[k]...), v.family[k]...)
		}
		if len(cands) == 0 {
			continue
		}
		// Prefer the spelling that keeps the marks OCR did read.
		have := marks(w)
		best, bestScore := cands[0], -1
		for _, c := range cands {
			score := 0
			for m := range marks(c) {
				if have[m] {
					score++
				}
			}
			if score > bestScore {
				best, bestScore = c, score
			}
		}
		words[i] = best
		changed = true
	}
	return strings.Join(words, " "), changed
}

// wordVariants counts how a document spells each pair of adjacent words:
// folded lower-case pair -> exact lower-case spelling -> occurrences.
type wordVariants map[string]map[string]int

func isWord(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.Is(unicode.Mn, r) {
			return false
		}
	}
	return s != ""
}

func docVariants(pages []*page) wordVariants {
	wv := wordVariants{}
	for _, p := range pages {
		for _, ln := range strings.Split(p.f.raw, "\n") {
			// Pairs never cross punctuation: "hồ sơ, tài liệu" has no
			// pair "sơ tài".
			ln = norm.NFC.String(strings.ToLower(ln))
			ws := strings.Fields(ln)
			for i := 0; i+1 < len(ws); i++ {
				if !isWord(ws[i]) || !isWord(ws[i+1]) {
					continue
				}
				pair := ws[i] + " " + ws[i+1]
				k := fold(pair)
				if wv[k] == nil {
					wv[k] = map[string]int{}
				}
				wv[k][pair]++
			}
		}
	}
	return wv
}

// repairText re-spells the words of s the way the rest of the document
// spells the same pair of words: "Ca Mau" in an italic date line becomes
// "Cà Mau" when the document writes "Cà Mau" at least twice elsewhere and
// "Ca Mau" no more than once. Case is kept. It reports whether anything
// changed.
func (wv wordVariants) repairText(s string) (string, bool) { return wv.repair(s, false) }

// repairNames is repairText for proper names (issuer, place), where a
// word with wrong marks may be re-spelled too, not only one without marks.
func (wv wordVariants) repairNames(s string) (string, bool) { return wv.repair(s, true) }

func (wv wordVariants) repair(s string, accented bool) (string, bool) {
	type tok struct {
		s, e int
		w    string
	}
	var toks []tok
	i := 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsLetter(r) {
			i += size
			continue
		}
		j := i
		for j < len(s) {
			r2, sz := utf8.DecodeRuneInString(s[j:])
			if !unicode.IsLetter(r2) && !unicode.Is(unicode.Mn, r2) {
				break
			}
			j += sz
		}
		toks = append(toks, tok{i, j, s[i:j]})
		i = j
	}
	repl := make([]string, len(toks))
	changed := false
	for k := 0; k+1 < len(toks); k++ {
		a, b := toks[k], toks[k+1]
		if strings.TrimSpace(s[a.e:b.s]) != "" {
			continue // only words separated by white space form a pair
		}
		pair := norm.NFC.String(strings.ToLower(a.w + " " + b.w))
		vars := wv[fold(pair)]
		own := vars[pair]
		best, n := "", 0
		for v, c := range vars {
			if c > n || (c == n && v < best) {
				best, n = v, c
			}
		}
		if best == "" || best == pair || n < 2 || own > 1 || n <= own {
			continue
		}
		bw := strings.SplitN(best, " ", 2)
		for idx, t := range []tok{a, b} {
			cur := repl[k+idx]
			if cur == "" {
				cur = t.w
			}
			inParens := t.s > 0 && s[t.s-1] == '(' || t.e < len(s) && s[t.e] == ')'
			lc := norm.NFC.String(strings.ToLower(cur))
			if !accented && fold(lc) != lc {
				continue // a word with marks may be another word
			}
			if len(marks(bw[idx])) < len(marks(lc)) {
				continue // never take marks away
			}
			if lc != bw[idx] && !(inParens && isCode(t.w)) {
				repl[k+idx] = matchCase(bw[idx], t.w)
				changed = true
			}
		}
	}
	if !changed {
		return s, false
	}
	var out strings.Builder
	last := 0
	for k, t := range toks {
		if repl[k] == "" {
			continue
		}
		out.WriteString(s[last:t.s])
		out.WriteString(repl[k])
		last = t.e
	}
	out.WriteString(s[last:])
	return out.String(), true
}

// isCode reports whether w looks like a code (ONT, LUC): short and in
// capitals, never re-spelled.
func isCode(w string) bool {
	return utf8.RuneCountInString(w) <= 4 && mostlyUpper(w) && fold(w) == w
}

// matchCase writes v in the case pattern of model (upper, title or lower).
func matchCase(v, model string) string {
	if mostlyUpper(model) && utf8.RuneCountInString(model) > 1 {
		return norm.NFC.String(strings.ToUpper(v))
	}
	r, _ := utf8.DecodeRuneInString(model)
	if unicode.IsUpper(r) {
		f, size := utf8.DecodeRuneInString(v)
		return norm.NFC.String(string(unicode.ToUpper(f)) + v[size:])
	}
	return v
}

// defaultNameVocab builds the name vocabulary once per call site; it is
// small (a few hundred syllables), so building it per document is cheap.
func defaultNameVocab() *nameVocab { return newNameVocab() }

// positions are the signing titles of NĐ 30 signature blocks, in capitals.
var positions = []string{"CHỦ TỊCH", "PHÓ CHỦ TỊCH", "GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "BÍ THƯ", "PHÓ BÍ THƯ",
	"PHÓ BÍ THƯ THƯỜNG TRỰC", "CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG", "TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG",
	"CỤC TRƯỞNG", "PHÓ CỤC TRƯỞNG", "CHI CỤC TRƯỞNG", "PHÓ CHI CỤC TRƯỞNG", "TRƯỞNG BAN", "PHÓ TRƯỞNG BAN",
	"VIỆN TRƯỞNG", "HIỆU TRƯỞNG", "TỔNG GIÁM ĐỐC", "PHÓ TỔNG GIÁM ĐỐC", "CHÁNH THANH TRA", "PHÓ CHÁNH THANH TRA",
	"BỘ TRƯỞNG", "THỨ TRƯỞNG", "CHỦ NHIỆM", "PHÓ CHỦ NHIỆM", "TRƯỞNG ĐOÀN", "TỔ TRƯỞNG", "ỦY VIÊN", "THỦ TRƯỞNG",
	"TRƯỞNG CÔNG AN", "GIÁM ĐỐC CÔNG AN", "TRƯỞNG CHI NHÁNH", "GIÁM ĐỐC TRUNG TÂM", "KẾ TOÁN TRƯỞNG",
	"THƯỜNG TRỰC", "TRƯỞNG THÔN", "TRƯỞNG ẤP", "TRƯỞNG KHÓM", "CHỦ TỊCH HỘI ĐỒNG", "TRƯỞNG TIỂU BAN", "NGƯỜI KÝ TRÍCH LỤC", "CÔNG CHỨC TƯ PHÁP - HỘ TỊCH"}

// repairPosition spells a signing title from the list when OCR garbled its
// marks ("PHO CHU TICH" -> "PHÓ CHỦ TỊCH").
func repairPosition(s string) (string, bool) {
	k := key(s)
	for _, p := range positions {
		if key(p) == k {
			if p == s {
				return s, false
			}
			return matchCase(p, s), true
		}
	}
	// OCR noise in a few letters: the closest title if it is close.
	best, bestD := "", 3
	for _, p := range positions {
		if d := levenshtein(k, key(p)); d < bestD && similar(k, key(p)) {
			best, bestD = p, d
		}
	}
	if best != "" {
		return matchCase(best, s), true
	}
	return s, false
}

// plausiblePosition reports whether s can be a signing title: a known
// one, or at least two words of letters.
func plausiblePosition(s string) bool {
	k := key(s)
	for _, p := range positions {
		if key(p) == k {
			return true
		}
	}
	letters := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			letters++
		}
	}
	return len(strings.Fields(k)) >= 2 && letters >= 6
}

// issuerPhrases are words of the names of administrative bodies.
var issuerPhrases = []string{"ỦY BAN NHÂN DÂN", "HỘI ĐỒNG NHÂN DÂN", "ỦY BAN MẶT TRẬN TỔ QUỐC", "TÀI NGUYÊN VÀ MÔI TRƯỜNG",
	"GIÁO DỤC VÀ ĐÀO TẠO", "NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN", "TƯ PHÁP", "Y TẾ", "XÂY DỰNG", "TÀI CHÍNH",
	"KẾ HOẠCH VÀ ĐẦU TƯ", "LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", "NỘI VỤ", "CÔNG THƯƠNG", "GIAO THÔNG VẬN TẢI",
	"VĂN HÓA, THỂ THAO VÀ DU LỊCH", "VĂN HÓA - THỂ THAO VÀ DU LỊCH", "THÔNG TIN VÀ TRUYỀN THÔNG", "KHOA HỌC VÀ CÔNG NGHỆ",
	"NGOẠI VỤ", "THANH TRA", "VĂN PHÒNG", "CÔNG AN", "BỘ CHỈ HUY QUÂN SỰ", "TỈNH ỦY", "HUYỆN ỦY", "THÀNH ỦY",
	"ĐẢNG ỦY", "ĐẢNG BỘ", "BAN THƯỜNG VỤ", "BAN CHẤP HÀNH", "SỞ", "PHÒNG", "TRUNG TÂM", "CHI CỤC", "CỤC", "BAN",
	"TỈNH", "HUYỆN", "XÃ", "PHƯỜNG", "THỊ TRẤN", "THÀNH PHỐ", "THỊ XÃ", "QUẬN", "DÂN TỘC", "TÔN GIÁO"}

// repairProvinces re-spells the names of the 63 provinces ("Ca Mau" ->
// "Cà Mau") in place names and issuers, keeping the case of the text.
func repairProvinces(s string) (string, bool) {
	f := newFolded(s)
	up := strings.ToUpper(f.text)
	changed := false
	var out strings.Builder
	last := 0
	type hit struct {
		s, e int
		name string
	}
	var hits []hit
	for _, name := range provinceCodes {
		pk := strings.ToUpper(fold(name))
		if i := strings.Index(up, strings.ReplaceAll(pk, " ", "")); strings.Contains(pk, " ") && i >= 0 {
			// "CAMAU": OCR lost the space.
			j := i + len(pk) - strings.Count(pk, " ")
			if (i == 0 || !isWordByte(up[i-1])) && (j == len(up) || !isWordByte(up[j])) {
				hits = append(hits, hit{i, j, name})
			}
		}
		for from := 0; from < len(up); {
			i := strings.Index(up[from:], pk)
			if i < 0 {
				break
			}
			i += from
			j := i + len(pk)
			from = j
			if (i > 0 && isWordByte(up[i-1])) || (j < len(up) && isWordByte(up[j])) {
				continue
			}
			hits = append(hits, hit{i, j, name})
		}
	}
	sort.Slice(hits, func(a, b int) bool { return hits[a].s < hits[b].s })
	for _, h := range hits {
		rs, re := f.rawRange(h.s, h.e)
		if rs < last {
			continue
		}
		old := s[rs:re]
		nw := h.name
		if mostlyUpper(old) {
			nw = strings.ToUpper(nw)
		} else {
			nw = matchWordsCase(nw, old)
		}
		if nw != old {
			changed = true
		}
		out.WriteString(s[last:rs])
		out.WriteString(nw)
		last = re
	}
	out.WriteString(s[last:])
	return out.String(), changed
}

// repairIssuer re-spells known words of body names ("UY BAN NHAN DAN" ->
// "ỦY BAN NHÂN DÂN"), longest phrases first; other words are left alone.
func repairIssuer(s string) (string, bool) { return repairPhrases(s, issuerPhrases) }

// repairPhrases re-spells every phrase of the list found in s with its
// letters (diacritics ignored), longest first, keeping the case of s.
func repairPhrases(s string, list []string) (string, bool) {
	f := newFolded(s)
	up := strings.ToUpper(f.text)
	type hit struct {
		s, e int
		p    string
	}
	var hits []hit
	taken := make([]bool, len(up)+1)
	phrases := append([]string(nil), list...)
	sortByLenDesc(phrases)
	for _, p := range phrases {
		pk := strings.ToUpper(fold(p))
		for from := 0; from < len(up); {
			i := strings.Index(up[from:], pk)
			if i < 0 {
				break
			}
			i += from
			j := i + len(pk)
			from = j
			if (i > 0 && isWordByte(up[i-1])) || (j < len(up) && isWordByte(up[j])) || taken[i] || taken[j-1] {
				continue
			}
			for x := i; x < j; x++ {
				taken[x] = true
			}
			hits = append(hits, hit{i, j, p})
		}
	}
	if len(hits) == 0 {
		return s, false
	}
	sort.Slice(hits, func(a, b int) bool { return hits[a].s < hits[b].s })
	var out strings.Builder
	last := 0
	changed := false
	for _, h := range hits {
		rs, re := f.rawRange(h.s, h.e)
		old := s[rs:re]
		nw := h.p
		if !mostlyUpper(old) {
			nw = matchWordsCase(h.p, old)
		}
		if nw != old {
			changed = true
		}
		out.WriteString(s[last:rs])
		out.WriteString(nw)
		last = re
	}
	out.WriteString(s[last:])
	return out.String(), changed
}

// matchWordsCase gives each word of v the case of the word at the same
// position of model.
func matchWordsCase(v, model string) string {
	vw, mw := strings.Fields(v), strings.Fields(model)
	if len(vw) != len(mw) {
		return model
	}
	for i := range vw {
		if mw[i] == strings.ToUpper(mw[i]) {
			continue
		}
		vw[i] = matchCase(strings.ToLower(vw[i]), mw[i])
	}
	return strings.Join(vw, " ")
}

func sortByLenDesc(xs []string) {
	sort.SliceStable(xs, func(i, j int) bool { return len(xs[i]) > len(xs[j]) })
}

// initials returns the abbreviation of a body's name as used in symbols:
// the first letter of each word except "và" and the locality ("SỞ GIÁO DỤC
// VÀ ĐÀO TẠO" -> "SGDĐT").
func initials(name string) string {
	if _, at := locality(name); at > 0 {
		name = name[:at]
	}
	var b strings.Builder
	for _, w := range strings.Fields(strings.ToUpper(name)) {
		if key(w) == "VA" || !unicode.IsLetter([]rune(w)[0]) {
			continue
		}
		b.WriteRune([]rune(w)[0])
	}
	return b.String()
}

// landPurposeNames are the land-use purposes of the cadastral regulations
// by code.
var landPurposeNames = map[string]string{
	"LUC": "Đất chuyên trồng lúa nước", "LUK": "Đất trồng lúa nước còn lại", "LUN": "Đất trồng lúa nương",
	"BHK": "Đất bằng trồng cây hằng năm khác", "NHK": "Đất nương rẫy trồng cây hằng năm khác",
	"HNK": "Đất trồng cây hằng năm khác", "CLN": "Đất trồng cây lâu năm", "RSX": "Đất rừng sản xuất",
	"RPH": "Đất rừng phòng hộ", "RDD": "Đất rừng đặc dụng", "NTS": "Đất nuôi trồng thủy sản", "LMU": "Đất làm muối",
	"NKH": "Đất nông nghiệp khác", "ONT": "Đất ở tại nông thôn", "ODT": "Đất ở tại đô thị",
	"TSC": "Đất xây dựng trụ sở cơ quan", "CQP": "Đất quốc phòng", "CAN": "Đất an ninh",
	"SKC": "Đất cơ sở sản xuất phi nông nghiệp", "TMD": "Đất thương mại, dịch vụ", "DGT": "Đất giao thông",
	"DTL": "Đất thủy lợi", "TON": "Đất cơ sở tôn giáo", "TIN": "Đất cơ sở tín ngưỡng",
	"SON": "Đất sông, ngòi, kênh, rạch, suối", "MNC": "Đất có mặt nước chuyên dùng", "BCS": "Đất bằng chưa sử dụng",
	"DCS": "Đất đồi núi chưa sử dụng", "NCS": "Núi đá không có rừng cây",
}

var reParens = regexp.MustCompile(`\([^()\n]{2,8}\)`)

var reLandCode = regexp.MustCompile(`\(\s*([A-Z0](?:\s?[A-Z0]){2})\s*\)`)

// repairLandPurpose spells the purpose the way the regulations name its
// code when OCR garbled the marks: "Đất trồng cây lầu năm (CLN)" -> "Đất
// trồng cây lâu năm (CLN)".
func repairLandPurpose(s string) (string, bool) {
	// Codes are Latin capitals: a mark OCR put on one is noise ("(LŨC)").
	in := s
	s = reParens.ReplaceAllStringFunc(s, func(p string) string {
		if f := fold(p); reLandCode.MatchString(f) {
			return f
		}
		return p
	})
	folded := s != in
	m := reLandCode.FindStringSubmatchIndex(s)
	if m == nil {
		return s, folded
	}
	// OCR reads O as 0 and splits the code: "(ON T)".
	code := strings.ReplaceAll(strings.Join(strings.Fields(s[m[2]:m[3]]), ""), "0", "O")
	name, ok := landPurposeNames[code]
	if !ok {
		return s, folded
	}
	text := strings.TrimSpace(s[:m[0]])
	if text == name && s[m[2]:m[3]] == code || key(text) != key(name) && !similar(key(text), key(name)) {
		return s, folded
	}
	return name + " (" + code + ")" + s[m[1]:], true
}

// addressUnitNames spell the administrative units of addresses.
var addressUnitNames = []string{"Ấp", "Khóm", "xã", "phường", "thị trấn", "huyện", "quận", "thị xã", "thành phố", "tỉnh", "đường", "Tổ", "thôn", "khu phố"}

// repairAddress restores the marks of administrative unit words and of
// place names spelled elsewhere in the document.
func repairAddress(s string, wv wordVariants) (string, bool) {
	changed := false
	words := strings.Fields(s)
	for i, w := range words {
		core := strings.TrimRight(w, ",.;")
		// Only the first word of a part: "Cây Dương" keeps its name,
		// "Ap 3, xa Tân Lộc, huyén X" gets its units.
		if i > 0 && !strings.HasSuffix(words[i-1], ",") {
			continue
		}
		for _, u := range addressUnitNames {
			if strings.Contains(u, " ") {
				continue
			}
			if key(core) == key(u) && core != u && !strings.EqualFold(core, u) {
				words[i] = matchCase(strings.ToLower(u), core) + w[len(core):]
				changed = true
			}
		}
	}
	out := strings.Join(words, " ")
	if o1, c := repairPhrases(out, []string{"thị trấn", "thị xã", "thành phố", "khu phố"}); c {
		out, changed = o1, true
	}
	if o2, c := wv.repairText(out); c {
		out, changed = o2, true
	}
	if o3, c := repairProvinces(out); c {
		out, changed = o3, true
	}
	return out, changed
}
