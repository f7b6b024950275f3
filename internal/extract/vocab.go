package extract

import (
	"errors"
	"io/fs"
	"path"
	"reflect"
	"sort"
	"strings"
	"unicode"

	"gopkg.in/yaml.v3"

	"github.com/sohoa/sohoa/pipelines"
)

// The extractor's vocabularies are data: pipelines/vocab/*.yaml (see
// pipelines/README.md, "Vocabularies"), and the name syllables of the
// personal-data detector, pipelines/pii/vocabulary.yaml. They are loaded
// once from the embedded files into voc; the word tables of the package
// (typeNames, positions, placeNames, ...) are views of it. Problems are
// reported by every pipeline load (Default, Load, LoadDir), each naming its
// file and YAML path like the pipeline loader.

// vocabulary is the loaded vocabulary with the lookups built from it.
type vocabulary struct {
	// typeNames maps a document type's key to its name, typeAbbrs to its
	// symbol abbreviation ("" for a công văn).
	typeNames, typeAbbrs map[string]string
	// copyAbbrs are the abbreviations of copies (SY, TS, SL), key form.
	copyAbbrs map[string]bool
	// dParts maps the accentless key of a symbol part spelled with Đ to its
	// spelling, when that key is not itself an abbreviation.
	dParts map[string]string
	// mixed holds the abbreviations in mixed case (QyĐ, CTr) and their
	// accentless spellings (QyD).
	mixed map[string]bool

	authority []string // spelled and variants, without the final dot
	positions []string

	bodyStarts   []string // key form
	bodyPhrases  []string
	mottos, cuts []string // key form

	localityWords []string // key form, header order
	unitFirst     map[string]bool
	addressUnits  []string // key form
	respellUnits  []string // spelled
	placeUnits    [][]string
	nameFollows   map[string]bool

	provinces  []string        // every spelling of every provincial unit, old and new
	cities     map[string]bool // key forms of the cities under the centre
	homeKey    string          // key of the province whose places are listed
	placeNames []string

	landCodes    map[string]bool
	landPurposes map[string]string

	secrecy, urgency []stampLevel

	honorifics map[string]bool

	names *nameVocab
	// familyKeys are the family names in key form.
	familyKeys map[string]bool

	digitOf        map[rune]rune
	decimalComma   []string
	superscriptTwo []string
	thinStrokes    string
}

// stampLevel is one stamp text (key form) and the level it reads as.
type stampLevel struct{ key, name string }

// vocabFile is one file of pipelines/vocab/ and the struct it decodes into.
type vocabFile struct {
	name string
	spec any
}

type docTypesSpec struct {
	Types []struct {
		Name  string  `yaml:"name"`
		Abbr  *string `yaml:"abbr"`
		Party string  `yaml:"party"`
		Legal bool    `yaml:"legal"`
	} `yaml:"types"`
	Copies []struct {
		Name string `yaml:"name"`
		Abbr string `yaml:"abbr"`
	} `yaml:"copies"`
	SymbolParts []string `yaml:"symbol_parts"`
}

type signingSpec struct {
	Authority []struct {
		Spelled  string   `yaml:"spelled"`
		Meaning  string   `yaml:"meaning"`
		Variants []string `yaml:"variants"`
	} `yaml:"authority"`
	Positions []string `yaml:"positions"`
}

type bodiesSpec struct {
	Starts  []string `yaml:"starts"`
	Phrases []string `yaml:"phrases"`
	Motto   []struct {
		Text string `yaml:"text"`
		Cut  bool   `yaml:"cut"`
	} `yaml:"motto"`
}

type unitsSpec struct {
	Units []struct {
		Spelled   string   `yaml:"spelled"`
		Abbr      []string `yaml:"abbr"`
		Level     string   `yaml:"level"`
		Committee bool     `yaml:"committee"`
		Respell   bool     `yaml:"respell"`
	} `yaml:"units"`
}

type provinceSpec struct {
	Name       string   `yaml:"name"`
	City       bool     `yaml:"city"`
	Aliases    []string `yaml:"aliases"`
	FormedFrom []string `yaml:"formed_from"`
}

type gazetteerSpec struct {
	Before []provinceSpec `yaml:"provinces_before_2025"`
	Since  []provinceSpec `yaml:"provinces_since_2025"`
	Places []struct {
		Province  string   `yaml:"province"`
		AsOf      string   `yaml:"as_of"`
		Districts []string `yaml:"districts"`
		Communes  []struct {
			District string   `yaml:"district"`
			Names    []string `yaml:"names"`
		} `yaml:"communes"`
	} `yaml:"places"`
}

type landUseSpec struct {
	Purposes []struct {
		Code string `yaml:"code"`
		Name string `yaml:"name"`
	} `yaml:"purposes"`
}

type stampsSpec struct {
	Secrecy []stampSpec `yaml:"secrecy"`
	Urgency []stampSpec `yaml:"urgency"`
}

type stampSpec struct {
	Name  string   `yaml:"name"`
	Texts []string `yaml:"texts"`
}

type wordsSpec struct {
	Honorifics  []string `yaml:"honorifics"`
	NameFollows []string `yaml:"name_follows"`
}

type namesSpec struct {
	Prefer  namePositions `yaml:"prefer"`
	Restore namePositions `yaml:"restore"`
}

// namePositions lists syllables by their position in a name.
type namePositions struct {
	Family []string `yaml:"family"`
	Middle []string `yaml:"middle"`
	Given  []string `yaml:"given"`
}

type ocrSpec struct {
	Digits []struct {
		Digit  string   `yaml:"digit"`
		ReadAs []string `yaml:"read_as"`
	} `yaml:"digits"`
	DecimalComma   []string `yaml:"decimal_comma"`
	SuperscriptTwo []string `yaml:"superscript_two"`
	ThinStrokes    []string `yaml:"thin_strokes"`
}

// piiNamesSpec is the part of pipelines/pii/vocabulary.yaml the extractor
// reads: the name syllables (the detector owns the rest of the file).
type piiNamesSpec struct {
	FamilyNames    []string `yaml:"family_names"`
	GivenSyllables []string `yaml:"given_syllables"`
}

// voc is the shipped vocabulary; vocProblems lists what is wrong with it
// (empty when it loaded), reported by every pipeline load.
var voc, vocProblems = loadShippedVocab()

func loadShippedVocab() (*vocabulary, []string) {
	v := &validationErrors{}
	out := loadVocab(pipelines.Vocab, pipelines.PII, "pipelines", v)
	return out, v.errs
}

// loadVocab reads and checks the vocabulary files of vocabFS (vocab/*.yaml)
// and the name syllables of piiFS (pii/vocabulary.yaml). Problems go to v;
// the vocabulary returned is usable (possibly incomplete) either way.
func loadVocab(vocabFS, piiFS fs.FS, prefix string, v *validationErrors) *vocabulary {
	var (
		dt  docTypesSpec
		sg  signingSpec
		bd  bodiesSpec
		un  unitsSpec
		gz  gazetteerSpec
		lu  landUseSpec
		st  stampsSpec
		wd  wordsSpec
		nm  namesSpec
		ocr ocrSpec
	)
	files := []vocabFile{{"doc_types.yaml", &dt}, {"signing.yaml", &sg}, {"bodies.yaml", &bd}, {"admin_units.yaml", &un},
		{"gazetteer.yaml", &gz}, {"land_use.yaml", &lu}, {"stamps.yaml", &st}, {"words.yaml", &wd}, {"names.yaml", &nm},
		{"ocr_confusions.yaml", &ocr}}
	for _, f := range files {
		name := "vocab/" + f.name
		data, err := fs.ReadFile(vocabFS, name)
		if err != nil {
			v.add("%s: %v", path.Join(prefix, name), err)
			continue
		}
		decodeStrict(path.Join(prefix, name), data, f.spec, v)
	}
	out := &vocabulary{}
	out.docTypes(path.Join(prefix, "vocab/doc_types.yaml"), &dt, v)
	out.signing(path.Join(prefix, "vocab/signing.yaml"), &sg, v)
	out.bodies(path.Join(prefix, "vocab/bodies.yaml"), &bd, v)
	out.units(path.Join(prefix, "vocab/admin_units.yaml"), &un, &wd, v)
	out.gazetteer(path.Join(prefix, "vocab/gazetteer.yaml"), &gz, v)
	out.landUse(path.Join(prefix, "vocab/land_use.yaml"), &lu, v)
	out.stamps(path.Join(prefix, "vocab/stamps.yaml"), &st, v)
	out.honorifics = keySet(wd.Honorifics)
	out.ocr(path.Join(prefix, "vocab/ocr_confusions.yaml"), &ocr, v)
	piiName := path.Join(prefix, "pii/vocabulary.yaml")
	var pn piiNamesSpec
	if data, err := fs.ReadFile(piiFS, "pii/vocabulary.yaml"); err != nil {
		v.add("%s: %v", piiName, err)
	} else if err := yaml.Unmarshal(data, &pn); err != nil {
		v.add("%s: %v", piiName, err)
	}
	out.familyKeys = keySet(pn.FamilyNames)
	out.names = buildNameVocab(piiName, path.Join(prefix, "vocab/names.yaml"), &pn, &nm, v)
	return out
}

// decodeStrict decodes data into out, reporting unknown keys and type
// errors with their YAML path (see checkKeys); it reports whether the
// file decoded.
func decodeStrict(display string, data []byte, out any, v *validationErrors) bool {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		v.add("%s: %v", display, err)
		return false
	}
	if len(root.Content) == 0 {
		v.add("%s: empty file", display)
		return false
	}
	lines := map[int]string{}
	before := len(v.errs)
	checkKeys(display, "", root.Content[0], reflect.TypeOf(out), lines, v)
	if len(v.errs) > before {
		return false
	}
	if err := root.Decode(out); err != nil {
		var te *yaml.TypeError
		if errors.As(err, &te) {
			for _, m := range te.Errors {
				v.add("%s: %s", display, withPath(m, lines))
			}
			return false
		}
		v.add("%s: %v", display, err)
		return false
	}
	return true
}

// keySet returns the key forms of words.
func keySet(words []string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[key(w)] = true
	}
	return m
}

// isAbbr reports whether s is written in letters (any case) with at most
// one dot at the end, as abbreviations are.
func isAbbr(s string) bool {
	s = strings.TrimSuffix(s, ".")
	if s == "" {
		return false
	}
	for _, r := range s {
		if !unicode.IsLetter(r) && r != '/' {
			return false
		}
	}
	return true
}

func (o *vocabulary) docTypes(file string, s *docTypesSpec, v *validationErrors) {
	o.typeNames, o.typeAbbrs, o.copyAbbrs = map[string]string{}, map[string]string{}, map[string]bool{}
	o.dParts, o.mixed = map[string]string{}, map[string]bool{}
	if len(s.Types) == 0 {
		v.add("%s: types: at least one document type is required", file)
	}
	var spelled []string
	for i, t := range s.Types {
		k := key(t.Name)
		if k == "" {
			v.add("%s: types[%d].name: empty", file, i)
			continue
		}
		if _, dup := o.typeNames[k]; dup {
			v.add("%s: types[%d].name: duplicate type %q", file, i, t.Name)
		}
		o.typeNames[k] = nfc(t.Name)
		switch {
		case t.Abbr != nil:
			o.typeAbbrs[k] = *t.Abbr
		case t.Party != "":
			o.typeAbbrs[k] = t.Party
		default:
			v.add("%s: types[%d]: %q needs abbr or party (abbr: \"\" for none)", file, i, t.Name)
		}
		for _, a := range []string{o.typeAbbrs[k], t.Party} {
			if a != "" && !isAbbr(a) {
				v.add("%s: types[%d]: %q is not an abbreviation (letters only)", file, i, a)
			}
			spelled = append(spelled, a)
		}
	}
	for i, c := range s.Copies {
		if c.Name == "" || !isAbbr(c.Abbr) {
			v.add("%s: copies[%d]: want a name and an abbreviation in letters", file, i)
			continue
		}
		o.copyAbbrs[key(c.Abbr)] = true
	}
	for i, p := range s.SymbolParts {
		if !isAbbr(p) {
			v.add("%s: symbol_parts[%d]: %q is not an abbreviation (letters only)", file, i, p)
		}
	}
	spelled = append(spelled, s.SymbolParts...)
	// A part is restored to its Đ spelling only when its accentless key is
	// not an abbreviation of its own (HD is Hướng dẫn, DA is Dự án).
	plain := map[string]bool{}
	for _, a := range spelled {
		if a != "" && !strings.ContainsAny(a, "Đđ") {
			plain[key(a)] = true
		}
	}
	for _, a := range spelled {
		if a == "" {
			continue
		}
		if strings.ContainsAny(a, "Đđ") && !plain[key(a)] {
			o.dParts[key(a)] = a
		}
		if strings.ToUpper(a) != a {
			o.mixed[a] = true
			o.mixed[symbolLetters(fold(a))] = true
		}
	}
}

func (o *vocabulary) signing(file string, s *signingSpec, v *validationErrors) {
	for i, a := range s.Authority {
		if !isAbbr(a.Spelled) || !strings.HasSuffix(a.Spelled, ".") {
			v.add("%s: authority[%d].spelled: %q is not an abbreviation ending in a dot", file, i, a.Spelled)
			continue
		}
		o.authority = append(o.authority, strings.TrimSuffix(a.Spelled, "."))
		for _, x := range a.Variants {
			o.authority = append(o.authority, strings.TrimSuffix(x, "."))
		}
	}
	if len(s.Positions) == 0 {
		v.add("%s: positions: at least one position is required", file)
	}
	for i, p := range s.Positions {
		if strings.ToUpper(p) != p {
			v.add("%s: positions[%d]: %q is not in capitals", file, i, p)
		}
		o.positions = append(o.positions, nfc(p))
	}
}

func (o *vocabulary) bodies(file string, s *bodiesSpec, v *validationErrors) {
	for i, w := range s.Starts {
		if key(w) == "" {
			v.add("%s: starts[%d]: empty", file, i)
			continue
		}
		k := key(w)
		// A one-syllable word ("SỞ", "TRƯỜNG") opens a name only when more
		// words follow; alone it ends a wrapped one ("… MÔI" / "TRƯỜNG").
		// An abbreviation (UBND) opens one alone.
		if !strings.Contains(k, " ") && reSyllable.MatchString(strings.ToLower(k)) {
			k += " "
		}
		o.bodyStarts = append(o.bodyStarts, k)
	}
	for _, p := range s.Phrases {
		o.bodyPhrases = append(o.bodyPhrases, nfc(p))
	}
	for i, m := range s.Motto {
		if key(m.Text) == "" {
			v.add("%s: motto[%d].text: empty", file, i)
			continue
		}
		o.mottos = append(o.mottos, key(m.Text))
		if m.Cut {
			o.cuts = append(o.cuts, key(m.Text))
		}
	}
}

var unitLevels = map[string]bool{"province": true, "district": true, "commune": true, "village": true, "street": true}

func (o *vocabulary) units(file string, s *unitsSpec, w *wordsSpec, v *validationErrors) {
	o.unitFirst, o.nameFollows = map[string]bool{}, keySet(w.NameFollows)
	for i, u := range s.Units {
		k := key(u.Spelled)
		if k == "" {
			v.add("%s: units[%d].spelled: empty", file, i)
			continue
		}
		if !unitLevels[u.Level] {
			v.add("%s: units[%d].level: %q (want province, district, commune, village or street)", file, i, u.Level)
		}
		forms := []string{k}
		for _, a := range u.Abbr {
			forms = append(forms, key(a))
		}
		o.addressUnits = append(o.addressUnits, forms...)
		if u.Respell {
			o.respellUnits = append(o.respellUnits, nfc(u.Spelled))
		}
		switch u.Level {
		case "province", "district", "commune":
			o.localityWords = append(o.localityWords, forms...)
			for _, f := range forms {
				ws := strings.Fields(f)
				o.unitFirst[ws[0]] = true
				o.nameFollows[ws[len(ws)-1]] = true
			}
		}
		if u.Level == "district" || u.Level == "commune" {
			for _, f := range forms {
				o.placeUnits = append(o.placeUnits, strings.Fields(f))
			}
			if u.Committee {
				o.placeUnits = append(o.placeUnits, []string{strings.Fields(k)[0], "UY"})
			}
		}
	}
	if len(o.localityWords) == 0 {
		v.add("%s: units: no unit of level province, district or commune", file)
	}
	// Longer units first: "HUYỆN ỦY" before "HUYỆN".
	sort.SliceStable(o.placeUnits, func(i, j int) bool { return len(o.placeUnits[i]) > len(o.placeUnits[j]) })
}

func (o *vocabulary) gazetteer(file string, s *gazetteerSpec, v *validationErrors) {
	seen := map[string]bool{}
	o.cities = map[string]bool{}
	for _, p := range append(append([]provinceSpec{}, s.Before...), s.Since...) {
		if p.City {
			o.cities[key(p.Name)] = true
		}
	}
	add := func(name string) {
		if k := key(name); k != "" && !seen[k] {
			seen[k] = true
			o.provinces = append(o.provinces, nfc(name))
		}
	}
	old := map[string]bool{}
	for i, p := range s.Before {
		if key(p.Name) == "" {
			v.add("%s: provinces_before_2025[%d].name: empty", file, i)
			continue
		}
		if old[key(p.Name)] {
			v.add("%s: provinces_before_2025[%d].name: duplicate %q", file, i, p.Name)
		}
		old[key(p.Name)] = true
		if len(p.FormedFrom) > 0 {
			v.add("%s: provinces_before_2025[%d].formed_from: only for provinces_since_2025", file, i)
		}
		add(p.Name)
		for _, a := range p.Aliases {
			add(a)
		}
	}
	if len(s.Before) != 63 {
		v.add("%s: provinces_before_2025: %d units, want the 63 in force until 30 June 2025", file, len(s.Before))
	}
	if len(s.Since) != 34 {
		v.add("%s: provinces_since_2025: %d units, want the 34 of Nghị quyết 202/2025/QH15", file, len(s.Since))
	}
	taken := map[string]string{}
	for i, p := range s.Since {
		add(p.Name)
		for _, a := range p.Aliases {
			add(a)
		}
		if len(p.FormedFrom) == 0 {
			v.add("%s: provinces_since_2025[%d].formed_from: name the old units %q took in", file, i, p.Name)
		}
		for j, f := range p.FormedFrom {
			k := key(f)
			if !old[k] {
				v.add("%s: provinces_since_2025[%d].formed_from[%d]: %q is not in provinces_before_2025", file, i, j, f)
			}
			if prev, dup := taken[k]; dup {
				v.add("%s: provinces_since_2025[%d].formed_from[%d]: %q also forms %s", file, i, j, f, prev)
			}
			taken[k] = p.Name
		}
	}
	for k := range old {
		if _, ok := taken[k]; !ok && len(s.Since) > 0 {
			v.add("%s: provinces_since_2025: old unit %q forms no new one", file, k)
		}
	}
	if len(s.Places) > 1 {
		v.add("%s: places: the extractor re-spells the places of one province only", file)
	}
	for i, pl := range s.Places {
		if !old[key(pl.Province)] {
			v.add("%s: places[%d].province: %q is not a province", file, i, pl.Province)
		}
		o.homeKey = key(pl.Province)
		districts := map[string]bool{}
		for _, d := range pl.Districts {
			districts[key(d)] = true
			o.placeNames = append(o.placeNames, nfc(d))
		}
		for j, c := range pl.Communes {
			if !districts[key(c.District)] {
				v.add("%s: places[%d].communes[%d].district: %q is not in districts", file, i, j, c.District)
			}
			for _, n := range c.Names {
				o.placeNames = append(o.placeNames, nfc(n))
			}
		}
	}
}

func (o *vocabulary) landUse(file string, s *landUseSpec, v *validationErrors) {
	o.landCodes, o.landPurposes = map[string]bool{}, map[string]string{}
	for i, p := range s.Purposes {
		if len(p.Code) != 3 || strings.ToUpper(p.Code) != p.Code || fold(p.Code) != p.Code {
			v.add("%s: purposes[%d].code: %q is not three Latin capitals", file, i, p.Code)
			continue
		}
		if o.landCodes[p.Code] {
			v.add("%s: purposes[%d].code: duplicate %q", file, i, p.Code)
		}
		o.landCodes[p.Code] = true
		if p.Name != "" {
			o.landPurposes[p.Code] = nfc(p.Name)
		}
	}
}

func (o *vocabulary) stamps(file string, s *stampsSpec, v *validationErrors) {
	conv := func(list string, in []stampSpec) []stampLevel {
		var out []stampLevel
		for i, l := range in {
			if l.Name == "" || len(l.Texts) == 0 {
				v.add("%s: %s[%d]: want a name and texts", file, list, i)
				continue
			}
			for _, t := range l.Texts {
				out = append(out, stampLevel{key(t), nfc(l.Name)})
			}
		}
		if len(out) == 0 {
			v.add("%s: %s: at least one level is required", file, list)
		}
		return out
	}
	o.secrecy, o.urgency = conv("secrecy", s.Secrecy), conv("urgency", s.Urgency)
}

func (o *vocabulary) ocr(file string, s *ocrSpec, v *validationErrors) {
	o.digitOf = map[rune]rune{}
	for i, d := range s.Digits {
		if len(d.Digit) != 1 || d.Digit[0] < '0' || d.Digit[0] > '9' {
			v.add("%s: digits[%d].digit: %q is not a digit", file, i, d.Digit)
			continue
		}
		for j, r := range d.ReadAs {
			rs := []rune(r)
			if len(rs) != 1 {
				v.add("%s: digits[%d].read_as[%d]: %q is not one character", file, i, j, r)
				continue
			}
			o.digitOf[rs[0]] = rune(d.Digit[0])
		}
	}
	oneChar := func(list string, xs []string) {
		for i, x := range xs {
			if len([]rune(x)) != 1 {
				v.add("%s: %s[%d]: %q is not one character", file, list, i, x)
			}
		}
	}
	oneChar("decimal_comma", s.DecimalComma)
	oneChar("superscript_two", s.SuperscriptTwo)
	oneChar("thin_strokes", s.ThinStrokes)
	o.decimalComma, o.superscriptTwo = s.DecimalComma, s.SuperscriptTwo
	o.thinStrokes = strings.Join(s.ThinStrokes, "")
}
