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

// nameVocab maps a folded, lower-case syllable to its spellings, most
// common first, for each position.
type nameVocab struct {
	family, middle, given, known map[string][]string
	// surnames holds the folded family names of the vocabulary only
	// (family also holds spellings preferred in the family position).
	surnames map[string]bool
}

// newNameVocab returns the shipped name vocabulary (see buildNameVocab).
func newNameVocab() *nameVocab { return voc.names }

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
				// Punctuation after the pair ends it, not the pair:
				// "kết quả kiểm tra," has the pair "kiểm tra".
				second := strings.TrimRight(ws[i+1], ",.;:!?)")
				if !isWord(ws[i]) || !isWord(second) {
					continue
				}
				pair := ws[i] + " " + second
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
			if fold(lc) != lc && (!accented || wv.usedElsewhere(lc, fold(pair))) {
				// A word with marks may be another word: "chỉnh" in
				// "chấn chỉnh công tác" is no misread of the "chính" of
				// "hành chính công" when the document writes it elsewhere.
				continue
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

// usedElsewhere reports whether the document spells word w so in a pair
// other than the one folded as except.
func (wv wordVariants) usedElsewhere(w, except string) bool {
	for k, vars := range wv {
		if k == except {
			continue
		}
		for v := range vars {
			if a, b, _ := strings.Cut(v, " "); a == w || b == w {
				return true
			}
		}
	}
	return false
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

// defaultNameVocab returns the shipped name vocabulary; it is read-only.
func defaultNameVocab() *nameVocab { return voc.names }

// positions are the signing titles of NĐ 30 signature blocks, in capitals
// (vocab/signing.yaml).
var positions = voc.positions

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

// issuerPhrases are words of the names of administrative bodies
// (vocab/bodies.yaml, phrases).
var issuerPhrases = voc.bodyPhrases

// repairProvinces re-spells the names of the provinces, before and after
// 2025 (vocab/gazetteer.yaml), ("Ca Mau" ->
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
	for _, name := range voc.provinces {
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
// by code (vocab/land_use.yaml).
var landPurposeNames = voc.landPurposes

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

// addressUnitNames spell the administrative units of addresses that are
// re-spelled (vocab/admin_units.yaml, respell).
var addressUnitNames = voc.respellUnits

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
	if o1, c := repairPhrases(out, multiWord(addressUnitNames)); c {
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
