package extract

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// placeNames are the districts, towns and communes of the province whose
// places the gazetteer lists (vocab/gazetteer.yaml, places: Cà Mau, the
// province sohoa was built for). OCR loses or confuses the marks of place
// names on bold header lines and in addresses ("huyện Ngọc Hiến", "xã
// Phòng Lạc", "TRẤN VĂN TIHƠI"); a name that follows an administrative
// unit word and is spelled like one of these but for its marks, or one
// letter, is re-spelled. Names of other provinces are left alone (see
// repairProvinces for the provinces themselves).
var placeNames = voc.placeNames

// placeIndex maps a place name's key (folded, upper case) to its spelling;
// placeKeys are the keys in placeNames order.
var placeIndex, placeKeys = func() (map[string]string, []string) {
	m := map[string]string{}
	var ks []string
	for _, p := range placeNames {
		m[key(p)] = p
		ks = append(ks, key(p))
	}
	return m, ks
}()

// placeUnits are the unit words after which a place name follows (key
// form, longest first; district and commune units of
// vocab/admin_units.yaml and their Party committees).
var placeUnits = voc.placeUnits

// repairPlaces re-spells the place names that follow unit words in s
// ("huyện Ngọc Hiến" -> "huyện Ngọc Hiển"), keeping the case of the text.
func repairPlaces(s string) (string, bool) {
	words, keys := placeWords(s)
	// Another province's places are not in the list.
	home := strings.Fields(voc.homeKey)
	for i, k := range keys {
		if k == "TINH" && i+1 < len(keys) && keys[i+1] != "UY" && !slices.Equal(keys[i+1:min(len(keys), i+1+len(home))], home) {
			return s, false
		}
	}
	changed := false
	for i := 0; i < len(words); i++ {
		n := unitAt(keys, i)
		if n == 0 {
			continue
		}
		if j := i + n; j < len(words) {
			if k, ok := respellPlace(words, keys, j); ok {
				changed = true
				i = j + k - 1
			}
		}
	}
	if !changed {
		return s, false
	}
	return strings.Join(words, " "), true
}

// repairPlaceName re-spells a bare place name ("Đầm Doi" as the place of
// issue).
func repairPlaceName(s string) (string, bool) {
	words, keys := placeWords(s)
	if n, ok := respellPlace(words, keys, 0); ok && n == len(words) {
		return strings.Join(words, " "), true
	}
	return s, false
}

// placeWords splits s into words and their keys without punctuation.
func placeWords(s string) (words, keys []string) {
	words = strings.Fields(s)
	keys = make([]string, len(words))
	for i, w := range words {
		keys[i] = key(strings.Trim(w, ",.;:()"))
	}
	return words, keys
}

// unitAt returns the number of words of the unit word starting at i, or 0.
func unitAt(keys []string, i int) int {
	for _, u := range placeUnits {
		if i+len(u) > len(keys) {
			continue
		}
		ok := true
		for k, w := range u {
			if keys[i+k] != w {
				ok = false
				break
			}
		}
		if ok {
			return len(u)
		}
	}
	return 0
}

// respellPlace matches the longest place name starting at word j, exactly
// but for marks, or with one letter wrong in a name of six letters or more,
// and writes its spelling into words. It returns the words matched.
func respellPlace(words, keys []string, j int) (int, bool) {
	for n := min(4, len(words)-j); n >= 1; n-- {
		last := words[j+n-1]
		trail := last[len(strings.TrimRight(last, ",.;:")):]
		k := strings.Join(keys[j:j+n], " ")
		spelling, ok := placeIndex[k]
		if !ok && utf8.RuneCountInString(k) >= 6 {
			for i, pk := range placeKeys {
				if len(strings.Fields(pk)) == n && levenshtein(k, pk) == 1 {
					spelling, ok = placeNames[i], true
					break
				}
			}
		}
		if !ok {
			continue
		}
		repl := strings.Fields(spelling)
		if len(repl) != n {
			return n, false
		}
		same := true
		for i := range repl {
			orig := strings.TrimRight(words[j+i], ",.;:")
			if orig == strings.ToUpper(orig) {
				repl[i] = strings.ToUpper(repl[i])
			}
			same = same && repl[i] == orig
		}
		if same {
			return n, false
		}
		repl[n-1] += trail
		copy(words[j:j+n], repl)
		return n, true
	}
	return 0, false
}
