package extract

import (
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode"

	"gopkg.in/yaml.v3"

	"github.com/sohoa/sohoa/pipelines"
)

// confidenceFile is the name of the calibration file among the pipeline
// files; the loader reads it as calibration, not as a pipeline.
const confidenceFile = "confidence.yaml"

// confidenceConfig is pipelines/confidence.yaml (see pipelines/README.md).
type confidenceConfig struct {
	// Threshold: fields at or above it, with no reason, are right at
	// least 97 % of the time on the development corpora.
	Threshold float64 `yaml:"threshold"`
	// LowWord: a value with a word read below this OCR confidence (0-100)
	// gets the reason low_ocr_confidence.
	LowWord float64 `yaml:"low_word_conf"`
	// Handwriting: a word with digits read below DigitBelow on a page
	// whose printed text reads above PrintedAbove is handwriting, a faded
	// stamp or a filled-in blank.
	// Only the fields of Fields are checked: those a clerk fills in by hand
	// on a printed form (the number and day left blank until signing, a
	// register's entry number); elsewhere Tesseract reads typed digits in
	// tables low as often as not.
	Handwriting struct {
		DigitBelow   float64  `yaml:"digit_conf_below"`
		PrintedAbove float64  `yaml:"printed_conf_above"`
		Fields       []string `yaml:"fields"`
	} `yaml:"handwriting"`
	// ReasonCap is the highest confidence a value with a reason keeps.
	ReasonCap float64 `yaml:"reason_cap"`
	// Validators is the data of ValidateField.
	Validators struct {
		// CopySymbolTypes are the type abbreviations of copies ("SY").
		CopySymbolTypes []string `yaml:"copy_symbol_types"`
		// CopyBlockWords mark a copy's block or a certification stamp.
		CopyBlockWords []string `yaml:"copy_block_words"`
		// CopyBlockFields are the fields such a block may have supplied.
		CopyBlockFields []string `yaml:"copy_block_fields"`
	} `yaml:"validators"`
}

// shippedConfidence is pipelines/confidence.yaml as shipped, for the
// validators (ValidateField is not tied to an Engine).
var shippedConfidence = sync.OnceValue(func() confidenceConfig {
	c, err := parseConfidence(pipelines.Confidence)
	if err != nil {
		panic(err) // embedded and checked by TestConfidenceConfig
	}
	return c
})

// parseConfidence reads and checks a calibration file.
func parseConfidence(data []byte) (confidenceConfig, error) {
	var c confidenceConfig
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		return c, fmt.Errorf("%s: %w", confidenceFile, err)
	}
	var bad []string
	if c.Threshold <= 0 || c.Threshold > 1 {
		bad = append(bad, fmt.Sprintf("threshold %v is not in (0, 1]", c.Threshold))
	}
	if c.ReasonCap <= 0 || c.ReasonCap > 1 {
		bad = append(bad, fmt.Sprintf("reason_cap %v is not in (0, 1]", c.ReasonCap))
	}
	for name, v := range map[string]float64{"low_word_conf": c.LowWord, "handwriting.digit_conf_below": c.Handwriting.DigitBelow,
		"handwriting.printed_conf_above": c.Handwriting.PrintedAbove} {
		if v <= 0 || v > 100 {
			bad = append(bad, fmt.Sprintf("%s %v is not an OCR confidence in (0, 100]", name, v))
		}
	}
	if len(bad) > 0 {
		sort.Strings(bad)
		return c, fmt.Errorf("%s: %s", confidenceFile, strings.Join(bad, "; "))
	}
	return c, nil
}

// loadConfidence reads confidence.yaml from the pipeline directory when it
// has one, else the shipped file.
func loadConfidence(fsys fs.FS) (confidenceConfig, error) {
	data, err := fs.ReadFile(fsys, confidenceFile)
	if err != nil {
		data = pipelines.Confidence
	}
	return parseConfidence(data)
}

// ConfidenceThreshold is the confidence at or above which a field with no
// Reasons is right at least 97 % of the time on the development corpora
// (pipelines/confidence.yaml). A field below it, or with any reason, needs
// review by staff.
func (e *Engine) ConfidenceThreshold() float64 { return e.conf.Threshold }

// NeedsReview reports whether staff should check a field: its confidence
// is below the engine's threshold or it carries a reason.
func (e *Engine) NeedsReview(f Field) bool {
	return f.Confidence < e.conf.Threshold || len(f.Reasons) > 0
}

// wordEvidence is what the OCR words a value was read from say about it.
type wordEvidence struct {
	n        int     // words found
	min      float64 // lowest word confidence, 0-100, mixed words softened
	plainMin float64 // lowest confidence of a word that is not mixed, 100 when none
	digitMin float64 // lowest confidence of a number word, 100 when none
	printed  float64 // median confidence of the page's words
}

// valueWords finds the OCR words a candidate was read from on its page:
// where its source text is, or else the shortest run of words that holds
// every token of the value.
func valueWords(p *page, cd cand) wordEvidence {
	ev := wordEvidence{min: 100, plainMin: 100, digitMin: 100, printed: pageLevel(p)}
	var ws []wordSpan
	if raw := strings.TrimSpace(cd.raw); raw != "" {
		if i := strings.Index(p.f.raw, raw); i >= 0 {
			for _, w := range p.words {
				if w.end > i && w.start < i+len(raw) {
					ws = append(ws, w)
				}
			}
		}
	}
	if len(ws) == 0 {
		ws = tokenWindow(p, valueTokens(cd.value))
	}
	for _, w := range ws {
		c := w.word.Conf
		ev.n++
		switch wordShape(w.word.Text) {
		case shapeLongNumber:
			// Tesseract's confidence in a long run of digits (an ID
			// number, a date dd/mm/yyyy) says nothing: on the evaluation
			// corpus four in ten such words it read right scored under
			// 50, some 0. Their structure is checked by the validators.
			continue
		case shapeNumber:
			ev.digitMin = min(ev.digitMin, c)
			ev.plainMin = min(ev.plainMin, c)
		case shapeMixed:
			// Tesseract scores a printed token of digits and letters
			// ("935/QĐ-UBND") low for want of a dictionary word: its
			// confidence says less.
			c = 50 + c/2
		default:
			ev.plainMin = min(ev.plainMin, c)
		}
		ev.min = min(ev.min, c)
	}
	return ev
}

// Word shapes, for reading Tesseract's word confidence.
const (
	shapeText       = iota // letters
	shapeNumber            // digits, perhaps with / . - between them ("15", "03/2021")
	shapeMixed             // digits and letters together ("935/QĐ-UBND")
	shapeLongNumber        // six digits or more ("096085000123", "16/04/1988")
)

// wordShape classifies an OCR word, ignoring punctuation around it.
func wordShape(w string) int {
	core := strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	hasDigit := strings.ContainsFunc(core, unicode.IsDigit)
	if !hasDigit {
		return shapeText
	}
	if strings.ContainsFunc(core, unicode.IsLetter) {
		return shapeMixed
	}
	digits := 0
	for _, r := range core {
		if unicode.IsDigit(r) {
			digits++
		}
	}
	if digits >= 6 {
		return shapeLongNumber
	}
	return shapeNumber
}

// pageLevel is the median OCR confidence of a page's words (its printed
// text), or 0 when the page has no words.
func pageLevel(p *page) float64 {
	if len(p.words) == 0 {
		return 0
	}
	cs := make([]float64, len(p.words))
	for i, w := range p.words {
		cs[i] = w.word.Conf
	}
	sort.Float64s(cs)
	return cs[len(cs)/2]
}

// valueTokens splits a value into comparison tokens: folded upper-case
// words, and numbers without leading zeros (an ISO date's "03" is the
// page's "3").
func valueTokens(v string) []string {
	toks := strings.FieldsFunc(key(v), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	for i, t := range toks {
		if allDigits(t) {
			if s := strings.TrimLeft(t, "0"); s != "" {
				toks[i] = s
			}
		}
	}
	return toks
}

// tokenWindow returns the shortest run of the page's words that holds all
// of toks, or nil when the value is too short to place (one short token
// occurs all over a page) or is not on the page.
func tokenWindow(p *page, toks []string) []wordSpan {
	if len(toks) == 0 || len(strings.Join(toks, "")) < 4 {
		return nil
	}
	wt := make([][]string, len(p.words))
	for i, w := range p.words {
		wt[i] = valueTokens(w.word.Text)
	}
	need := map[string]int{}
	for _, t := range toks {
		need[t]++
	}
	best := [2]int{-1, -1}
	// Windows of at most 2 words per token plus slack: values are read
	// from consecutive words.
	maxLen := 2*len(toks) + 2
	for s := range p.words {
		if !slices.ContainsFunc(wt[s], func(t string) bool { return need[t] > 0 }) {
			continue
		}
		have := map[string]int{}
		missing := len(toks)
		for e := s; e < len(p.words) && e-s < maxLen; e++ {
			for _, t := range wt[e] {
				if have[t] < need[t] {
					have[t]++
					missing--
				}
			}
			if missing == 0 {
				if best[0] < 0 || e-s < best[1]-best[0] {
					best = [2]int{s, e}
				}
				break
			}
		}
	}
	if best[0] < 0 {
		return nil
	}
	return p.words[best[0] : best[1]+1]
}

// candConfidence combines a candidate's confidence (OCR of its region, its
// normaliser's quality) with how well its anchor matched and the OCR
// confidences of the words it was read from, and gives the reasons that
// make it doubtful.
func (e *Engine) candConfidence(d *doc, field string, cd cand) (float64, []string) {
	conf := cd.conf
	// anchor 0 means not set: the field has no anchor quality of its own.
	if cd.anchor > 0 {
		conf *= cd.anchor
	}
	reasons := slices.Clone(cd.reasons)
	var p *page
	for _, pg := range d.pages {
		if pg.no == cd.page {
			p = pg
			break
		}
	}
	if p != nil && len(p.words) > 0 {
		ev := valueWords(p, cd)
		cfg := e.conf
		if ev.n > 0 {
			// One badly read word spoils a value however well the rest
			// reads: the weakest word bounds the confidence.
			conf = min(conf, 0.3+0.7*ev.min/100)
			hw := cfg.Handwriting
			switch {
			case ev.digitMin < hw.DigitBelow && ev.printed > hw.PrintedAbove && slices.Contains(hw.Fields, field):
				reasons = append(reasons, ReasonHandwriting)
			case ev.plainMin < cfg.LowWord:
				reasons = append(reasons, ReasonLowOCRConfidence)
			}
		}
	}
	return conf, dedupReasons(reasons)
}

// validateFields runs the validators over the assembled fields and adds
// their reasons; a field with any reason keeps at most the reason cap. On
// a document typed without diacritics (pages), a value with diacritics
// has them from the engine, not from the page: reason accents_restored.
func (e *Engine) validateFields(fields map[string]Field, pages []*page) {
	if accentless(pages) {
		for name, f := range fields {
			// The type, secrecy and urgency are the engine's names for
			// what it recognised, not text read.
			if f.Value != fold(f.Value) && name != "doc_type" && name != "secrecy" && name != "urgency" {
				f.Reasons = append(f.Reasons, ReasonAccentsRestored)
				fields[name] = f
			}
		}
	}
	others := make(map[string]string, len(fields))
	for name, f := range fields {
		if len(f.Values) > 0 {
			others[name] = strings.Join(f.Values, "\n")
		} else {
			others[name] = f.Value
		}
	}
	found := map[string][]string{}
	for name, f := range fields {
		vals := f.Values
		if len(vals) == 0 {
			vals = []string{f.Value}
		}
		for _, v := range vals {
			found[name] = append(found[name], ValidateField(name, v, others)...)
		}
	}
	// A copy's block or a certification has its own signer and date.
	if hasCopyBlock(pages, e.conf.Validators.CopyBlockWords) {
		for _, name := range e.conf.Validators.CopyBlockFields {
			if _, ok := fields[name]; ok {
				found[name] = append(found[name], ReasonCopyBlock)
			}
		}
	}
	// An annex names the document it belongs to ("(Kèm theo Quyết định số
	// 1085/QĐ-SNNMT ngày 13/10/2020 của ...)"), printed where the header
	// may be handwritten or stamped over: the document's number and date
	// must be one of those.
	if nums, dates := annexRefs(pages); len(nums) > 0 {
		if f, ok := fields["doc_number"]; ok && !slices.Contains(nums, strings.TrimLeft(f.Value, "0")) {
			found["doc_number"] = append(found["doc_number"], ReasonAnnexNumber)
		}
		if f, ok := fields["issued_date"]; ok && !slices.Contains(dates, f.Value) {
			found["issued_date"] = append(found["issued_date"], ReasonAnnexDate)
		}
	}
	// The number and the symbol are read together ("Số: 30/2020/NĐ-CP"):
	// a doubt about one is a doubt about the other.
	for _, pair := range [][2]string{{"doc_number", "doc_symbol"}, {"doc_symbol", "doc_number"}} {
		if _, ok := fields[pair[0]]; ok {
			found[pair[0]] = append(found[pair[0]], found[pair[1]]...)
		}
	}
	// A symbol without the issuer's abbreviation puts the issuer in doubt
	// as much as the symbol: either may be the one misread.
	if _, ok := fields["issuer"]; ok && slices.Contains(found["doc_symbol"], ReasonSymbolIssuer) {
		found["issuer"] = append(found["issuer"], ReasonSymbolIssuer)
	}
	for name, f := range fields {
		f.Reasons = dedupReasons(append(f.Reasons, found[name]...))
		if len(f.Reasons) > 0 {
			f.Confidence = round3(min(f.Confidence, e.conf.ReasonCap))
		}
		fields[name] = f
	}
}

// preferValid returns cands with the first candidate the validators
// accept in front, looking further in the document (every match, every
// page) when the first candidate is invalid: a misread date or a symbol
// of OCR debris gives way to a well-formed one. With no valid candidate
// anywhere, cands is returned as it was and the reasons will say why.
func (e *Engine) preferValid(d *doc, c *class, f *field, nc normCtx, cands []cand) []cand {
	if len(cands) == 0 || len(ValidateField(f.name, cands[0].value, nil)) == 0 {
		return cands
	}
	all := *f
	all.list = true
	alts := e.runField(d, c, &all, nc)
	if f.pages == "last" {
		slices.Reverse(alts)
	}
	for _, cd := range alts {
		if len(ValidateField(f.name, cd.value, nil)) == 0 {
			cd.reasons = append(slices.Clone(cd.reasons), ReasonReplaced)
			return append([]cand{cd}, cands...)
		}
	}
	return cands
}

// ReasonAccentsRestored marks a value whose diacritics the engine
// restored on a document typed without them.
const ReasonAccentsRestored = "accents_restored"

// accentless reports whether a document is typed without diacritics: of
// its words of letters, fewer than one in five carries a mark (a
// Vietnamese text has them on most words, nine in ten of a page whose OCR
// lost marks on some; OCR puts stray marks on a few words of a page typed
// without them).
func accentless(pages []*page) bool {
	words, marked := 0, 0
	for _, p := range pages {
		for _, w := range strings.Fields(p.f.raw) {
			if len(w) < 2 || !strings.ContainsFunc(w, unicode.IsLetter) || strings.ContainsFunc(w, unicode.IsDigit) {
				continue
			}
			words++
			if fold(w) != w {
				marked++
			}
		}
	}
	return words >= 40 && marked*5 < words
}

// ReasonCopyBlock marks a signature or date field of a document that
// carries a copy's block or a certification stamp.
const ReasonCopyBlock = "copy_block"

// hasCopyBlock reports whether a page carries one of words in capitals
// (folded, as a phrase of whole words).
func hasCopyBlock(pages []*page, words []string) bool {
	for _, p := range pages {
		for _, w := range words {
			k := fold(w)
			for i := 0; ; {
				j := strings.Index(p.f.text[i:], k)
				if j < 0 {
					break
				}
				s, e := i+j, i+j+len(k)
				if (s == 0 || !isWordByte(p.f.text[s-1])) && (e == len(p.f.text) || !isWordByte(p.f.text[e])) {
					return true
				}
				i = e
			}
		}
	}
	return false
}

// Reasons of the annex check.
const (
	ReasonAnnexNumber = "validator:annex_number"
	ReasonAnnexDate   = "validator:annex_date"
)

// reAnnexRef is the line opening an annex that names its document, in
// folded text: "(Kèm theo Văn bản số 1085/QĐ-SNNMT ngày 13/10/2020".
var reAnnexRef = regexp.MustCompile(`(?im)^[ \t(\[]*kem theo\s+(?:\pL+\s+){1,4}so\s*:?\s*([0-9]{1,5})\s*[/\-][^\s]*\s+ngay\s+([0-9]{1,2})\s*[/.\-]\s*([0-9]{1,2})\s*[/.\-]\s*([0-9]{4})`)

// annexRefs returns the numbers (without leading zeros) and ISO dates of
// the documents the annexes of pages say they belong to.
func annexRefs(pages []*page) (nums, dates []string) {
	for _, p := range pages {
		for _, m := range reAnnexRef.FindAllStringSubmatch(p.f.text, -1) {
			iso, ok := isoDate(m[4], m[3], m[2])
			if !ok {
				continue
			}
			nums = append(nums, strings.TrimLeft(m[1], "0"))
			dates = append(dates, iso)
		}
	}
	return nums, dates
}

// ReasonReplaced marks a value taken instead of an earlier one that failed
// its validator.
const ReasonReplaced = "replaced_invalid"

func dedupReasons(rs []string) []string {
	if len(rs) == 0 {
		return nil
	}
	out := rs[:0:0]
	for _, r := range rs {
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

// reasonTexts are the sentences for staff, Vietnamese and English.
var reasonTexts = map[string][2]string{
	ReasonLowOCRConfidence: {"Chữ đọc được kém rõ (độ tin cậy OCR thấp): cần đối chiếu với bản gốc.", "The text was read with low OCR confidence: check it against the original."},
	ReasonHandwriting:      {"Giá trị có vẻ viết tay hoặc bị mờ: máy đọc không chắc chắn.", "The value looks handwritten or faded: the reading is uncertain."},
	ReasonAccentsRestored:  {"Văn bản được đánh máy không dấu; dấu tiếng Việt của giá trị do máy khôi phục, không có trên trang.", "The document is typed without diacritics; the value's diacritics were restored by the engine, not read on the page."},
	ReasonAnnexNumber:      {"Số văn bản khác với số mà phụ lục kèm theo ghi.", "The document number differs from the one its annex gives."},
	ReasonAnnexDate:        {"Ngày ban hành khác với ngày mà phụ lục kèm theo ghi.", "The date of issue differs from the one its annex gives."},
	ReasonCopyBlock:        {"Văn bản có khối sao y, sao lục hoặc chứng thực với chữ ký và ngày riêng: giá trị có thể là của bản sao.", "The document carries a copy's block or a certification with its own signer and date: the value may be the copy's."},
	ReasonReplaced:         {"Giá trị đầu tiên tìm thấy không hợp lệ; đã dùng giá trị hợp lệ tiếp theo.", "The first value found was not valid; the next valid one was used."},
	ReasonCCCDLength:       {"Số định danh cá nhân phải có đúng 12 chữ số.", "A citizen identity number must have exactly 12 digits."},
	ReasonCCCDProvince:     {"Ba chữ số đầu của số CCCD không phải mã tỉnh, thành phố (Thông tư 59/2021/TT-BCA).", "The first three digits of the citizen ID are not a province code (Circular 59/2021/TT-BCA)."},
	ReasonCCCDCentury:      {"Chữ số thứ tư của số CCCD (thế kỷ sinh, giới tính) không hợp lệ.", "The fourth digit of the citizen ID (century of birth, sex) is not valid."},
	ReasonCCCDBirthYear:    {"Năm sinh trong số CCCD không khớp với ngày sinh trên văn bản.", "The birth year in the citizen ID does not match the birth date in the document."},
	ReasonCMNDLength:       {"Số CMND phải có 9 hoặc 12 chữ số.", "An identity card number must have 9 or 12 digits."},
	ReasonDateInvalid:      {"Ngày không có thật trên lịch.", "The date is not a real calendar date."},
	ReasonDateFuture:       {"Ngày ở tương lai.", "The date is in the future."},
	ReasonDateTooEarly:     {"Ngày quá sớm so với loại văn bản (trước năm 1945).", "The date is too early for this kind of document (before 1945)."},
	ReasonSymbolGrammar:    {"Ký hiệu văn bản không đúng thể thức Nghị định 30/2020/NĐ-CP (số/viết tắt loại văn bản-cơ quan ban hành).", "The document symbol does not follow Decree 30/2020 (number/type abbreviation-issuer abbreviation)."},
	ReasonNumberGrammar:    {"Số văn bản phải là một số.", "The document number must be a number."},
	ReasonNumberSymbol:     {"Số văn bản không khớp với số trong ký hiệu.", "The document number does not match the number in the symbol."},
	ReasonAreaNotNumber:    {"Diện tích không phải là một số.", "The area is not a number."},
	ReasonAreaImplausible:  {"Diện tích không hợp lý (dưới 1 m² hoặc trên 1.000 ha).", "The area is implausible (under 1 m² or over 1,000 ha)."},
	ReasonParcelNotNumber:  {"Số thửa phải là một số (có thể kèm một chữ cái).", "The parcel number must be a number (optionally with a letter)."},
	ReasonSymbolCopy:       {"Số, ký hiệu là của bản sao (SY, SL, TrS), không phải của văn bản được sao.", "The number and symbol are those of the copy (SY, SL, TrS), not of the document copied."},
	ReasonSymbolIssuer:     {"Ký hiệu văn bản không mang chữ viết tắt của cơ quan ban hành: có thể là số của văn bản khác được trích dẫn.", "The symbol does not carry the issuer's abbreviation: it may be the number of another document quoted."},
	ReasonNamePlace:        {"Họ tên là tên một tỉnh, thành phố: có thể đã đọc nhầm dòng địa danh.", "The name is a province's name: a place line may have been read instead."},
	ReasonNameFamily:       {"Họ tên không bắt đầu bằng một họ người Việt đã biết.", "The name does not start with a known Vietnamese family name."},
	ReasonLandPurpose:      {"Mục đích sử dụng đất không phải là một loại đất hay mã loại đất.", "The land-use purpose is not a kind of land or a land-use code."},
	ReasonAddressProvince:  {"Địa chỉ kết thúc bằng một tỉnh không có tên trong danh mục: có thể bị cắt.", "The address ends with a province that is not on the list: it may be cut short."},
	ReasonSheetNotNumber:   {"Số tờ bản đồ phải là một số.", "The map sheet must be a number."},
	"anchor_fuzzy":         {"Nhãn của trường chỉ khớp gần đúng.", "The field's label matched only approximately."},
	"zone_ambiguous":       {"Không xác định rõ vùng của trường trên trang.", "The field's zone on the page is ambiguous."},
	"missing_required":     {"Thiếu trường bắt buộc.", "A required field is missing."},
}

// ReasonText returns the sentence for a reason code in Vietnamese ("vi",
// the default) or English ("en"); an unknown code is returned as it is.
func ReasonText(code, lang string) string {
	t, ok := reasonTexts[code]
	if !ok {
		return code
	}
	if lang == "en" {
		return t[1]
	}
	return t[0]
}
