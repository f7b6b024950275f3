package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/sohoa/sohoa/internal/blob"
)

func newStore(t testing.TB) (*Store, *blob.FS, string) {
	t.Helper()
	dir := t.TempDir()
	b, err := blob.NewFS(dir)
	if err != nil {
		t.Fatal(err)
	}
	return NewStore(b), b, dir
}

func TestRoleMatrix(t *testing.T) {
	// want[holder] = roles granted.
	want := map[Role][]Role{
		RoleUploader:  {RoleUploader},
		RoleSearcher:  {RoleSearcher},
		RolePIIReader: {RoleSearcher, RolePIIReader},
		RoleReviewer:  {RoleSearcher, RolePIIReader, RoleReviewer},
		RoleOperator:  {RoleOperator},
		RoleAdmin:     {RoleUploader, RoleSearcher, RoleOperator, RoleAdmin},
	}
	for _, holder := range Roles() {
		for _, r := range Roles() {
			t.Run(fmt.Sprintf("%s has %s", holder, r), func(t *testing.T) {
				exp := false
				for _, g := range want[holder] {
					exp = exp || g == r
				}
				p := Principal{TokenID: "x", Name: "n", Role: holder}
				if got := p.Has(r); got != exp {
					t.Errorf("Has = %v, want %v", got, exp)
				}
			})
		}
	}
	for _, tc := range []struct {
		name string
		p    Principal
		r    Role
	}{
		{"unknown holder", Principal{Role: "root"}, RoleSearcher},
		{"unknown wanted", Principal{Role: RoleAdmin}, "root"},
		{"empty", Principal{}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.p.Has(tc.r) {
				t.Error("Has = true for an unknown role")
			}
		})
	}
}

func TestParseRole(t *testing.T) {
	for _, r := range Roles() {
		got, err := ParseRole(string(r))
		if err != nil || got != r {
			t.Errorf("ParseRole(%q) = %q, %v", r, got, err)
		}
	}
	for _, s := range []string{"", "Admin", "root", "pii-reader"} {
		if _, err := ParseRole(s); err == nil {
			t.Errorf("ParseRole(%q) succeeded", s)
		}
	}
}

func TestCreateVerify(t *testing.T) {
	s, _, dir := newStore(t)
	ctx := context.Background()
	tok, p, err := s.Create(ctx, RoleSearcher, "Chuyên viên Sở Nội vụ")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(tok, "sohoa_"+p.TokenID+"_") || len(tok) != len("sohoa_")+16+1+64 {
		t.Errorf("token %q does not have the form sohoa_<id>_<secret>", tok)
	}
	got, err := s.Verify(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(Principal{TokenID: p.TokenID, Name: "Chuyên viên Sở Nội vụ", Role: RoleSearcher}, got); diff != "" {
		t.Errorf("Verify (-want +got):\n%s", diff)
	}
	// The secret is stored nowhere on disk.
	secret := tok[strings.LastIndex(tok, "_")+1:]
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(path)
			if strings.Contains(string(b), secret) {
				t.Errorf("%s contains the token secret", path)
			}
		}
		return nil
	})
	// A second store (another process) verifies too.
	b2, _ := blob.NewFS(dir)
	if _, err := NewStore(b2).Verify(ctx, tok); err != nil {
		t.Errorf("Verify from a fresh store: %v", err)
	}

	other, _, _ := s.Create(ctx, RoleUploader, "other")
	flipped := []byte(tok)
	flipped[len(flipped)-1] ^= 1
	if flipped[len(flipped)-1] > 'f' || flipped[len(flipped)-1] < '0' {
		flipped[len(flipped)-1] = '0'
	}
	tests := []struct {
		name  string
		token string
	}{
		{"empty", ""},
		{"garbage", "hello"},
		{"wrong secret", string(flipped)},
		{"secret of another token", tok[:len("sohoa_")+16] + other[len("sohoa_")+16:]},
		{"unknown id", "sohoa_0123456789abcdef_" + secret},
		{"truncated", tok[:len(tok)-1]},
		{"extra", tok + "0"},
		{"upper case", strings.ToUpper(tok)},
		{"path traversal id", "sohoa_../../../etc_" + secret},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.Verify(ctx, tc.token)
			if !errors.Is(err, ErrUnauthorized) {
				t.Fatalf("Verify error = %v, want ErrUnauthorized", err)
			}
			if strings.Contains(err.Error(), secret) || (tc.token != "" && strings.Contains(err.Error(), tc.token)) {
				t.Errorf("error leaks the token: %v", err)
			}
		})
	}
}

func TestCreateValidation(t *testing.T) {
	s, _, _ := newStore(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		role Role
		n    string
	}{
		{"bad role", "root", "x"},
		{"empty name", RoleSearcher, "  "},
		{"control char", RoleSearcher, "a\x00b"},
		{"long name", RoleSearcher, strings.Repeat("x", 201)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, _, err := s.Create(ctx, tc.role, tc.n); err == nil {
				t.Error("Create succeeded")
			}
		})
	}
}

func TestRevokeAndCache(t *testing.T) {
	dir := t.TempDir()
	b, _ := blob.NewFS(dir)
	ctx := context.Background()
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	a := NewStore(b)
	a.now = clock
	other := NewStore(b) // another process
	other.now = clock
	tok, p, err := a.Create(ctx, RoleOperator, "ops")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Verify(ctx, tok); err != nil { // cached in other
		t.Fatal(err)
	}
	if err := a.Revoke(ctx, p.TokenID); err != nil {
		t.Fatal(err)
	}
	_, err = a.Verify(ctx, tok)
	if !errors.Is(err, ErrUnauthorized) || !errors.Is(err, ErrRevoked) {
		t.Errorf("Verify after Revoke: %v, want ErrUnauthorized and ErrRevoked", err)
	}
	if _, err := other.Verify(ctx, tok); err != nil {
		t.Errorf("other store within cache TTL: %v (expected still cached)", err)
	}
	now = now.Add(11 * time.Second)
	if _, err := other.Verify(ctx, tok); !errors.Is(err, ErrRevoked) {
		t.Errorf("other store after cache TTL: %v, want ErrRevoked", err)
	}
	if err := a.Revoke(ctx, p.TokenID); err != nil {
		t.Errorf("second Revoke: %v", err)
	}
	if err := a.Revoke(ctx, "0123456789abcdef"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Revoke unknown: %v, want ErrNotFound", err)
	}
	// The cache does not let a wrong secret through for a cached ID.
	tok2, _, _ := a.Create(ctx, RoleSearcher, "s")
	if _, err := a.Verify(ctx, tok2); err != nil {
		t.Fatal(err)
	}
	bad := tok2[:len(tok2)-4] + "0000"
	if bad == tok2 {
		bad = tok2[:len(tok2)-4] + "1111"
	}
	if _, err := a.Verify(ctx, bad); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("wrong secret for a cached ID: %v", err)
	}
}

func TestCacheBounded(t *testing.T) {
	b, _ := blob.NewFS(t.TempDir())
	s := NewStoreWithConfig(b, Config{CacheSize: 5})
	ctx := context.Background()
	for i := range 20 {
		tok, _, err := s.Create(ctx, RoleSearcher, fmt.Sprint("t", i))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Verify(ctx, tok); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(s.cache); n > 5 {
		t.Errorf("cache holds %d tokens, want <= 5", n)
	}
}

func TestListHasNoSecrets(t *testing.T) {
	s, _, _ := newStore(t)
	ctx := context.Background()
	var toks []string
	for _, r := range Roles() {
		tok, _, err := s.Create(ctx, r, "token "+string(r))
		if err != nil {
			t.Fatal(err)
		}
		toks = append(toks, tok)
	}
	list, err := s.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != len(Roles()) {
		t.Fatalf("List returned %d tokens, want %d", len(list), len(Roles()))
	}
	js, _ := json.Marshal(list)
	for _, tok := range toks {
		if strings.Contains(string(js), tok[len(tok)-64:]) {
			t.Error("List leaks a secret")
		}
	}
	if strings.Contains(string(js), "hash") {
		t.Error("List exposes hashes")
	}
	var roles []Role
	for _, ti := range list {
		roles = append(roles, ti.Role)
	}
	if diff := cmp.Diff(Roles(), roles); diff != "" {
		t.Errorf("List order (-want +got):\n%s", diff)
	}
}

func TestEnsureBootstrapAdmin(t *testing.T) {
	s, b, _ := newStore(t)
	ctx := context.Background()
	if has, _ := s.HasAdmin(ctx); has {
		t.Fatal("HasAdmin on an empty store")
	}
	for _, bad := range []string{"short", "has a space in it!!", "tab\tinside-1234567890", "ünïcode-token-1234567"} {
		if _, err := s.EnsureBootstrapAdmin(ctx, bad); !errors.Is(err, ErrBadToken) {
			t.Errorf("EnsureBootstrapAdmin(%q) = %v, want ErrBadToken", bad, err)
		} else if strings.Contains(err.Error(), bad) {
			t.Errorf("error leaks the token: %v", err)
		}
	}
	const tok = "correct-horse-battery-staple-42"
	p, err := s.EnsureBootstrapAdmin(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	if p.Role != RoleAdmin {
		t.Errorf("bootstrap role %q", p.Role)
	}
	// Idempotent, also from a fresh store (restart).
	p2, err := NewStore(b).EnsureBootstrapAdmin(ctx, tok)
	if err != nil || p2 != p {
		t.Fatalf("second EnsureBootstrapAdmin = %+v, %v; want %+v", p2, err, p)
	}
	got, err := s.Verify(ctx, tok)
	if err != nil || got != p {
		t.Fatalf("Verify bootstrap = %+v, %v", got, err)
	}
	if has, _ := s.HasAdmin(ctx); !has {
		t.Error("HasAdmin false after bootstrap")
	}
	// A sohoa-format token works as bootstrap too.
	s2, _, _ := newStore(t)
	fmtTok := "sohoa_00112233445566ff_" + strings.Repeat("ab", 32)
	if _, err := s2.EnsureBootstrapAdmin(ctx, fmtTok); err != nil {
		t.Fatal(err)
	}
	if _, err := s2.Verify(ctx, fmtTok); err != nil {
		t.Fatal(err)
	}
	// Changing the variable revokes the previous bootstrap token.
	const tok2 = "another-long-bootstrap-token"
	if _, err := s.EnsureBootstrapAdmin(ctx, tok2); err != nil {
		t.Fatal(err)
	}
	if _, err := NewStore(b).Verify(ctx, tok); !errors.Is(err, ErrRevoked) {
		t.Errorf("old bootstrap token: %v, want ErrRevoked", err)
	}
	if _, err := s.Verify(ctx, tok2); err != nil {
		t.Error(err)
	}
	// A revoked bootstrap token stays revoked.
	if _, err := s.EnsureBootstrapAdmin(ctx, tok); !errors.Is(err, ErrRevoked) {
		t.Errorf("re-bootstrapping a revoked token: %v, want ErrRevoked", err)
	}
}

func TestConcurrentVerify(t *testing.T) {
	s, _, _ := newStore(t)
	ctx := context.Background()
	tok, p, _ := s.Create(ctx, RolePIIReader, "reader")
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for range 50 {
				got, err := s.Verify(ctx, tok)
				if err != nil || got != p {
					t.Errorf("Verify = %+v, %v", got, err)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestFromRequest(t *testing.T) {
	tests := []struct {
		name, header, want string
		ok                 bool
	}{
		{"bearer", "Bearer sohoa_abc_def", "sohoa_abc_def", true},
		{"lower-case scheme", "bearer tok-1234567890123456", "tok-1234567890123456", true},
		{"extra spaces", "  Bearer   tok  ", "tok", true},
		{"missing", "", "", false},
		{"basic", "Basic dXNlcjpwYXNz", "", false},
		{"no token", "Bearer ", "", false},
		{"two words", "Bearer a b", "", false},
		{"no scheme", "sohoa_abc_def", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/api/v1/search", nil)
			if tc.header != "" {
				r.Header.Set("Authorization", tc.header)
			}
			got, ok := FromRequest(r)
			if got != tc.want || ok != tc.ok {
				t.Errorf("FromRequest = %q, %v; want %q, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
	r := httptest.NewRequest("GET", "/x?access_token=abc", nil)
	if _, ok := FromRequest(r); ok {
		t.Error("token accepted from the query string")
	}
}

// TestRequire runs the middleware in a real HTTP server over each role.
func TestRequire(t *testing.T) {
	s, _, _ := newStore(t)
	ctx := context.Background()
	tokens := map[Role]string{}
	for _, r := range Roles() {
		tok, _, err := s.Create(ctx, r, string(r))
		if err != nil {
			t.Fatal(err)
		}
		tokens[r] = tok
	}
	mux := http.NewServeMux()
	for _, need := range Roles() {
		mux.Handle("/"+string(need), s.Require(need, nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			p, ok := PrincipalFrom(r.Context())
			if !ok {
				t.Error("no principal in context")
			}
			io.WriteString(w, string(p.Role))
		})))
	}
	srv := httptest.NewServer(mux)
	defer srv.Close()
	do := func(path, tok, lang string) (int, map[string]any, string) {
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		if lang != "" {
			req.Header.Set("Accept-Language", lang)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		var m map[string]any
		_ = json.Unmarshal(body, &m)
		return resp.StatusCode, m, string(body)
	}
	for _, holder := range Roles() {
		for _, need := range Roles() {
			t.Run(fmt.Sprintf("%s on %s", holder, need), func(t *testing.T) {
				code, _, body := do("/"+string(need), tokens[holder], "")
				want := http.StatusForbidden
				if holder.Implies(need) {
					want = http.StatusOK
				}
				if code != want {
					t.Errorf("status %d, want %d (%s)", code, want, body)
				}
				if code == http.StatusOK && body != string(holder) {
					t.Errorf("principal role %q, want %q", body, holder)
				}
			})
		}
	}
	code, m, _ := do("/searcher", "", "en")
	if code != http.StatusUnauthorized {
		t.Errorf("no token: status %d", code)
	}
	e, _ := m["error"].(map[string]any)
	if e["code"] != "unauthorized" || !strings.Contains(e["message"].(string), "valid access token") {
		t.Errorf("English error body %v", m)
	}
	code, m, _ = do("/searcher", "sohoa_0000000000000000_"+strings.Repeat("0", 64), "vi")
	e, _ = m["error"].(map[string]any)
	if code != http.StatusUnauthorized || !strings.Contains(e["message"].(string), "mã truy cập") {
		t.Errorf("bad token: status %d body %v", code, m)
	}
}

func BenchmarkVerify(b *testing.B) {
	for _, tc := range []struct {
		name string
		ttl  time.Duration
	}{{"cached", time.Minute}, {"uncached", time.Nanosecond}} {
		b.Run(tc.name, func(b *testing.B) {
			fs, _ := blob.NewFS(b.TempDir())
			s := NewStoreWithConfig(fs, Config{CacheTTL: tc.ttl})
			tok, _, err := s.Create(context.Background(), RoleSearcher, "bench")
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := s.Verify(context.Background(), tok); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
