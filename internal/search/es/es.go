// Package es is the Elasticsearch search backend, for deployments with
// several machines. It talks to Elasticsearch 8.x (and 7.17 or 9.x, which
// accept the same requests) through the functional esapi client of
// github.com/elastic/go-elasticsearch/v8, writes through one
// esutil.BulkIndexer per Index, and retries requests answered 429 or 5xx
// with exponential backoff.
//
// Layout: records live in a versioned index (<prefix>-v1 at first,
// <prefix>-v1-<timestamp> after a rebuild) that the alias <prefix> points
// to; reads and writes go through the alias. An index template created at
// start-up gives every versioned index the mapping, which uses only the
// standard analyser and keyword fields: the Vietnamese folding is done in Go
// (search.Prepare), so the server needs no analysis plugin. Rebuild fills a
// new versioned index and swaps the alias atomically, so `sohoa reindex`
// has no downtime.
package es

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	mrand "math/rand/v2"
	"net/http"
	"os"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/elastic/go-elasticsearch/v8"
	"github.com/elastic/go-elasticsearch/v8/esapi"
	"github.com/elastic/go-elasticsearch/v8/esutil"

	"github.com/sohoa/sohoa/internal/search"
)

// schemaVersion names the mapping below; a new mapping gets a new version
// and a new index name pattern.
const schemaVersion = "v1"

// Config configures the Elasticsearch backend. Only URLs is required; the
// zero value of every other field works.
type Config struct {
	// URLs of the Elasticsearch nodes, e.g. ["http://127.0.0.1:9200"].
	URLs []string `yaml:"urls"`
	// Username and Password for HTTP basic authentication (default: none).
	Username string `yaml:"username"`
	Password string `yaml:"password"`
	// APIKey is a base64 API key; it overrides Username/Password (default: none).
	APIKey string `yaml:"api_key"`
	// CACertFile is a PEM file of CA certificates to trust for https URLs
	// (default: the system roots).
	CACertFile string `yaml:"ca_cert_file"`
	// IndexPrefix names the alias; versioned indices are <prefix>-v1... and
	// the template <prefix>-template (default "sohoa-records").
	IndexPrefix string `yaml:"index_prefix"`
	// Shards and Replicas of new indices (default 1 shard, 0 replicas; use
	// at least 1 replica on a cluster of several nodes).
	Shards   int `yaml:"shards"`
	Replicas int `yaml:"replicas"`
	// RefreshOnWrite makes every bulk request refresh the index, so a write
	// is visible to search when Index or Delete returns (bulk refresh=true).
	// Off by default, because refreshing per request is costly: writes then
	// become visible within the refresh interval (1s). Tests turn it on.
	RefreshOnWrite bool `yaml:"refresh_on_write"`
	// MaxRetries of a request answered 429, 502, 503 or 504, or failing on
	// the network, with exponential backoff from 100ms to 5s (default 5).
	MaxRetries int `yaml:"max_retries"`
	// FlushBytes, FlushInterval and Workers tune the bulk indexer (defaults
	// 5 MB, 1s, the number of CPUs). Index and Delete flush at once and wait
	// for their own result; the interval matters for Rebuild.
	FlushBytes    int           `yaml:"flush_bytes"`
	FlushInterval time.Duration `yaml:"flush_interval"`
	Workers       int           `yaml:"workers"`
	// Logger receives warnings (default slog.Default()).
	Logger *slog.Logger `yaml:"-"`
	// Transport replaces the HTTP transport (default: Go's, with the CA above).
	Transport http.RoundTripper `yaml:"-"`
}

// Validate reports every problem with the configuration, naming the YAML keys.
func (c Config) Validate() error {
	var errs []error
	if len(c.URLs) == 0 {
		errs = append(errs, errors.New("elasticsearch.urls: at least one URL is required"))
	}
	for i, u := range c.URLs {
		if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
			errs = append(errs, fmt.Errorf("elasticsearch.urls[%d]: %q is not an http(s) URL", i, u))
		}
	}
	if c.IndexPrefix != "" && (strings.ToLower(c.IndexPrefix) != c.IndexPrefix || strings.ContainsAny(c.IndexPrefix, ` "*\<|,>/?#:`)) {
		errs = append(errs, fmt.Errorf("elasticsearch.index_prefix: %q must be lower case without spaces or any of \"*\\<|,>/?#:", c.IndexPrefix))
	}
	if c.Shards < 0 || c.Replicas < 0 || c.MaxRetries < 0 || c.Workers < 0 || c.FlushBytes < 0 || c.FlushInterval < 0 {
		errs = append(errs, errors.New("elasticsearch: shards, replicas, max_retries, workers, flush_bytes and flush_interval must not be negative"))
	}
	return errors.Join(errs...)
}

func (c Config) withDefaults() Config {
	if c.IndexPrefix == "" {
		c.IndexPrefix = "sohoa-records"
	}
	if c.Shards == 0 {
		c.Shards = 1
	}
	if c.MaxRetries == 0 {
		c.MaxRetries = 5
	}
	if c.FlushBytes == 0 {
		c.FlushBytes = 5 << 20
	}
	if c.FlushInterval == 0 {
		c.FlushInterval = time.Second
	}
	if c.Workers == 0 {
		c.Workers = runtime.NumCPU()
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

// Index is the Elasticsearch backend. It is safe for concurrent use.
type Index struct {
	cfg    Config
	client *elasticsearch.Client
	alias  string
	bulk   esutil.BulkIndexer
	// ignored counts bulk items that Elasticsearch reports as failed but
	// that are not errors for us (deleting a missing record).
	ignored atomic.Uint64

	mu      sync.RWMutex
	rebuild *rebuilding // nil when no Rebuild runs

	life   sync.RWMutex // held for reading by writes, for writing by Close
	closed bool
}

// errClosed is returned by writes after Close.
var errClosed = errors.New("elasticsearch: index is closed")

// open takes the read side of life for a write; it fails after Close.
func (ix *Index) open() error {
	ix.life.RLock()
	if ix.closed {
		ix.life.RUnlock()
		return errClosed
	}
	return nil
}

var _ search.Index = (*Index)(nil)

// Open connects to Elasticsearch, creates or updates the index template
// and, when the alias does not exist yet, the first versioned index behind
// it. Several processes may Open the same cluster at once.
func Open(ctx context.Context, cfg Config) (*Index, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	ecfg := elasticsearch.Config{
		Addresses:     cfg.URLs,
		Username:      cfg.Username,
		Password:      cfg.Password,
		APIKey:        cfg.APIKey,
		RetryOnStatus: []int{429, 502, 503, 504},
		MaxRetries:    cfg.MaxRetries,
		RetryBackoff:  backoff,
		Transport:     cfg.Transport,
	}
	if cfg.CACertFile != "" {
		pem, err := os.ReadFile(cfg.CACertFile)
		if err != nil {
			return nil, fmt.Errorf("elasticsearch: read CA certificates: %w", err)
		}
		ecfg.CACert = pem
	}
	client, err := elasticsearch.NewClient(ecfg)
	if err != nil {
		return nil, fmt.Errorf("elasticsearch: client: %w", err)
	}
	ix := &Index{cfg: cfg, client: client, alias: cfg.IndexPrefix}
	if err := ix.setup(ctx); err != nil {
		return nil, err
	}
	ix.bulk, err = ix.newBulkIndexer(ix.alias, cfg.RefreshOnWrite)
	if err != nil {
		return nil, err
	}
	return ix, nil
}

// backoff is exponential from 100ms, capped at 5s, with jitter.
func backoff(attempt int) time.Duration {
	d := time.Duration(float64(100*time.Millisecond) * math.Pow(2, float64(attempt-1)))
	if d > 5*time.Second {
		d = 5 * time.Second
	}
	return d/2 + time.Duration(mrand.Int64N(int64(d/2)+1))
}

func (ix *Index) newBulkIndexer(index string, refresh bool) (esutil.BulkIndexer, error) {
	bcfg := esutil.BulkIndexerConfig{
		Client:        ix.client,
		Index:         index,
		NumWorkers:    ix.cfg.Workers,
		FlushBytes:    ix.cfg.FlushBytes,
		FlushInterval: ix.cfg.FlushInterval,
		OnError: func(ctx context.Context, err error) {
			ix.cfg.Logger.Warn("elasticsearch bulk request failed", "index", index, "err", err)
		},
	}
	if refresh {
		bcfg.Refresh = "true"
	}
	bi, err := esutil.NewBulkIndexer(bcfg)
	if err != nil {
		return nil, fmt.Errorf("elasticsearch: bulk indexer: %w", err)
	}
	return bi, nil
}

// template is the index template: settings and the mapping of every
// versioned index. Only the standard analyser and keyword fields are used.
func (ix *Index) template() map[string]any {
	text := map[string]any{"type": "text", "analyzer": "standard"}
	keyword := map[string]any{"type": "keyword"}
	return map[string]any{
		"index_patterns": []string{ix.alias + "-" + schemaVersion + "*"},
		"priority":       200,
		"template": map[string]any{
			"settings": map[string]any{
				"number_of_shards":   ix.cfg.Shards,
				"number_of_replicas": ix.cfg.Replicas,
			},
			"mappings": map[string]any{
				"_meta":   map[string]any{"schema": schemaVersion},
				"dynamic": "strict",
				"_source": map[string]any{"excludes": []string{"text_f", "title_f"}},
				"dynamic_templates": []any{
					map[string]any{"fields_kw": map[string]any{"path_match": "f.*", "mapping": keyword}},
					map[string]any{"fields_num": map[string]any{"path_match": "n.*", "mapping": map[string]any{"type": "double"}}},
					map[string]any{"fields_date": map[string]any{"path_match": "d.*", "mapping": map[string]any{"type": "date", "format": "strict_date_optional_time"}}},
				},
				"properties": map[string]any{
					"id":          keyword,
					"batch_id":    keyword,
					"name":        map[string]any{"type": "keyword", "index": false},
					"title":       text,
					"title_f":     text,
					"text":        text,
					"text_f":      text,
					"doc_type":    keyword,
					"class":       keyword,
					"pipeline":    keyword,
					"issuer":      keyword,
					"issuer_n":    keyword,
					"issued_date": map[string]any{"type": "date", "format": "strict_date_optional_time"},
					"year":        keyword,
					"pages":       map[string]any{"type": "integer"},
					"blind":       keyword,
					"f":           map[string]any{"type": "object", "dynamic": true},
					"n":           map[string]any{"type": "object", "dynamic": true},
					"d":           map[string]any{"type": "object", "dynamic": true},
				},
			},
		},
	}
}

// setup creates the template and, when missing, the first index and alias.
func (ix *Index) setup(ctx context.Context) error {
	body, err := json.Marshal(ix.template())
	if err != nil {
		return fmt.Errorf("elasticsearch: encode template: %w", err)
	}
	if err := check(ix.client.Indices.PutIndexTemplate(ix.alias+"-template", bytes.NewReader(body),
		ix.client.Indices.PutIndexTemplate.WithContext(ctx))); err != nil {
		return fmt.Errorf("elasticsearch: put index template: %w", err)
	}
	targets, err := ix.aliasTargets(ctx)
	if err != nil {
		return err
	}
	if len(targets) > 0 {
		return ix.addFields(ctx, targets)
	}
	first := ix.alias + "-" + schemaVersion
	create := fmt.Sprintf(`{"aliases":{%q:{"is_write_index":true}}}`, ix.alias)
	err = check(ix.client.Indices.Create(first,
		ix.client.Indices.Create.WithBody(strings.NewReader(create)),
		ix.client.Indices.Create.WithWaitForActiveShards("1"),
		ix.client.Indices.Create.WithContext(ctx)))
	var ee *Error
	if errors.As(err, &ee) && ee.Type == "resource_already_exists_exception" {
		return nil // another process created it first
	}
	if err != nil {
		return fmt.Errorf("elasticsearch: create index %s: %w", first, err)
	}
	return nil
}

// addedFields are the fields added to the mapping of this schemaVersion
// after indices were first built with it: an index made before them gets
// them on setup (a strict mapping would refuse documents carrying them), and
// its records gain their values when reindexed.
var addedFields = []string{"class"}

// addFields adds addedFields to the mappings of existing indices. Adding a
// field to a mapping is allowed in place; it is a no-op when present.
func (ix *Index) addFields(ctx context.Context, indices []string) error {
	props := ix.template()["template"].(map[string]any)["mappings"].(map[string]any)["properties"].(map[string]any)
	add := map[string]any{}
	for _, name := range addedFields {
		add[name] = props[name]
	}
	body, err := json.Marshal(map[string]any{"properties": add})
	if err != nil {
		return fmt.Errorf("elasticsearch: encode mapping: %w", err)
	}
	if err := check(ix.client.Indices.PutMapping(indices, bytes.NewReader(body),
		ix.client.Indices.PutMapping.WithContext(ctx))); err != nil {
		return fmt.Errorf("elasticsearch: add fields %v to %v: %w", addedFields, indices, err)
	}
	return nil
}

// aliasTargets returns the indices the alias points to.
func (ix *Index) aliasTargets(ctx context.Context) ([]string, error) {
	res, err := ix.client.Indices.GetAlias(ix.client.Indices.GetAlias.WithName(ix.alias),
		ix.client.Indices.GetAlias.WithContext(ctx))
	if err != nil {
		return nil, fmt.Errorf("elasticsearch: get alias %s: %w", ix.alias, err)
	}
	defer res.Body.Close()
	if res.StatusCode == http.StatusNotFound {
		return nil, nil
	}
	if res.IsError() {
		return nil, fmt.Errorf("elasticsearch: get alias %s: %w", ix.alias, responseError(res))
	}
	var m map[string]json.RawMessage
	if err := json.NewDecoder(res.Body).Decode(&m); err != nil {
		return nil, fmt.Errorf("elasticsearch: decode alias %s: %w", ix.alias, err)
	}
	out := make([]string, 0, len(m))
	for name := range m {
		out = append(out, name)
	}
	sort.Strings(out)
	return out, nil
}

// Error is an error answer from Elasticsearch.
type Error struct {
	Status int
	Type   string // e.g. "index_not_found_exception"
	Reason string
}

func (e *Error) Error() string {
	return fmt.Sprintf("elasticsearch %d %s: %s", e.Status, e.Type, e.Reason)
}

// Temporary reports whether retrying later may succeed (429 and 5xx), so
// task handlers can retry rather than give up.
func (e *Error) Temporary() bool { return e.Status == http.StatusTooManyRequests || e.Status >= 500 }

func responseError(res *esapi.Response) error {
	raw, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	var body struct {
		Error json.RawMessage `json:"error"`
	}
	e := &Error{Status: res.StatusCode, Reason: strings.TrimSpace(string(raw))}
	if json.Unmarshal(raw, &body) == nil && len(body.Error) > 0 {
		var detail struct {
			Type   string `json:"type"`
			Reason string `json:"reason"`
		}
		if json.Unmarshal(body.Error, &detail) == nil && detail.Type != "" {
			e.Type, e.Reason = detail.Type, detail.Reason
		} else {
			e.Reason = string(body.Error)
		}
	}
	return e
}

// check closes the response and turns an error answer into an *Error.
func check(res *esapi.Response, err error) error {
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.IsError() {
		return responseError(res)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	return nil
}

// source is the document sent to Elasticsearch.
type source struct {
	ID         string               `json:"id"`
	BatchID    string               `json:"batch_id,omitempty"`
	Name       string               `json:"name,omitempty"`
	Title      string               `json:"title"`
	TitleF     string               `json:"title_f"`
	Text       string               `json:"text"`
	TextF      string               `json:"text_f"`
	DocType    string               `json:"doc_type,omitempty"`
	Class      string               `json:"class,omitempty"`
	Pipeline   string               `json:"pipeline,omitempty"`
	Issuer     string               `json:"issuer,omitempty"`
	IssuerN    string               `json:"issuer_n,omitempty"`
	IssuedDate *time.Time           `json:"issued_date,omitempty"`
	Year       string               `json:"year,omitempty"`
	Pages      int                  `json:"pages"`
	Blind      []string             `json:"blind,omitempty"`
	F          map[string][]string  `json:"f"`
	N          map[string][]float64 `json:"n"`
	D          map[string][]string  `json:"d"`
}

func encode(r search.Record) ([]byte, error) {
	if r.ID == "" {
		return nil, errors.New("record has no ID")
	}
	d := search.Prepare(r)
	s := source{
		ID: d.ID, BatchID: d.BatchID, Name: d.Name, Title: d.Title, TitleF: d.TitleFolded,
		Text: d.Text, TextF: d.TextFolded, DocType: d.DocType, Class: d.Class, Pipeline: d.Pipeline,
		Issuer: d.Issuer, IssuerN: d.IssuerNorm, Year: d.Year, Pages: d.Pages, Blind: d.Blind,
		F: d.Keywords, N: d.Numbers, D: map[string][]string{},
	}
	if !d.IssuedDate.IsZero() {
		t := d.IssuedDate
		s.IssuedDate = &t
	}
	for name, ts := range d.Dates {
		for _, t := range ts {
			s.D[name] = append(s.D[name], t.UTC().Format(time.RFC3339Nano))
		}
	}
	return json.Marshal(s)
}

// write sends one bulk item through bi and waits for its result.
func (ix *Index) write(ctx context.Context, bi esutil.BulkIndexer, item esutil.BulkIndexerItem) error {
	done := make(chan error, 1)
	item.OnSuccess = func(context.Context, esutil.BulkIndexerItem, esutil.BulkIndexerResponseItem) { done <- nil }
	item.OnFailure = func(_ context.Context, it esutil.BulkIndexerItem, res esutil.BulkIndexerResponseItem, err error) {
		if it.Action == "delete" && res.Status == http.StatusNotFound && err == nil {
			ix.ignored.Add(1)
			done <- nil
			return
		}
		done <- itemError(res, err)
	}
	if err := bi.Add(ctx, item); err != nil {
		return err
	}
	if err := bi.Flush(ctx); err != nil {
		return err
	}
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func itemError(res esutil.BulkIndexerResponseItem, err error) error {
	if err != nil {
		return err
	}
	return &Error{Status: res.Status, Type: res.Error.Type, Reason: res.Error.Reason}
}

// rebuilding is the state of a Rebuild in progress.
type rebuilding struct {
	name string
	bulk esutil.BulkIndexer // writes into the new index, flushed by Rebuild
	fail func(id string, err error)
}

// alsoToRebuild sends a write made through Index or Delete to the index
// being rebuilt, if any, so that it does not miss writes made during the
// rebuild. Its result is checked by Rebuild.
func (ix *Index) alsoToRebuild(ctx context.Context, item esutil.BulkIndexerItem) error {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	rb := ix.rebuild
	if rb == nil {
		return nil
	}
	id := item.DocumentID
	item.Index = rb.name
	item.OnFailure = func(_ context.Context, it esutil.BulkIndexerItem, res esutil.BulkIndexerResponseItem, err error) {
		if it.Action == "delete" && res.Status == http.StatusNotFound && err == nil {
			return
		}
		rb.fail(id, itemError(res, err))
	}
	if err := rb.bulk.Add(ctx, item); err != nil {
		return fmt.Errorf("elasticsearch: %s %s into %s: %w", item.Action, id, rb.name, err)
	}
	return nil
}

// Index adds or replaces the record with r.ID and waits for Elasticsearch
// to acknowledge it (and, with RefreshOnWrite, for it to be searchable).
func (ix *Index) Index(ctx context.Context, r search.Record) error {
	if err := ix.open(); err != nil {
		return err
	}
	defer ix.life.RUnlock()
	body, err := encode(r)
	if err != nil {
		return fmt.Errorf("elasticsearch: index %s: %w", r.ID, err)
	}
	item := esutil.BulkIndexerItem{Action: "index", DocumentID: r.ID, Body: bytes.NewReader(body)}
	if err := ix.write(ctx, ix.bulk, item); err != nil {
		return fmt.Errorf("elasticsearch: index %s: %w", r.ID, err)
	}
	item.Body = bytes.NewReader(body)
	return ix.alsoToRebuild(ctx, item)
}

// IndexBatch adds or replaces many records with one flush and waits for all
// of them; it returns the errors of the records that failed, joined.
func (ix *Index) IndexBatch(ctx context.Context, rs []search.Record) error {
	if err := ix.open(); err != nil {
		return err
	}
	defer ix.life.RUnlock()
	var (
		mu   sync.Mutex
		errs []error
		wg   sync.WaitGroup
	)
	fail := func(id string, err error) {
		mu.Lock()
		errs = append(errs, fmt.Errorf("elasticsearch: index %s: %w", id, err))
		mu.Unlock()
	}
	for _, r := range rs {
		body, err := encode(r)
		if err != nil {
			fail(r.ID, err)
			continue
		}
		id := r.ID
		wg.Add(1)
		item := esutil.BulkIndexerItem{
			Action: "index", DocumentID: id, Body: bytes.NewReader(body),
			OnSuccess: func(context.Context, esutil.BulkIndexerItem, esutil.BulkIndexerResponseItem) { wg.Done() },
			OnFailure: func(_ context.Context, _ esutil.BulkIndexerItem, res esutil.BulkIndexerResponseItem, err error) {
				fail(id, itemError(res, err))
				wg.Done()
			},
		}
		if err := ix.bulk.Add(ctx, item); err != nil {
			wg.Done()
			fail(id, err)
			continue
		}
		if err := ix.alsoToRebuild(ctx, esutil.BulkIndexerItem{Action: "index", DocumentID: id, Body: bytes.NewReader(body)}); err != nil {
			fail(id, err)
		}
	}
	if err := ix.bulk.Flush(ctx); err != nil {
		return fmt.Errorf("elasticsearch: index batch: %w", err)
	}
	wg.Wait()
	return errors.Join(errs...)
}

// Delete removes the record; deleting a missing record is not an error.
func (ix *Index) Delete(ctx context.Context, id string) error {
	if id == "" {
		return errors.New("elasticsearch: delete: empty ID")
	}
	if err := ix.open(); err != nil {
		return err
	}
	defer ix.life.RUnlock()
	if err := ix.write(ctx, ix.bulk, esutil.BulkIndexerItem{Action: "delete", DocumentID: id}); err != nil {
		return fmt.Errorf("elasticsearch: delete %s: %w", id, err)
	}
	return ix.alsoToRebuild(ctx, esutil.BulkIndexerItem{Action: "delete", DocumentID: id})
}

// Count returns the number of records visible to search.
func (ix *Index) Count(ctx context.Context) (int, error) {
	res, err := ix.client.Count(ix.client.Count.WithIndex(ix.alias), ix.client.Count.WithContext(ctx))
	if err != nil {
		return 0, fmt.Errorf("elasticsearch: count: %w", err)
	}
	defer res.Body.Close()
	if res.IsError() {
		return 0, fmt.Errorf("elasticsearch: count: %w", responseError(res))
	}
	var body struct {
		Count int `json:"count"`
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		return 0, fmt.Errorf("elasticsearch: decode count: %w", err)
	}
	return body.Count, nil
}

// Flush sends pending writes and makes every acknowledged write visible to
// search (a refresh of the alias).
func (ix *Index) Flush(ctx context.Context) error {
	if err := ix.open(); err != nil {
		return err
	}
	defer ix.life.RUnlock()
	if err := ix.bulk.Flush(ctx); err != nil {
		return fmt.Errorf("elasticsearch: flush: %w", err)
	}
	if err := check(ix.client.Indices.Refresh(ix.client.Indices.Refresh.WithIndex(ix.alias),
		ix.client.Indices.Refresh.WithContext(ctx))); err != nil {
		return fmt.Errorf("elasticsearch: refresh: %w", err)
	}
	return nil
}

// Close waits for writes in progress, flushes pending writes and stops the
// bulk indexer. It reports an error when any bulk item failed during the
// life of the index. Writes after Close fail; Close may be called once.
func (ix *Index) Close() error {
	ix.life.Lock()
	defer ix.life.Unlock()
	if ix.closed {
		return errClosed
	}
	ix.closed = true
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := ix.bulk.Close(ctx); err != nil {
		return fmt.Errorf("elasticsearch: close bulk indexer: %w", err)
	}
	if failed := ix.bulk.Stats().NumFailed - ix.ignored.Load(); failed > 0 {
		return fmt.Errorf("elasticsearch: %d bulk items failed", failed)
	}
	return nil
}

// Rebuild fills a new versioned index with the records fill adds, then
// points the alias at it in one atomic step and deletes the old indices:
// searches keep working on the old index until the swap. Writes made
// through Index and Delete during the rebuild go to both indices. fill
// must add every record (from the system of record, the blob store); an
// error from fill or from any record aborts the rebuild and deletes the
// new index, leaving the alias unchanged.
func (ix *Index) Rebuild(ctx context.Context, fill func(ctx context.Context, add func(search.Record) error) error) (err error) {
	suffix := make([]byte, 3)
	_, _ = rand.Read(suffix)
	name := fmt.Sprintf("%s-%s-%s-%s", ix.alias, schemaVersion, time.Now().UTC().Format("20060102t150405"), hex.EncodeToString(suffix))

	// Building: no refresh until done.
	settings := `{"settings":{"refresh_interval":"-1"}}`
	if err := check(ix.client.Indices.Create(name, ix.client.Indices.Create.WithBody(strings.NewReader(settings)),
		ix.client.Indices.Create.WithContext(ctx))); err != nil {
		return fmt.Errorf("elasticsearch: rebuild: create %s: %w", name, err)
	}
	defer func() {
		if err != nil {
			dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
			defer cancel()
			_ = check(ix.client.Indices.Delete([]string{name}, ix.client.Indices.Delete.WithContext(dctx)))
		}
	}()
	bi, err := ix.newBulkIndexer(name, false)
	if err != nil {
		return err
	}
	var (
		mu       sync.Mutex
		itemErrs []error
		failed   int
	)
	fail := func(id string, err error) {
		mu.Lock()
		defer mu.Unlock()
		failed++
		if len(itemErrs) < 10 {
			itemErrs = append(itemErrs, fmt.Errorf("%s: %w", id, err))
		}
	}
	ix.mu.Lock()
	if ix.rebuild != nil {
		ix.mu.Unlock()
		_ = bi.Close(ctx)
		return fmt.Errorf("elasticsearch: rebuild: %s is already being rebuilt", ix.rebuild.name)
	}
	ix.rebuild = &rebuilding{name: name, bulk: bi, fail: fail}
	ix.mu.Unlock()

	add := func(r search.Record) error {
		body, err := encode(r)
		if err != nil {
			return fmt.Errorf("index %s: %w", r.ID, err)
		}
		id := r.ID
		return bi.Add(ctx, esutil.BulkIndexerItem{
			Action: "index", DocumentID: id, Body: bytes.NewReader(body),
			OnFailure: func(_ context.Context, _ esutil.BulkIndexerItem, res esutil.BulkIndexerResponseItem, err error) {
				fail(id, itemError(res, err))
			},
		})
	}
	fillErr := fill(ctx, add)

	// Writes through Index and Delete keep going to the new index until the
	// alias has moved; the bulk indexer is flushed before the swap.
	if fillErr == nil {
		if err := bi.Flush(ctx); err != nil {
			fillErr = fmt.Errorf("flush: %w", err)
		}
	}
	if fillErr == nil {
		fillErr = ix.swap(ctx, name, func() error {
			mu.Lock()
			defer mu.Unlock()
			if failed > 0 {
				return fmt.Errorf("%d records failed: %w", failed, errors.Join(itemErrs...))
			}
			return nil
		})
	}
	ix.mu.Lock()
	ix.rebuild = nil
	ix.mu.Unlock()
	closeErr := bi.Close(context.WithoutCancel(ctx))
	if fillErr != nil {
		return fmt.Errorf("elasticsearch: rebuild: %w", fillErr)
	}
	if closeErr != nil {
		return fmt.Errorf("elasticsearch: rebuild: close bulk indexer: %w", closeErr)
	}
	return nil
}

// swap makes the new index searchable, checks that no write into it failed,
// moves the alias to it in one atomic request and deletes the old indices.
func (ix *Index) swap(ctx context.Context, name string, failures func() error) error {
	if err := check(ix.client.Indices.PutSettings(strings.NewReader(`{"index":{"refresh_interval":null}}`),
		ix.client.Indices.PutSettings.WithIndex(name), ix.client.Indices.PutSettings.WithContext(ctx))); err != nil {
		return fmt.Errorf("restore refresh interval: %w", err)
	}
	if err := check(ix.client.Indices.Refresh(ix.client.Indices.Refresh.WithIndex(name),
		ix.client.Indices.Refresh.WithContext(ctx))); err != nil {
		return fmt.Errorf("refresh: %w", err)
	}
	if err := failures(); err != nil {
		return err
	}
	old, err := ix.aliasTargets(ctx)
	if err != nil {
		return err
	}
	actions := []any{map[string]any{"add": map[string]any{"index": name, "alias": ix.alias, "is_write_index": true}}}
	for _, o := range old {
		actions = append(actions, map[string]any{"remove": map[string]any{"index": o, "alias": ix.alias}})
	}
	body, err := json.Marshal(map[string]any{"actions": actions})
	if err != nil {
		return fmt.Errorf("encode alias actions: %w", err)
	}
	if err := check(ix.client.Indices.UpdateAliases(bytes.NewReader(body), ix.client.Indices.UpdateAliases.WithContext(ctx))); err != nil {
		return fmt.Errorf("swap alias: %w", err)
	}
	if len(old) > 0 {
		if err := check(ix.client.Indices.Delete(old, ix.client.Indices.Delete.WithContext(ctx))); err != nil {
			ix.cfg.Logger.Warn("elasticsearch: rebuild: old indices not deleted", "indices", old, "err", err)
		}
	}
	return nil
}

// Drop deletes the alias's indices and the template: everything this Index
// created. Tests use it to clean up; the Index must not be used afterwards.
func (ix *Index) Drop(ctx context.Context) error {
	var errs []error
	if err := check(ix.client.Indices.Delete([]string{ix.alias + "-" + schemaVersion + "*"},
		ix.client.Indices.Delete.WithContext(ctx))); err != nil {
		errs = append(errs, fmt.Errorf("delete indices: %w", err))
	}
	if err := check(ix.client.Indices.DeleteIndexTemplate(ix.alias+"-template",
		ix.client.Indices.DeleteIndexTemplate.WithContext(ctx))); err != nil {
		errs = append(errs, fmt.Errorf("delete template: %w", err))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("elasticsearch: drop %s: %w", ix.alias, err)
	}
	return nil
}
