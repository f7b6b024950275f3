// Package client is a small Go client of sohoa's HTTP API, used by the CLI
// and by other agencies' programs. It is safe for concurrent use.
package client

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Client talks to one sohoa server.
type Client struct {
	Base  string // e.g. http://127.0.0.1:8080
	Token string
	HTTP  *http.Client // default: http.DefaultClient
	Lang  string       // Accept-Language; default vi
}

// Error is an API error response.
type Error struct {
	Status  int
	Code    string
	Message string
}

func (e *Error) Error() string { return fmt.Sprintf("%s (%d %s)", e.Message, e.Status, e.Code) }

func (c *Client) do(ctx context.Context, method, path string, body io.Reader, contentType string, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(c.Base, "/")+path, body)
	if err != nil {
		return err
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if c.Lang != "" {
		req.Header.Set("Accept-Language", c.Lang)
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		var e struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		if json.Unmarshal(b, &e) == nil && e.Error.Code != "" {
			return &Error{Status: resp.StatusCode, Code: e.Error.Code, Message: e.Error.Message}
		}
		return &Error{Status: resp.StatusCode, Code: "http", Message: strings.TrimSpace(string(b))}
	}
	if out == nil {
		return nil
	}
	if wt, ok := out.(writerTarget); ok {
		_, err := io.Copy(wt.w, resp.Body)
		return err
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// UploadResult is the answer to an upload.
type UploadResult struct {
	ID        string `json:"id"`
	Documents int    `json:"documents"`
	Files     int    `json:"files"`
	Rejected  int    `json:"rejected"`
}

// Upload sends files as one batch, streaming them from disk. meta holds
// optional fields (pipeline, fonds, dossier, retention, note). progress, if
// not nil, is called with bytes sent so far and the total.
func (c *Client) Upload(ctx context.Context, files []string, meta map[string]string, progress func(sent, total int64)) (*UploadResult, error) {
	var total int64
	for _, f := range files {
		fi, err := os.Stat(f)
		if err != nil {
			return nil, err
		}
		if fi.IsDir() {
			return nil, fmt.Errorf("%s is a directory: pass files or a ZIP", f)
		}
		total += fi.Size()
	}
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		err := func() error {
			for k, v := range meta {
				if v == "" {
					continue
				}
				if err := mw.WriteField(k, v); err != nil {
					return err
				}
			}
			var sent int64
			for _, f := range files {
				part, err := mw.CreateFormFile("file", filepath.Base(f))
				if err != nil {
					return err
				}
				fh, err := os.Open(f)
				if err != nil {
					return err
				}
				n, err := io.Copy(part, &countingReader{r: fh, fn: func(n int64) {
					if progress != nil {
						progress(sent+n, total)
					}
				}})
				fh.Close()
				if err != nil {
					return err
				}
				sent += n
			}
			return mw.Close()
		}()
		pw.CloseWithError(err)
	}()
	var res UploadResult
	if err := c.do(ctx, http.MethodPost, "/api/v1/batches", pr, mw.FormDataContentType(), &res); err != nil {
		pr.CloseWithError(err)
		return nil, err
	}
	return &res, nil
}

type countingReader struct {
	r  io.Reader
	n  int64
	fn func(int64)
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	c.fn(c.n)
	return n, err
}

// Document is a document's progress within a batch.
type Document struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Status    string `json:"status"`
	Pages     int    `json:"pages"`
	PagesDone int    `json:"pages_done"`
	Error     string `json:"error"`
	ErrorCode string `json:"error_code"`
}

// Batch is a batch's progress.
type Batch struct {
	ID         string     `json:"id"`
	Status     string     `json:"status"`
	CreatedAt  time.Time  `json:"created_at"`
	PagesTotal int        `json:"pages_total"`
	PagesDone  int        `json:"pages_done"`
	Documents  []Document `json:"documents"`
}

// Finished reports whether no more work will happen on the batch.
func (b *Batch) Finished() bool { return b.Status == "done" || b.Status == "done_with_errors" }

// Batch fetches a batch's progress.
func (c *Client) Batch(ctx context.Context, id string) (*Batch, error) {
	var b Batch
	if err := c.do(ctx, http.MethodGet, "/api/v1/batches/"+url.PathEscape(id), nil, "", &b); err != nil {
		return nil, err
	}
	return &b, nil
}

// Wait polls a batch until it is finished or ctx ends, calling progress on each poll.
func (c *Client) Wait(ctx context.Context, id string, every time.Duration, progress func(*Batch)) (*Batch, error) {
	for {
		b, err := c.Batch(ctx, id)
		if err != nil {
			return nil, err
		}
		if progress != nil {
			progress(b)
		}
		if b.Finished() {
			return b, nil
		}
		select {
		case <-ctx.Done():
			return b, ctx.Err()
		case <-time.After(every):
		}
	}
}

// Hit is one search hit.
type Hit struct {
	DocumentID string  `json:"document_id"`
	Title      string  `json:"title"`
	DocType    string  `json:"doc_type"`
	IssuedDate string  `json:"issued_date"`
	Issuer     string  `json:"issuer"`
	Snippet    string  `json:"snippet"`
	Score      float64 `json:"score"`
}

// SearchResult is a page of hits.
type SearchResult struct {
	Total  int   `json:"total"`
	Hits   []Hit `json:"hits"`
	Facets map[string][]struct {
		Value string
		Count int
	} `json:"facets"`
}

// Search runs a search; params are extra query parameters (type, f.<field>, ...).
func (c *Client) Search(ctx context.Context, q string, params url.Values) (*SearchResult, error) {
	v := url.Values{}
	for k, vals := range params {
		v[k] = vals
	}
	if q != "" {
		v.Set("q", q)
	}
	var res SearchResult
	if err := c.do(ctx, http.MethodGet, "/api/v1/search?"+v.Encode(), nil, "", &res); err != nil {
		return nil, err
	}
	return &res, nil
}

// Do sends a request without a body to an API path and decodes the answer into out (when not nil).
func (c *Client) Do(ctx context.Context, method, path string, out any) error {
	return c.do(ctx, method, path, nil, "", out)
}

// Download GETs an API path and copies the body to w.
func (c *Client) Download(ctx context.Context, path string, w io.Writer) error {
	return c.do(ctx, http.MethodGet, path, nil, "", writerTarget{w})
}

// writerTarget makes do copy the body instead of decoding JSON.
type writerTarget struct{ w io.Writer }

// GetJSON fetches any API path into out.
func (c *Client) GetJSON(ctx context.Context, path string, out any) error {
	return c.do(ctx, http.MethodGet, path, nil, "", out)
}

// PostJSON posts a JSON body to an API path.
func (c *Client) PostJSON(ctx context.Context, path string, in, out any) error {
	b, err := json.Marshal(in)
	if err != nil {
		return err
	}
	return c.do(ctx, http.MethodPost, path, strings.NewReader(string(b)), "application/json", out)
}
