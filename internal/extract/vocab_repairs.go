package extract

import (
	"sort"
	"strings"
)

// Field repairs are named in a field's YAML entry (repairs: [...]) and
// applied, in order, to its values after extraction; a repaired value's
// confidence is lowered a little. Each repair restores what OCR lost from
// what the document or the domain knows (see pipelines/README.md, "OCR
// repairs").

// repairEnv is what a repair may use besides the value: the name
// vocabulary and the document's own spellings (built on first use).
type repairEnv struct {
	names    *nameVocab
	pages    []*page
	variants wordVariants
}

func (e *repairEnv) docVariants() wordVariants {
	if e.variants == nil {
		e.variants = docVariants(e.pages)
	}
	return e.variants
}

// repairFunc re-spells one value and reports whether it changed it.
type repairFunc func(env *repairEnv, s string) (string, bool)

// repairs lists the named repairs usable in pipeline files.
var repairs = map[string]repairFunc{
	// person_name: syllables of a personal name from the name vocabulary.
	"person_name": func(env *repairEnv, s string) (string, bool) { return env.names.repairName(s) },
	// position: a signing title from vocab/signing.yaml.
	"position": func(_ *repairEnv, s string) (string, bool) { return repairPosition(s) },
	// doc_spelling: words without marks as the document spells them elsewhere.
	"doc_spelling": func(env *repairEnv, s string) (string, bool) { return env.docVariants().repairText(s) },
	// doc_names: as doc_spelling, also for words with wrong marks (proper names).
	"doc_names": func(env *repairEnv, s string) (string, bool) { return env.docVariants().repairNames(s) },
	// body_phrases: words of bodies' names from vocab/bodies.yaml.
	"body_phrases": func(_ *repairEnv, s string) (string, bool) { return repairIssuer(s) },
	// provinces: province names from vocab/gazetteer.yaml.
	"provinces": func(_ *repairEnv, s string) (string, bool) { return repairProvinces(s) },
	// places: place names after a unit word, from vocab/gazetteer.yaml.
	"places": func(_ *repairEnv, s string) (string, bool) { return repairPlaces(s) },
	// place_name: the whole value is a place name of vocab/gazetteer.yaml.
	"place_name": func(_ *repairEnv, s string) (string, bool) { return repairPlaceName(s) },
	// land_purpose: the purpose named by its code, from vocab/land_use.yaml.
	"land_purpose": func(_ *repairEnv, s string) (string, bool) { return repairLandPurpose(s) },
	// ref_slashes: slashes of dates and quoted numbers read as I, l, J, ! or |.
	"ref_slashes": func(_ *repairEnv, s string) (string, bool) { return repairRefSlashes(s) },
	// address: unit words of vocab/admin_units.yaml, the document's
	// spellings and provinces.
	"address": func(env *repairEnv, s string) (string, bool) { return repairAddress(s, env.docVariants()) },
}

// repairNames lists the known repairs, for error messages.
func repairNames() string {
	out := make([]string, 0, len(repairs))
	for k := range repairs {
		out = append(out, k)
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}

// repairAccents applies each field's repairs (c's field definitions) to
// the extracted values; a repaired value's confidence is lowered a little.
// The document's own spellings come first in a list of repairs; the lists
// of body names, provinces and places have the last word.
func repairAccents(fields map[string]Field, c *class, pages []*page) {
	env := &repairEnv{names: defaultNameVocab(), pages: pages}
	done := map[string]bool{}
	for _, fd := range c.fields {
		f, ok := fields[fd.name]
		if !ok || len(fd.repairs) == 0 || done[fd.name] {
			continue
		}
		done[fd.name] = true
		fix := func(s string) (string, bool) {
			changed := false
			for _, r := range fd.repairs {
				var ch bool
				s, ch = r(env, s)
				changed = changed || ch
			}
			return s, changed
		}
		any := false
		if v, ok := fix(f.Value); ok {
			f.Value, any = v, true
		}
		for i, v := range f.Values {
			if v2, ok := fix(v); ok {
				f.Values[i], any = v2, true
			}
		}
		if any {
			f.Confidence = round3(f.Confidence * 0.9)
			fields[fd.name] = f
		}
	}
}
