package extract

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"io/fs"
	"path"
	"regexp"
	"strings"
	"unicode"

	"gopkg.in/yaml.v3"

	"github.com/sohoa/sohoa/pipelines"
)

// A layout says where the elements of a document sit on its pages
// (pipelines/layout/*.yaml, named by a pipeline's or class's `layout:`
// key). The header builtins read each field inside its zone: the number
// under the issuer, the subject after "V/v" or the title, the signer in the
// signature block; blocks that are on the page but not part of the
// document (a copying agency's SAO Y form, a received stamp) and
// references quoted in the subject or body never supply a header field.

// layoutSpec is one pipelines/layout/*.yaml file.
type layoutSpec struct {
	Layout      string                `yaml:"layout"`
	Description string                `yaml:"description"`
	HeaderLines int                   `yaml:"header_lines"`
	BlockLines  int                   `yaml:"block_lines"`
	Margin      float64               `yaml:"margin"`
	Anchors     map[string]anchorSpec `yaml:"anchors"`
	Excluded    []excludedSpec        `yaml:"excluded"`
	// CopySymbols are the symbol types of a copy's own number ("Số:
	// 16/SL-VP"): its line and the agency above it are a copy form even
	// when OCR lost the form's heading.
	CopySymbols []string `yaml:"copy_symbols"`
}

type anchorSpec struct {
	Phrases []string `yaml:"phrases"`
	AtStart bool     `yaml:"at_start"`
	Upper   bool     `yaml:"upper"`
	Digit   bool     `yaml:"digit"`
	// Punct: the punctuation closing the phrase must be read ("Ngày:" of a
	// stamp, not "ngày 5" in a sentence).
	Punct bool `yaml:"punct"`
}

type excludedSpec struct {
	Name       string `yaml:"name"`
	anchorSpec `yaml:",inline"`
	// Lines caps the block (default block_lines); 1 for one-line marks.
	Lines int `yaml:"lines"`
	// ToPageEnd: the block runs to the page's end when it opens after the
	// first page or in a page's lower half.
	ToPageEnd bool `yaml:"to_page_end"`
	// NumberAbove: a number line without a symbol just above the block's
	// first line is the block's (a received stamp's "Số: 46").
	NumberAbove bool `yaml:"number_above"`
}

// layoutRoles are the anchor roles a layout may define.
var layoutRoles = map[string]bool{"motto": true, "number": true, "subject": true, "recipients": true, "authority": true}

// layout is a loaded layout.
type layout struct {
	name        string
	headerLines int
	blockLines  int
	margin      float64 // share of the page width at each side
	roles       map[string]anchorSet
	excluded    []excludedBlock
	copySymbols map[string]bool // key form
}

type excludedBlock struct {
	name        string
	anchors     anchorSet
	lines       int
	toPageEnd   bool
	numberAbove bool
}

func (s anchorSpec) compile() anchorSet {
	out := make(anchorSet, 0, len(s.Phrases))
	for _, ph := range s.Phrases {
		a := newAnchor(ph)
		a.atStart, a.upper, a.digit, a.punct = s.AtStart, s.Upper, s.Digit, s.Punct
		out = append(out, a)
	}
	return out
}

// parseLayout decodes and validates a layout file.
func parseLayout(display string, data []byte) (*layout, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var sp layoutSpec
	if err := dec.Decode(&sp); err != nil {
		return nil, fmt.Errorf("%s: %w", display, err)
	}
	var probs []string
	if !reFieldName.MatchString(sp.Layout) {
		probs = append(probs, fmt.Sprintf("%s: layout: name %q must be lower case letters, digits and _", display, sp.Layout))
	}
	l := &layout{name: sp.Layout, headerLines: sp.HeaderLines, blockLines: sp.BlockLines, margin: sp.Margin, roles: map[string]anchorSet{}}
	if l.margin < 0 || l.margin >= 0.3 {
		probs = append(probs, fmt.Sprintf("%s: margin: %g out of range 0-0.3", display, l.margin))
	}
	if l.headerLines <= 0 {
		l.headerLines = 25
	}
	if l.blockLines <= 0 {
		l.blockLines = 8
	}
	for role, a := range sp.Anchors {
		if !layoutRoles[role] {
			probs = append(probs, fmt.Sprintf("%s: anchors.%s: unknown role (want motto, number, subject, recipients or authority)", display, role))
			continue
		}
		if len(a.Phrases) == 0 {
			probs = append(probs, fmt.Sprintf("%s: anchors.%s.phrases: at least one phrase is required", display, role))
		}
		l.roles[role] = a.compile()
	}
	for i, ex := range sp.Excluded {
		if ex.Name == "" || len(ex.Phrases) == 0 {
			probs = append(probs, fmt.Sprintf("%s: excluded[%d]: name and phrases are required", display, i))
			continue
		}
		l.excluded = append(l.excluded, excludedBlock{name: ex.Name, anchors: ex.compile(), lines: ex.Lines, toPageEnd: ex.ToPageEnd, numberAbove: ex.NumberAbove})
	}
	for _, sym := range sp.CopySymbols {
		if l.copySymbols == nil {
			l.copySymbols = map[string]bool{}
		}
		l.copySymbols[key(sym)] = true
	}
	if len(probs) > 0 {
		return nil, errors.New(strings.Join(probs, "\n"))
	}
	return l, nil
}

// layoutNone is the `layout:` value that turns zones off for a class whose
// pipeline has a layout.
const layoutNone = "none"

// loadLayout reads layout name from fsys's layout/ directory, else from
// the layouts shipped with sohoa.
func loadLayout(fsys fs.FS, prefix, name string) (*layout, error) {
	if _, err := fs.Stat(fsys, path.Join("layout", name+".yaml")); err != nil && name == defaultLayout.name {
		return defaultLayout, nil
	}
	return readLayout(fsys, prefix, name)
}

func readLayout(fsys fs.FS, prefix, name string) (*layout, error) {
	file := path.Join("layout", name+".yaml")
	display := path.Join(prefix, file)
	data, err := fs.ReadFile(fsys, file)
	if err != nil {
		display = path.Join("pipelines", file)
		if data, err = fs.ReadFile(pipelines.Layouts, file); err != nil {
			return nil, fmt.Errorf("layout %q: no file %s: %w", name, file, err)
		}
	}
	l, err := parseLayout(display, data)
	if err != nil {
		return nil, err
	}
	if l.name != name {
		return nil, fmt.Errorf("%s: layout: name %q differs from the file name", display, l.name)
	}
	return l, nil
}

// defaultLayout is the NĐ 30 layout, used to read the number before the
// document is classified.
var defaultLayout = func() *layout {
	l, err := readLayout(pipelines.Layouts, "pipelines", "nd30")
	if err != nil {
		panic(err) // the shipped file is checked by the tests
	}
	return l
}()

// zones are the layout's reading of a document: which lines of each page
// (layout view) lie in excluded blocks.
type zones struct {
	lay  *layout
	excl [][]bool
}

// findZones marks the excluded blocks of every page; nil without a layout.
func findZones(d *doc, lay *layout) *zones {
	if lay == nil {
		return nil
	}
	z := &zones{lay: lay, excl: make([][]bool, len(d.pages))}
	carry := false
	for pi, p := range d.pages {
		z.excl[pi] = excludedLines(p, pi, lay)
		if carry {
			// A copy form that filled the foot of the page before goes on
			// over this one: nothing after the form is the document's
			// own header or signature.
			for i := range p.lines {
				z.excl[pi][i] = true
			}
		}
		carry = endsExcluded(p, z.excl[pi])
	}
	return z
}

// endsExcluded reports whether the last non-empty line of the page lies in
// an excluded block.
func endsExcluded(p *page, excl []bool) bool {
	for i := len(p.lines) - 1; i >= 0; i-- {
		if strings.TrimSpace(p.lineText(i)) != "" {
			return excl[i]
		}
	}
	return false
}

// excludedLines marks the lines of page pi inside excluded blocks.
func excludedLines(p *page, pi int, lay *layout) []bool {
	excl := make([]bool, len(p.lines))
	nonEmpty := 0
	for i := range p.lines {
		if strings.TrimSpace(p.lineText(i)) != "" {
			nonEmpty++
		}
	}
	seen := 0
	for i := range p.lines {
		raw := strings.TrimSpace(p.lineText(i))
		if raw == "" {
			continue
		}
		seen++
		if excl[i] {
			continue
		}
		if inMargin(p, i, lay.margin) {
			excl[i] = true // a note written in the margin
			continue
		}
		lower := pi > 0 || 2*seen > nonEmpty+1
		for _, ex := range lay.excluded {
			if _, ok := ex.anchors.find(raw); ok {
				// A form after the document's first page or in a page's
				// lower half (a copy form under the signature) runs to
				// the page's end.
				markBlock(p, lay, ex, excl, i, ex.toPageEnd && lower)
				if ex.numberAbove {
					markNumberAbove(p, lay, excl, i)
				}
				break
			}
		}
		if !excl[i] && copyNumber(lay, raw) {
			markCopyNumber(p, excl, i, lower)
		}
	}
	return excl
}

// copyNumber reports whether line raw is the number of a copy form: the
// number anchor and a symbol whose type is one of the layout's
// copy_symbols ("Số: 16/SL-VP", NĐ 30 Appendix III, II).
func copyNumber(lay *layout, raw string) bool {
	if len(lay.copySymbols) == 0 {
		return false
	}
	h, ok := lay.roles["number"].find(raw)
	if !ok {
		return false
	}
	nr, ok := normNumberSymbol(raw[h.end:], normCtx{})
	return ok && lay.copySymbols[symbolTypeKey(nr.parts["symbol"])]
}

// markCopyNumber marks a copy form found by its number at line i: in a
// page's lower half (lower) to the page's end, else the number and up to
// three lines above it (the copying agency).
func markCopyNumber(p *page, excl []bool, i int, lower bool) {
	excl[i] = true
	if lower {
		for k := i + 1; k < len(p.lines); k++ {
			excl[k] = true
		}
	}
	for k, n := i-1, 0; k >= 0 && n < 3; k-- {
		if strings.TrimSpace(p.lineText(k)) != "" {
			excl[k] = true
			n++
		}
	}
}

// markNumberAbove marks the non-empty line above line i when it is a
// number line without a symbol (a received stamp's "Số: 46").
func markNumberAbove(p *page, lay *layout, excl []bool, i int) {
	for k := i - 1; k >= 0; k-- {
		raw := strings.TrimSpace(p.lineText(k))
		if raw == "" {
			continue
		}
		if h, ok := lay.roles["number"].find(raw); ok {
			if _, sym := normNumberSymbol(raw[h.end:], normCtx{}); !sym {
				excl[k] = true
			}
		}
		return
	}
}

// markBlock marks the block opened at line i.
//   - to the page's end (low), with the heading lines just above it (the
//     copying agency's name beside "BẢN SAO");
//   - above the motto, with word boxes: every line above the motto's row
//     (a copy form printed over the header, in both columns);
//   - else the following lines of its column up to a vertical gap, the
//     motto, a second number line, the line after its own date, or
//     block_lines (the entry's lines) lines.
func markBlock(p *page, lay *layout, ex excludedBlock, excl []bool, i int, low bool) {
	excl[i] = true
	if low {
		for k := i + 1; k < len(p.lines); k++ {
			excl[k] = true
		}
		for k, n := i-1, 0; k >= 0 && n < 3 && strings.TrimSpace(p.lineText(k)) != ""; k, n = k-1, n+1 {
			excl[k] = true
		}
		return
	}
	limit := lay.blockLines
	if ex.lines > 0 {
		limit = ex.lines
	}
	x0, x1, boxed := p.lineBox(i)
	if boxed && limit > 1 {
		if top, ok := mottoTop(p, lay, i); ok && aboveY(p, i, top) {
			for k := range p.lines {
				if aboveY(p, k, top) {
					excl[k] = true
				}
			}
			return
		}
	}
	tol := 0
	if p.src != nil {
		tol = p.src.Width / 8
	}
	seenNum := lay.roles["number"].has(p.lineText(i))
	seenDate := reDateLine.MatchString(fold(p.lineText(i)))
	n := 1
	for k := i + 1; k < len(p.lines) && n < limit; k++ {
		raw := strings.TrimSpace(p.lineText(k))
		if raw == "" {
			break
		}
		if boxed {
			if a, b, ok := p.lineBox(k); ok && (b < x0-tol || a > x1+tol) {
				continue // another column
			}
		}
		isNum := lay.roles["number"].has(raw)
		if lay.roles["motto"].has(raw) || seenDate || isNum && seenNum {
			break
		}
		excl[k] = true
		n++
		seenNum = seenNum || isNum
		seenDate = seenDate || reDateLine.MatchString(fold(raw))
	}
}

// mottoTop returns the top of the first motto line below line i, when the
// page has word boxes.
func mottoTop(p *page, lay *layout, i int) (int, bool) {
	for k := i + 1; k < len(p.lines); k++ {
		if lay.roles["motto"].has(p.lineText(k)) {
			y0, _, ok := p.lineYBox(k)
			return y0, ok
		}
	}
	return 0, false
}

// aboveY reports whether line i's centre lies above y.
func aboveY(p *page, i, y int) bool {
	y0, y1, ok := p.lineYBox(i)
	return ok && (y0+y1)/2 < y
}

// lineYBox returns the vertical extent of line i's words.
func (p *page) lineYBox(i int) (minY, maxY int, ok bool) {
	var r image.Rectangle
	for _, w := range p.lineWords(i) {
		r = r.Union(w.word.Box)
	}
	return r.Min.Y, r.Max.Y, !r.Empty()
}

// inMargin reports whether line i's words lie wholly in the page's left or
// right margin (a share m of the width), where a note, not the document's
// text, is written. Without word boxes nothing is in the margin.
func inMargin(p *page, i int, m float64) bool {
	if m <= 0 || p.src == nil || p.src.Width <= 0 {
		return false
	}
	x0, x1, ok := p.lineBox(i)
	if !ok {
		return false
	}
	w := float64(p.src.Width)
	return float64(x1) <= m*w || float64(x0) >= (1-m)*w
}

func (s anchorSet) has(line string) bool {
	_, ok := s.find(line)
	return ok
}

// excluded reports whether line i of page pi lies in an excluded block.
func (d *doc) excluded(pi, i int) bool {
	if d.zones == nil || pi >= len(d.zones.excl) || i >= len(d.zones.excl[pi]) {
		return false
	}
	return d.zones.excl[pi][i]
}

// role returns the layout's anchors for a role, nil without a layout.
func (d *doc) role(name string) anchorSet {
	if d.zones == nil {
		return nil
	}
	return d.zones.lay.roles[name]
}

// headerLimit returns the line index on the first page where the header
// (issuer, number, motto, place and date) ends: the title, the subject
// anchor, the first line of the body, or header_lines non-empty lines.
// Without a layout it is the old window of n non-empty lines.
func (d *doc) headerLimit(n int) int {
	p := d.pages[0]
	if d.zones == nil {
		return headerLineLimit(p, n)
	}
	seen := 0
	for i := range p.lines {
		raw := strings.TrimSpace(p.lineText(i))
		if raw == "" || d.excluded(0, i) {
			continue
		}
		if seen++; seen > d.zones.lay.headerLines {
			return i
		}
		if i == d.titleLine || d.role("subject").has(raw) || isBodyLine(raw) {
			return i
		}
		if mostlyUpper(raw) && isTitleLine(lineKey(raw)) {
			return i
		}
	}
	return len(p.lines)
}

// isTitleLine reports whether a line in key form is a type title
// ("THÔNG BÁO", "QUYẾT ĐỊNH VỀ VIỆC ...").
func isTitleLine(k string) bool {
	for name := range typeNames {
		if k == name || strings.HasPrefix(k, name+" ") {
			return true
		}
	}
	return false
}

// signPage returns the index of the page holding the signature block: the
// last page with an authority line or "Nơi nhận" outside excluded blocks
// (an annex after the signature has none), else the last page.
func (d *doc) signPage() int {
	last := len(d.pages) - 1
	if d.zones == nil {
		return last
	}
	for pi := last; pi >= 0; pi-- {
		p := d.pages[pi]
		for i := range p.lines {
			raw := strings.TrimSpace(p.lineText(i))
			if raw == "" || d.excluded(pi, i) {
				continue
			}
			if d.role("authority").has(raw) || d.role("recipients").has(raw) {
				return pi
			}
		}
	}
	return last
}

// anchorReasons returns the reason codes for an anchor match of quality q.
func anchorReasons(q float64) []string {
	if q < 1 {
		return []string{"anchor_fuzzy"}
	}
	return nil
}

// headerText returns the folded text of the first page's header zone (up
// to headerLimit), with the lines of excluded blocks blanked so that
// offsets stay those of the page.
func headerText(d *doc) string {
	p := d.pages[0]
	if d.zones == nil {
		return p.f.text[:p.f.offFold(headerEnd(p, 25))]
	}
	end := len(p.f.raw)
	if lim := d.headerLimit(25); lim < len(p.lines) {
		end = p.lines[lim].start
	}
	b := []byte(p.f.text[:p.f.offFold(end)])
	for i, l := range p.lines {
		if l.start >= end {
			break
		}
		if d.excluded(0, i) {
			for j := p.f.offFold(l.start); j < p.f.offFold(l.end) && j < len(b); j++ {
				b[j] = ' '
			}
		}
	}
	return string(b)
}

// numberAnchor returns how well the label before a number (folded offsets
// s to v on the first page) matches the layout's "Số:" anchor.
func numberAnchor(d *doc, p *page, s, v int) float64 {
	rs, rv := p.f.rawRange(s, v)
	label := strings.TrimSpace(p.f.raw[rs:rv])
	if d.zones == nil {
		if lineKey(label) == "SO" {
			return 1
		}
		return 0.8
	}
	if h, ok := d.role("number").find(label + " 1"); ok {
		return h.score
	}
	return 0.6
}

// subjectAnchor finds "V/v" or "Về việc" opening a line, fuzzily with a
// layout (a photo's "V1v", a lower-case "v/v"), else by reVv.
func subjectAnchor(d *doc, raw string) (anchorHit, bool) {
	if set := d.role("subject"); set != nil {
		h, ok := set.find(raw)
		if ok && h.anchor.text == "V/v" && !vvShaped(raw[h.start:h.end]) {
			return anchorHit{}, false
		}
		return h, ok
	}
	f := newFolded(raw)
	m := reVv.FindStringIndex(f.text)
	if m == nil {
		return anchorHit{}, false
	}
	_, e := f.rawRange(m[0], m[1])
	return anchorHit{start: 0, end: e, score: 1}, true
}

// vvShaped reports whether a fuzzy "V/v" match has the shape of the
// abbreviation, two v's around a separator, rather than a word ("Vì", "Về").
func vvShaped(s string) bool {
	t := fuzzyForm(s)
	if len(t) < 2 || t[0].r != 'V' && t[0].r != 'U' && t[0].r != 'Y' {
		return false
	}
	last := t[len(t)-1].r
	if last == 'W' {
		return len(t) == 2 // "VW": the slash and the second v read as one glyph
	}
	return (last == 'V' || last == 'Y' || last == 'U') && len(t) >= 3
}

// authorityAnchor returns how well the first line of a signature block
// matches an authority line (TM., KT., ...): 1 when it matches exactly or
// the block has none.
func authorityAnchor(d *doc, line string) (float64, []string) {
	if h, ok := d.role("authority").find(line); ok {
		return h.score, anchorReasons(h.score)
	}
	return 1, nil
}

// lastTextSegment returns the text after the last run of two or more
// spaces or a tab in s ("- Lưu: VT.      Trần Văn An"), "" when there is
// none: the right column of a text line that joined two columns.
func lastTextSegment(s string) string {
	segs := reSegments.Split(strings.TrimSpace(s), -1)
	if len(segs) < 2 {
		return ""
	}
	return segs[len(segs)-1]
}

// inDateZone reports whether line i of page pi may hold the document's
// place and date: with a layout, a line of the first page above the body
// (a date quoted in "Căn cứ ..." or in the body is another document's).
func (d *doc) inDateZone(pi, i int) bool {
	if d.zones == nil {
		return true
	}
	if pi > 0 || d.excluded(pi, i) {
		return false
	}
	p := d.pages[0]
	for k := 0; k <= i && k < len(p.lines); k++ {
		raw := strings.TrimSpace(p.lineText(k))
		if raw != "" && !d.excluded(0, k) && isBodyLine(raw) {
			return false
		}
	}
	return true
}

// isBodyLine reports whether a line opens the body ("Căn cứ", "Kính gửi",
// "Điều 1.", "1."); a date on a line of its own ("Ngày 15 tháng 02 năm
// 2024", the place lost) is still the header's.
func isBodyLine(raw string) bool {
	f := strings.TrimSpace(fold(raw))
	return reBodyStart.MatchString(f) && !(reDateLine.MatchString(f) && strings.HasPrefix(strings.ToLower(f), "ngay"))
}

// reSpacedNumber is a number written by hand into the blank after "Số:",
// its digits spaced apart ("7 08 5/QĐ-SNNMT"), and the symbol after it.
var reSpacedNumber = regexp.MustCompile(`^[ \t:;.,]*([0-9OolI](?:[ \t]?[0-9OolI]){1,6})[ \t]*([/\-].*)$`)

// spacedNumber reads a number whose digits are spaced apart after the
// "Số:" anchor of a header line: a typed number never is, so it was filled
// in by hand and is returned with a lower confidence and the reason
// "handwriting".
func spacedNumber(d *doc, nc normCtx) *cand {
	if d.zones == nil {
		return nil
	}
	p := d.pages[0]
	lim := d.headerLimit(25)
	for i := 0; i < lim && i < len(p.lines); i++ {
		raw := p.lineText(i)
		if d.excluded(0, i) {
			continue
		}
		h, ok := d.role("number").find(raw)
		if !ok {
			continue
		}
		m := reSpacedNumber.FindStringSubmatch(raw[h.end:])
		if m == nil || !strings.ContainsAny(m[1], " \t") {
			continue
		}
		joined := strings.Join(strings.Fields(m[1]), "") + m[2]
		nr, ok := normNumberSymbol(joined, nc)
		if !ok {
			continue
		}
		l := p.lines[i]
		return &cand{value: nr.value, parts: nr.parts, conf: p.conf(l.start, l.end) * nr.quality * 0.8, page: p.no, raw: strings.TrimSpace(raw[h.end:]),
			anchor: h.score, reasons: append(anchorReasons(h.score), "handwriting")}
	}
	return nil
}

// rePlaceNgay is "<place>, ngày" opening a line, whatever follows (a date
// filled in by hand that OCR could not read).
var rePlaceNgay = regexp.MustCompile(`(?i)^([^,;\n]{2,40})[,;.][ \t]*ng[a-z]{0,2}y\b`)

// placeBeforeDate reads the place of issue from the header line under the
// motto when its date could not be read: the words before ", ngày". The
// confidence is lowered and the reason is "anchor_fuzzy" (the date that
// anchors the line is missing).
func placeBeforeDate(d *doc) (cand, bool) {
	if d.zones == nil || len(d.pages) == 0 {
		return cand{}, false
	}
	p := d.pages[0]
	for i := range p.lines {
		raw := strings.TrimSpace(p.lineText(i))
		if raw == "" || !d.inDateZone(0, i) {
			if !d.inDateZone(0, i) && !d.excluded(0, i) {
				break // the body
			}
			continue
		}
		m := rePlaceNgay.FindStringSubmatchIndex(fold(raw))
		if m == nil {
			continue
		}
		f := newFolded(raw)
		_, e := f.rawRange(m[2], m[3])
		place := placeName(raw[:e])
		if place == "" || !unicode.IsUpper([]rune(place)[0]) {
			continue
		}
		l := p.lines[i]
		return cand{value: place, conf: p.conf(l.start, l.end) * 0.8, page: p.no, raw: place, anchor: 0.7, reasons: []string{"anchor_fuzzy"}}, true
	}
	return cand{}, false
}

// excludedBefore counts the lines of page pi before line end that lie in
// excluded blocks (a window of header lines is widened by them).
func (d *doc) excludedBefore(pi, end int) int {
	n := 0
	for i := 0; i < end; i++ {
		if d.excluded(pi, i) {
			n++
		}
	}
	return n
}

// wrapsOn reports whether a header line ends where a name cannot
// ("VĂN PHÒNG HĐND VÀ" / "UBND HUYỆN ..."): the next line goes on with
// the same name, even when it starts like a body's name.
func wrapsOn(l string) bool {
	w := strings.Fields(key(l))
	if len(w) == 0 {
		return false
	}
	switch last := w[len(w)-1]; last {
	case "VA", "-", "&", ",":
		return true
	}
	return strings.HasSuffix(strings.TrimSpace(l), ",")
}

// sameColumn reports whether line b shares a column with line a: their
// word boxes overlap horizontally. Without boxes every line does.
func sameColumn(p *page, a, b int) bool {
	if a < 0 {
		return true
	}
	a0, a1, ok1 := p.lineBox(a)
	b0, b1, ok2 := p.lineBox(b)
	return !ok1 || !ok2 || a0 < b1 && b0 < a1
}

// tightBelow reports whether line b is set directly under line a as the
// next line of one paragraph: less than a line's height between them, and
// within a's horizontal extent (a body paragraph after a centred or
// left-column subject is wider).
func tightBelow(p *page, a, b int) bool {
	if a < 0 || p.src == nil {
		return false
	}
	at, ab, ok1 := p.lineYBox(a)
	bt, _, ok2 := p.lineYBox(b)
	a0, a1, _ := p.lineBox(a)
	b0, b1, _ := p.lineBox(b)
	if !ok1 || !ok2 {
		return false
	}
	tol := p.src.Width / 20
	gap := bt - ab
	return gap >= -(ab-at)/2 && gap < (ab-at)*4/5 && b0 >= a0-tol && b1 <= a1+tol
}

// centredNarrow reports whether line b is centred under line a and
// narrower than the page's widest line by a sixth: the next line of a
// centred subject, not a body line filling the measure.
func centredNarrow(p *page, a, b int) bool {
	a0, a1, ok1 := p.lineBox(a)
	b0, b1, ok2 := p.lineBox(b)
	if !ok1 || !ok2 || p.src == nil {
		return false
	}
	widest := 0
	for i := range p.lines {
		if x0, x1, ok := p.lineBox(i); ok {
			widest = max(widest, x1-x0)
		}
	}
	return abs((a0+a1)/2-(b0+b1)/2) < p.src.Width/40 && (b1-b0)*6 < widest*5
}
