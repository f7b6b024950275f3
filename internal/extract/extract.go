// Package extract classifies OCR'd Vietnamese records and extracts their
// fields (number and symbol, dates, issuer, citizen IDs, parcel data ...)
// following the pipeline definitions in pipelines/*.yaml. It also finds
// personal-data spans for redaction, state-secret stamps that quarantine a
// document, and the NĐ 30 duplicate key.
//
// An Engine is built once with Load, LoadDir or Default and is then safe for
// concurrent use: Extract keeps no state between calls.
package extract

import (
	"context"
	"fmt"
	"maps"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sohoa/sohoa/internal/domain"
)

// Engine classifies documents and extracts fields with a set of validated
// pipelines. It is immutable and safe for concurrent use.
type Engine struct {
	pipelines []*Pipeline
	fallback  *class
	conf      confidenceConfig // pipelines/confidence.yaml
}

// Result is what Extract found in one document.
type Result struct {
	// Pipeline and Class name the pipeline file and the class chosen.
	Pipeline string `json:"pipeline"`
	Class    string `json:"class"`
	// ClassConfidence is 0-1; for the fallback class it says how unlike
	// every known class the document is.
	ClassConfidence float64 `json:"class_confidence"`
	// Fields by name (canonical names from API.md, plus pipeline extras).
	Fields map[string]Field `json:"fields"`
	// Secrecy is "", "MẬT", "TỐI MẬT" or "TUYỆT MẬT".
	Secrecy string `json:"secrecy,omitempty"`
	// Urgency is "", "KHẨN", "THƯỢNG KHẨN" or "HỎA TỐC".
	Urgency string `json:"urgency,omitempty"`
	// QuarantineReason is set (in Vietnamese, for staff) when the document
	// must not be processed on a networked system.
	QuarantineReason string `json:"quarantine_reason,omitempty"`
	// TextSensitivity is the data class of the full text (personal for land
	// and civil-status documents).
	TextSensitivity domain.Sensitivity `json:"text_sensitivity"`
	// Spans are the personal-data spans found in the page texts, sorted by
	// page and offset, not overlapping.
	Spans []Span `json:"spans"`
	// Missing lists the class's required fields that were not found, for
	// staff review.
	Missing []string `json:"missing,omitempty"`
}

// Field is one extracted field.
type Field struct {
	// Value is the normalised value; for list fields it is the first value.
	Value string `json:"value"`
	// Values holds every value of a list field (nil for single fields).
	Values []string `json:"values,omitempty"`
	// Confidence is 0-1: the OCR confidences of the words the value was
	// read from, how well its anchor matched, and its validators. Fields
	// at or above Engine.ConfidenceThreshold with no Reasons are right at
	// least 97 % of the time.
	Confidence float64 `json:"confidence"`
	// Reasons are machine codes saying why the value is doubtful
	// ("handwriting", "validator:cccd_province" ...); ReasonText words them.
	Reasons []string `json:"reasons,omitempty"`
	// Page is where the (first) value was found; 0 when derived.
	Page        domain.PageNo      `json:"page"`
	Sensitivity domain.Sensitivity `json:"sensitivity"`
}

// Span is a byte range of one page's Text that holds personal data.
type Span struct {
	Page        domain.PageNo      `json:"page"`
	Start       int                `json:"start"`
	End         int                `json:"end"`
	Field       string             `json:"field"`
	Sensitivity domain.Sensitivity `json:"sensitivity"`
}

// Pipelines returns the loaded pipelines, highest priority first.
func (e *Engine) Pipelines() []*Pipeline { return e.pipelines }

// Classes returns the class IDs of a pipeline.
func (p *Pipeline) Classes() []string {
	out := make([]string, len(p.classes))
	for i, c := range p.classes {
		out[i] = c.id
	}
	return out
}

// OCRHints returns the OCR settings of the pipeline or class named hint,
// and false when no pipeline or class has that name.
func (e *Engine) OCRHints(hint string) (OCRHints, bool) {
	for _, p := range e.pipelines {
		if p.Name == hint {
			return p.OCR, true
		}
		for _, c := range p.classes {
			if c.id == hint {
				return p.OCR, true
			}
		}
	}
	return OCRHints{}, false
}

// doc is one document being extracted.
type doc struct {
	pages []*page
	// titleLine is the line index of the title on the first page, -1 if none.
	titleLine int
	titleKey  string
	numSym    *cand
	// fallback is set for unknown documents, where header rules are guesses.
	fallback bool
	// zones is the layout's reading of the pages (zones.go), nil when the
	// class has no layout.
	zones *zones
	// detected caches the personal-data detector's reading of each page
	// (people.go).
	detected map[*page]*detectedPage
}

// cand is a candidate value for a field.
type cand struct {
	value string
	parts map[string]string
	conf  float64
	page  domain.PageNo
	raw   string // the source text, for redaction of other spellings
	// anchor is how well the field's anchor matched: 1 exact, lower for a
	// fuzzy match or no anchor; 0 means not set (taken as 1).
	anchor float64
	// reasons are codes (Field.Reasons) the reader found doubtful.
	reasons []string
}

// Extract classifies the document and extracts its fields. hint is a class
// ID or pipeline name chosen by staff, or "" to classify automatically; an
// unknown hint is an error. Pages without text are skipped. Extract never
// panics on any input text.
func (e *Engine) Extract(ctx context.Context, pages []domain.Page, hint string) (Result, error) {
	if err := ctx.Err(); err != nil {
		return Result{}, fmt.Errorf("extract: %w", err)
	}
	d := &doc{titleLine: -1}
	// Fields are read from a layout view of each page (columns split by
	// word boxes); personal-data spans are found in the pages' own text.
	orig := &doc{}
	for i := range pages {
		if pages[i].Text == "" && len(pages[i].Words) == 0 {
			continue
		}
		d.pages = append(d.pages, layoutPage(&pages[i]))
		orig.pages = append(orig.pages, preparePage(&pages[i]))
	}
	// The number is read before classification with the NĐ 30 layout.
	d.zones = findZones(d, defaultLayout)
	d.numSym = builtinNumberSymbol(d)
	c, conf, err := e.classify(d, hint)
	if err != nil {
		return Result{}, err
	}
	if err := ctx.Err(); err != nil {
		return Result{}, fmt.Errorf("extract: %w", err)
	}
	r := Result{Pipeline: c.pipeline.Name, Class: c.id, ClassConfidence: round3(conf), Fields: map[string]Field{}, TextSensitivity: c.textSens}
	d.titleLine, d.titleKey = findTitle(d, c)
	d.fallback = c.fallback
	nc := normCtx{typeAbbr: c.typeAbbr}
	if c.typeAbbr == "" && d.titleKey != "" {
		nc.typeAbbr = typeAbbrForTitle(d.titleKey)
	}
	if c.layout != defaultLayout {
		// The class reads its page by its own layout (or none).
		d.zones = findZones(d, c.layout)
		d.numSym = builtinNumberSymbolCtx(d, nc)
	} else if d.numSym != nil && nc.typeAbbr != "" {
		// Re-read the symbol now that the title word is known (Đ/D repair).
		d.numSym = builtinNumberSymbolCtx(d, nc)
	}
	var raws []protectedValue
	for _, f := range c.fields {
		cands := e.runField(d, c, f, nc)
		if len(cands) == 0 {
			if f.required {
				r.Missing = append(r.Missing, f.name)
			}
			continue
		}
		fld := Field{Sensitivity: f.sens}
		if f.list {
			seen := map[string]bool{}
			sum := 0.0
			for _, cd := range cands {
				if seen[key(cd.value)] {
					continue
				}
				seen[key(cd.value)] = true
				fld.Values = append(fld.Values, cd.value)
				cc, why := e.candConfidence(d, f.name, cd)
				sum += cc
				fld.Reasons = append(fld.Reasons, why...)
				if fld.Page == 0 {
					fld.Page = cd.page
				}
			}
			fld.Value = fld.Values[0]
			fld.Confidence = round3(sum / float64(len(fld.Values)))
			fld.Reasons = dedupReasons(fld.Reasons)
		} else {
			if f.pages == "last" {
				cands = []cand{cands[len(cands)-1]}
			}
			best := e.preferValid(d, c, f, nc, cands)[0]
			cc, why := e.candConfidence(d, f.name, best)
			fld.Value, fld.Confidence, fld.Page, fld.Reasons = best.value, round3(cc), best.page, why
			cands = []cand{best}
		}
		r.Fields[f.name] = fld
		if f.sens.Protected() {
			for _, cd := range cands {
				raws = append(raws, protectedValue{field: f.name, sens: f.sens, value: cd.value, raw: cd.raw, norm: f.normName})
			}
		}
		if f.name == "birth_dates" && nc.birthYear == 0 && len(fld.Value) >= 4 {
			fmt.Sscanf(fld.Value[:4], "%d", &nc.birthYear)
		}
	}
	if accentless(orig.pages) {
		// Typed without diacritics: repaired, then as printed (asprinted.go).
		read := maps.Clone(r.Fields)
		repairAccents(r.Fields, c, orig.pages)
		keepAsPrinted(r.Fields, read)
	} else {
		repairAccents(r.Fields, c, orig.pages)
	}
	if p, ok := r.Fields["signer_position"]; ok && !plausiblePosition(p.Value) {
		delete(r.Fields, "signer_position") // OCR debris, not a title
	}
	repairSymbol(r.Fields)
	st := detectStamps(d)
	// Boxed stamps that the page reading dropped are in each page's Marks,
	// a separate reading of the stamp region.
	if marks := marksDoc(pages); marks != nil {
		st = st.merge(detectStamps(marks))
	}
	r.Secrecy, r.Urgency = st.secrecy, st.urgency
	if st.secrecy != "" {
		r.Fields["secrecy"] = Field{Value: st.secrecy, Confidence: round3(st.conf), Page: st.page, Sensitivity: domain.Public}
		if st.accessMode {
			r.QuarantineReason = "Văn bản có chế độ sử dụng 03 (mật): không được số hoá trên hệ thống nối mạng"
		} else {
			r.QuarantineReason = fmt.Sprintf("Văn bản mang dấu mật (%s): không được số hoá trên hệ thống nối mạng", st.secrecy)
		}
	} else {
		delete(r.Fields, "secrecy")
	}
	if st.urgency != "" {
		r.Fields["urgency"] = Field{Value: st.urgency, Confidence: round3(st.uconf), Page: st.upage, Sensitivity: domain.Public}
	} else {
		delete(r.Fields, "urgency")
	}
	if _, ok := r.Fields["doc_type"]; !ok && c.docType != "" {
		r.Fields["doc_type"] = Field{Value: c.docType, Confidence: round3(conf), Page: 1, Sensitivity: domain.Public}
	}
	e.validateFields(r.Fields, orig.pages)
	r.Spans = findSpans(orig, raws)
	scrubPublicFields(r.Fields, raws)
	return r, nil
}

// scrubPublicFields replaces personal values that appear inside public
// fields (a citizen named in a subject, an ID number in a free-text field)
// with placeholders, since public fields go to the index in the clear.
// Officials' names and titles as signers stay public.
func scrubPublicFields(fields map[string]Field, vals []protectedValue) {
	for name, f := range fields {
		if f.Sensitivity.Protected() || name == "signer_name" || name == "signer_position" {
			continue
		}
		scrub := func(s string) string {
			if _, err := strconv.ParseFloat(s, 64); err == nil || isISODate(s) {
				return s // numbers and dates are what they are
			}
			pg := preparePage(&domain.Page{No: 1, Text: s})
			spans := findSpans(&doc{pages: []*page{pg}}, vals)
			if len(spans) == 0 {
				return s
			}
			return Redact([]domain.Page{{No: 1, Text: s}}, Result{Spans: spans})[0]
		}
		changed := false
		if v := scrub(f.Value); v != f.Value {
			f.Value, changed = v, true
		}
		for i, v := range f.Values {
			if nv := scrub(v); nv != v {
				f.Values[i], changed = nv, true
			}
		}
		if changed {
			fields[name] = f
		}
	}
}

func round3(x float64) float64 {
	return float64(int(x*1000+0.5)) / 1000
}

// runField collects candidates for one field, in page order.
func (e *Engine) runField(d *doc, c *class, f *field, nc normCtx) []cand {
	var out []cand
	for i, p := range d.pages {
		if f.pages == "first" && i > 0 {
			break
		}
		var got []cand
		switch f.kind {
		case "regex":
			if f.raw {
				got = regexField(p, f, nc, p.f.raw, func(s, e int) (int, int) { return s, e })
			} else {
				got = regexField(p, f, nc, p.f.text, nil)
			}
		case "anchor":
			if f.cells {
				got = formField(p, f, nc)
			}
			if len(got) == 0 {
				got = anchorField(p, f, nc)
			}
			if len(got) == 0 && f.cells {
				got = fuzzyFormField(p, f, nc)
			}
		case "zone":
			got = zoneField(p, f, nc)
		case "builtin":
			if i > 0 && f.builtin != "signer" {
				continue
			}
			got = builtinField(d, c, f, nc, i)
		}
		if f.detector != "" {
			got = withDetected(got, d.detectorField(p, f, nc))
		}
		out = append(out, got...)
		if !f.list && len(out) > 0 && f.pages != "last" {
			break
		}
	}
	if f.detector != "" {
		out = withDetected(out, nil) // one value per person across pages
	}
	return out
}

// apply normalises a raw value for field f and picks the part it wants.
func apply(f *field, raw string, nc normCtx, conf float64, pg domain.PageNo) (cand, bool) {
	nr, ok := f.norm(raw, nc)
	if !ok {
		return cand{}, false
	}
	v := nr.value
	if f.part != "" && f.kind != "builtin" {
		v = nr.parts[f.part]
	}
	if v == "" {
		return cand{}, false
	}
	// The raw text helps redaction find other spellings of digits and
	// dates; for text values it may hold more than the value.
	if f.normName == "text" || f.normName == "person_name" || f.normName == "address" || f.normName == "upper" {
		raw = ""
	}
	return cand{value: v, parts: nr.parts, conf: conf * nr.quality, page: pg, raw: raw}, true
}

// regexField runs f.pattern over folded text (whole page or a region) and
// normalises the chosen group of each match.
func regexField(p *page, f *field, nc normCtx, text string, toRaw func(s, e int) (int, int)) []cand {
	if f.pattern == nil {
		return nil
	}
	if toRaw == nil {
		toRaw = p.f.rawRange
	}
	gi := 0
	if f.group != "" {
		gi = f.pattern.SubexpIndex(f.group)
	} else if i := f.pattern.SubexpIndex("value"); i > 0 {
		gi = i
	} else if f.pattern.NumSubexp() > 0 {
		gi = 1
	}
	var out []cand
	for _, m := range f.pattern.FindAllStringSubmatchIndex(text, -1) {
		if m[2*gi] < 0 {
			continue
		}
		s, e := toRaw(m[2*gi], m[2*gi+1])
		raw := p.f.raw[s:e]
		if cd, ok := apply(f, raw, nc, p.conf(s, e), p.no); ok {
			out = append(out, cd)
			if !f.list {
				break
			}
		}
	}
	return out
}

// anchorField finds each label and reads the value after it on the same
// line (up to a stop word) or, when that is empty, on the next line.
func anchorField(p *page, f *field, nc normCtx) []cand {
	var out []cand
	text := p.f.text
	for _, m := range f.labels.FindAllStringIndex(text, -1) {
		start := m[1]
		if start < len(text) && start > 0 && isWordByte(text[start-1]) && isWordByte(text[start]) {
			continue // the label is the beginning of a longer word
		}
		end := strings.IndexByte(text[start:], '\n')
		if end < 0 {
			end = len(text)
		} else {
			end += start
		}
		regions := [][2]int{{start, end}}
		if !f.sameLine && end < len(text) {
			// The next line with letters or digits, for labels printed
			// above their value.
			ns, ne := nextLine(text, end)
			for skip := 0; skip < 3 && ne < len(text) && strings.TrimFunc(text[ns:ne], func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) == ""; skip++ {
				ns, ne = nextLine(text, ne)
			}
			if ns < ne {
				regions = append(regions, [2]int{ns, ne})
			}
		}
		if f.normName == "address" {
			// An address may wrap onto the following line; the normaliser
			// keeps only what continues it.
			for i, rg := range regions {
				if _, ne := nextLine(text, rg[1]); ne > rg[1] {
					regions[i][1] = ne
				}
			}
		}
		for _, rg := range regions {
			s, e := rg[0], rg[1]
			if f.stop != nil {
				if sm := f.stop.FindStringIndex(text[s:e]); sm != nil {
					e = s + sm[0]
				}
			}
			// Another label of the same field ends the region too.
			if lm := f.labels.FindStringIndex(text[s:e]); lm != nil && lm[0] > 0 {
				e = s + lm[0]
			}
			if strings.TrimSpace(text[s:e]) == "" {
				continue
			}
			var cd []cand
			if f.pattern != nil && f.raw {
				rs, re := p.f.rawRange(s, e)
				cd = regexField(p, f, nc, p.f.raw[rs:re], func(a, b int) (int, int) { return rs + a, rs + b })
			} else if f.pattern != nil {
				base := s
				cd = regexField(p, f, nc, text[s:e], func(a, b int) (int, int) { return p.f.rawRange(base+a, base+b) })
			} else {
				rs, re := p.f.rawRange(s, e)
				if c1, ok := apply(f, p.f.raw[rs:re], nc, p.conf(rs, re), p.no); ok {
					cd = []cand{c1}
				}
			}
			if len(cd) > 0 {
				out = append(out, cd...)
				break
			}
		}
		if !f.list && len(out) > 0 {
			break
		}
	}
	return out
}

// zoneText returns the lines of text inside a zone of the page: from word
// boxes when the page has them, else from the lines in the zone's vertical
// band (text-only pages cannot be cut left/right).
func zoneText(p *page, z *zoneSpec) (string, float64) {
	src := p.src
	if len(src.Words) > 0 && src.Width > 0 && src.Height > 0 {
		type ln struct {
			y, x  int
			words []string
			conf  float64
		}
		groups := map[[2]int]*ln{}
		for _, w := range src.Words {
			cx := float64(w.Box.Min.X+w.Box.Max.X) / 2 / float64(src.Width)
			cy := float64(w.Box.Min.Y+w.Box.Max.Y) / 2 / float64(src.Height)
			if cx < z.Left || cx > z.Right || cy < z.Top || cy > z.Bottom || strings.TrimSpace(w.Text) == "" {
				continue
			}
			k := [2]int{w.Block, w.Line}
			g := groups[k]
			if g == nil {
				g = &ln{y: w.Box.Min.Y, x: w.Box.Min.X}
				groups[k] = g
			}
			g.words = append(g.words, w.Text)
			g.conf += w.Conf
		}
		lines := make([]*ln, 0, len(groups))
		n := 0
		sum := 0.0
		for _, g := range groups {
			lines = append(lines, g)
			n += len(g.words)
			sum += g.conf
		}
		sort.Slice(lines, func(i, j int) bool {
			if abs(lines[i].y-lines[j].y) > 8 {
				return lines[i].y < lines[j].y
			}
			return lines[i].x < lines[j].x
		})
		var b strings.Builder
		for _, g := range lines {
			b.WriteString(strings.Join(g.words, " "))
			b.WriteByte('\n')
		}
		conf := 0.9
		if n > 0 {
			conf = clamp01(sum / float64(n) / 100)
		}
		return b.String(), conf
	}
	nonEmpty := []int{}
	for i := range p.lines {
		if strings.TrimSpace(p.lineText(i)) != "" {
			nonEmpty = append(nonEmpty, i)
		}
	}
	if len(nonEmpty) == 0 {
		return "", 0
	}
	a := int(z.Top * float64(len(nonEmpty)))
	b := int(z.Bottom*float64(len(nonEmpty)) + 0.999)
	b = min(b, len(nonEmpty))
	if a >= b {
		return "", 0
	}
	s := p.lines[nonEmpty[a]].start
	e := p.lines[nonEmpty[b-1]].end
	return p.f.raw[s:e], p.conf(s, e)
}

func zoneField(p *page, f *field, nc normCtx) []cand {
	text, conf := zoneText(p, f.zone)
	if strings.TrimSpace(text) == "" {
		return nil
	}
	if f.pattern == nil {
		if cd, ok := apply(f, text, nc, conf, p.no); ok {
			return []cand{cd}
		}
		return nil
	}
	zf := newFolded(text)
	var out []cand
	gi := 0
	if f.group != "" {
		gi = f.pattern.SubexpIndex(f.group)
	} else if f.pattern.NumSubexp() > 0 {
		gi = 1
	}
	src, toRaw := zf.text, zf.rawRange
	if f.raw {
		src, toRaw = text, func(s, e int) (int, int) { return s, e }
	}
	for _, m := range f.pattern.FindAllStringSubmatchIndex(src, -1) {
		if m[2*gi] < 0 {
			continue
		}
		s, e := toRaw(m[2*gi], m[2*gi+1])
		if cd, ok := apply(f, text[s:e], nc, conf, p.no); ok {
			out = append(out, cd)
			if !f.list {
				break
			}
		}
	}
	return out
}

func isWordByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b >= 0x80
}

// repairSymbol corrects the issuer part of the symbol from the issuer's
// initials when OCR misread it: a stroke lost on Đ ("BC-SGDDT" from "SỞ GIÁO
// DỤC VÀ ĐÀO TẠO" -> "BC-SGDĐT"), or one letter or digit wrong in an
// abbreviation of three letters or more ("TB-SLĐIBXH" -> "TB-SLĐTBXH",
// "TTr-5TC" -> "TTr-STC").
func repairSymbol(fields map[string]Field) {
	sym, ok := fields["doc_symbol"]
	iss, ok2 := fields["issuer"]
	if !ok || !ok2 {
		return
	}
	ini := symbolLetters(initials(iss.Value))
	if utf8.RuneCountInString(ini) < 2 {
		return
	}
	parts := strings.FieldsFunc(sym.Value, func(r rune) bool { return r == '-' || r == '/' })
	for _, p := range parts {
		if p == ini {
			return
		}
	}
	for _, p := range parts {
		fix := key(p) == key(ini) && strings.ContainsRune(ini, 'Đ')
		if !fix && utf8.RuneCountInString(ini) >= 3 && utf8.RuneCountInString(p) == utf8.RuneCountInString(ini) {
			fix = levenshtein(p, ini) == 1
		}
		if fix {
			sym.Value = strings.Replace(sym.Value, p, ini, 1)
			sym.Confidence = round3(sym.Confidence * 0.9)
			fields["doc_symbol"] = sym
			return
		}
	}
}

// nextLine returns the byte range of the line after the newline at or after
// end, or an empty range at the end of the text.
func nextLine(text string, end int) (int, int) {
	if end >= len(text) {
		return len(text), len(text)
	}
	ns := end
	if text[ns] == '\n' {
		ns++
	} else if i := strings.IndexByte(text[ns:], '\n'); i >= 0 {
		ns += i + 1
	} else {
		return len(text), len(text)
	}
	ne := strings.IndexByte(text[ns:], '\n')
	if ne < 0 {
		return ns, len(text)
	}
	return ns, ns + ne
}
