package search

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// ErrInvalidQuery is wrapped by Search errors caused by the query itself
// (for example a range bound that is neither a number nor an ISO date), so
// callers can answer 400 instead of 500.
var ErrInvalidQuery = errors.New("search: invalid query")

// Page size limits applied by PrepareQuery.
const (
	DefaultSize = 10  // hits per page when Query.Size is 0
	MaxSize     = 100 // largest page a query may ask for
	// MaxQueryTerms bounds how many words and phrases of Query.Text are used.
	MaxQueryTerms = 32
	// FuzzyMinRunes is the shortest folded term that is matched with one
	// edit of typo tolerance; shorter terms must match exactly.
	// Six rather than five: five-letter Vietnamese syllables one letter
	// apart are everywhere ("thong"/"thang"), so typo tolerance on them
	// would flood results.
	FuzzyMinRunes = 6
	// FuzzyPrefixRunes is how many leading runes a typo-tolerant match must
	// share with the query term. Two keeps Vietnamese syllables such as
	// "thong"/"trong" or "thuong"/"truong" apart.
	FuzzyPrefixRunes = 2
)

// Doc is a Record prepared for indexing: the text in the exact (NFC) and
// folded forms and the field values split by kind. Both backends index a Doc,
// so the Vietnamese handling is identical whichever backend runs.
type Doc struct {
	ID      string
	BatchID string
	Name    string
	Title   string // NFC, original case, white space collapsed: shown in hits
	DocType string
	Class   string // class ID
	// Pipeline is the pipeline that produced the record.
	Pipeline string
	Issuer   string // NFC, original case, white space collapsed: shown in hits and facets
	// IssuerNorm is Normalize(Issuer), the form the issuer filter matches.
	IssuerNorm string
	IssuedDate time.Time
	// Year is the year of IssuedDate as four digits, "" when the date is unknown.
	Year  string
	Pages int
	// Text is the redacted text in NFC with its original case and spacing:
	// snippets are cut from it.
	Text string
	// TextFolded and TitleFolded are Fold of Text and Title.
	TextFolded  string
	TitleFolded string
	// Keywords holds every field value after Normalize, by field name. It
	// includes the record's metadata (doc_type, issuer, batch_id, pipeline,
	// issued_date) unless Fields already has a value for that name.
	Keywords map[string][]string
	// Numbers and Dates hold the values of Keywords that parse as numbers or
	// ISO dates (YYYY-MM-DD or RFC 3339), for range filters.
	Numbers map[string][]float64
	Dates   map[string][]time.Time
	Blind   []string
}

// Prepare turns a record into the Doc that backends index.
func Prepare(r Record) Doc {
	d := Doc{
		ID:         r.ID,
		BatchID:    r.BatchID,
		Name:       norm.NFC.String(r.Name),
		Title:      collapse(norm.NFC.String(r.Title)),
		DocType:    r.DocType,
		Class:      r.Class,
		Pipeline:   r.Pipeline,
		Issuer:     collapse(norm.NFC.String(r.Issuer)),
		IssuerNorm: Normalize(r.Issuer),
		IssuedDate: r.IssuedDate,
		Pages:      r.Pages,
		Text:       norm.NFC.String(strings.ToValidUTF8(r.Text, "\uFFFD")),
		Keywords:   map[string][]string{},
		Numbers:    map[string][]float64{},
		Dates:      map[string][]time.Time{},
		Blind:      append([]string(nil), r.Blind...),
	}
	d.TextFolded = Fold(d.Text)
	d.TitleFolded = Fold(d.Title)
	if !r.IssuedDate.IsZero() {
		d.Year = fmt.Sprintf("%04d", r.IssuedDate.Year())
	}
	names := make([]string, 0, len(r.Fields))
	for name := range r.Fields {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		for _, v := range r.Fields[name] {
			d.addValue(name, v)
		}
	}
	meta := []struct{ name, value string }{
		{"doc_type", r.DocType},
		{"class", r.Class},
		{"issuer", r.Issuer},
		{"batch_id", r.BatchID},
		{"pipeline", r.Pipeline},
	}
	if !r.IssuedDate.IsZero() {
		meta = append(meta, struct{ name, value string }{"issued_date", r.IssuedDate.Format(time.DateOnly)})
	}
	for _, m := range meta {
		if _, ok := r.Fields[m.name]; !ok && m.value != "" {
			d.addValue(m.name, m.value)
		}
	}
	return d
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

func (d *Doc) addValue(name, v string) {
	n := Normalize(v)
	if n == "" {
		return
	}
	d.Keywords[name] = append(d.Keywords[name], n)
	if f, ok := parseNumber(n); ok {
		d.Numbers[name] = append(d.Numbers[name], f)
	}
	if t, _, ok := parseDate(n); ok {
		d.Dates[name] = append(d.Dates[name], t)
	}
}

// parseNumber accepts plain decimal numbers ("412", "1250.5", "-3").
func parseNumber(s string) (float64, bool) {
	if s == "" || strings.ContainsAny(s, "xXpP_") { // no hex floats, no underscores
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, false
	}
	return f, true
}

// parseDate accepts an ISO date (YYYY-MM-DD, taken as UTC midnight) or an
// RFC 3339 time. dateOnly reports which one it was. Years outside 1678-2261
// are rejected because they do not fit in nanoseconds since 1970.
func parseDate(s string) (t time.Time, dateOnly, ok bool) {
	if len(s) == len(time.DateOnly) {
		if t, err := time.Parse(time.DateOnly, s); err == nil {
			return t, true, t.Year() > 1677 && t.Year() < 2262
		}
	}
	t, err := time.Parse(time.RFC3339, strings.ToUpper(s))
	if err != nil {
		return time.Time{}, false, false
	}
	return t, false, t.Year() > 1677 && t.Year() < 2262
}

// PreparedQuery is a Query checked and normalised for the backends.
type PreparedQuery struct {
	// Words are the free-text words outside quotes, in the exact form
	// (Normalize) and the folded form (Fold). Both are "" when absent.
	Words       string
	WordsFolded string
	// Phrases are the quoted phrases in the exact and folded forms, pairwise.
	Phrases       []string
	PhrasesFolded []string
	// Text is the whole free text, used to mark snippets.
	Text     string
	DocType  string
	Class    string
	Issuer   string // Normalize(Query.Issuer)
	BatchID  string
	Dates    TimeRange // on issued_date
	Fields   map[string]string
	Numbers  map[string]NumberRange
	DateRngs map[string]TimeRange
	Blind    []string
	// Lookups are Query.Lookups with blank tokens dropped; a lookup left
	// with one token has it in both Exact and Folded.
	Lookups []BlindLookup
	// Sort is "relevance", "date" or "-date".
	Sort   string
	Offset int
	Size   int
}

// HasText reports whether the query has any free text.
func (p PreparedQuery) HasText() bool { return p.WordsFolded != "" || len(p.PhrasesFolded) > 0 }

// TimeRange is a half-open time interval [From, Before); a zero side is unbounded.
type TimeRange struct {
	From   time.Time
	Before time.Time
}

// IsZero reports whether the range is unbounded on both sides.
func (r TimeRange) IsZero() bool { return r.From.IsZero() && r.Before.IsZero() }

// NumberRange is a closed interval; a nil side is unbounded.
type NumberRange struct {
	GTE *float64
	LTE *float64
}

// PrepareQuery validates q and puts it in the form the backends use. Errors
// wrap ErrInvalidQuery.
func PrepareQuery(q Query) (PreparedQuery, error) {
	p := PreparedQuery{
		DocType:  strings.TrimSpace(q.DocType),
		Class:    strings.TrimSpace(q.Class),
		Issuer:   Normalize(q.Issuer),
		BatchID:  strings.TrimSpace(q.BatchID),
		Fields:   map[string]string{},
		Numbers:  map[string]NumberRange{},
		DateRngs: map[string]TimeRange{},
		Offset:   q.Offset,
		Size:     q.Size,
	}
	words, phrases := SplitText(q.Text)
	if len(Words(words)) > 0 { // punctuation alone is no text
		p.Words = Normalize(words)
		p.WordsFolded = Fold(words)
	}
	for _, ph := range phrases {
		if f := Fold(ph); len(Words(f)) > 0 {
			p.Phrases = append(p.Phrases, Normalize(ph))
			p.PhrasesFolded = append(p.PhrasesFolded, f)
		}
	}
	p.Text = Normalize(q.Text)
	if p.Offset < 0 {
		p.Offset = 0
	}
	switch {
	case p.Size <= 0:
		p.Size = DefaultSize
	case p.Size > MaxSize:
		p.Size = MaxSize
	}
	switch q.Sort {
	case "", "relevance":
		p.Sort = "relevance"
	case "date", "-date":
		p.Sort = q.Sort
	default:
		return PreparedQuery{}, fmt.Errorf("%w: sort %q (want relevance, date or -date)", ErrInvalidQuery, q.Sort)
	}
	if !q.From.IsZero() {
		p.Dates.From = q.From
	}
	if !q.To.IsZero() {
		p.Dates.Before = endOf(q.To)
	}
	for name, v := range q.Fields {
		name = strings.TrimSpace(name)
		if name == "" {
			return PreparedQuery{}, fmt.Errorf("%w: empty field name", ErrInvalidQuery)
		}
		p.Fields[name] = Normalize(v)
	}
	for name, r := range q.Ranges {
		name = strings.TrimSpace(name)
		gte, lte := Normalize(r.GTE), Normalize(r.LTE)
		if name == "" {
			return PreparedQuery{}, fmt.Errorf("%w: empty field name in range", ErrInvalidQuery)
		}
		if gte == "" && lte == "" {
			continue
		}
		if nr, ok := numberRange(gte, lte); ok {
			p.Numbers[name] = nr
			continue
		}
		if tr, ok := timeRange(gte, lte); ok {
			p.DateRngs[name] = tr
			continue
		}
		return PreparedQuery{}, fmt.Errorf("%w: range on %s: bounds %q..%q are neither numbers nor ISO dates (YYYY-MM-DD)", ErrInvalidQuery, name, r.GTE, r.LTE)
	}
	for _, b := range q.Blind {
		if b = strings.TrimSpace(b); b != "" {
			p.Blind = append(p.Blind, b)
		}
	}
	for _, l := range q.Lookups {
		l.Exact, l.Folded = strings.TrimSpace(l.Exact), strings.TrimSpace(l.Folded)
		switch {
		case l.Exact == "" && l.Folded == "":
			continue
		case l.Exact == "":
			l.Exact = l.Folded
		case l.Folded == "":
			l.Folded = l.Exact
		}
		p.Lookups = append(p.Lookups, l)
	}
	return p, nil
}

// endOf returns the exclusive end of the day when t is a midnight (a date
// without a time), and just after t otherwise, so that "To" is inclusive.
func endOf(t time.Time) time.Time {
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0 {
		return t.AddDate(0, 0, 1)
	}
	return t.Add(time.Nanosecond)
}

func numberRange(gte, lte string) (NumberRange, bool) {
	var nr NumberRange
	if gte != "" {
		f, ok := parseNumber(gte)
		if !ok {
			return NumberRange{}, false
		}
		nr.GTE = &f
	}
	if lte != "" {
		f, ok := parseNumber(lte)
		if !ok {
			return NumberRange{}, false
		}
		nr.LTE = &f
	}
	return nr, true
}

func timeRange(gte, lte string) (TimeRange, bool) {
	var tr TimeRange
	if gte != "" {
		t, _, ok := parseDate(gte)
		if !ok {
			return TimeRange{}, false
		}
		tr.From = t
	}
	if lte != "" {
		t, _, ok := parseDate(lte)
		if !ok {
			return TimeRange{}, false
		}
		tr.Before = endOf(t)
	}
	return tr, true
}

// SplitText separates the quoted phrases of a free-text query ("..." or
// “...”) from the remaining words. An unbalanced quote is ignored. At most
// MaxQueryTerms space-separated words and phrases are kept; the backends
// tokenise the words further with their own analysers.
func SplitText(s string) (words string, phrases []string) {
	var rest, cur strings.Builder
	in := false
	for _, r := range s {
		switch {
		case r == '"' || r == '“' || r == '”':
			if in {
				if p := strings.TrimSpace(cur.String()); p != "" {
					phrases = append(phrases, p)
				}
				cur.Reset()
			}
			in = !in
			rest.WriteByte(' ')
		case in:
			cur.WriteRune(r)
		default:
			rest.WriteRune(r)
		}
	}
	if in { // unbalanced quote: treat the tail as words
		rest.WriteString(cur.String())
	}
	if len(phrases) > MaxQueryTerms {
		phrases = phrases[:MaxQueryTerms]
	}
	ws := strings.Fields(rest.String())
	if max := MaxQueryTerms - len(phrases); len(ws) > max {
		ws = ws[:max]
	}
	return strings.Join(ws, " "), phrases
}

// Words splits s into words: maximal runs of letters, digits and combining
// marks. It is the tokenisation used for snippets and query terms; the
// backends' Unicode word tokenisers agree with it on Vietnamese text.
func Words(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !isWordRune(r) })
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.M, r)
}
