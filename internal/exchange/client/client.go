// Package client is the partner side of sohoa's exchange API: it pulls
// records with a cursor, verifies the Ed25519 signature of every response
// against a pinned public key before reading it (the signature covers the
// partner, the request, the time the response was generated and the body,
// so a captured response cannot be replayed to it later, for another
// request or from another partner), and persists its cursor so that a
// restart neither loses nor repeats a record.
//
//	pub, _ := client.ParsePublicKey(pinnedBase64) // from the archive, out of band
//	c := &client.Client{BaseURL: "https://sohoa.example", Partner: "tax-camau", Token: token, PublicKey: pub}
//	n, err := c.Sync(ctx, client.CursorFile("/var/lib/tax/sohoa.cursor"), 500,
//		func(ctx context.Context, r exchange.Record) error { return store(ctx, r) })
package client

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/sohoa/sohoa/internal/exchange"
)

// maxBody bounds a response body (a full page of 1000 records with text).
const maxBody = 256 << 20

// Client pulls from one sohoa server. Its fields are set before first use;
// it is then safe for concurrent use.
type Client struct {
	// BaseURL is the server's root, e.g. "https://sohoa.example".
	BaseURL string
	// Partner is the partner ID the archive configured for Token
	// ("tax-camau"). A response signed for another partner is refused.
	Partner string
	// Token is the partner's bearer token.
	Token string
	// PublicKey is the server's signing key, pinned out of band (or
	// fetched once with FetchPublicKey and compared with a published
	// fingerprint). Every response must verify with it.
	PublicKey ed25519.PublicKey
	// HTTP is the HTTP client; default http.DefaultClient.
	HTTP *http.Client
	// MaxAge is how long after the server generated a response (or before,
	// for clock skew) the client still accepts it; older responses are
	// refused as replays with exchange.ErrStale. Default
	// exchange.DefaultMaxAge (5 minutes).
	MaxAge time.Duration
	// Now returns the current time; default time.Now.
	Now func() time.Time
}

// ParsePublicKey decodes a standard-base64 Ed25519 public key.
func ParsePublicKey(b64 string) (ed25519.PublicKey, error) {
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(b64))
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("exchange client: not a base64 Ed25519 public key")
	}
	return ed25519.PublicKey(b), nil
}

func (c *Client) httpClient() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return http.DefaultClient
}

// get fetches path and returns the body once its signature verifies with
// pub for this partner, this request and a generated_at within MaxAge (pub
// nil: no verification, for the public key itself). It also returns the
// verified generated_at.
func (c *Client) get(ctx context.Context, path string, pub ed25519.PublicKey) (int, []byte, time.Time, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(c.BaseURL, "/")+path, nil)
	if err != nil {
		return 0, nil, time.Time{}, fmt.Errorf("exchange client: %w", err)
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	resp, err := c.httpClient().Do(req)
	if err != nil {
		return 0, nil, time.Time{}, fmt.Errorf("exchange client: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return 0, nil, time.Time{}, fmt.Errorf("exchange client: read body: %w", err)
	}
	if len(body) > maxBody {
		return 0, nil, time.Time{}, fmt.Errorf("exchange client: response larger than %d bytes", maxBody)
	}
	var at time.Time
	if pub != nil {
		signed := exchange.Request{Partner: c.Partner, Method: req.Method, Target: exchange.CanonicalTarget(req.URL)}
		if resp.StatusCode == http.StatusUnauthorized {
			signed.Partner = "" // the server did not know who asked
		}
		if at, err = exchange.Verify(pub, resp.Header.Get(exchange.SignatureHeader), signed, body); err != nil {
			return 0, nil, time.Time{}, fmt.Errorf("exchange client: %s: %w", path, err)
		}
		maxAge := c.MaxAge
		if maxAge <= 0 {
			maxAge = exchange.DefaultMaxAge
		}
		now := time.Now
		if c.Now != nil {
			now = c.Now
		}
		if err := exchange.CheckAge(at, now(), maxAge); err != nil {
			return 0, nil, time.Time{}, fmt.Errorf("exchange client: %s: %w", path, err)
		}
	}
	return resp.StatusCode, body, at, nil
}

// FetchPublicKey asks the server for its public key. Trusting the answer
// is trust on first use: compare its KeyID with the one the archive
// published before pinning it.
func (c *Client) FetchPublicKey(ctx context.Context) (ed25519.PublicKey, string, error) {
	status, body, _, err := c.get(ctx, "/api/v1/exchange/public-key", nil)
	if err != nil {
		return nil, "", err
	}
	if status != http.StatusOK {
		return nil, "", fmt.Errorf("exchange client: public key: HTTP %d", status)
	}
	var info exchange.PublicKeyInfo
	if err := json.Unmarshal(body, &info); err != nil {
		return nil, "", fmt.Errorf("exchange client: public key: %w", err)
	}
	pub, err := ParsePublicKey(info.PublicKey)
	if err != nil {
		return nil, "", err
	}
	if exchange.KeyID(pub) != info.KeyID {
		return nil, "", fmt.Errorf("exchange client: public key does not match its key id %s", info.KeyID)
	}
	return pub, info.KeyID, nil
}

// APIError is a verified error response of the server.
type APIError struct {
	Status  int
	Code    string
	Message string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("exchange client: HTTP %d %s: %s", e.Status, e.Code, e.Message)
}

// Pull fetches one page of records after cursor since ("" = from the
// start) and returns it once its signature has verified.
func (c *Client) Pull(ctx context.Context, since string, limit int) (*exchange.Page, error) {
	if len(c.PublicKey) != ed25519.PublicKeySize {
		return nil, errors.New("exchange client: no pinned public key")
	}
	if c.Partner == "" {
		return nil, errors.New("exchange client: no partner ID")
	}
	q := url.Values{}
	if since != "" {
		q.Set("since", since)
	}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	path := "/api/v1/exchange/records"
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	status, body, at, err := c.get(ctx, path, c.PublicKey)
	if err != nil {
		return nil, err
	}
	if status != http.StatusOK {
		var e struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		_ = json.Unmarshal(body, &e)
		return nil, &APIError{Status: status, Code: e.Error.Code, Message: e.Error.Message}
	}
	var p exchange.Page
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, fmt.Errorf("exchange client: decode page: %w", err)
	}
	if p.Since != since {
		return nil, fmt.Errorf("exchange client: page answers since=%q, asked %q", p.Since, since)
	}
	if p.Partner != c.Partner || !p.GeneratedAt.Equal(at) {
		return nil, fmt.Errorf("%w: page for partner %q generated at %s, signed for %q at %s",
			exchange.ErrBadSignature, p.Partner, p.GeneratedAt, c.Partner, at)
	}
	return &p, nil
}

// CursorStore keeps the partner's position in the feed.
type CursorStore interface {
	Load() (string, error)
	Save(cursor string) error
}

// CursorFile is a CursorStore in one file, replaced atomically (write,
// fsync, rename) on every Save. A missing file is the start of the feed.
type CursorFile string

// Load reads the cursor.
func (f CursorFile) Load() (string, error) {
	b, err := os.ReadFile(string(f))
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("exchange client: cursor: %w", err)
	}
	c := strings.TrimSpace(string(b))
	if !exchange.ValidCursor(c) {
		return "", fmt.Errorf("exchange client: cursor file %s holds %q", f, c)
	}
	return c, nil
}

// Save writes the cursor atomically.
func (f CursorFile) Save(cursor string) error {
	dir := filepath.Dir(string(f))
	tmp, err := os.CreateTemp(dir, ".cursor-*")
	if err != nil {
		return fmt.Errorf("exchange client: cursor: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(cursor + "\n"); err != nil {
		tmp.Close()
		return fmt.Errorf("exchange client: cursor: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("exchange client: cursor: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("exchange client: cursor: %w", err)
	}
	if err := os.Rename(tmp.Name(), string(f)); err != nil {
		return fmt.Errorf("exchange client: cursor: %w", err)
	}
	return nil
}

// Sync pulls until the feed is drained, calling handle for each record in
// order and saving the record's cursor after handle succeeds, then the
// page's next cursor (which also passes over records outside the
// partner's scope). If handle fails or the process dies, the next Sync
// resumes after the last handled record: nothing is lost, and only a record
// whose handle completed without its cursor being saved can come again.
// It returns the number of records handled.
func (c *Client) Sync(ctx context.Context, cur CursorStore, limit int, handle func(context.Context, exchange.Record) error) (int, error) {
	since, err := cur.Load()
	if err != nil {
		return 0, err
	}
	n := 0
	for {
		p, err := c.Pull(ctx, since, limit)
		if err != nil {
			return n, err
		}
		for _, r := range p.Records {
			if err := handle(ctx, r); err != nil {
				return n, fmt.Errorf("exchange client: handle %s: %w", r.DocumentID, err)
			}
			if err := cur.Save(r.Cursor); err != nil {
				return n, err
			}
			n++
		}
		if p.NextCursor != since {
			if err := cur.Save(p.NextCursor); err != nil {
				return n, err
			}
		}
		since = p.NextCursor
		if !p.More {
			return n, nil
		}
	}
}
