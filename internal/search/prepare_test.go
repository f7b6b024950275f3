package search

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestSplitText(t *testing.T) {
	tests := []struct {
		in      string
		words   string
		phrases []string
	}{
		{in: "", words: ""},
		{in: "quyet  dinh", words: "quyet dinh"},
		{in: `"đất ở" nông thôn`, words: "nông thôn", phrases: []string{"đất ở"}},
		{in: `a “b c” d "e"`, words: "a d", phrases: []string{"b c", "e"}},
		{in: `x "unbalanced y`, words: "x unbalanced y"},
		{in: `"" z`, words: "z"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			words, phrases := SplitText(tt.in)
			if words != tt.words {
				t.Errorf("words = %q, want %q", words, tt.words)
			}
			if diff := cmp.Diff(tt.phrases, phrases); diff != "" {
				t.Errorf("phrases (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPrepare(t *testing.T) {
	d := Prepare(Record{
		ID: "x", Title: "  Quyết   định ", Issuer: "UBND  tỉnh Cà Mau", DocType: "quyet_dinh",
		IssuedDate: time.Date(2022, 7, 14, 0, 0, 0, 0, time.UTC), Pipeline: "admin", BatchID: "b1",
		Text: "Quyết định", Blind: []string{"cccd:ab"},
		Fields: map[string][]string{
			"area_m2":     {"1250.5"},
			"birth_dates": {"1969", "2001-02-03"},
			"doc_symbol":  {"QĐ-UBND"},
			"issuer":      {"Ủy ban nhân dân tỉnh Cà Mau"},
			"empty":       {"  "},
		},
	})
	want := Doc{
		ID: "x", BatchID: "b1", Title: "Quyết định", DocType: "quyet_dinh", Pipeline: "admin",
		Issuer: "UBND tỉnh Cà Mau", IssuerNorm: "ubnd tỉnh cà mau",
		IssuedDate: time.Date(2022, 7, 14, 0, 0, 0, 0, time.UTC), Year: "2022",
		Text: "Quyết định", TextFolded: "quyet dinh", TitleFolded: "quyet dinh",
		Keywords: map[string][]string{
			"area_m2": {"1250.5"}, "birth_dates": {"1969", "2001-02-03"}, "doc_symbol": {"qđ-ubnd"},
			"issuer":   {"ủy ban nhân dân tỉnh cà mau"}, // Fields win over metadata
			"doc_type": {"quyet_dinh"}, "batch_id": {"b1"}, "pipeline": {"admin"}, "issued_date": {"2022-07-14"},
		},
		Numbers: map[string][]float64{"area_m2": {1250.5}, "birth_dates": {1969}},
		Dates: map[string][]time.Time{
			"birth_dates": {time.Date(2001, 2, 3, 0, 0, 0, 0, time.UTC)},
			"issued_date": {time.Date(2022, 7, 14, 0, 0, 0, 0, time.UTC)},
		},
		Blind: []string{"cccd:ab"},
	}
	if diff := cmp.Diff(want, d); diff != "" {
		t.Errorf("Prepare (-want +got):\n%s", diff)
	}
}

func TestPrepareQuery(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		name    string
		q       Query
		want    PreparedQuery
		wantErr bool
	}{
		{
			name: "defaults",
			q:    Query{},
			want: PreparedQuery{Sort: "relevance", Size: DefaultSize},
		},
		{
			name: "text, paging and sort",
			q:    Query{Text: ` Quyết "Đất Ở" `, Offset: -3, Size: 1000, Sort: "-date"},
			want: PreparedQuery{
				Words: "quyết", WordsFolded: "quyet", Phrases: []string{"đất ở"}, PhrasesFolded: []string{"dat o"},
				Text: `quyết "đất ở"`, Sort: "-date", Size: MaxSize,
			},
		},
		{
			name: "filters",
			q: Query{
				DocType: "qd", Issuer: " UBND  Tỉnh ", BatchID: "b", From: day(2022, 1, 1), To: day(2022, 12, 31),
				Fields:  map[string]string{"parcel_no": " 412 "},
				Ranges:  map[string]Range{"area_m2": {GTE: "10", LTE: "20.5"}, "issued_date": {LTE: "2020-01-31"}, "none": {}},
				Blind:   []string{" cccd:1 ", ""},
				Lookups: []BlindLookup{{Exact: " n:1 ", Folded: "f:1"}, {Exact: "n:2"}, {Folded: " f:3"}, {Exact: " "}},
			},
			want: PreparedQuery{
				DocType: "qd", Issuer: "ubnd tỉnh", BatchID: "b",
				Dates:    TimeRange{From: day(2022, 1, 1), Before: day(2023, 1, 1)},
				Fields:   map[string]string{"parcel_no": "412"},
				Numbers:  map[string]NumberRange{"area_m2": {GTE: f(10), LTE: f(20.5)}},
				DateRngs: map[string]TimeRange{"issued_date": {Before: day(2020, 2, 1)}},
				Blind:    []string{"cccd:1"}, Sort: "relevance", Size: DefaultSize,
				Lookups: []BlindLookup{{Exact: "n:1", Folded: "f:1"}, {Exact: "n:2", Folded: "n:2"}, {Exact: "f:3", Folded: "f:3"}},
			},
		},
		{name: "bad sort", q: Query{Sort: "name"}, wantErr: true},
		{name: "bad range", q: Query{Ranges: map[string]Range{"x": {GTE: "1e"}}}, wantErr: true},
		{name: "hex is not a number", q: Query{Ranges: map[string]Range{"x": {GTE: "0x10"}}}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := PrepareQuery(tt.q)
			if tt.wantErr {
				if !errors.Is(err, ErrInvalidQuery) {
					t.Errorf("error = %v, want ErrInvalidQuery", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("PrepareQuery: %v", err)
			}
			for _, m := range []*map[string]string{&tt.want.Fields} {
				if *m == nil {
					*m = map[string]string{}
				}
			}
			if tt.want.Numbers == nil {
				tt.want.Numbers = map[string]NumberRange{}
			}
			if tt.want.DateRngs == nil {
				tt.want.DateRngs = map[string]TimeRange{}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("PrepareQuery (-want +got):\n%s", diff)
			}
		})
	}
}
