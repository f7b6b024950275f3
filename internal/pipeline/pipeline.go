// Package pipeline runs sohoa's stages as asynq tasks:
//
//	ingest -> document:split -> page:ocr (one task per page) -> document:finalize -> document:index
//
// Every task has a deterministic ID (document ID, attempt and page), so a
// duplicate delivery or a crashed worker never makes a duplicate page or
// record; every effect is a keyed write to the blob store or the index, so
// running a task twice gives the same result. A page that cannot be read
// becomes a failed page with a reason, never a stuck document.
package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/sohoa/sohoa/internal/catalog"
	"github.com/sohoa/sohoa/internal/domain"
	"github.com/sohoa/sohoa/internal/metrics"
	"github.com/sohoa/sohoa/internal/pages"
	"github.com/sohoa/sohoa/internal/search"
)

// Task types.
const (
	TypeSplit    = "document:split"
	TypeOCR      = "page:ocr"
	TypeFinalize = "document:finalize"
	TypeIndex    = "document:index"
)

// Queue names and their weights: OCR gets most workers, later stages are
// favoured enough that finished documents become searchable promptly.
const (
	QueueSplit    = "split"
	QueueOCR      = "ocr"
	QueueFinalize = "finalize"
	QueueIndex    = "index"
)

// QueueWeights are the asynq queue priorities.
var QueueWeights = map[string]int{QueueFinalize: 4, QueueIndex: 4, QueueSplit: 2, QueueOCR: 3}

// Recognizer reads one page image. *child.Pool satisfies it, reading in a
// supervised child process. Errors wrapping domain.ErrReaderDied mean the
// reader died on the page (counted as strikes); other *domain.Rejection
// errors fail the page with their reason; anything else is retried.
type Recognizer interface {
	Recognize(ctx context.Context, img []byte, opt domain.ReadOptions) (domain.Page, error)
}

// PageSource yields the page images of one opened document; Close frees it.
type PageSource interface {
	Pages() int
	Page(ctx context.Context, n domain.PageNo) (pages.Image, error)
	Close() error
}

// Splitter opens documents for the split stage. *child.Pool, through
// SplitterFunc, does it in a supervised child process, streaming the size
// bytes of doc to it; refusals are *domain.Rejection, wrapping
// domain.ErrReaderDied when the reader died.
type Splitter interface {
	Open(ctx context.Context, doc io.ReaderAt, size int64, lim pages.Limits) (PageSource, error)
}

// SplitterFunc adapts a function to Splitter.
type SplitterFunc func(ctx context.Context, doc io.ReaderAt, size int64, lim pages.Limits) (PageSource, error)

// Open calls f.
func (f SplitterFunc) Open(ctx context.Context, doc io.ReaderAt, size int64, lim pages.Limits) (PageSource, error) {
	return f(ctx, doc, size, lim)
}

// InProcess opens documents in the calling process with package pages. It
// is for tests and tools that read trusted files; a server splits in child
// processes.
var InProcess Splitter = SplitterFunc(func(ctx context.Context, doc io.ReaderAt, size int64, lim pages.Limits) (PageSource, error) {
	data, err := io.ReadAll(io.NewSectionReader(doc, 0, size))
	if err != nil {
		return nil, fmt.Errorf("read document: %w", err)
	}
	src, err := pages.Open(ctx, data, lim)
	if err != nil {
		return nil, err
	}
	return nopCloser{src}, nil
})

type nopCloser struct{ pages.Source }

func (nopCloser) Close() error { return nil }

// Enqueuer adds tasks to the queue. *asynq.Client satisfies it. The pipeline
// passes every option (task ID, queue, retries, timeout, retention) in opts.
// A task whose ID is already queued (or kept after it ran) fails with
// asynq.ErrTaskIDConflict, which the pipeline takes as success.
type Enqueuer interface {
	EnqueueContext(ctx context.Context, t *asynq.Task, opts ...asynq.Option) (*asynq.TaskInfo, error)
}

var _ Enqueuer = (*asynq.Client)(nil)

// Indexer is what the pipeline needs from a search backend.
type Indexer interface {
	Index(ctx context.Context, r search.Record) error
	Delete(ctx context.Context, id string) error
}

// Blinder computes keyed blind-index tokens. *vault.Vault satisfies it.
type Blinder interface {
	Blind(field, value string) string
}

// Publisher announces finished records to other agencies' systems (the
// exchange feed). *exchange.Feed satisfies it.
type Publisher interface {
	Sync(ctx context.Context, d *catalog.Document, r *catalog.Record) error
}

// SystemAuditor records actions the pipeline takes on its own (quarantines).
type SystemAuditor interface {
	AuditSystem(ctx context.Context, action, object string, details map[string]string) error
}

// Extraction is what field extraction found in a document.
type Extraction struct {
	Pipeline         string
	Class            string
	ClassConfidence  float64
	Title            string
	Fields           map[string]catalog.Field
	Secrecy          string
	QuarantineReason string
	DuplicateKey     string
	Redacted         []string // per page text, personal spans replaced
	// Mentions are the personal values found in the text beside the class's
	// fields, by field name (person_names, cccd, ...): blind-indexed, never
	// indexed in the clear.
	Mentions map[string][]string
	// Missing are the class's required fields not found (for review).
	Missing []string
}

// Extractor extracts fields from a document's OCR'd pages.
type Extractor interface {
	Extract(ctx context.Context, pages []domain.Page, hint string) (Extraction, error)
}

// ExtractorFunc adapts a function to Extractor.
type ExtractorFunc func(ctx context.Context, pages []domain.Page, hint string) (Extraction, error)

// Extract calls f.
func (f ExtractorFunc) Extract(ctx context.Context, p []domain.Page, hint string) (Extraction, error) {
	return f(ctx, p, hint)
}

// Config configures a Pipeline. Zero values take the defaults given.
type Config struct {
	Limits       pages.Limits
	Ingest       IngestLimits
	OCRTimeout   time.Duration // per page task; default 5m
	SplitTimeout time.Duration // default 30m
	MaxRetry     int           // per task; default 5
	Retention    time.Duration // how long finished task IDs are kept for dedupe; default 7 days
	// MaxStrikes is how many times a page (or a document being opened)
	// may kill a reader before it is failed for good; default 2.
	MaxStrikes int
}

func (c Config) withDefaults() Config {
	if c.OCRTimeout <= 0 {
		c.OCRTimeout = 5 * time.Minute
	}
	if c.SplitTimeout <= 0 {
		c.SplitTimeout = 30 * time.Minute
	}
	if c.MaxRetry <= 0 {
		c.MaxRetry = 5
	}
	if c.MaxStrikes <= 0 {
		c.MaxStrikes = 2
	}
	if c.Retention <= 0 {
		c.Retention = 7 * 24 * time.Hour
	}
	c.Ingest = c.Ingest.withDefaults()
	return c
}

// Pipeline holds the dependencies of every stage. It is safe for concurrent use.
type Pipeline struct {
	cfg     Config
	cat     *catalog.Catalog
	queue   Enqueuer
	redis   redis.UniversalClient
	ocr     Recognizer
	split   Splitter
	extract Extractor
	index   Indexer
	blind   Blinder
	publish Publisher
	metrics *metrics.Metrics
	audit   SystemAuditor
	log     *slog.Logger
}

// Deps are the collaborators of a Pipeline. OCR, Extract and Index may be nil
// in a process that does not run those stages (an API-only process).
type Deps struct {
	Catalog *catalog.Catalog
	Queue   Enqueuer
	Redis   redis.UniversalClient
	OCR     Recognizer
	Split   Splitter // default InProcess
	Extract Extractor
	Index   Indexer
	Blind   Blinder
	Publish Publisher        // may be nil
	Metrics *metrics.Metrics // may be nil
	Audit   SystemAuditor    // may be nil
	Log     *slog.Logger
}

// New returns a pipeline.
func New(cfg Config, d Deps) *Pipeline {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.Split == nil {
		d.Split = InProcess
	}
	return &Pipeline{cfg: cfg.withDefaults(), cat: d.Catalog, queue: d.Queue, redis: d.Redis,
		ocr: d.OCR, split: d.Split, extract: d.Extract, index: d.Index, blind: d.Blind, publish: d.Publish, metrics: d.Metrics, audit: d.Audit, log: d.Log}
}

// Register adds the handlers of the stages this process runs to mux.
func (p *Pipeline) Register(mux *asynq.ServeMux, ocr, index bool) {
	mux.HandleFunc(TypeSplit, p.handleSplit)
	mux.HandleFunc(TypeFinalize, p.handleFinalize)
	if ocr {
		mux.HandleFunc(TypeOCR, p.handleOCR)
	}
	if index {
		mux.HandleFunc(TypeIndex, p.handleIndex)
	}
}

// docTask is the payload of document-level tasks.
type docTask struct {
	Doc     domain.DocumentID `json:"doc"`
	Attempt int               `json:"attempt"`
}

// pageTask is the payload of page tasks.
type pageTask struct {
	Doc     domain.DocumentID `json:"doc"`
	Attempt int               `json:"attempt"`
	Page    domain.PageNo     `json:"page"`
	Pages   int               `json:"pages"`
	Width   int               `json:"w"`
	Height  int               `json:"h"`
	DPI     int               `json:"dpi"`
}

// enqueue adds a task; a task whose ID already exists was enqueued before
// (duplicate delivery or retry), which is success.
func (p *Pipeline) enqueue(ctx context.Context, typ, id, queue string, payload any, timeout time.Duration) error {
	b, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("enqueue %s: %w", typ, err)
	}
	// The options go with the call, not the task, so that an Enqueuer other
	// than asynq's client (a test's) sees them.
	_, err = p.queue.EnqueueContext(ctx, asynq.NewTask(typ, b), asynq.TaskID(id), asynq.Queue(queue),
		asynq.MaxRetry(p.cfg.MaxRetry), asynq.Timeout(timeout), asynq.Retention(p.cfg.Retention))
	if errors.Is(err, asynq.ErrTaskIDConflict) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("enqueue %s %s: %w", typ, id, err)
	}
	return nil
}

func (p *Pipeline) enqueueSplit(ctx context.Context, doc domain.DocumentID, attempt int) error {
	return p.enqueue(ctx, TypeSplit, fmt.Sprintf("split:%s:%d", doc, attempt), QueueSplit,
		docTask{Doc: doc, Attempt: attempt}, p.cfg.SplitTimeout)
}

func (p *Pipeline) enqueueFinalize(ctx context.Context, doc domain.DocumentID, attempt int) error {
	return p.enqueue(ctx, TypeFinalize, fmt.Sprintf("finalize:%s:%d", doc, attempt), QueueFinalize,
		docTask{Doc: doc, Attempt: attempt}, 10*time.Minute)
}

func (p *Pipeline) enqueueIndex(ctx context.Context, doc domain.DocumentID, attempt int) error {
	return p.enqueue(ctx, TypeIndex, fmt.Sprintf("index:%s:%d", doc, attempt), QueueIndex,
		docTask{Doc: doc, Attempt: attempt}, 5*time.Minute)
}

// pagesKey is the Redis set of pages of a document attempt that are finished.
func pagesKey(doc domain.DocumentID, attempt int) string {
	return fmt.Sprintf("sohoa:pages:%s:%d", doc, attempt)
}

// markPageDone records page n as finished and reports how many pages are.
func (p *Pipeline) markPageDone(ctx context.Context, doc domain.DocumentID, attempt int, n domain.PageNo) (int, error) {
	key := pagesKey(doc, attempt)
	pipe := p.redis.TxPipeline()
	pipe.SAdd(ctx, key, int(n))
	card := pipe.SCard(ctx, key)
	pipe.Expire(ctx, key, 30*24*time.Hour)
	if _, err := pipe.Exec(ctx); err != nil {
		return 0, fmt.Errorf("mark page %d done: %w", n, err)
	}
	return int(card.Val()), nil
}

// pagesDone reports finished pages of a document attempt from Redis, falling
// back to the blob store when Redis has lost the work state.
func (p *Pipeline) pagesDone(ctx context.Context, d *catalog.Document) int {
	if d.Status.Terminal() {
		return d.Pages
	}
	n, err := p.redis.SCard(ctx, pagesKey(d.ID, d.Attempt)).Result()
	if err == nil && n > 0 {
		return int(n)
	}
	c, err := p.cat.PagesDone(ctx, d.ID)
	if err != nil {
		return 0
	}
	return c
}
