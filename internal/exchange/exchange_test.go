package exchange_test

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sohoa/sohoa/internal/audit"
	"github.com/sohoa/sohoa/internal/auth"
	"github.com/sohoa/sohoa/internal/blob"
	"github.com/sohoa/sohoa/internal/catalog"
	"github.com/sohoa/sohoa/internal/domain"
	"github.com/sohoa/sohoa/internal/exchange"
	"github.com/sohoa/sohoa/internal/exchange/client"
	"github.com/sohoa/sohoa/internal/vault"
)

// env is a real data directory: filesystem blob store, vault-sealed
// catalog, hash-chained audit log, signing key file, and an HTTP server
// with the exchange handlers mounted as the API mounts them.
type env struct {
	dir     string
	store   *blob.FS
	cat     *catalog.Catalog
	feed    *exchange.Feed
	audit   *audit.Log
	cfg     *exchange.Config
	tokens  map[string]string // partner ID -> token
	srv     *httptest.Server
	pubKey  ed25519.PublicKey
	handler *exchange.Server
}

type auditor struct{ log *audit.Log }

func (a auditor) Audit(ctx context.Context, p auth.Principal, action, object, reason string, details map[string]string) error {
	_, err := a.log.Append(ctx, audit.Event{Actor: audit.Actor{TokenID: p.TokenID, Name: p.Name}, Role: string(p.Role),
		Action: audit.Action(action), Object: object, Reason: reason, Details: details})
	return err
}

const settle = 300 * time.Millisecond

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{dir: t.TempDir(), tokens: map[string]string{}}
	var err error
	if e.store, err = blob.NewFS(filepath.Join(e.dir, "blobs")); err != nil {
		t.Fatal(err)
	}
	kr, _, err := vault.LoadOrCreateKeyFile(filepath.Join(e.dir, "keys.json"))
	if err != nil {
		t.Fatal(err)
	}
	e.cat = catalog.New(e.store, vault.New(e.store, kr))
	e.feed = exchange.NewFeed(e.store, exchange.FeedConfig{Settle: settle})
	var yml strings.Builder
	yml.WriteString("partners:\n")
	for _, p := range []struct{ id, name, classes, fields string }{
		{"tax-camau", "Cục Thuế tỉnh Cà Mau", "[land_certificate]", "[parcel_no, map_sheet, area_m2, land_purpose, cccd, person_names]"},
		{"stats-office", "Cục Thống kê", "[land_certificate, decision]", "[area_m2, land_purpose, issuer, title]"},
	} {
		tok, sum := exchange.NewToken()
		e.tokens[p.id] = tok
		fmt.Fprintf(&yml, "  - id: %s\n    name: %s\n    token_sha256: %s\n    classes: %s\n    fields: %s\n", p.id, p.name, sum, p.classes, p.fields)
	}
	if e.cfg, err = exchange.ParseConfig([]byte(yml.String())); err != nil {
		t.Fatal(err)
	}
	if e.audit, err = audit.Open(filepath.Join(e.dir, "audit.log")); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.audit.Close() })
	e.start(t)
	return e
}

// start (re)starts the HTTP server from what is on disk: the key file is
// loaded again, as after a process restart.
func (e *env) start(t *testing.T) {
	t.Helper()
	if e.srv != nil {
		e.srv.Close()
	}
	signer, err := exchange.LoadOrCreateKey(filepath.Join(e.dir, "exchange", "signing.key"))
	if err != nil {
		t.Fatal(err)
	}
	e.pubKey = signer.PublicKey()
	e.handler = exchange.NewServer(exchange.Deps{Partners: e.cfg, Feed: exchange.NewFeed(e.store, exchange.FeedConfig{Settle: settle}),
		Records: e.cat, Signer: signer, Audit: auditor{e.audit}})
	mux := http.NewServeMux()
	mux.Handle("GET /api/v1/exchange/records", e.handler.Records())
	mux.Handle("GET /api/v1/exchange/public-key", e.handler.PublicKey())
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
}

func (e *env) client(partner string) *client.Client {
	return &client.Client{BaseURL: e.srv.URL, Partner: partner, Token: e.tokens[partner], PublicKey: e.pubKey}
}

// finish stores a finished document and record as the finalize step does,
// then publishes it.
func (e *env) finish(t *testing.T, n int, class string, status domain.DocStatus) domain.DocumentID {
	t.Helper()
	ctx := context.Background()
	id := domain.DocumentID(fmt.Sprintf("%032x", n))
	d := &catalog.Document{ID: id, BatchID: "b1", Name: fmt.Sprintf("doc%d.pdf", n), Status: status, Pages: 1}
	r := &catalog.Record{DocumentID: id, BatchID: "b1", Class: class, Title: fmt.Sprintf("Giấy chứng nhận %d", n), Pages: 1,
		FinalizedAt: time.Now().UTC(), Fields: map[string]catalog.Field{
			"parcel_no":    {Value: fmt.Sprintf("%da", 100+n), Sensitivity: domain.Public},
			"map_sheet":    {Value: "C44", Sensitivity: domain.Public},
			"area_m2":      {Value: fmt.Sprintf("%d.5", 1000+n), Sensitivity: domain.Public},
			"land_purpose": {Value: "ONT", Sensitivity: domain.Public},
			"issuer":       {Value: "UBND huyện Năm Căn", Sensitivity: domain.Public},
			"cccd":         {Values: []string{fmt.Sprintf("0960850%05d", n)}, Sensitivity: domain.Personal},
			"person_names": {Values: []string{"Nguyễn Thị Hoa"}, Sensitivity: domain.Personal},
			"birth_dates":  {Values: []string{"1980-02-03"}, Sensitivity: domain.Personal},
		}}
	if err := e.cat.PutRecord(ctx, r); err != nil {
		t.Fatal(err)
	}
	if err := e.cat.PutDocument(ctx, d); err != nil {
		t.Fatal(err)
	}
	if err := e.feed.Sync(ctx, d, r); err != nil {
		t.Fatal(err)
	}
	return id
}

func settleFeed() { time.Sleep(settle + 50*time.Millisecond) }

// drain pulls everything with a fresh cursor file and returns the records.
func drain(t *testing.T, c *client.Client, cursor client.CursorFile, limit int) []exchange.Record {
	t.Helper()
	var got []exchange.Record
	if _, err := c.Sync(context.Background(), cursor, limit, func(_ context.Context, r exchange.Record) error {
		got = append(got, r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return got
}

func ids(recs []exchange.Record) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = r.DocumentID
	}
	return out
}

// TestPartnerScopes: two partners pull the same feed; each receives only
// its classes and only its fields.
func TestPartnerScopes(t *testing.T) {
	e := newEnv(t)
	land1 := e.finish(t, 1, "land_certificate", domain.DocDone)
	dec := e.finish(t, 2, "decision", domain.DocDone)
	e.finish(t, 3, "birth_extract", domain.DocDone)
	e.finish(t, 4, "land_certificate", domain.DocQuarantined)
	land5 := e.finish(t, 5, "land_certificate", domain.DocDone)
	settleFeed()

	tests := []struct {
		partner    string
		wantDocs   []string
		wantFields []string
	}{
		{"tax-camau", []string{string(land1), string(land5)}, []string{"area_m2", "cccd", "land_purpose", "map_sheet", "parcel_no", "person_names"}},
		{"stats-office", []string{string(land1), string(dec), string(land5)}, []string{"area_m2", "issuer", "land_purpose"}},
	}
	for _, tc := range tests {
		t.Run(tc.partner, func(t *testing.T) {
			got := drain(t, e.client(tc.partner), client.CursorFile(filepath.Join(t.TempDir(), "cursor")), 2)
			if diff := cmp.Diff(tc.wantDocs, ids(got)); diff != "" {
				t.Fatalf("documents (-want +got):\n%s", diff)
			}
			for _, r := range got {
				var names []string
				for k := range r.Fields {
					names = append(names, k)
				}
				sort.Strings(names)
				want := tc.wantFields
				if r.Class == "decision" {
					want = []string{"area_m2", "issuer", "land_purpose"} // the test record carries them all
				}
				if diff := cmp.Diff(want, names); diff != "" {
					t.Errorf("%s fields (-want +got):\n%s", r.DocumentID, diff)
				}
				if _, ok := r.Fields["birth_dates"]; ok {
					t.Errorf("%s: birth_dates sent though no partner has it", r.DocumentID)
				}
				if tc.partner == "stats-office" && r.Title == "" {
					t.Errorf("%s: title listed in fields but not sent", r.DocumentID)
				}
				if tc.partner == "tax-camau" && r.Title != "" {
					t.Errorf("%s: title sent though not listed", r.DocumentID)
				}
			}
			if tc.partner == "tax-camau" {
				if diff := cmp.Diff([]string{"096085000001"}, got[0].Fields["cccd"]); diff != "" {
					t.Errorf("cccd (-want +got):\n%s", diff)
				}
			}
		})
	}
	// Every pull is in the audit log, hash chain intact.
	rep, err := audit.Verify(e.audit.Path())
	if err != nil {
		t.Fatal(err)
	}
	entries, err := e.audit.Tail(100)
	if err != nil {
		t.Fatal(err)
	}
	pulls := map[string]int{}
	for _, en := range entries {
		if en.Action == "exchange_pull" {
			pulls[en.Object]++
		}
	}
	// tax: one page of 2 ([1,5], the rest passed over); stats: [1,2] then [5].
	if diff := cmp.Diff(map[string]int{"tax-camau": 1, "stats-office": 2}, pulls); diff != "" {
		t.Errorf("audited pulls (-want +got):\n%s\n(report %+v)", diff, rep)
	}
}

// TestTamperedResponse: a response changed in transit fails verification,
// as does one signed by another key.
func TestTamperedResponse(t *testing.T) {
	e := newEnv(t)
	e.finish(t, 1, "land_certificate", domain.DocDone)
	settleFeed()
	tamper := func(name string, edit func(h http.Header, body []byte) []byte) {
		t.Run(name, func(t *testing.T) {
			proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				req, _ := http.NewRequestWithContext(r.Context(), r.Method, e.srv.URL+r.URL.RequestURI(), nil)
				req.Header = r.Header.Clone()
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					http.Error(w, err.Error(), 502)
					return
				}
				defer resp.Body.Close()
				body, _ := io.ReadAll(resp.Body)
				h := resp.Header.Clone()
				body = edit(h, body)
				for k, v := range h {
					if k != "Content-Length" {
						w.Header()[k] = v
					}
				}
				w.WriteHeader(resp.StatusCode)
				w.Write(body)
			}))
			defer proxy.Close()
			c := e.client("tax-camau")
			c.BaseURL = proxy.URL
			_, err := c.Pull(context.Background(), "", 10)
			if !errors.Is(err, exchange.ErrBadSignature) {
				t.Fatalf("Pull through a tampering proxy: err = %v, want ErrBadSignature", err)
			}
		})
	}
	tamper("area changed", func(_ http.Header, b []byte) []byte {
		return []byte(strings.Replace(string(b), `"1001.5"`, `"9001.5"`, 1))
	})
	tamper("record dropped", func(_ http.Header, b []byte) []byte {
		var p map[string]any
		json.Unmarshal(b, &p)
		p["records"] = []any{}
		out, _ := json.Marshal(p)
		return out
	})
	tamper("signature removed", func(h http.Header, b []byte) []byte { h.Del(exchange.SignatureHeader); return b })
	tamper("resigned with another key", func(h http.Header, b []byte) []byte {
		other, err := exchange.LoadOrCreateKey(filepath.Join(t.TempDir(), "other.key"))
		if err != nil {
			t.Error(err)
		}
		req := exchange.Request{Partner: "tax-camau", Method: http.MethodGet, Target: "/api/v1/exchange/records?limit=10"}
		h.Set(exchange.SignatureHeader, other.Sign(req, time.Now(), b))
		return b
	})
	// And the untouched response verifies.
	if p, err := e.client("tax-camau").Pull(context.Background(), "", 10); err != nil || len(p.Records) != 1 {
		t.Fatalf("direct pull: %v, %+v", err, p)
	}
}

// captured is a response as an eavesdropper recorded it.
type captured struct {
	status int
	header http.Header
	body   []byte
}

// capture fetches target with partner's token and records the response.
func (e *env) capture(t *testing.T, partner, target string) captured {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+target, nil)
	req.Header.Set("Authorization", "Bearer "+e.tokens[partner])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return captured{resp.StatusCode, resp.Header.Clone(), body}
}

// replayer answers every request with one captured response.
func replayer(t *testing.T, c captured) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, v := range c.header {
			w.Header()[k] = v
		}
		w.WriteHeader(c.status)
		w.Write(c.body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestReplayedResponse: a correctly signed response captured earlier is
// refused when it is replayed too late, to another partner, or as the
// answer to another request; the signature covers partner, request,
// generated_at and body.
func TestReplayedResponse(t *testing.T) {
	e := newEnv(t)
	e.finish(t, 1, "land_certificate", domain.DocDone)
	settleFeed()
	const target = "/api/v1/exchange/records?limit=10"
	tax := e.capture(t, "tax-camau", target)
	stats := e.capture(t, "stats-office", target)
	tests := []struct {
		name    string
		replay  captured
		partner string
		since   string
		limit   int
		later   time.Duration
		maxAge  time.Duration
		wantErr error
	}{
		{name: "fresh, same partner and request", replay: tax, partner: "tax-camau", limit: 10},
		{name: "within the maximum age", replay: tax, partner: "tax-camau", limit: 10, later: 4 * time.Minute},
		{name: "older than the default maximum age", replay: tax, partner: "tax-camau", limit: 10, later: 6 * time.Minute, wantErr: exchange.ErrStale},
		{name: "older than a configured maximum age", replay: tax, partner: "tax-camau", limit: 10, later: 2 * time.Minute, maxAge: time.Minute, wantErr: exchange.ErrStale},
		{name: "generated in the future", replay: tax, partner: "tax-camau", limit: 10, later: -6 * time.Minute, wantErr: exchange.ErrStale},
		{name: "another partner's page", replay: stats, partner: "tax-camau", limit: 10, wantErr: exchange.ErrBadSignature},
		{name: "answer to another limit", replay: tax, partner: "tax-camau", limit: 5, wantErr: exchange.ErrBadSignature},
		{name: "answer to another cursor", replay: tax, partner: "tax-camau", since: "20261125T185012.123456789Z-0123456789abcdef0123456789abcdef", limit: 10, wantErr: exchange.ErrBadSignature},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := e.client(tc.partner)
			c.BaseURL = replayer(t, tc.replay).URL
			c.MaxAge = tc.maxAge
			c.Now = func() time.Time { return time.Now().Add(tc.later) }
			_, err := c.Pull(context.Background(), tc.since, tc.limit)
			if tc.wantErr == nil && err != nil {
				t.Fatalf("Pull: %v", err)
			}
			if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Fatalf("Pull: err = %v, want %v", err, tc.wantErr)
			}
		})
	}
	// An unauthenticated answer verifies only as one: signed for no partner.
	denied := e.capture(t, "nobody", target)
	c := e.client("tax-camau")
	c.BaseURL = replayer(t, denied).URL
	var apiErr *client.APIError
	if _, err := c.Pull(context.Background(), "", 10); !errors.As(err, &apiErr) || apiErr.Status != http.StatusUnauthorized {
		t.Errorf("replayed 401: err = %v, want the verified 401", err)
	}
	ok := tax
	ok.status = http.StatusUnauthorized
	c.BaseURL = replayer(t, ok).URL
	if _, err := c.Pull(context.Background(), "", 10); !errors.Is(err, exchange.ErrBadSignature) {
		t.Errorf("a partner's page passed off as a 401: err = %v, want ErrBadSignature", err)
	}
	// A client must say which partner it is.
	c = e.client("tax-camau")
	c.Partner = ""
	if _, err := c.Pull(context.Background(), "", 10); err == nil {
		t.Error("Pull without a partner ID succeeded")
	}
}

// TestRestartMidPull: the partner crashes in the middle of a page, the
// server restarts, more records are finalized meanwhile (some concurrently
// with the pulls); in the end the partner has every in-scope record
// exactly once.
func TestRestartMidPull(t *testing.T) {
	e := newEnv(t)
	var want []string
	for i := 1; i <= 7; i++ {
		want = append(want, string(e.finish(t, i, "land_certificate", domain.DocDone)))
	}
	settleFeed()
	cursor := client.CursorFile(filepath.Join(t.TempDir(), "cursor"))
	var (
		got     []string
		crashed bool
	)
	c := e.client("tax-camau")
	_, err := c.Sync(context.Background(), cursor, 3, func(_ context.Context, r exchange.Record) error {
		if len(got) == 4 && !crashed { // second page, second record
			crashed = true
			return errors.New("partner process killed")
		}
		got = append(got, r.DocumentID)
		return nil
	})
	if err == nil {
		t.Fatal("Sync did not report the handler failure")
	}
	// The server restarts (key reloaded from disk); records keep arriving,
	// finalized by concurrent workers while the partner pulls.
	e.start(t)
	var wg sync.WaitGroup
	var mu sync.Mutex
	for w := 0; w < 3; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < 4; i++ {
				id := e.finish(t, 100+w*10+i, "land_certificate", domain.DocDone)
				mu.Lock()
				want = append(want, string(id))
				mu.Unlock()
			}
		}(w)
	}
	c = e.client("tax-camau")
	handle := func(_ context.Context, r exchange.Record) error {
		got = append(got, r.DocumentID)
		return nil
	}
	for i := 0; i < 5; i++ { // pull while workers publish
		if _, err := c.Sync(context.Background(), cursor, 2, handle); err != nil {
			t.Fatal(err)
		}
		time.Sleep(30 * time.Millisecond)
	}
	wg.Wait()
	settleFeed()
	if _, err := c.Sync(context.Background(), cursor, 2, handle); err != nil {
		t.Fatal(err)
	}
	sort.Strings(want)
	sorted := append([]string(nil), got...)
	sort.Strings(sorted)
	if diff := cmp.Diff(want, sorted); diff != "" {
		t.Fatalf("records received (-want +got); lost or repeated:\n%s", diff)
	}
}

// TestRepublish: publishing the same version again (an asynq redelivery of
// finalize) adds nothing; a new version (staff retry) comes once more; a
// document quarantined on retry is withdrawn.
func TestRepublish(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.finish(t, 1, "land_certificate", domain.DocDone)
	b := e.finish(t, 2, "land_certificate", domain.DocDone)
	rec, err := e.cat.GetRecord(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.feed.Publish(ctx, a, rec.FinalizedAt); err != nil {
		t.Fatal(err)
	}
	if n, err := e.feed.Backfill(ctx, e.cat); err != nil || n != 0 {
		t.Fatalf("Backfill = %d, %v; want 0 (all published)", n, err)
	}
	settleFeed()
	cursor := client.CursorFile(filepath.Join(t.TempDir(), "cursor"))
	c := e.client("tax-camau")
	if diff := cmp.Diff([]string{string(a), string(b)}, ids(drain(t, c, cursor, 10))); diff != "" {
		t.Fatalf("first pull (-want +got):\n%s", diff)
	}
	// Staff retry: a re-finalized (new version), b quarantined.
	e.finish(t, 1, "land_certificate", domain.DocDone)
	e.finish(t, 2, "land_certificate", domain.DocQuarantined)
	settleFeed()
	if diff := cmp.Diff([]string{string(a)}, ids(drain(t, c, cursor, 10))); diff != "" {
		t.Fatalf("after retry (-want +got):\n%s", diff)
	}
	if got := drain(t, c, cursor, 10); len(got) != 0 {
		t.Fatalf("drained feed gave %v", ids(got))
	}
	// A new partner starting from scratch sees a once, b never.
	fresh := client.CursorFile(filepath.Join(t.TempDir(), "cursor2"))
	if diff := cmp.Diff([]string{string(a)}, ids(drain(t, c, fresh, 10))); diff != "" {
		t.Fatalf("fresh partner (-want +got):\n%s", diff)
	}
}

// TestSettling: a record is not served before it settles, so a late write
// can never land behind a cursor.
func TestSettling(t *testing.T) {
	e := newEnv(t)
	e.finish(t, 1, "land_certificate", domain.DocDone)
	p, err := e.client("tax-camau").Pull(context.Background(), "", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Records) != 0 || p.NextCursor != "" {
		t.Fatalf("unsettled record served: %+v", p)
	}
	settleFeed()
	if p, err = e.client("tax-camau").Pull(context.Background(), "", 10); err != nil || len(p.Records) != 1 {
		t.Fatalf("settled pull: %v %+v", err, p)
	}
}

func TestAuthAndParameters(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name, token, query string
		want               int
	}{
		{"no token", "", "", http.StatusUnauthorized},
		{"api-style token", "sohoa_0123456789abcdef_" + strings.Repeat("0", 64), "", http.StatusUnauthorized},
		{"unknown partner token", exchange.TokenPrefix + strings.Repeat("ab", 32), "", http.StatusUnauthorized},
		{"bad cursor", e.tokens["tax-camau"], "?since=../../etc", http.StatusBadRequest},
		{"limit too big", e.tokens["tax-camau"], "?limit=5000", http.StatusBadRequest},
		{"ok", e.tokens["tax-camau"], "?limit=5", http.StatusOK},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/api/v1/exchange/records"+tc.query, nil)
			if tc.token != "" {
				req.Header.Set("Authorization", "Bearer "+tc.token)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.want {
				t.Fatalf("HTTP %d, want %d: %s", resp.StatusCode, tc.want, body)
			}
			// Errors are signed too, for the partner when the token named one.
			signed := exchange.Request{Partner: "tax-camau", Method: http.MethodGet, Target: exchange.CanonicalTarget(req.URL)}
			if tc.want == http.StatusUnauthorized {
				signed.Partner = ""
			}
			at, err := exchange.Verify(e.pubKey, resp.Header.Get(exchange.SignatureHeader), signed, body)
			if err != nil {
				t.Fatalf("response not signed: %v", err)
			}
			if err := exchange.CheckAge(at, time.Now(), time.Minute); err != nil {
				t.Errorf("generated_at: %v", err)
			}
		})
	}
	// The public key endpoint gives the key the server signs with.
	pub, keyID, err := (&client.Client{BaseURL: e.srv.URL}).FetchPublicKey(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !pub.Equal(e.pubKey) || keyID != exchange.KeyID(pub) {
		t.Fatalf("public key %x (%s) is not the signing key", pub, keyID)
	}
}

func TestKeyFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "k", "signing.key")
	a, err := exchange.LoadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", st.Mode().Perm())
	}
	b, err := exchange.LoadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if a.KeyID() != b.KeyID() {
		t.Error("reloading the key file gave another key")
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := exchange.LoadOrCreateKey(path); err == nil {
		t.Error("a world-readable key file was accepted")
	}
}

func TestConfigValidate(t *testing.T) {
	_, sum := exchange.NewToken()
	tests := []struct {
		name, yaml, wantErr string
	}{
		{"ok", "partners:\n  - {id: tax, name: Thuế, token_sha256: " + sum + ", classes: [land_certificate], fields: [parcel_no]}\n", ""},
		{"bad id and hash", "partners:\n  - {id: Tax!, name: x, token_sha256: zz, classes: [a], fields: [b]}\n", "partners[0].id"},
		{"missing scope", "partners:\n  - {id: tax, name: x, token_sha256: " + sum + "}\n", "partners[0].classes"},
		{"duplicate", "partners:\n  - {id: tax, name: x, token_sha256: " + sum + ", classes: [a], fields: [b]}\n  - {id: tax, name: y, token_sha256: " + sum + ", classes: [a], fields: [b]}\n", "partners[1].id: duplicate"},
		{"unknown key", "partners:\n  - {id: tax, nam: x}\n", "field nam not found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := exchange.ParseConfig([]byte(tc.yaml))
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}
