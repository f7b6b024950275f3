package search

import (
	"errors"
	"math"
	"testing"
	"time"
)

// FuzzPrepareQuery: whatever a user types in the search box and the filter
// fields, PrepareQuery never panics, refuses only with ErrInvalidQuery, and
// hands the backends a query within bounds.
func FuzzPrepareQuery(f *testing.F) {
	seeds := []struct{ text, field, value, gte, lte, sort string }{
		{"quyết định \"giao đất\" 2019", "parcel_no", "123", "10", "20.5", ""},
		{"\"unterminated", "area_m2", "", "1e308", "1e309", "date"},
		{"\"\"\"", "", "x", "2019-01-01", "2019-12-31", "-date"},
		{"\xff\xfe\x00", "issued", "\x00", "NaN", "Inf", "relevance"},
		{"  ", " ", " ", "0x1p3", "1_000", "bogus"},
		{"Công văn số 12/UBND-VP", "date", "", "1677-12-31", "2262-01-01", ""},
		{"", "f", "", "2019-02-30", "2019-13-01T25:00:00Z", ""},
	}
	for _, s := range seeds {
		f.Add(s.text, s.field, s.value, s.gte, s.lte, s.sort, -1, 1000, int64(0))
	}
	f.Fuzz(func(t *testing.T, text, field, value, gte, lte, sort string, offset, size int, unix int64) {
		q := Query{
			Text: text, DocType: value, Issuer: value, BatchID: value,
			From: time.Unix(unix, 0).UTC(), To: time.Unix(unix, 0).UTC().Add(time.Hour),
			Fields: map[string]string{field: value},
			Ranges: map[string]Range{field: {GTE: gte, LTE: lte}},
			Blind:  []string{value, text},
			Sort:   sort, Offset: offset, Size: size,
		}
		p, err := PrepareQuery(q)
		if err != nil {
			if !errors.Is(err, ErrInvalidQuery) {
				t.Fatalf("error %v does not wrap ErrInvalidQuery", err)
			}
			return
		}
		switch {
		case p.Size < 1 || p.Size > MaxSize:
			t.Fatalf("Size %d outside 1..%d", p.Size, MaxSize)
		case p.Offset < 0:
			t.Fatalf("Offset %d", p.Offset)
		case p.Sort != "relevance" && p.Sort != "date" && p.Sort != "-date":
			t.Fatalf("Sort %q", p.Sort)
		case len(p.Phrases) != len(p.PhrasesFolded):
			t.Fatalf("%d phrases, %d folded", len(p.Phrases), len(p.PhrasesFolded))
		}
		for name, nr := range p.Numbers {
			for _, v := range []*float64{nr.GTE, nr.LTE} {
				if v != nil && (math.IsNaN(*v) || math.IsInf(*v, 0)) {
					t.Fatalf("range on %s has bound %v", name, *v)
				}
			}
		}
		for _, b := range p.Blind {
			if b == "" {
				t.Fatal("empty blind token")
			}
		}
	})
}
