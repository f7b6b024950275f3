package extract

import (
	"fmt"
	"strings"
	"unicode"
)

// titleWindow is how many non-empty lines from the top of the first page
// may hold the document title.
const titleWindow = 30

// minClassScore is the score below which a document falls back to the
// generic class.
const minClassScore = 0.3

// classify picks the class for a document (see pipelines/README.md,
// "Classification").
func (e *Engine) classify(d *doc, hint string) (*class, float64, error) {
	candidates := []*class{}
	var pipeFallback *class
	if hint != "" {
		for _, p := range e.pipelines {
			for _, c := range p.classes {
				if c.id == hint {
					return c, 1, nil
				}
			}
			if p.Name == hint {
				for _, c := range p.classes {
					if c.fallback {
						pipeFallback = c
					} else {
						candidates = append(candidates, c)
					}
				}
			}
		}
		if len(candidates) == 0 && pipeFallback == nil {
			return nil, 0, fmt.Errorf("extract: unknown pipeline or class %q", hint)
		}
	} else {
		for _, p := range e.pipelines {
			for _, c := range p.classes {
				if !c.fallback {
					candidates = append(candidates, c)
				}
			}
		}
	}
	var best *class
	bestScore := 0.0
	for _, c := range candidates {
		s := scoreClass(d, c)
		if best == nil || s > bestScore+1e-9 || (abs1(s-bestScore) < 1e-9 && c.priority > best.priority) {
			best, bestScore = c, s
		}
	}
	if best != nil && bestScore >= minClassScore {
		return best, bestScore, nil
	}
	fb := e.fallback
	if pipeFallback != nil {
		fb = pipeFallback
	} else if hint != "" && best != nil {
		// A pipeline was chosen by staff but no class matched: trust the
		// pipeline's most likely class.
		return best, max(bestScore, minClassScore), nil
	}
	return fb, 1 - bestScore, nil
}

func abs1(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// scoreClass sums the weights of the cues a document matches, clamped to 0-1.
// A document is classified by what it is, its own title and symbol, not by
// what it quotes: title and anchor cues skip the lines of excluded blocks
// (a copy's form, a received stamp).
func scoreClass(d *doc, c *class) float64 {
	if len(d.pages) == 0 {
		return 0
	}
	first := d.pages[0]
	score := 0.0
	for _, cu := range c.cues {
		hit := false
		switch {
		case cu.title == anyTitle:
			hit = anyTypeTitle(d)
		case cu.title != "":
			hit = titleLineIndex(d, cu.title) >= 0
		case cu.anchor != nil:
			hit = anchorLineIndex(d, cu.anchor) >= 0
		case cu.phrase != nil:
			for i, p := range d.pages {
				if i > 1 {
					break
				}
				if cu.phrase.MatchString(p.f.text) {
					hit = true
					break
				}
			}
		case cu.pattern != nil:
			hit = cu.pattern.MatchString(first.f.text)
		case cu.symbolType == untypedSymbol:
			hit = d.numSym != nil && !knownTypeAbbr(symbolTypeKey(d.numSym.parts["symbol"]))
		case cu.symbolType != "":
			if d.numSym != nil {
				hit = symbolTypeKey(d.numSym.parts["symbol"]) == cu.symbolType
			}
		}
		if hit {
			score += cu.weight
		}
	}
	return clamp01(score)
}

// anyTitle is the title cue "*": the title is any NĐ 30 type name with an
// abbreviation (GIẤY MỜI, HƯỚNG DẪN, ...).
const anyTitle = "*"

// untypedSymbol is the symbol_type cue "none": the symbol has no type
// abbreviation (a công văn's "12/UBND-VX").
const untypedSymbol = "NONE"

// anyTypeTitle reports whether the first page's title zone holds a type
// name of the vocabulary that has an abbreviation.
func anyTypeTitle(d *doc) bool {
	for _, name := range sortedKeys(typeAbbrs) {
		if typeAbbrs[name] != "" && titleLineIndex(d, name) >= 0 {
			return true
		}
	}
	return false
}

// knownTypeAbbr reports whether k (key form) is the abbreviation of a type.
func knownTypeAbbr(k string) bool {
	if k == "" {
		return false
	}
	for _, abbr := range typeAbbrs {
		if abbr != "" && key(abbr) == k {
			return true
		}
	}
	return false
}

// anchorLineIndex returns the first line among the top lines of the first
// page, outside excluded blocks, that the anchor opens; -1 when none. A
// fuzzy "V/v" must have the abbreviation's shape (not "Vì", "Về").
func anchorLineIndex(d *doc, a *anchor) int {
	p := d.pages[0]
	seen := 0
	for i := range p.lines {
		raw := strings.TrimSpace(p.lineText(i))
		if raw == "" || d.excluded(0, i) {
			continue
		}
		if seen++; seen > titleWindow {
			break
		}
		h, ok := a.find(raw)
		if !ok {
			continue
		}
		if key(a.text) == "V/V" && !vvShaped(raw[h.start:h.end]) {
			continue
		}
		return i
	}
	return -1
}

// symbolTypeKey returns the type abbreviation of a symbol in key form:
// "QĐ-UBND" -> "QD", "2020/NĐ-CP" -> "ND", "NQ/TU" -> "NQ".
func symbolTypeKey(sym string) string {
	parts := strings.FieldsFunc(sym, func(r rune) bool { return r == '-' || r == '/' })
	if len(parts) > 1 && allDigits(parts[0]) {
		parts = parts[1:]
	}
	if len(parts) == 0 {
		return ""
	}
	return key(parts[0])
}

// lineKey is the comparison form of a title line: key form with
// punctuation and stray marks removed.
func lineKey(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) {
			return r
		}
		return ' '
	}, s)
	return key(s)
}

// titleLineIndex returns the index of the first line among the top lines of
// the first page that is the title t (in key form), or starts with it,
// tolerating OCR noise; -1 when there is none. Lines of excluded blocks (a
// copy's form, a stamp) are skipped: their titles are not the document's.
func titleLineIndex(d *doc, t string) int {
	p := d.pages[0]
	seen := 0
	for i := range p.lines {
		raw := p.lineText(i)
		if strings.TrimSpace(raw) == "" || d.excluded(0, i) {
			continue
		}
		seen++
		if seen > titleWindow {
			break
		}
		if !mostlyUpper(raw) {
			continue
		}
		k := lineKey(raw)
		if k == t || strings.HasPrefix(k, t+" ") || similar(k, t) {
			return i
		}
		// A title long enough to be recognised by its beginning.
		if len(k) > len(t) && len(t) >= 12 && similar(k[:len(t)], t) {
			return i
		}
	}
	return -1
}

// mostlyUpper reports whether at least 80% of the letters of s are upper case.
func mostlyUpper(s string) bool {
	up, all := 0, 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			all++
			if unicode.IsUpper(r) {
				up++
			}
		}
	}
	return all > 0 && up*5 >= all*4
}

// knownTitles are the administrative type names usable as title words.
func typeAbbrForTitle(k string) string {
	best := ""
	for _, name := range sortedKeys(typeAbbrs) {
		if k == name || strings.HasPrefix(k, name+" ") {
			if len(name) > len(best) {
				best = name
			}
		}
	}
	if best == "" {
		return ""
	}
	return typeAbbrs[best]
}

// findTitle locates the title line of the document on its first page: the
// class's title cues first, then any known administrative type name.
func findTitle(d *doc, c *class) (int, string) {
	if len(d.pages) == 0 {
		return -1, ""
	}
	first := d.pages[0]
	// The earliest title line; on it, the fullest title ("TRÍCH LỤC KHAI
	// TỬ", not "TRÍCH LỤC").
	ci, cb := -1, cue{}
	for _, cu := range c.cues {
		if cu.title == "" {
			continue
		}
		if cu.title == anyTitle {
			continue
		}
		if i := titleLineIndex(d, cu.title); i >= 0 && (ci < 0 || i < ci || i == ci && len(cu.title) > len(cb.title)) {
			ci, cb = i, cu
		}
	}
	if ci >= 0 {
		k := titleName(lineKey(first.lineText(ci)), cb.title)
		if typeNames[k] == "" && cb.docType != "" {
			k = key(cb.docType) // the type the title names (cue doc_type)
		}
		return ci, k
	}
	// Any known type name: the earliest title line; on one line the name
	// closest to the line's text (THÔNG BÁO, not THÔNG CÁO, for a line
	// read "THONG BAO"), then the longest; names in a fixed order.
	bestI, bestK, bestD := -1, "", 0
	for _, name := range sortedKeys(typeAbbrs) {
		if name == "CONG VAN" {
			continue
		}
		i := titleLineIndex(d, name)
		if i < 0 {
			continue
		}
		k := lineKey(first.lineText(i))
		if len(k) > len(name) {
			k = k[:len(name)]
		}
		dist := levenshtein(k, name)
		if bestI < 0 || i < bestI || (i == bestI && (dist < bestD || dist == bestD && len(name) > len(bestK))) {
			bestI, bestK, bestD = i, name, dist
		}
	}
	return bestI, bestK
}

// titleName returns the type name for a title line: the longest known type
// name the line starts with, else the cue itself.
func titleName(lineK, cueK string) string {
	best := ""
	for _, name := range sortedKeys(typeAbbrs) {
		if lineK == name || strings.HasPrefix(lineK, name+" ") {
			if len(name) > len(best) {
				best = name
			}
		}
	}
	if best != "" {
		return best
	}
	return cueK
}

// titleType returns the document type named by the class's title cue
// whose doc_type has key k, or "".
func (c *class) titleType(k string) string {
	for _, cu := range c.cues {
		if cu.docType != "" && key(cu.docType) == k {
			return cu.docType
		}
	}
	return ""
}
