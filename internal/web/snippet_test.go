package web

import (
	"strings"
	"testing"
	"time"
)

func TestSafeSnippet(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"plain", "Quyết định số 12", "Quyết định số 12"},
		{"mark", "về <mark>đất</mark> đai", "về <mark>đất</mark> đai"},
		{"two marks", "<mark>a</mark> b <mark>c</mark>", "<mark>a</mark> b <mark>c</mark>"},
		{"script", "<mark>x</mark><script>alert(1)</script>", "<mark>x</mark>&lt;script&gt;alert(1)&lt;/script&gt;"},
		{"attribute on mark", `<mark onclick="alert(1)">x</mark>`, `&lt;mark onclick=&#34;alert(1)&#34;&gt;x`},
		{"img", `<img src=x onerror=alert(1)>`, `&lt;img src=x onerror=alert(1)&gt;`},
		{"unclosed mark", "<mark>x", "<mark>x</mark>"},
		{"stray close", "x</mark>y", "xy"},
		{"nested mark", "<mark>a<mark>b</mark>", "<mark>ab</mark>"},
		{"ampersand", "A & B <b>", "A &amp; B &lt;b&gt;"},
		{"quotes", `"'`, "&#34;&#39;"},
		{"lt at end", "a <", "a &lt;"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(safeSnippet(tc.in)); got != tc.want {
				t.Errorf("safeSnippet(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// TestSafeNext: the post-sign-in redirect stays on this site (issue #18:
// "/%09/evil.example/x" redirected off-site).
func TestSafeNext(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"/search?q=a", "/search?q=a"},
		{"/records/01JF3Z?lang=en#fields", "/records/01JF3Z?lang=en#fields"},
		{"/search?q=nguy%E1%BB%85n+v%C4%83n", "/search?q=nguy%E1%BB%85n+v%C4%83n"},
		{"/batches/", "/batches/"},
		{"/", "/"},
		{"", "/"},
		{"search", "/"},
		{"//evil.example/", "/"},
		{"///evil.example", "/"},
		{"https://evil.example/", "/"},
		{"https:evil.example", "/"},
		{"https:/evil.example", "/"},
		{"javascript:alert(1)", "/"},
		{"/\\evil.example", "/"},
		{"/\\/evil.example", "/"},
		{"\\\\evil.example", "/"},
		{"/%5Cevil.example", "/"},
		{"/%5C%5Cevil.example", "/"},
		{"/ok\r\nSet-Cookie: x", "/"},
		{"/%0d%0aSet-Cookie:x", "/"},
		{"/%09/evil.example/x", "/"},
		{"/\t/evil.example/x", "/"},
		{"/\n/evil.example", "/"},
		{"/ /evil.example", "/"},
		{"/%20/evil.example", "/"},
		{"/%00/evil.example", "/"},
		{"/%7f/evil.example", "/"},
		{"/%2F%2Fevil.example", "/"},
		{"/%2f/evil.example", "/"},
		{"/%252F%252Fevil.example", "/"},
		{"/%25252F%25252Fevil.example", "/"},
		{"/.//evil.example", "/"},
		{"/./evil.example", "/"},
		{"/../evil.example", "/"},
		{"/a/../../evil", "/"},
		{"/%2e%2e/%2e%2e//evil.example", "/"},
		{"/%2E/%2Fevil.example", "/"},
		{"/a//b", "/"},
		{"/\u3000/evil.example", "/"},
		{"/\uff0f\uff0fevil.example", "/"},
		{"/\u202e/evil", "/"},
		{"/%E2%80%AE/evil", "/"},
		{"/%zz", "/"},
		{"/@evil.example", "/@evil.example"},
		{strings.Repeat("/a", 2000), "/"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			if got := safeNext(tc.in); got != tc.want {
				t.Errorf("safeNext(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestThroughput(t *testing.T) {
	s := &Server{}
	t0 := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	if ppm, span := s.throughput(t0, 100); ppm != 0 || span != 0 {
		t.Errorf("first sample = %v over %v, want nothing yet", ppm, span)
	}
	if ppm, span := s.throughput(t0.Add(30*time.Second), 130); ppm != 60 || span != 30*time.Second {
		t.Errorf("30 pages in 30 s = %v over %v, want 60/min", ppm, span)
	}
	// Samples older than the window are dropped.
	if ppm, span := s.throughput(t0.Add(6*time.Minute), 190); ppm != 60/5.5 || span != 330*time.Second {
		t.Errorf("after the window = %v over %v", ppm, span)
	}
	// A counter reset (Redis flushed) starts over rather than going negative.
	if ppm, _ := s.throughput(t0.Add(7*time.Minute), 5); ppm != 0 {
		t.Errorf("after a reset = %v, want 0", ppm)
	}
}
