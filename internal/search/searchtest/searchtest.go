// Package searchtest is the conformance suite every search.Index backend
// must pass. A backend's own test calls Run with a function that opens a
// fresh, empty index:
//
//	func TestConformance(t *testing.T) {
//		searchtest.Run(t, func(t *testing.T) search.Index { ... })
//	}
//
// The suite indexes Corpus and checks accent folding, ranking, phrases,
// typo tolerance, every filter, blind-index lookups, facets, pagination,
// sorting, snippets, idempotent re-indexing, deletion and counting.
package searchtest

import (
	"context"
	"errors"
	"html"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sohoa/sohoa/internal/search"
)

// Run runs the conformance suite. open must return a new, empty index; the
// suite closes it at the end of the test that opened it.
func Run(t *testing.T, open func(t *testing.T) search.Index) {
	t.Run("read", func(t *testing.T) {
		ix := openLoaded(t, open)
		runMatching(t, ix)
		runRanking(t, ix)
		runFacets(t, ix)
		runPaging(t, ix)
		runSnippets(t, ix)
		runInvalid(t, ix)
	})
	t.Run("write", func(t *testing.T) {
		runWrites(t, open)
	})
}

func openLoaded(t *testing.T, open func(t *testing.T) search.Index) search.Index {
	t.Helper()
	ix := open(t)
	t.Cleanup(func() {
		if err := ix.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	ctx := context.Background()
	for _, r := range Corpus() {
		if err := ix.Index(ctx, r); err != nil {
			t.Fatalf("Index(%s): %v", r.ID, err)
		}
	}
	if n, err := ix.Count(ctx); err != nil || n != len(Corpus()) {
		t.Fatalf("Count after indexing the corpus = %d, %v; want %d", n, err, len(Corpus()))
	}
	return ix
}

func mustSearch(t *testing.T, ix search.Index, q search.Query) search.Result {
	t.Helper()
	res, err := ix.Search(context.Background(), q)
	if err != nil {
		t.Fatalf("Search(%+v): %v", q, err)
	}
	return res
}

func ids(res search.Result) []string {
	out := make([]string, 0, len(res.Hits))
	for _, h := range res.Hits {
		out = append(out, h.ID)
	}
	return out
}

func sortedIDs(res search.Result) []string {
	out := ids(res)
	sort.Strings(out)
	return out
}

// runMatching checks which records match, regardless of order.
func runMatching(t *testing.T, ix search.Index) {
	all := []string{"bc-typo", "cv-dat", "gcn-412", "gcn-413", "qd-cds", "qd-ocr"}
	tests := []struct {
		name string
		q    search.Query
		want []string // sorted
	}{
		{name: "empty query matches all", q: search.Query{}, want: all},
		{name: "punctuation only is no text", q: search.Query{Text: ` - / "" ? `, DocType: "giay_chung_nhan"}, want: []string{"gcn-412", "gcn-413"}},
		{name: "accentless decision", q: search.Query{Text: "quyet dinh chuyen doi so"}, want: []string{"qd-cds", "qd-ocr"}},
		{name: "accentless land", q: search.Query{Text: "dat o nong thon"}, want: []string{"cv-dat", "gcn-412"}},
		{name: "accented query also finds unaccented copy", q: search.Query{Text: "Quyết định chuyển đổi số"}, want: []string{"qd-cds", "qd-ocr"}},
		{name: "upper case query", q: search.Query{Text: "ĐẤT Ở NÔNG THÔN"}, want: []string{"cv-dat", "gcn-412"}},
		{name: "all words required", q: search.Query{Text: "chuyen doi so nong thon"}, want: []string{}},
		{name: "title words", q: search.Query{Text: "thua 413"}, want: []string{"gcn-413"}},
		{name: "phrase exact", q: search.Query{Text: `"đất ở nông thôn"`}, want: []string{"cv-dat"}},
		{name: "phrase accentless", q: search.Query{Text: `"dat o nong thon"`}, want: []string{"cv-dat"}},
		{name: "phrase with curly quotes", q: search.Query{Text: "“đất ở tại nông thôn”"}, want: []string{"gcn-412"}},
		{name: "phrase and word", q: search.Query{Text: `"giay chung nhan" 413`}, want: []string{"gcn-413"}},
		{name: "typo tolerance on long word", q: search.Query{Text: "chuyen doi so"}, want: []string{"bc-typo", "qd-cds", "qd-ocr"}},
		{name: "no typo tolerance on five letters", q: search.Query{Text: "thong tin"}, want: []string{"bc-typo", "cv-dat"}},
		{name: "typo tolerance keeps the first two letters", q: search.Query{Text: "khuyen"}, want: []string{}},
		{name: "short word is exact", q: search.Query{Text: "dan"}, want: []string{"cv-dat", "qd-cds", "qd-ocr"}},
		{name: "doc type", q: search.Query{DocType: "giay_chung_nhan"}, want: []string{"gcn-412", "gcn-413"}},
		{name: "class", q: search.Query{Class: "decision"}, want: []string{"qd-cds", "qd-ocr"}},
		{name: "class is not doc type", q: search.Query{Class: "quyet_dinh"}, want: []string{}},
		{name: "doc type is not class", q: search.Query{DocType: "decision"}, want: []string{}},
		{name: "class and text", q: search.Query{Text: "dat", Class: "official_letter"}, want: []string{"cv-dat"}},
		{name: "class as field", q: search.Query{Fields: map[string]string{"class": "land_certificate"}}, want: []string{"gcn-412", "gcn-413"}},
		{name: "issuer normalised", q: search.Query{Issuer: "ubnd  TỈNH cà mau"}, want: []string{"qd-cds", "qd-ocr"}},
		{name: "issuer is not folded", q: search.Query{Issuer: "ubnd tinh ca mau"}, want: []string{}},
		{name: "batch", q: search.Query{BatchID: "batch-c"}, want: []string{"bc-typo"}},
		{name: "date range inclusive", q: search.Query{From: day(2020, 1, 1), To: day(2022, 7, 14)}, want: []string{"gcn-413", "qd-cds"}},
		{name: "date from only", q: search.Query{From: day(2022, 7, 15)}, want: []string{"cv-dat", "qd-ocr"}},
		{name: "text and filter", q: search.Query{Text: "dat", DocType: "giay_chung_nhan"}, want: []string{"gcn-412", "gcn-413"}},
		{name: "field exact", q: search.Query{Fields: map[string]string{"parcel_no": "412"}}, want: []string{"gcn-412"}},
		{name: "fields ANDed", q: search.Query{Fields: map[string]string{"map_sheet": "28", "land_purpose": "cln"}}, want: []string{"gcn-413"}},
		{name: "field normalised", q: search.Query{Fields: map[string]string{"certificate_serial": " bs   123456 "}}, want: []string{"gcn-412"}},
		{name: "field symbol", q: search.Query{Fields: map[string]string{"doc_symbol": "qđ-ubnd"}}, want: []string{"qd-cds"}},
		{name: "field not folded", q: search.Query{Fields: map[string]string{"signer_name": "nguyen van su"}}, want: []string{}},
		{name: "field accented", q: search.Query{Fields: map[string]string{"signer_name": "NGUYỄN VĂN SỰ"}}, want: []string{"qd-cds"}},
		{name: "field no prefix match", q: search.Query{Fields: map[string]string{"parcel_no": "41"}}, want: []string{}},
		{name: "metadata as field", q: search.Query{Fields: map[string]string{"pipeline": "land"}}, want: []string{"gcn-412", "gcn-413"}},
		{name: "number range gte", q: search.Query{Ranges: map[string]search.Range{"area_m2": {GTE: "100"}}}, want: []string{"gcn-412"}},
		{name: "number range closed", q: search.Query{Ranges: map[string]search.Range{"area_m2": {GTE: "80", LTE: "80"}}}, want: []string{"gcn-413"}},
		{name: "number range is numeric", q: search.Query{Ranges: map[string]search.Range{"doc_number": {LTE: "12"}}}, want: []string{"bc-typo", "cv-dat"}},
		{name: "date field range", q: search.Query{Ranges: map[string]search.Range{"issued_date": {GTE: "2022-07-15"}}}, want: []string{"cv-dat", "qd-ocr"}},
		{name: "date field range lte inclusive", q: search.Query{Ranges: map[string]search.Range{"issued_date": {LTE: "2019-11-02"}}}, want: []string{"gcn-412"}},
		{name: "range and field", q: search.Query{Fields: map[string]string{"map_sheet": "28"}, Ranges: map[string]search.Range{"area_m2": {LTE: "2000"}}}, want: []string{"gcn-412", "gcn-413"}},
		{name: "blind token", q: search.Query{Blind: []string{blindCCCD3}}, want: []string{"gcn-412"}},
		{name: "blind tokens ANDed", q: search.Query{Blind: []string{blindCCCD3, blindName3}}, want: []string{"gcn-412"}},
		{name: "blind tokens of two records", q: search.Query{Blind: []string{blindCCCD3, blindCCCD4}}, want: []string{}},
		{name: "blind prefix never matches", q: search.Query{Blind: []string{blindCCCD3[:30]}}, want: []string{}},
		{name: "blind kind never matches", q: search.Query{Blind: []string{"cccd"}}, want: []string{}},
		{name: "blind substring never matches", q: search.Query{Blind: []string{blindCCCD3[5:]}}, want: []string{}},
		{name: "blind upper case never matches", q: search.Query{Blind: []string{strings.ToUpper(blindCCCD3)}}, want: []string{}},
		{name: "blind value not in text", q: search.Query{Text: blindCCCD3[5:]}, want: []string{}},
		{name: "lookup by folded token", q: search.Query{Lookups: []search.BlindLookup{{Exact: "person_names:none", Folded: blindFolded}}}, want: []string{"gcn-412", "gcn-413"}},
		{name: "lookup by exact token without a folded one", q: search.Query{Lookups: []search.BlindLookup{{Exact: blindName3, Folded: "person_names_folded:none"}}}, want: []string{"gcn-412"}},
		{name: "lookup ANDed with blind", q: search.Query{Blind: []string{blindCCCD4}, Lookups: []search.BlindLookup{{Exact: blindName3, Folded: blindFolded}}}, want: []string{"gcn-413"}},
		{name: "lookups ANDed", q: search.Query{Lookups: []search.BlindLookup{{Exact: blindName3, Folded: blindName3}, {Exact: blindName4, Folded: blindName4}}}, want: []string{}},
		{name: "lookup of unknown tokens", q: search.Query{Lookups: []search.BlindLookup{{Exact: "person_names:none", Folded: "person_names_folded:none"}}}, want: []string{}},
	}
	for _, tt := range tests {
		t.Run("match/"+tt.name, func(t *testing.T) {
			tt.q.Size = 100
			res := mustSearch(t, ix, tt.q)
			if diff := cmp.Diff(tt.want, sortedIDs(res)); diff != "" {
				t.Errorf("hits (-want +got):\n%s", diff)
			}
			if res.Total != len(tt.want) {
				t.Errorf("Total = %d, want %d", res.Total, len(tt.want))
			}
		})
	}
}

func day(y int, m time.Month, d int) time.Time { return date(y, m, d) }

// runRanking checks the order of hits.
func runRanking(t *testing.T, ix search.Index) {
	tests := []struct {
		name  string
		q     search.Query
		first []string // the hits must start with these, in this order
		last  string   // if set, the last hit
	}{
		{name: "accented query ranks exact spelling first", q: search.Query{Text: "Quyết định chuyển đổi số"}, first: []string{"qd-cds", "qd-ocr"}},
		{name: "accentless query ranks accentless spelling first", q: search.Query{Text: "quyet dinh chuyen doi so"}, first: []string{"qd-ocr", "qd-cds"}},
		{name: "typo ranked below exact", q: search.Query{Text: "Chuyển đổi số"}, first: []string{"qd-cds"}, last: "bc-typo"},
		{name: "sort date ascending, undated last", q: search.Query{Sort: "date"}, first: []string{"gcn-412", "gcn-413", "qd-cds", "qd-ocr", "cv-dat", "bc-typo"}},
		{name: "sort date descending, undated last", q: search.Query{Sort: "-date"}, first: []string{"cv-dat", "qd-ocr", "qd-cds", "gcn-413", "gcn-412", "bc-typo"}},
		{name: "sort date with text", q: search.Query{Text: "dat o nong thon", Sort: "date"}, first: []string{"gcn-412", "cv-dat"}},
		{name: "relevance ties broken by ID", q: search.Query{DocType: "giay_chung_nhan"}, first: []string{"gcn-412", "gcn-413"}},
		{name: "lookup ranks the exact-diacritic token first", q: search.Query{Lookups: []search.BlindLookup{{Exact: blindName4, Folded: blindFolded}}}, first: []string{"gcn-413", "gcn-412"}},
	}
	for _, tt := range tests {
		t.Run("rank/"+tt.name, func(t *testing.T) {
			tt.q.Size = 100
			res := mustSearch(t, ix, tt.q)
			got := ids(res)
			if len(got) < len(tt.first) {
				t.Fatalf("hits = %v, want them to start with %v", got, tt.first)
			}
			if diff := cmp.Diff(tt.first, got[:len(tt.first)]); diff != "" {
				t.Errorf("first hits (-want +got):\n%s\nall: %v", diff, got)
			}
			if tt.last != "" && got[len(got)-1] != tt.last {
				t.Errorf("last hit = %s, want %s (all: %v)", got[len(got)-1], tt.last, got)
			}
			if tt.q.Sort == "" {
				for i := 1; i < len(res.Hits); i++ {
					if res.Hits[i].Score > res.Hits[i-1].Score {
						t.Errorf("hit %d score %v > hit %d score %v", i, res.Hits[i].Score, i-1, res.Hits[i-1].Score)
					}
				}
			}
		})
	}
	t.Run("rank/hit fields", func(t *testing.T) {
		res := mustSearch(t, ix, search.Query{Fields: map[string]string{"parcel_no": "412"}})
		if len(res.Hits) != 1 {
			t.Fatalf("hits = %v, want gcn-412", ids(res))
		}
		h := res.Hits[0]
		h.Snippet, h.Score = "", 0
		want := search.Hit{
			ID: "gcn-412", Title: "Giấy chứng nhận quyền sử dụng đất thửa 412", DocType: "giay_chung_nhan",
			Class: "land_certificate", IssuedDate: day(2019, 11, 2), Issuer: "UBND huyện Trần Văn Thời", BatchID: "batch-b",
		}
		if diff := cmp.Diff(want, h); diff != "" {
			t.Errorf("hit (-want +got):\n%s", diff)
		}
	})
}

func fc(v string, n int) search.FacetCount { return search.FacetCount{Value: v, Count: n} }

func runFacets(t *testing.T, ix search.Index) {
	tests := []struct {
		name string
		q    search.Query
		want map[string][]search.FacetCount
	}{
		{
			name: "all records",
			q:    search.Query{},
			want: map[string][]search.FacetCount{
				"doc_type": {fc("giay_chung_nhan", 2), fc("quyet_dinh", 2), fc("bao_cao", 1), fc("cong_van", 1)},
				"class":    {fc("decision", 2), fc("land_certificate", 2), fc("official_letter", 1)},
				"year":     {fc("2022", 2), fc("2019", 1), fc("2020", 1), fc("2023", 1)},
				"issuer": {
					fc("UBND huyện Trần Văn Thời", 2), fc("Sở Nội vụ", 1), fc("Sở Tài nguyên và Môi trường", 1),
					fc("UBND Tỉnh Cà Mau", 1), fc("UBND tỉnh Cà Mau", 1),
				},
			},
		},
		{
			name: "facets follow the query",
			q:    search.Query{Text: "dat o nong thon"},
			want: map[string][]search.FacetCount{
				"doc_type": {fc("cong_van", 1), fc("giay_chung_nhan", 1)},
				"class":    {fc("land_certificate", 1), fc("official_letter", 1)},
				"year":     {fc("2019", 1), fc("2023", 1)},
				"issuer":   {fc("Sở Tài nguyên và Môi trường", 1), fc("UBND huyện Trần Văn Thời", 1)},
			},
		},
		{
			name: "facets count all hits not one page",
			q:    search.Query{DocType: "quyet_dinh", Size: 1},
			want: map[string][]search.FacetCount{
				"doc_type": {fc("quyet_dinh", 2)},
				"class":    {fc("decision", 2)},
				"year":     {fc("2022", 2)},
				"issuer":   {fc("UBND Tỉnh Cà Mau", 1), fc("UBND tỉnh Cà Mau", 1)},
			},
		},
		{
			name: "no hits",
			q:    search.Query{Text: "khongcotu"},
			want: map[string][]search.FacetCount{"doc_type": {}, "class": {}, "year": {}, "issuer": {}},
		},
	}
	for _, tt := range tests {
		t.Run("facets/"+tt.name, func(t *testing.T) {
			res := mustSearch(t, ix, tt.q)
			got := map[string][]search.FacetCount{}
			for _, name := range []string{"doc_type", "class", "year", "issuer"} {
				got[name] = append([]search.FacetCount{}, res.Facets[name]...)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("facets (-want +got):\n%s", diff)
			}
		})
	}
}

func runPaging(t *testing.T, ix search.Index) {
	for _, q := range []search.Query{{}, {Text: "so"}, {Sort: "-date"}, {Text: "dat", Sort: "date"}} {
		t.Run("paging/"+q.Text+"/"+q.Sort, func(t *testing.T) {
			full := q
			full.Size = 100
			want := ids(mustSearch(t, ix, full))
			if len(want) < 3 {
				t.Fatalf("query %+v has %d hits, want at least 3 to page through", q, len(want))
			}
			var got []string
			seen := map[string]bool{}
			for off := 0; off < len(want)+2; off += 2 {
				page := q
				page.Offset, page.Size = off, 2
				res := mustSearch(t, ix, page)
				if res.Total != len(want) {
					t.Errorf("offset %d: Total = %d, want %d", off, res.Total, len(want))
				}
				if len(res.Hits) > 2 {
					t.Errorf("offset %d: %d hits, want at most 2", off, len(res.Hits))
				}
				for _, id := range ids(res) {
					if seen[id] {
						t.Errorf("offset %d: %s was already on an earlier page", off, id)
					}
					seen[id] = true
					got = append(got, id)
				}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("pages joined (-want +got):\n%s", diff)
			}
			again := ids(mustSearch(t, ix, full))
			if diff := cmp.Diff(want, again); diff != "" {
				t.Errorf("same query twice differs (-first +second):\n%s", diff)
			}
		})
	}
	t.Run("paging/default size", func(t *testing.T) {
		res := mustSearch(t, ix, search.Query{Size: 0})
		if len(res.Hits) != len(Corpus()) {
			t.Errorf("Size 0 gave %d hits, want all %d (default page is 10)", len(res.Hits), len(Corpus()))
		}
		res = mustSearch(t, ix, search.Query{Size: 1})
		if len(res.Hits) != 1 || res.Total != len(Corpus()) {
			t.Errorf("Size 1 gave %d hits, Total %d; want 1 and %d", len(res.Hits), res.Total, len(Corpus()))
		}
		res = mustSearch(t, ix, search.Query{Size: 1000})
		if len(res.Hits) != len(Corpus()) {
			t.Errorf("Size 1000 gave %d hits, want %d", len(res.Hits), len(Corpus()))
		}
	})
	t.Run("paging/past the end", func(t *testing.T) {
		res := mustSearch(t, ix, search.Query{Offset: 50})
		if len(res.Hits) != 0 || res.Total != len(Corpus()) {
			t.Errorf("Offset 50 gave %d hits, Total %d; want 0 and %d", len(res.Hits), res.Total, len(Corpus()))
		}
	})
}

// stripSnippet removes the marks and HTML escaping of a snippet.
func stripSnippet(s string) string {
	s = strings.ReplaceAll(s, "<mark>", "")
	s = strings.ReplaceAll(s, "</mark>", "")
	return html.UnescapeString(s)
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

func runSnippets(t *testing.T, ix search.Index) {
	texts := map[string]string{}
	for _, r := range Corpus() {
		texts[r.ID] = collapse(r.Text)
	}
	tests := []struct {
		q        string
		marked   map[string][]string // id -> words that must appear inside <mark>
		contains map[string][]string // id -> raw snippet substrings
	}{
		{q: "quyet dinh chuyen doi so", marked: map[string][]string{"qd-cds": {"chuyển", "đổi", "số"}, "qd-ocr": {"chuyen", "doi"}}},
		{q: "dat o nong thon", marked: map[string][]string{"cv-dat": {"đất", "nông", "thôn"}, "gcn-412": {"Đất", "nông", "thôn"}}},
		{q: `"đất ở nông thôn"`, marked: map[string][]string{"cv-dat": {"đất", "ở", "nông", "thôn"}}},
		{q: "chuyen doi so", marked: map[string][]string{"bc-typo": {"chuyểu", "đổi", "số"}}},
		{q: "don dang ky ban sao", marked: map[string][]string{"cv-dat": {"đơn", "đăng", "ký"}}, contains: map[string][]string{"cv-dat": {"&amp;", "&lt;giấy tờ&gt;"}}},
		{q: "", contains: map[string][]string{}},
	}
	for _, tt := range tests {
		t.Run("snippet/"+tt.q, func(t *testing.T) {
			res := mustSearch(t, ix, search.Query{Text: tt.q, Size: 100})
			got := map[string]string{}
			for _, h := range res.Hits {
				got[h.ID] = h.Snippet
				plain := stripSnippet(h.Snippet)
				if plain == "" {
					t.Errorf("%s: empty snippet", h.ID)
				}
				if !strings.Contains(texts[h.ID], plain) {
					t.Errorf("%s: snippet %q is not a fragment of the record text", h.ID, plain)
				}
				bare := strings.ReplaceAll(strings.ReplaceAll(h.Snippet, "<mark>", ""), "</mark>", "")
				if strings.ContainsAny(bare, "<>") {
					t.Errorf("%s: snippet %q has unescaped markup", h.ID, h.Snippet)
				}
				if tt.q == "" && strings.Contains(h.Snippet, "<mark>") {
					t.Errorf("%s: snippet %q has marks without a query", h.ID, h.Snippet)
				}
			}
			for id, words := range tt.marked {
				s, ok := got[id]
				if !ok {
					t.Errorf("%s not among hits %v", id, ids(res))
					continue
				}
				for _, w := range words {
					if !strings.Contains(s, "<mark>"+w+"</mark>") {
						t.Errorf("%s: snippet %q lacks <mark>%s</mark>", id, s, w)
					}
				}
			}
			for id, subs := range tt.contains {
				for _, sub := range subs {
					if !strings.Contains(got[id], sub) {
						t.Errorf("%s: snippet %q lacks %q", id, got[id], sub)
					}
				}
			}
		})
	}
}

func runInvalid(t *testing.T, ix search.Index) {
	tests := []struct {
		name string
		q    search.Query
	}{
		{name: "range neither number nor date", q: search.Query{Ranges: map[string]search.Range{"area_m2": {GTE: "abc"}}}},
		{name: "range mixing number and date", q: search.Query{Ranges: map[string]search.Range{"area_m2": {GTE: "1", LTE: "2022-01-01"}}}},
		{name: "unknown sort", q: search.Query{Sort: "title"}},
	}
	for _, tt := range tests {
		t.Run("invalid/"+tt.name, func(t *testing.T) {
			_, err := ix.Search(context.Background(), tt.q)
			if !errors.Is(err, search.ErrInvalidQuery) {
				t.Errorf("Search error = %v, want one wrapping search.ErrInvalidQuery", err)
			}
		})
	}
}

func runWrites(t *testing.T, open func(t *testing.T) search.Index) {
	ctx := context.Background()
	ix := openLoaded(t, open)
	n := len(Corpus())
	count := func(t *testing.T, want int) {
		t.Helper()
		got, err := ix.Count(ctx)
		if err != nil || got != want {
			t.Errorf("Count = %d, %v; want %d", got, err, want)
		}
	}
	find := func(t *testing.T, q search.Query) []string {
		t.Helper()
		q.Size = 100
		return sortedIDs(mustSearch(t, ix, q))
	}

	t.Run("reindex same record is idempotent", func(t *testing.T) {
		for _, r := range Corpus()[:2] {
			if err := ix.Index(ctx, r); err != nil {
				t.Fatalf("Index(%s) again: %v", r.ID, err)
			}
		}
		count(t, n)
		if diff := cmp.Diff([]string{"qd-cds", "qd-ocr"}, find(t, search.Query{Text: "quyet dinh chuyen doi so"})); diff != "" {
			t.Errorf("hits (-want +got):\n%s", diff)
		}
	})
	t.Run("reindex replaces", func(t *testing.T) {
		r := Corpus()[0]
		r.Text = "Văn bản đã được thay thế bằng nội dung về phòng chống thiên tai."
		r.DocType = "thong_bao"
		r.Fields = map[string][]string{"doc_number": {"7"}}
		if err := ix.Index(ctx, r); err != nil {
			t.Fatalf("Index replacement: %v", err)
		}
		count(t, n)
		if got := find(t, search.Query{Text: "phong chong thien tai"}); !slices.Equal(got, []string{"qd-cds"}) {
			t.Errorf("new text: hits %v, want [qd-cds]", got)
		}
		if got := find(t, search.Query{Text: "tin hoc"}); len(got) != 0 {
			t.Errorf("old text still found in %v", got)
		}
		if got := find(t, search.Query{Fields: map[string]string{"doc_number": "1929"}}); len(got) != 0 {
			t.Errorf("old field still found in %v", got)
		}
		if got := find(t, search.Query{DocType: "thong_bao"}); !slices.Equal(got, []string{"qd-cds"}) {
			t.Errorf("new doc type: hits %v, want [qd-cds]", got)
		}
	})
	t.Run("delete", func(t *testing.T) {
		if err := ix.Delete(ctx, "cv-dat"); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		count(t, n-1)
		if got := find(t, search.Query{Text: `"dat o nong thon"`}); len(got) != 0 {
			t.Errorf("deleted record still found: %v", got)
		}
		res := mustSearch(t, ix, search.Query{})
		for _, f := range res.Facets["doc_type"] {
			if f.Value == "cong_van" {
				t.Errorf("deleted record still counted in facets: %+v", res.Facets["doc_type"])
			}
		}
	})
	t.Run("delete missing is not an error", func(t *testing.T) {
		for _, id := range []string{"cv-dat", "never-indexed"} {
			if err := ix.Delete(ctx, id); err != nil {
				t.Errorf("Delete(%s): %v", id, err)
			}
		}
		count(t, n-1)
	})
	t.Run("index after delete", func(t *testing.T) {
		if err := ix.Index(ctx, Corpus()[2]); err != nil {
			t.Fatalf("Index: %v", err)
		}
		count(t, n)
		if got := find(t, search.Query{Text: `"dat o nong thon"`}); !slices.Equal(got, []string{"cv-dat"}) {
			t.Errorf("hits %v, want [cv-dat]", got)
		}
	})
	t.Run("empty ID is an error", func(t *testing.T) {
		if err := ix.Index(ctx, search.Record{Title: "x"}); err == nil {
			t.Error("Index of a record without ID succeeded")
		}
	})
}
