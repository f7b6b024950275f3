package search

import (
	"strings"
	"testing"
)

func TestSnippet(t *testing.T) {
	long := strings.Repeat("lorem ipsum dolor ", 40) + "Quyết định chuyển đổi số tỉnh Cà Mau. " + strings.Repeat("sit amet ", 40)
	tests := []struct {
		name     string
		text     string
		query    string
		maxRunes int
		want     string
	}{
		{name: "empty text", text: "", query: "x", want: ""},
		{name: "no query gives the start", text: "Một hai ba bốn năm", query: "", maxRunes: 8, want: "Một hai"},
		{name: "folded match keeps original spelling", text: "Quyết định số 12", query: "quyet dinh", want: "<mark>Quyết</mark> <mark>định</mark> số 12"},
		{name: "accented query matches unaccented text", text: "quyet dinh so 12", query: "Quyết", want: "<mark>quyet</mark> dinh so 12"},
		{name: "html escaped", text: "a <b> & \"c\" quyết", query: "quyet", want: "a &lt;b&gt; &amp; &#34;c&#34; <mark>quyết</mark>"},
		{name: "white space collapsed", text: "Điều  1.\n\nPhê   duyệt", query: "phe duyet", want: "Điều 1. <mark>Phê</mark> <mark>duyệt</mark>"},
		{name: "whole words only", text: "đất đai đấtnền", query: "dat", want: "<mark>đất</mark> đai đấtnền"},
		{name: "fuzzy long word", text: "kế hoạch chuyểu đổi", query: "chuyen", want: "kế hoạch <mark>chuyểu</mark> đổi"},
		{name: "no fuzzy on short word", text: "tháng trong", query: "thong", want: "tháng trong"},
		{name: "fuzzy keeps two first letters", text: "khuyến", query: "chuyen", want: "khuyến"},
		{name: "phrase quotes ignored", text: "đất ở nông thôn", query: `"dat o"`, want: "<mark>đất</mark> <mark>ở</mark> nông thôn"},
		{
			name: "window around the densest match", text: long, query: "chuyen doi so ca mau", maxRunes: 60,
			want: "Quyết định <mark>chuyển</mark> <mark>đổi</mark> <mark>số</mark> tỉnh <mark>Cà</mark> <mark>Mau</mark>. sit amet sit amet sit",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Snippet(tt.text, tt.query, tt.maxRunes); got != tt.want {
				t.Errorf("Snippet(%q, %q, %d)\n got %q\nwant %q", tt.text, tt.query, tt.maxRunes, got, tt.want)
			}
		})
	}
}

func TestWithinOneEdit(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"chuyen", "chuyen", true},
		{"chuyen", "chuyeu", true},
		{"chuyen", "chuyenn", true},
		{"chuyen", "chuyn", true},
		{"chuyen", "khuyen", false},
		{"chuyen", "cuyen", false}, // second letter differs
		{"chuyen", "chuyxyz", false},
		{"c", "c", false},
	}
	for _, tt := range tests {
		if got := withinOneEdit(tt.a, tt.b); got != tt.want {
			t.Errorf("withinOneEdit(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func FuzzSnippet(f *testing.F) {
	f.Add("Quyết định <số> & 12", "quyet")
	f.Add("", "")
	f.Add("a\xffb", "a")
	f.Fuzz(func(t *testing.T, text, query string) {
		s := Snippet(text, query, 40)
		plain := strings.ReplaceAll(strings.ReplaceAll(s, "<mark>", ""), "</mark>", "")
		if strings.ContainsAny(plain, "<>") {
			t.Errorf("Snippet(%q, %q) = %q has unescaped markup", text, query, s)
		}
	})
}
