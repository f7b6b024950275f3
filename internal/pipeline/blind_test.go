package pipeline

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sohoa/sohoa/internal/catalog"
	"github.com/sohoa/sohoa/internal/domain"
	"github.com/sohoa/sohoa/internal/search"
	"github.com/sohoa/sohoa/internal/search/bleve"
	"github.com/sohoa/sohoa/internal/vault"
)

func TestBlindTokens(t *testing.T) {
	v := vault.New(newMemStore(), vault.NewKeyring())
	fields := map[string]catalog.Field{
		"person_names": {Value: "Nguyễn Hoàng Phúc", Values: []string{"Nguyễn Hoàng Phúc", "Lâm Văn Hiếu"}, Sensitivity: domain.Personal},
		"addresses":    {Value: "Xã Đông Hòa", Sensitivity: domain.Personal},
		"cccd":         {Value: "096085001234", Sensitivity: domain.Personal},
		"issuer":       {Value: "UBND tỉnh Cà Mau", Sensitivity: domain.Public},
	}
	got := BlindTokens(v, fields)
	want := []string{
		v.Blind("person_names", "Nguyễn Hoàng Phúc"), v.Blind("person_names_folded", "nguyen hoang phuc"),
		v.Blind("person_names", "Lâm Văn Hiếu"), v.Blind("person_names_folded", "LAM VAN HIEU"),
		v.Blind("addresses", "xã đông hòa"), v.Blind("addresses_folded", "xa dong hoa"),
		v.Blind("cccd", "0960 8500 1234"),
	}
	slices.Sort(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("tokens (-want +got):\n%s", diff)
	}
	if BlindTokens(nil, fields) != nil {
		t.Error("tokens without a blinder")
	}
}

// TestReindexAddsFoldedTokens: a record finalized before folded tokens
// existed has only the exact name token; reindex derives the tokens again
// from the encrypted record, so the accentless lookup finds it afterwards.
func TestReindexAddsFoldedTokens(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	d := f.addDocument(t, "old.pdf", 1)
	d.Status = domain.DocDone
	if err := f.cat.PutDocument(ctx, d); err != nil {
		t.Fatal(err)
	}
	rec := &catalog.Record{DocumentID: d.ID, BatchID: d.BatchID, Pages: 1,
		Fields: map[string]catalog.Field{"person_names": {Value: "Nguyễn Hoàng Phúc", Sensitivity: domain.Personal}},
		Blind:  []string{f.vault.Blind("person_names", "Nguyễn Hoàng Phúc")}}
	if err := f.cat.PutRecord(ctx, rec); err != nil {
		t.Fatal(err)
	}
	st, err := f.p.Reindex(ctx, nil)
	if err != nil || st.Indexed != 1 {
		t.Fatalf("Reindex = %+v, %v", st, err)
	}
	got := f.index.records[string(d.ID)].Blind
	for _, tok := range []string{f.vault.Blind("person_names", "NGUYỄN HOÀNG PHÚC"), f.vault.Blind("person_names_folded", "nguyen hoang phuc")} {
		if !slices.Contains(got, tok) {
			t.Errorf("reindexed tokens %q lack %q", got, tok)
		}
	}
}

// TestNameLookupAsTyped: a pii_reader's name lookup (what the API and the web
// form build with AddLookup) finds a person whichever way the name is typed,
// and the record spelt exactly as typed comes first.
func TestNameLookupAsTyped(t *testing.T) {
	ctx := context.Background()
	v := vault.New(newMemStore(), vault.NewKeyring())
	ix, err := bleve.Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	people := map[string]string{
		"a-exact": "Nguyễn Hoàng Phúc",
		"b-ocr":   "Nguyen Hoang Phuc", // the same name read without diacritics
		"c-other": "Nguyễn Hoàng Phú",
	}
	for id, name := range people {
		fields := map[string]catalog.Field{"person_names": {Value: name, Sensitivity: domain.Personal}}
		if err := ix.Index(ctx, search.Record{ID: id, Blind: BlindTokens(v, fields)}); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		typed string
		want  []string // in rank order
	}{
		{"Nguyễn Hoàng Phúc", []string{"a-exact", "b-ocr"}},
		{"NGUYỄN HOÀNG PHÚC", []string{"a-exact", "b-ocr"}},
		{"nguyen hoang phuc", []string{"b-ocr", "a-exact"}},
		{"NGUYEN  HOANG PHUC", []string{"b-ocr", "a-exact"}},
		{"Nguyễn Hoàng Phú", []string{"c-other"}},
		{"nguyen hoang", nil},
	}
	for _, tc := range tests {
		t.Run(tc.typed, func(t *testing.T) {
			var q search.Query
			AddLookup(&q, v, "person_names", tc.typed)
			res, err := ix.Search(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, h := range res.Hits {
				got = append(got, h.ID)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("hits (-want +got):\n%s", diff)
			}
		})
	}
	var q search.Query
	AddLookup(&q, v, "cccd", "096085001234")
	if len(q.Blind) != 1 || len(q.Lookups) != 0 {
		t.Errorf("cccd lookup = %+v, want one exact token", q)
	}
}

// TestMentionsBlindIndexed: the people the detector found in the text beside
// the class's fields (an annex table's households) get blind tokens too, in
// the field a lookup uses, so a pii_reader finds them by name or CCCD; a
// class field's own values are kept.
func TestMentionsBlindIndexed(t *testing.T) {
	v := vault.New(newMemStore(), vault.NewKeyring())
	fields := map[string]catalog.Field{
		"person_names": {Value: "Trần Văn Bảy", Sensitivity: domain.Personal},
		"subject":      {Value: "Thu hồi đất", Sensitivity: domain.Public},
	}
	mentions := map[string][]string{"person_names": {"Lâm Minh Trọng"}, "cccd": {"096091846821"}}
	got := BlindTokens(v, withMentions(fields, mentions))
	for _, tok := range []string{
		v.Blind("person_names", "Trần Văn Bảy"), v.Blind("person_names", "Lâm Minh Trọng"),
		v.Blind("person_names_folded", "lam minh trong"), v.Blind("cccd", "0960 9184 6821"),
	} {
		if !slices.Contains(got, tok) {
			t.Errorf("tokens %q lack %q", got, tok)
		}
	}
	if slices.Contains(got, v.Blind("subject", "Thu hồi đất")) {
		t.Error("a public field was blind-indexed")
	}
	if len(fields["person_names"].Values) != 0 {
		t.Error("withMentions changed the record's fields")
	}
	if !slices.Equal(BlindTokens(v, withMentions(fields, nil)), BlindTokens(v, fields)) {
		t.Error("no mentions should change nothing")
	}
}
