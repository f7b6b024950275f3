package pii

import (
	"fmt"
	"io/fs"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"

	"github.com/sohoa/sohoa/pipelines"
)

// vocabFile is pipelines/pii/vocabulary.yaml.
type vocabFile struct {
	FamilyNames    []string `yaml:"family_names"`
	GivenSyllables []string `yaml:"given_syllables"`
	NotNames       []string `yaml:"not_names"`
	PlaceWords     []string `yaml:"place_words"`
	PlaceAfter     []string `yaml:"place_after"`
	AddressUnits   []struct {
		Word    string `yaml:"word"`
		Level   int    `yaml:"level"`
		English bool   `yaml:"english"`
	} `yaml:"address_units"`
	NotAddress     []string `yaml:"not_address"`
	BodyWords      []string `yaml:"body_words"`
	AddressLabels  []string `yaml:"address_labels"`
	BirthLabels    []string `yaml:"birth_labels"`
	FieldLabels    []string `yaml:"field_labels"`
	NameLabels     []string `yaml:"name_labels"`
	OfficialTitles []string `yaml:"official_titles"`
	CitizenSigns   []string `yaml:"citizen_signs"`
	Ranks          []string `yaml:"ranks"`
	CCCDProvinces  []string `yaml:"cccd_provinces"`
	PersonColumns  []string `yaml:"person_columns"`
	BirthColumns   []string `yaml:"birth_columns"`
	SerialLabels   []string `yaml:"serial_labels"`
	OriginLabels   []string `yaml:"origin_labels"`
}

// unit is an administrative unit word of an address.
type unit struct {
	level   int
	english bool
}

// vocab is the loaded vocabulary, every entry in folded form (see foldKey).
type vocab struct {
	family, given map[string]bool
	// familyExact and givenExact hold the spelled forms (NFC, lower case):
	// an accented word must match one of them ("Tống" is a family name,
	// "Tổng" is not); only accentless words are matched folded.
	familyExact, givenExact map[string]bool
	notNames                [][]string // token sequences
	placeBefore             map[string]bool
	placeAfter              map[string]bool
	units                   map[string]unit // one- to three-word units
	unitsEnglish            map[string]unit
	// unitsExact holds the spelled units, to tell "ấp" from accented words
	// that fold like it.
	unitsExact    map[string]bool
	notAddress    []string
	bodyWords     []string
	addressLabels []string
	birthLabels   []string
	// fieldLabels are the labels of a form's next field, by spelled form
	// (NFC, lower case) and by folded form: a name stops before one.
	fieldLabels, fieldLabelsExact map[string]bool
	nameLabels                    map[string]bool
	officialTitles                []string
	citizenSigns                  []string
	ranks                         map[string]bool
	// nameLabelsExact holds the spelled labels ("bà", not "ba").
	nameLabelsExact map[string]bool
	// addressLabelsExact holds the spelled address labels.
	addressLabelsExact map[string]bool
	provinces          map[string]bool
	// personColumns and birthColumns are table headings of a list of
	// people and of its birth column.
	personColumns, birthColumns []string
	// serialLabels are the labels of a certificate's serial ("Số phát
	// hành"), folded.
	serialLabels []string
	// originLabels label a place of birth or origin, folded.
	originLabels []string
	// unitFirst holds the first word of every unit, to skip other words
	// fast.
	unitFirst map[string]bool
}

func exactSet(xs []string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[lowerNFC(x)] = true
	}
	return m
}

func set(xs []string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[foldKey(x)] = true
	}
	return m
}

func keys(xs []string) []string {
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		if k := foldKey(x); k != "" {
			out = append(out, k)
		}
	}
	return out
}

// parseVocab reads one vocabulary file.
func parseVocab(data []byte) (*vocab, error) {
	var f vocabFile
	if err := yaml.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("pii vocabulary: %w", err)
	}
	if len(f.FamilyNames) == 0 || len(f.GivenSyllables) == 0 || len(f.AddressUnits) == 0 {
		return nil, fmt.Errorf("pii vocabulary: family_names, given_syllables and address_units are required")
	}
	v := &vocab{
		family: set(f.FamilyNames), given: set(f.GivenSyllables),
		placeBefore: set(f.PlaceWords), placeAfter: set(f.PlaceAfter),
		units: map[string]unit{}, unitsEnglish: map[string]unit{}, unitsExact: map[string]bool{},
		notAddress: keys(f.NotAddress), bodyWords: keys(f.BodyWords),
		addressLabels: keys(f.AddressLabels), birthLabels: keys(f.BirthLabels),
		fieldLabels: set(f.FieldLabels), fieldLabelsExact: exactSet(f.FieldLabels),
		nameLabels: set(f.NameLabels), officialTitles: keys(f.OfficialTitles),
		citizenSigns: keys(f.CitizenSigns), provinces: map[string]bool{},
		ranks: set(f.Ranks), nameLabelsExact: exactSet(f.NameLabels),
		addressLabelsExact: exactSet(f.AddressLabels),
		familyExact:        exactSet(f.FamilyNames), givenExact: exactSet(f.GivenSyllables),
		personColumns: keys(f.PersonColumns), birthColumns: keys(f.BirthColumns),
		unitFirst: map[string]bool{}, serialLabels: keys(f.SerialLabels),
		originLabels: keys(f.OriginLabels),
	}
	for _, c := range f.CCCDProvinces {
		if len(c) != 3 || strings.Trim(c, "0123456789") != "" {
			return nil, fmt.Errorf("pii vocabulary: cccd_provinces: %q is not a 3-digit code", c)
		}
		v.provinces[c] = true
	}
	for _, n := range f.NotNames {
		if k := foldKey(n); k != "" {
			v.notNames = append(v.notNames, strings.Fields(k))
		}
	}
	for _, u := range f.AddressUnits {
		if u.Level < 1 || u.Level > 4 {
			return nil, fmt.Errorf("pii vocabulary: address unit %q: level %d is not 1-4", u.Word, u.Level)
		}
		v.unitFirst[strings.Fields(foldKey(u.Word) + " x")[0]] = true
		if u.English {
			v.unitsEnglish[foldKey(u.Word)] = unit{level: u.Level, english: true}
		} else {
			v.units[foldKey(u.Word)] = unit{level: u.Level}
			v.unitsExact[lowerNFC(u.Word)] = true
		}
	}
	return v, nil
}

var (
	defaultOnce sync.Once
	defaultDet  *Detector
	defaultErr  error
)

// Default returns the detector with the shipped vocabulary
// (pipelines/pii/*.yaml, embedded). It is loaded once and safe for
// concurrent use.
func Default() (*Detector, error) {
	defaultOnce.Do(func() {
		var data []byte
		data, defaultErr = fs.ReadFile(pipelines.PII, "pii/vocabulary.yaml")
		if defaultErr != nil {
			defaultErr = fmt.Errorf("pii vocabulary: %w", defaultErr)
			return
		}
		defaultDet, defaultErr = New(data)
	})
	return defaultDet, defaultErr
}

// New returns a detector for the vocabulary in data (the format of
// pipelines/pii/vocabulary.yaml).
func New(data []byte) (*Detector, error) {
	v, err := parseVocab(data)
	if err != nil {
		return nil, err
	}
	return &Detector{v: v}, nil
}
