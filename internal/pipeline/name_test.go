package pipeline

import "testing"

// TestCleanUploadName: uploaded file names lose control, format (bidi,
// zero-width) and separator characters before anything shows or stores
// them, and no path survives.
func TestCleanUploadName(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "hồ sơ 01.pdf", "hồ sơ 01.pdf"},
		{"NFD to NFC", "ho\u0302\u0300 so\u031b.pdf", "hồ sơ.pdf"},
		{"right-to-left override", "ho-so-\u202Efdp.exe", "ho-so-fdp.exe"},
		{"bidi embeddings and isolates", "\u202Aa\u202B\u202C\u202D\u2066b\u2067\u2068\u2069.pdf", "ab.pdf"},
		{"marks and Arabic letter mark", "a\u200E\u200F\u061Cb.pdf", "ab.pdf"},
		{"zero-width and BOM", "\uFEFFa\u200Bb\u200C\u200D\u2060.pdf", "ab.pdf"},
		{"C0 and C1 controls", "a\tb\x00\u0085\u009b.pdf", "ab.pdf"},
		{"line and paragraph separators", "a\u2028b\u2029.pdf", "ab.pdf"},
		{"traversal", "../../etc/passwd.png", "etc/passwd.png"},
		{"traversal hidden by a zero-width space", ".\u200B./x.pdf", "x.pdf"},
		{"backslashes", "a\\..\\b.png", "a/b.png"},
		{"nothing left", "\u202E\u200B", "(không tên)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := cleanName(tc.in); got != tc.want {
				t.Errorf("cleanName(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}
