package extract

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/sohoa/sohoa/internal/domain"
	"github.com/sohoa/sohoa/pipelines"
)

// fileSpec is one pipelines/*.yaml file (see pipelines/README.md).
type fileSpec struct {
	Pipeline     string      `yaml:"pipeline"`
	Description  string      `yaml:"description"`
	Priority     int         `yaml:"priority"`
	OCR          OCRHints    `yaml:"ocr"`
	CommonFields []fieldSpec `yaml:"common_fields"`
	Classes      []classSpec `yaml:"classes"`
	// Layout names pipelines/layout/<name>.yaml, the page layout the
	// header builtins read by (zones.go); none or empty for no zones.
	Layout string `yaml:"layout"`
}

// OCRHints are a pipeline's OCR settings, for the OCR stage to use when the
// pipeline is chosen up front (batch "pipeline" field).
type OCRHints struct {
	// Languages are Tesseract language codes; default vie, eng.
	Languages []string `yaml:"languages" json:"languages"`
	// Preprocess names preprocessing steps (deskew, binarize, denoise, ...).
	Preprocess []string `yaml:"preprocess" json:"preprocess,omitempty"`
	// DPI is the resolution to render pages at; 0 means the OCR default.
	DPI int `yaml:"dpi" json:"dpi,omitempty"`
	// PSM is the Tesseract page segmentation mode; 0 means the OCR default.
	PSM int `yaml:"psm" json:"psm,omitempty"`
}

type classSpec struct {
	ID       string `yaml:"id"`
	Title    string `yaml:"title"`
	TitleEN  string `yaml:"title_en"` // English label (ClassList); default Title
	DocType  string `yaml:"doc_type"`
	TypeAbbr string `yaml:"type_abbr"`
	Fallback bool   `yaml:"fallback"`
	Priority int    `yaml:"priority"`
	// TextSensitivity is the class of the full OCR text (personal for land
	// and civil-status documents); default public.
	TextSensitivity string      `yaml:"text_sensitivity"`
	Cues            []cueSpec   `yaml:"cues"`
	Fields          []fieldSpec `yaml:"fields"`
	// Layout overrides the pipeline's layout ("none" turns zones off).
	Layout string `yaml:"layout"`
}

type cueSpec struct {
	Title      string `yaml:"title"`
	Phrase     string `yaml:"phrase"`
	Pattern    string `yaml:"pattern"`
	SymbolType string `yaml:"symbol_type"`
	// Anchor is a phrase opening a line of the page's top, matched fuzzily
	// like the layout's anchors ("V/v" read "V/y", "vW", "v/v").
	Anchor string   `yaml:"anchor"`
	Weight *float64 `yaml:"weight"`
	// DocType is the document type a title cue names when the title is
	// not a type of vocab/doc_types.yaml ("CERTIFICATE OF MARRIAGE").
	DocType string `yaml:"doc_type"`
}

type zoneSpec struct {
	Top    float64 `yaml:"top"`
	Bottom float64 `yaml:"bottom"`
	Left   float64 `yaml:"left"`
	Right  float64 `yaml:"right"`
}

type fieldSpec struct {
	Name        string    `yaml:"name"`
	Kind        string    `yaml:"kind"`
	Labels      []string  `yaml:"labels"`
	Stop        []string  `yaml:"stop"`
	Pattern     string    `yaml:"pattern"`
	Group       string    `yaml:"group"`
	Zone        *zoneSpec `yaml:"zone"`
	Builtin     string    `yaml:"builtin"`
	Part        string    `yaml:"part"`
	Normalize   string    `yaml:"normalize"`
	Sensitivity string    `yaml:"sensitivity"`
	List        bool      `yaml:"list"`
	Required    bool      `yaml:"required"`
	Pages       string    `yaml:"pages"`
	SameLine    bool      `yaml:"same_line"`
	Cells       bool      `yaml:"cells"`
	Raw         bool      `yaml:"raw"`
	Repairs     []string  `yaml:"repairs"`
	Detector    string    `yaml:"detector"`
}

// Pipeline is a loaded pipeline file.
type Pipeline struct {
	Name        string
	Description string
	OCR         OCRHints
	priority    int
	classes     []*class
}

type class struct {
	id       string
	title    string
	titleEN  string
	docType  string
	typeAbbr string
	fallback bool
	priority int
	textSens domain.Sensitivity
	cues     []cue
	fields   []*field
	pipeline *Pipeline
	layout   *layout // nil: no zones
	// layoutName is the `layout:` key of the class, else of its pipeline.
	layoutName string
}

type cue struct {
	title      string // key form
	phrase     *regexp.Regexp
	pattern    *regexp.Regexp
	symbolType string
	anchor     *anchor
	weight     float64
	docType    string // title cues: the type the title names
}

type field struct {
	name     string
	kind     string
	labels   *regexp.Regexp
	stop     *regexp.Regexp
	pattern  *regexp.Regexp
	group    string
	zone     *zoneSpec
	builtin  string
	part     string
	normName string
	norm     normalizer
	sens     domain.Sensitivity
	list     bool
	required bool
	pages    string
	sameLine bool
	cells    bool // anchor: read the page's form cells first (landform.go)
	// cellLabels are the labels matched within one line, for form cells;
	// labelKeys the labels in key form, matched fuzzily (landform.go).
	cellLabels *regexp.Regexp
	labelKeys  []string
	raw        bool
	repairs    []repairFunc
	detector   string // the personal-data detector's kind that feeds the field (people.go)
}

// canonicalSensitivity is the data class the canonical field names carry
// (API.md, DOMAIN.md); a pipeline may make a field stricter, never looser.
var canonicalSensitivity = map[string]domain.Sensitivity{
	"doc_type": domain.Public, "doc_number": domain.Public, "doc_symbol": domain.Public,
	"issued_date": domain.Public, "issue_place": domain.Public, "issuer": domain.Public,
	"subject": domain.Public, "signer_name": domain.Public, "signer_position": domain.Public,
	"urgency": domain.Public, "secrecy": domain.Public,
	"person_names": domain.Personal, "cccd": domain.Personal, "cmnd": domain.Personal,
	"birth_dates": domain.Personal, "addresses": domain.Personal,
	"parcel_no": domain.Public, "map_sheet": domain.Public, "area_m2": domain.Public,
	"land_purpose": domain.Public, "certificate_serial": domain.Personal, "book_entry_no": domain.Personal,
	"phones": domain.Personal, "ethnicity": domain.Sensitive, "religion": domain.Sensitive,
}

var sensRank = map[domain.Sensitivity]int{domain.Public: 0, domain.Personal: 1, domain.Sensitive: 2, domain.Secret: 3}

var builtins = map[string][]string{
	"title":         {""},
	"number_symbol": {"number", "symbol", ""},
	"place_date":    {"place", "date"},
	"issuer":        {""},
	"subject":       {""},
	"signer":        {"name", "position"},
	"secrecy":       {""},
	"urgency":       {""},
}

var reLang = regexp.MustCompile(`^[a-z_]{3,}$`)

var reFieldName = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// validationErrors collects problems found while loading pipelines.
type validationErrors struct{ errs []string }

func (v *validationErrors) add(format string, args ...any) {
	v.errs = append(v.errs, fmt.Sprintf(format, args...))
}

// LoadError reports every problem found in the pipeline files, one per line,
// each prefixed with the file and YAML path.
type LoadError struct {
	Problems []string
}

// Error lists the problems, one per line.
func (e *LoadError) Error() string {
	return "invalid pipelines:\n" + strings.Join(e.Problems, "\n")
}

// LoadDir loads and validates every *.yaml file in dir. Problems are
// reported together in a *LoadError naming each file and YAML path.
func LoadDir(dir string) (*Engine, error) {
	e, err := load(os.DirFS(dir), dir)
	if err != nil {
		return nil, fmt.Errorf("load pipelines from %s: %w", dir, err)
	}
	return e, nil
}

// Load loads and validates every *.yaml file at the root of fsys.
func Load(fsys fs.FS) (*Engine, error) {
	return load(fsys, "")
}

// Default loads the pipelines shipped with sohoa (pipelines/*.yaml, embedded).
func Default() (*Engine, error) {
	return load(pipelines.FS, "pipelines")
}

func load(fsys fs.FS, prefix string) (*Engine, error) {
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, fmt.Errorf("list pipelines: %w", err)
	}
	more, _ := fs.Glob(fsys, "*.yml")
	names = append(names, more...)
	// The confidence calibration sits beside the pipelines; it is not one.
	names = slices.DeleteFunc(names, func(n string) bool { return n == confidenceFile })
	sort.Strings(names)
	if len(names) == 0 {
		return nil, errors.New("no pipeline files (*.yaml)")
	}
	v := &validationErrors{}
	// The vocabularies (pipelines/vocab, embedded) are part of every load.
	v.errs = append(v.errs, vocProblems...)
	e := &Engine{}
	if e.conf, err = loadConfidence(fsys); err != nil {
		v.add("%s", err)
	}
	pipeNames := map[string]string{}
	classIDs := map[string]string{}
	for _, name := range names {
		display := name
		if prefix != "" {
			display = path.Join(prefix, name)
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			v.add("%s: %v", display, err)
			continue
		}
		p := parseFile(display, data, v)
		if p == nil {
			continue
		}
		if prev, ok := pipeNames[p.Name]; ok {
			v.add("%s: pipeline: duplicate pipeline name %q (also in %s)", display, p.Name, prev)
		}
		pipeNames[p.Name] = display
		for i, c := range p.classes {
			if prev, ok := classIDs[c.id]; ok {
				v.add("%s: classes[%d].id: duplicate class id %q (also in %s)", display, i, c.id, prev)
			}
			classIDs[c.id] = display
			if _, ok := pipeNames[c.id]; ok && c.id != p.Name {
				v.add("%s: classes[%d].id: class id %q is also a pipeline name", display, i, c.id)
			}
		}
		for i, c := range p.classes {
			if c.layoutName == "" || c.layoutName == layoutNone {
				continue
			}
			l, err := loadLayout(fsys, prefix, c.layoutName)
			if err != nil {
				v.add("%s: classes[%d] (%s): %v", display, i, c.id, err)
				continue
			}
			c.layout = l
		}
		e.pipelines = append(e.pipelines, p)
	}
	for _, p := range e.pipelines {
		for _, c := range p.classes {
			if c.fallback {
				if e.fallback != nil {
					v.add("%s: classes: more than one fallback class (%s and %s)", pipeNames[p.Name], e.fallback.id, c.id)
				}
				e.fallback = c
			}
		}
	}
	if e.fallback == nil && len(v.errs) == 0 {
		v.add("pipelines: no class has fallback: true; unknown documents need a generic class")
	}
	if len(v.errs) > 0 {
		return nil, &LoadError{Problems: v.errs}
	}
	sort.SliceStable(e.pipelines, func(i, j int) bool { return e.pipelines[i].priority > e.pipelines[j].priority })
	return e, nil
}

func parseFile(display string, data []byte, v *validationErrors) *Pipeline {
	var fsp fileSpec
	if !decodeStrict(display, data, &fsp, v) {
		return nil
	}
	p := &Pipeline{Name: fsp.Pipeline, Description: fsp.Description, OCR: fsp.OCR, priority: fsp.Priority}
	if !reFieldName.MatchString(p.Name) {
		v.add("%s: pipeline: name %q must be lower case letters, digits and _", display, p.Name)
	}
	if len(p.OCR.Languages) == 0 {
		p.OCR.Languages = []string{"vie", "eng"}
	}
	for i, l := range p.OCR.Languages {
		if !reLang.MatchString(l) {
			v.add("%s: ocr.languages[%d]: %q is not a Tesseract language code", display, i, l)
		}
	}
	if p.OCR.PSM < 0 || p.OCR.PSM > 13 {
		v.add("%s: ocr.psm: %d out of range 0-13", display, p.OCR.PSM)
	}
	if p.OCR.DPI < 0 || p.OCR.DPI > 1200 {
		v.add("%s: ocr.dpi: %d out of range 0-1200", display, p.OCR.DPI)
	}
	common := make([]*field, 0, len(fsp.CommonFields))
	seen := map[string]bool{}
	for i, fs := range fsp.CommonFields {
		f := parseField(fmt.Sprintf("%s: common_fields[%d]", display, i), fs, v)
		if f == nil {
			continue
		}
		if seen[f.name] {
			v.add("%s: common_fields[%d].name: duplicate field %q", display, i, f.name)
		}
		seen[f.name] = true
		common = append(common, f)
	}
	if len(fsp.Classes) == 0 {
		v.add("%s: classes: at least one class is required", display)
	}
	for i, cs := range fsp.Classes {
		at := fmt.Sprintf("%s: classes[%d]", display, i)
		c := &class{id: cs.ID, title: cs.Title, docType: nfc(cs.DocType), typeAbbr: cs.TypeAbbr, fallback: cs.Fallback, priority: cs.Priority, pipeline: p, layoutName: cmp.Or(cs.Layout, fsp.Layout)}
		c.titleEN = cs.TitleEN
		if !reFieldName.MatchString(c.id) {
			v.add("%s.id: %q must be lower case letters, digits and _", at, c.id)
		}
		c.textSens = domain.Public
		if cs.TextSensitivity != "" {
			c.textSens = domain.Sensitivity(cs.TextSensitivity)
			if !c.textSens.Valid() {
				v.add("%s.text_sensitivity: unknown sensitivity %q (want public, personal, sensitive or secret)", at, cs.TextSensitivity)
			}
		}
		if c.typeAbbr == "" && c.docType != "" {
			c.typeAbbr = typeAbbrs[key(c.docType)]
		}
		if len(cs.Cues) == 0 && !c.fallback {
			v.add("%s.cues: a class that is not the fallback needs at least one cue", at)
		}
		for j, cu := range cs.Cues {
			if k := parseCue(fmt.Sprintf("%s.cues[%d]", at, j), cu, v); k != nil {
				c.cues = append(c.cues, *k)
			}
		}
		own := map[string]bool{}
		var fields []*field
		for j, fsp := range cs.Fields {
			f := parseField(fmt.Sprintf("%s.fields[%d]", at, j), fsp, v)
			if f == nil {
				continue
			}
			if own[f.name] {
				v.add("%s.fields[%d].name: duplicate field %q", at, j, f.name)
			}
			own[f.name] = true
			fields = append(fields, f)
		}
		// Common fields come first unless the class overrides them.
		for _, f := range common {
			if !own[f.name] {
				c.fields = append(c.fields, f)
			}
		}
		c.fields = append(c.fields, fields...)
		p.classes = append(p.classes, c)
	}
	return p
}

func parseCue(at string, cs cueSpec, v *validationErrors) *cue {
	set := 0
	c := &cue{}
	def := 0.0
	if cs.Title != "" {
		set++
		c.title = key(cs.Title)
		def = 0.6
	}
	if cs.Phrase != "" {
		set++
		c.phrase = phraseRegexp(cs.Phrase)
		def = 0.15
	}
	if cs.Pattern != "" {
		set++
		re, err := compileFolded(cs.Pattern, false)
		if err != nil {
			v.add("%s.pattern: invalid regexp: %v", at, err)
			return nil
		}
		c.pattern = re
		def = 0.3
	}
	if cs.SymbolType != "" {
		set++
		c.symbolType = key(cs.SymbolType)
		def = 0.3
	}
	if cs.Anchor != "" {
		set++
		a := newAnchor(cs.Anchor)
		a.atStart = true
		c.anchor = &a
		def = 0.3
	}
	if set != 1 {
		v.add("%s: exactly one of title, phrase, pattern, symbol_type, anchor is required (got %d)", at, set)
		return nil
	}
	if cs.DocType != "" {
		if cs.Title == "" {
			v.add("%s.doc_type: only for title cues", at)
		}
		c.docType = nfc(cs.DocType)
	}
	c.weight = def
	if cs.Weight != nil {
		c.weight = *cs.Weight
		if c.weight < -1 || c.weight > 1 || c.weight == 0 {
			v.add("%s.weight: %v out of range [-1, 1] or zero", at, c.weight)
		}
	}
	return c
}

// phraseRegexp matches a phrase in folded text, case-insensitive, with any
// white space between words and word boundaries at both ends. A vowel may
// be doubled, as OCR does with stacked marks ("Thủửa đất số").
func phraseRegexp(phrase string) *regexp.Regexp {
	words := strings.Fields(fold(phrase))
	for i, w := range words {
		words[i] = wordRegexp(w)
	}
	return regexp.MustCompile(`(?i)(?:^|[^\pL\pN])(` + strings.Join(words, `[\s.,]*`) + `)(?:[^\pL\pN]|$)`)
}

// wordRegexp matches a folded word, its vowels possibly doubled.
func wordRegexp(w string) string {
	var b strings.Builder
	for _, r := range w {
		b.WriteString(regexp.QuoteMeta(string(r)))
		if strings.ContainsRune("aeiouyAEIOUY", r) {
			b.WriteByte('+')
		}
	}
	return b.String()
}

// compileFolded compiles a pipeline pattern for matching folded text: its
// literal letters are folded, and matching is case-insensitive unless raw.
func compileFolded(pattern string, raw bool) (*regexp.Regexp, error) {
	pattern = spacesToWhite(pattern)
	if raw {
		return regexp.Compile(`(?m)` + pattern)
	}
	return regexp.Compile(`(?im)` + fold(pattern))
}

// spacesToWhite turns each literal space of a pattern that is outside a
// character class into \s+, so that "địa chỉ thường trú" also matches
// words wrapped onto the next line.
func spacesToWhite(pattern string) string {
	var b strings.Builder
	inClass, esc := false, false
	for _, r := range pattern {
		switch {
		case esc:
			esc = false
		case r == '\\':
			esc = true
		case r == '[' && !inClass:
			inClass = true
		case r == ']' && inClass:
			inClass = false
		case r == ' ' && !inClass:
			b.WriteString(`(?:\s+)`)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

var kinds = map[string]bool{"anchor": true, "regex": true, "zone": true, "builtin": true, "detector": true}

func parseField(at string, fs fieldSpec, v *validationErrors) *field {
	f := &field{name: fs.Name, kind: fs.Kind, group: fs.Group, zone: fs.Zone, builtin: fs.Builtin, part: fs.Part,
		normName: fs.Normalize, list: fs.List, required: fs.Required, pages: fs.Pages, sameLine: fs.SameLine, cells: fs.Cells, raw: fs.Raw}
	ok := true
	bad := func(format string, args ...any) {
		v.add(at+format, args...)
		ok = false
	}
	if !reFieldName.MatchString(f.name) {
		bad(".name: %q must be lower case letters, digits and _", f.name)
	}
	if !kinds[f.kind] {
		bad(".kind: unknown kind %q (want anchor, regex, zone, builtin or detector)", f.kind)
	}
	f.detector = fs.Detector
	if msg := checkDetector(f); msg != "" {
		bad(".detector: %s", msg)
	}
	switch f.pages {
	case "":
		f.pages = "all"
	case "first", "last", "all":
	default:
		bad(".pages: %q (want first, last or all)", f.pages)
	}
	if f.normName == "" {
		f.normName = "text"
	}
	n, known := normalizers()[f.normName]
	if !known {
		bad(".normalize: unknown normaliser %q (known: %s)", f.normName, strings.Join(sortedKeys(normalizers()), ", "))
	}
	f.norm = n
	f.sens = domain.Sensitivity(fs.Sensitivity)
	if fs.Sensitivity == "" {
		f.sens = canonicalSensitivity[f.name]
		if f.sens == "" {
			f.sens = domain.Public
		}
	}
	if !f.sens.Valid() {
		bad(".sensitivity: unknown sensitivity %q (want public, personal, sensitive or secret)", fs.Sensitivity)
	} else if c, ok2 := canonicalSensitivity[f.name]; ok2 && sensRank[f.sens] < sensRank[c] {
		bad(".sensitivity: %s is %s data and cannot be declared %s", f.name, c, f.sens)
	}
	if fs.Pattern != "" {
		re, err := compileFolded(fs.Pattern, fs.Raw)
		if err != nil {
			bad(".pattern: invalid regexp: %v", err)
		} else {
			f.pattern = re
			if f.group != "" && re.SubexpIndex(f.group) < 0 {
				bad(".group: pattern has no group named %q", f.group)
			}
		}
	} else if f.group != "" {
		bad(".group: set without a pattern")
	}
	switch f.kind {
	case "anchor":
		if len(fs.Labels) == 0 {
			bad(".labels: an anchor field needs at least one label")
		}
		for _, l := range fs.Labels {
			if len(strings.Fields(l)) == 0 {
				bad(".labels: empty label")
			}
		}
		f.labels = labelRegexp(fs.Labels, `\s*`)
		if f.cells {
			// In a form's cells a label does not run across lines.
			f.cellLabels = labelRegexp(fs.Labels, `[ \t]*`)
			for _, l := range fs.Labels {
				f.labelKeys = append(f.labelKeys, key(l))
			}
		}
	case "regex":
		if f.pattern == nil && fs.Pattern == "" {
			bad(".pattern: a regex field needs a pattern")
		}
	case "zone":
		z := fs.Zone
		if z == nil {
			bad(".zone: a zone field needs zone: {top, bottom, left, right}")
		} else if z.Top < 0 || z.Left < 0 || z.Bottom > 1 || z.Right > 1 || z.Top >= z.Bottom || z.Left >= z.Right {
			bad(".zone: want 0 <= top < bottom <= 1 and 0 <= left < right <= 1 (fractions of the page)")
		}
	case "builtin":
		parts, known := builtins[f.builtin]
		if !known {
			bad(".builtin: unknown builtin %q (known: %s)", f.builtin, strings.Join(sortedKeys(builtins), ", "))
		} else if !contains(parts, f.part) {
			bad(".part: builtin %s has parts %q, not %q", f.builtin, parts, f.part)
		}
	}
	if f.kind != "builtin" && (f.builtin != "") {
		bad(".builtin: only for kind builtin")
	}
	if f.kind != "anchor" && len(fs.Labels) > 0 {
		bad(".labels: only for kind anchor")
	}
	if f.kind != "anchor" && fs.Cells {
		bad(".cells: only for kind anchor")
	}
	if f.kind != "zone" && fs.Zone != nil {
		bad(".zone: only for kind zone")
	}
	if f.part != "" && f.kind != "builtin" && f.normName != "number_symbol" && f.normName != "place_date" {
		bad(".part: only for builtins and the number_symbol and place_date normalisers")
	}
	for i, name := range fs.Repairs {
		r, ok := repairs[name]
		if !ok {
			bad(".repairs[%d]: unknown repair %q (known: %s)", i, name, repairNames())
			continue
		}
		f.repairs = append(f.repairs, r)
	}
	if len(fs.Stop) > 0 {
		var alts []string
		for _, s := range fs.Stop {
			words := strings.Fields(fold(s))
			for i, w := range words {
				words[i] = wordRegexp(w)
			}
			if len(words) > 0 {
				alts = append(alts, strings.Join(words, `[ \t]*`))
			}
		}
		f.stop = regexp.MustCompile(`(?i)(?:^|[^\pL\pN])(?:` + strings.Join(alts, "|") + `)(?:[^\pL\pN]|$)`)
	}
	if !ok {
		return nil
	}
	return f
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// checkKeys walks a YAML node against the Go type it decodes into and
// reports every unknown key with its YAML path; lines maps each value's line
// to its path so decoder errors can name it too.
func checkKeys(display, at string, n *yaml.Node, t reflect.Type, lines map[int]string, v *validationErrors) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if at != "" {
		if _, ok := lines[n.Line]; !ok {
			lines[n.Line] = at
		}
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
				return
			}
			v.add("%s: %s: want a mapping (line %d)", display, orRoot(at), n.Line)
			return
		}
		known := map[string]reflect.StructField{}
		for i := 0; i < t.NumField(); i++ {
			sf := t.Field(i)
			name, _, _ := strings.Cut(sf.Tag.Get("yaml"), ",")
			if name != "" && name != "-" {
				known[name] = sf
			}
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			p := k.Value
			if at != "" {
				p = at + "." + k.Value
			}
			sf, ok := known[k.Value]
			if !ok {
				v.add("%s: %s: unknown key (line %d; known: %s)", display, p, k.Line, strings.Join(sortedKeys(known), ", "))
				continue
			}
			checkKeys(display, p, val, sf.Type, lines, v)
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
				return
			}
			v.add("%s: %s: want a list (line %d)", display, orRoot(at), n.Line)
			return
		}
		for i, c := range n.Content {
			checkKeys(display, at+"["+strconv.Itoa(i)+"]", c, t.Elem(), lines, v)
		}
	}
}

func orRoot(at string) string {
	if at == "" {
		return "(document)"
	}
	return at
}

var reLinePrefix = regexp.MustCompile(`^line (\d+): `)

// withPath replaces a yaml.v3 "line N: " prefix with the YAML path at that line.
func withPath(msg string, lines map[int]string) string {
	m := reLinePrefix.FindStringSubmatch(msg)
	if m == nil {
		return msg
	}
	n, _ := strconv.Atoi(m[1])
	if p, ok := lines[n]; ok {
		return p + ": " + msg[len(m[0]):] + " (line " + m[1] + ")"
	}
	return msg
}
