package extract

import "strings"

// buildNameVocab builds the name vocabulary from the detector's name
// syllables (pii/vocabulary.yaml: family_names, given_syllables) and the
// extractor's preferences between syllables that fold alike
// (vocab/names.yaml: prefer). Family names fill the family position; given
// syllables the middle and given positions. A preferred spelling comes
// first in its position; a restored one (restore) also takes the place of
// its letters without marks there.
func buildNameVocab(piiFile, namesFile string, p *piiNamesSpec, n *namesSpec, v *validationErrors) *nameVocab {
	nv := &nameVocab{family: map[string][]string{}, middle: map[string][]string{}, given: map[string][]string{}, known: map[string][]string{}}
	if len(p.FamilyNames) == 0 || len(p.GivenSyllables) == 0 {
		v.add("%s: family_names and given_syllables are required (the extractor's name syllables)", piiFile)
	}
	listed := map[string]bool{}
	add := func(m map[string][]string, list []string) {
		for _, s := range list {
			s = nfc(s)
			k := strings.ToLower(fold(s))
			listed[s] = true
			if !contains(m[k], s) {
				m[k] = append(m[k], s)
			}
			if !contains(nv.known[k], s) {
				nv.known[k] = append(nv.known[k], s)
			}
		}
	}
	add(nv.family, p.FamilyNames)
	nv.surnames = map[string]bool{}
	for _, s := range p.FamilyNames {
		nv.surnames[strings.ToLower(fold(nfc(s)))] = true
	}
	add(nv.middle, p.GivenSyllables)
	add(nv.given, p.GivenSyllables)
	prefer := func(key, pos string, m map[string][]string, list []string, restore bool) {
		for i, s := range list {
			s = nfc(s)
			if !listed[s] {
				v.add("%s: %s.%s[%d]: %q is not a syllable of %s", namesFile, key, pos, i, s, piiFile)
				continue
			}
			k := strings.ToLower(fold(s))
			rest := []string{s}
			for _, x := range m[k] {
				// restore: a spelling without marks is OCR's loss of this
				// one's in this position ("Thi" in the middle is Thị).
				if x != s && !(restore && fold(x) == x) {
					rest = append(rest, x)
				}
			}
			m[k] = rest
		}
	}
	for _, p := range []struct {
		key       string
		restore   bool
		positions namePositions
	}{{"prefer", false, n.Prefer}, {"restore", true, n.Restore}} {
		prefer(p.key, "family", nv.family, p.positions.Family, p.restore)
		prefer(p.key, "middle", nv.middle, p.positions.Middle, p.restore)
		prefer(p.key, "given", nv.given, p.positions.Given, p.restore)
	}
	return nv
}
