package search

import (
	"testing"

	"golang.org/x/text/unicode/norm"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{name: "empty", in: "", want: ""},
		{name: "ascii", in: "Hello World", want: "hello world"},
		{name: "whitespace collapsed", in: "  Quyết \t định\n\nsố  ", want: "quyết định số"},
		{name: "decomposed to NFC", in: norm.NFD.String("Quyết Định"), want: "quyết định"},
		{name: "upper case with marks", in: "ỦY BAN NHÂN DÂN TỈNH CÀ MAU", want: "ủy ban nhân dân tỉnh cà mau"},
		{name: "non-breaking space", in: "Cà\u00a0Mau", want: "cà mau"},
		{name: "symbol kept", in: "1929/QĐ-UBND", want: "1929/qđ-ubnd"},
		{name: "invalid utf8", in: "a\xffb", want: "a\ufffdb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Normalize(tt.in); got != tt.want {
				t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestFold(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{name: "empty", in: "", want: ""},
		{name: "decision", in: "Quyết định", want: "quyet dinh"},
		{name: "all tones on a", in: "a à á ả ã ạ ă ằ ắ ẳ ẵ ặ â ầ ấ ẩ ẫ ậ", want: "a a a a a a a a a a a a a a a a a a"},
		{name: "all tones on u and o", in: "ư ừ ứ ử ữ ự ơ ờ ớ ở ỡ ợ ô ồ ố ổ ỗ ộ", want: "u u u u u u o o o o o o o o o o o o"},
		{name: "upper d stroke", in: "ĐẤT Ở NÔNG THÔN", want: "dat o nong thon"},
		{name: "decomposed input", in: norm.NFD.String("Chuyển đổi số"), want: "chuyen doi so"},
		{name: "symbol", in: "1929/QĐ-UBND", want: "1929/qd-ubnd"},
		{name: "y tones", in: "ỳ ý ỷ ỹ ỵ", want: "y y y y y"},
		{name: "already folded", in: "quyet dinh", want: "quyet dinh"},
		{name: "whitespace", in: " Thửa\tđất  số ", want: "thua dat so"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Fold(tt.in); got != tt.want {
				t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestFoldIdempotent(t *testing.T) {
	for _, s := range []string{"Quyết định chuyển đổi số", "Đất ở nông thôn", "ỦY BAN"} {
		once := Fold(s)
		if twice := Fold(once); twice != once {
			t.Errorf("Fold(Fold(%q)) = %q, want %q", s, twice, once)
		}
		if n := Normalize(Normalize(s)); n != Normalize(s) {
			t.Errorf("Normalize not idempotent on %q", s)
		}
	}
}

func FuzzFold(f *testing.F) {
	for _, s := range []string{"Quyết định", "ĐẤT Ở", "a\xffb", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Fold(s)
		if slow := foldSlow(Normalize(s)); got != slow {
			t.Errorf("Fold(%q) = %q, but the Unicode path gives %q", s, got, slow)
		}
		if Fold(got) != got {
			t.Errorf("Fold not idempotent on %q", s)
		}
		if len([]rune(got)) > len([]rune(Normalize(s))) {
			t.Errorf("Fold(%q) = %q is longer than its normalised input", s, got)
		}
	})
}

func TestFoldWord(t *testing.T) {
	for _, w := range []string{"Quyết", "ĐỊNH", "chuyểu", "ấp", "qđ", "Ω", "日本", "naïve", "straße", "1.250,5"} {
		n := Normalize(w)
		if got, want := FoldWord(n), Fold(n); got != want {
			t.Errorf("FoldWord(%q) = %q, Fold gives %q", n, got, want)
		}
	}
}
