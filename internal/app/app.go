package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/hibiken/asynq"
	"github.com/hibiken/asynqmon"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/redis/go-redis/v9"

	"github.com/sohoa/sohoa/internal/api"
	"github.com/sohoa/sohoa/internal/audit"
	"github.com/sohoa/sohoa/internal/auth"
	"github.com/sohoa/sohoa/internal/blob"
	"github.com/sohoa/sohoa/internal/catalog"
	"github.com/sohoa/sohoa/internal/child"
	"github.com/sohoa/sohoa/internal/exchange"
	"github.com/sohoa/sohoa/internal/extract"
	"github.com/sohoa/sohoa/internal/metrics"
	"github.com/sohoa/sohoa/internal/pages"
	"github.com/sohoa/sohoa/internal/pipeline"
	"github.com/sohoa/sohoa/internal/search"
	blevex "github.com/sohoa/sohoa/internal/search/bleve"
	"github.com/sohoa/sohoa/internal/vault"
)

// Core are the components every command builds over the data directory.
type Core struct {
	Config  Config
	Log     *slog.Logger
	Store   blob.Store
	Keyring *vault.Keyring
	Vault   *vault.Vault
	Catalog *catalog.Catalog
	Auth    *auth.Store
	Audit   *audit.Log

	closeLocker func()
}

// OpenCore opens the data directory: blob store, keys, vault, tokens, audit.
func OpenCore(cfg Config, log *slog.Logger) (*Core, error) {
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data dir %s: %w", cfg.DataDir, err)
	}
	kr, created, err := loadKeyring(cfg)
	if err != nil {
		return nil, err
	}
	if created {
		log.Warn("generated a master key for this instance; production needs its own key file (SOHOA_MASTER_KEY_FILE, mode 0600) kept outside the data directory",
			"path", cfg.MasterKeyFile, "key_id", kr.ActiveID())
	}
	store, err := openStore(context.Background(), cfg)
	if err != nil {
		return nil, err
	}
	locker, closeLocker, err := openLocker(cfg)
	if err != nil {
		return nil, err
	}
	vcfg := vault.Config{Locker: locker, Logger: log}
	if os.Getenv("SOHOA_MASTER_KEY") == "" {
		vcfg.KeyFile = cfg.MasterKeyFile // picks up keys rotated by the CLI while serving
	}
	v := vault.NewWithConfig(store, kr, vcfg)
	al, err := audit.OpenWithConfig(AuditPath(cfg), audit.Config{Logger: log, Key: AuditKey(kr)})
	if err != nil {
		return nil, err
	}
	return &Core{Config: cfg, Log: log, Store: store, Keyring: kr, Vault: v, Catalog: catalog.New(store, v),
		Auth: auth.NewStore(store), Audit: al, closeLocker: closeLocker}, nil
}

func loadKeyring(cfg Config) (*vault.Keyring, bool, error) {
	if v := os.Getenv("SOHOA_MASTER_KEY"); v != "" {
		kr, err := vault.KeyringFromEnv(v)
		return kr, false, err
	}
	return vault.LoadOrCreateKeyFile(cfg.MasterKeyFile)
}

// AuditKey is the HMAC key of the audit chain, derived from the keyring's
// non-rotating key so a rewritten log cannot be re-chained without it.
func AuditKey(kr *vault.Keyring) []byte { return kr.DeriveKey("audit") }

// AuditPath is where the audit log lives.
func AuditPath(cfg Config) string { return filepath.Join(cfg.DataDir, "audit", "audit.log") }

// Close releases the core's resources.
func (c *Core) Close() error {
	c.closeLocker()
	return c.Audit.Close()
}

// auditor adapts the audit log to the API's Auditor.
type auditor struct{ log *audit.Log }

func (a auditor) Audit(ctx context.Context, p auth.Principal, action, object, reason string, details map[string]string) error {
	_, err := a.log.Append(ctx, audit.Event{Actor: audit.Actor{TokenID: p.TokenID, Name: p.Name}, Role: string(p.Role),
		Action: audit.Action(action), Object: object, Reason: reason, Details: details})
	return err
}

// Started describes a serving instance.
type Started struct {
	Addr   string      // listening address
	Routes []api.Route // every route with the role it requires
}

// AuditSystem records an action the pipeline took by itself.
func (a auditor) AuditSystem(ctx context.Context, action, object string, details map[string]string) error {
	_, err := a.log.Append(ctx, audit.Event{Actor: audit.Actor{Name: "pipeline"}, Role: "system",
		Action: audit.Action(action), Object: object, Details: details})
	return err
}

// Serve runs `sohoa serve` until ctx ends: API, web and workers as the role says.
// ready, when not nil, is called once the API serves.
func Serve(ctx context.Context, cfg Config, log *slog.Logger, out io.Writer, ready func(Started)) error {
	core, err := OpenCore(cfg, log)
	if err != nil {
		return err
	}
	defer core.Close()
	runAPI := cfg.Role == "all" || cfg.Role == "api"
	runOCR := cfg.Role == "all" || cfg.Role == "worker"
	embedded := cfg.ElasticsearchURL == ""
	// The embedded index belongs to one process: the one serving the API.
	runIndex := !embedded || runAPI

	if runAPI {
		if err := bootstrapAdmin(ctx, core, out); err != nil {
			return err
		}
	}
	redisOpt, err := asynq.ParseRedisURI(cfg.RedisURL)
	if err != nil {
		return fmt.Errorf("redis_url: %w", err)
	}
	ropts, err := redis.ParseURL(cfg.RedisURL)
	if err != nil {
		return fmt.Errorf("redis_url: %w", err)
	}
	rdb := redis.NewClient(ropts)
	defer rdb.Close()
	if err := rdb.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("redis at %s is not reachable (start it with `make redis`, or set SOHOA_REDIS_URL): %w", redactURL(cfg.RedisURL), err)
	}
	queue := asynq.NewClient(redisOpt)
	defer queue.Close()

	var index search.Index
	if runIndex || runAPI {
		index, err = openIndex(ctx, cfg)
		if err != nil {
			return err
		}
		defer index.Close()
	}
	engine, err := loadExtractor(cfg)
	if err != nil {
		return err
	}
	// Untrusted bytes are decoded, rendered and read by OCR in supervised
	// child processes (package child): one per OCR worker, and one per
	// slot of the stages server for splitting documents.
	var readers, splitters *child.Pool
	if runOCR {
		readers, err = startReaders(ctx, cfg, "ocr", cfg.Workers, log)
		if err != nil {
			return err
		}
		defer readers.Close()
		splitters, err = startReaders(ctx, cfg, "split", stageConcurrency, log)
		if err != nil {
			return err
		}
		defer splitters.Close()
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		metrics.NewQueueCollector(asynq.NewInspector(redisOpt)))
	mets := metrics.New(reg)
	feed := exchange.NewFeed(core.Store, exchange.FeedConfig{})
	deps := pipeline.Deps{Catalog: core.Catalog, Queue: queue, Redis: rdb, Extract: extractor{engine}, Blind: core.Vault,
		Publish: feed, Metrics: mets, Audit: auditor{core.Audit}, Log: log}
	if readers != nil {
		deps.OCR = readers
		deps.Split = pipeline.SplitterFunc(func(ctx context.Context, doc io.ReaderAt, size int64, lim pages.Limits) (pipeline.PageSource, error) {
			d, err := splitters.Open(ctx, doc, size, lim)
			if err != nil {
				return nil, err
			}
			return d, nil
		})
	}
	if index != nil {
		deps.Index = index
	}
	pipe := pipeline.New(pipeline.Config{
		Limits: pages.Limits{MaxPages: cfg.MaxPages, MaxPixels: cfg.MaxPixels},
		Ingest: pipeline.IngestLimits{MaxFileBytes: cfg.MaxFileMB << 20, MaxBatchBytes: cfg.MaxBatchMB << 20},
	}, deps)

	errc := make(chan error, 2)
	// Two asynq servers: one takes only OCR tasks, one goroutine per
	// Tesseract client, so an OCR task is never taken before a client is
	// free; the other takes the short stages (split, finalize, index), so
	// they never wait behind OCR. One server with spare slots would fill
	// them with OCR tasks waiting for a client while splits and indexing lag.
	stages := map[string]int{}
	if runOCR {
		stages[pipeline.QueueSplit] = pipeline.QueueWeights[pipeline.QueueSplit]
		stages[pipeline.QueueFinalize] = pipeline.QueueWeights[pipeline.QueueFinalize]
	}
	if runIndex && (runOCR || embedded) {
		stages[pipeline.QueueIndex] = pipeline.QueueWeights[pipeline.QueueIndex]
	}
	mux := asynq.NewServeMux()
	pipe.Register(mux, runOCR, runIndex)
	var servers []*asynq.Server
	defer func() {
		// Stop taking tasks and finish or hand back in-flight ones, all
		// servers at once within their shutdown timeout.
		var wg sync.WaitGroup
		for _, srv := range servers {
			wg.Add(1)
			go func() { defer wg.Done(); srv.Shutdown() }()
		}
		wg.Wait()
	}()
	startServer := func(name string, queues map[string]int, concurrency int) error {
		srv := asynq.NewServer(redisOpt, asynq.Config{
			Concurrency: concurrency, Queues: queues, Logger: asynqLogger{log}, LogLevel: asynq.WarnLevel,
			ShutdownTimeout: 30 * time.Second,
			// An idle worker looks for work every 0.1-0.3 s instead of
			// asynq's 0.5-1.5 s: each stage hands over to the next through
			// a queue that is often empty for a moment (split -> OCR ->
			// finalize -> index), and a page should not wait a second at
			// each hand-over. A few dequeue attempts a second are nothing
			// for Redis.
			TaskCheckInterval: 200 * time.Millisecond,
			RetryDelayFunc:    retryDelay,
			ErrorHandler: asynq.ErrorHandlerFunc(func(ctx context.Context, t *asynq.Task, err error) {
				id, _ := asynq.GetTaskID(ctx)
				log.Warn("task failed", "type", t.Type(), "task_id", id, "err", err)
			}),
		})
		if err := srv.Start(mux); err != nil {
			return fmt.Errorf("start %s workers: %w", name, err)
		}
		servers = append(servers, srv)
		log.Info("workers started", "role", cfg.Role, "stage", name, "concurrency", concurrency, "queues", queues)
		return nil
	}
	if runOCR {
		if err := startServer("ocr", map[string]int{pipeline.QueueOCR: 1}, cfg.Workers); err != nil {
			return err
		}
	}
	if len(stages) > 0 {
		if err := startServer("stages", stages, stageConcurrency); err != nil {
			return err
		}
	}

	var httpSrv *http.Server
	if runAPI {
		mon := asynqmon.New(asynqmon.Options{RootPath: "/monitoring", RedisConnOpt: redisOpt})
		extra := []api.Route{
			{Pattern: "GET /metrics", Role: auth.RoleOperator, Handler: promhttp.HandlerFor(reg, promhttp.HandlerOpts{})},
			{Pattern: "/monitoring/", Role: auth.RoleOperator, Handler: mon},
		}
		extra = append(extra, debugRoutes()...)
		uploads := pipeline.NewUploadLimiter(cfg.MaxUploadsPerToken, cfg.MaxUploads) // shared by API and web
		web, err := webRoutes(webDeps{core: core, pipe: pipe, index: index, log: log, cfg: cfg, uploads: uploads})
		if err != nil {
			return err
		}
		extra = append(extra, web...)
		archival, err := archiveRoutes(core, feed, log)
		if err != nil {
			return err
		}
		extra = append(extra, archival...)
		a := api.New(api.Deps{
			Pipeline: pipe, Catalog: core.Catalog, Search: index, Auth: core.Auth, Audit: auditor{core.Audit},
			Blind: core.Vault, Keys: core.Vault, Log: log, MaxUploadBytes: cfg.MaxBatchMB << 20, Uploads: uploads, Extra: extra,
			Ready: map[string]api.Checker{
				"redis":  func(ctx context.Context) error { return rdb.Ping(ctx).Err() },
				"search": func(ctx context.Context) error { _, err := index.Count(ctx); return err },
				"store":  func(ctx context.Context) error { _, err := core.Store.List(ctx, "batches/"); return err },
			},
		})
		ln, err := net.Listen("tcp", cfg.Listen)
		if err != nil {
			return fmt.Errorf("listen %s: %w", cfg.Listen, err)
		}
		httpSrv = &http.Server{Handler: a, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
		go func() { errc <- httpSrv.Serve(ln) }()
		addr := ln.Addr().String()
		log.Info("sohoa serving", "url", "http://"+addr, "role", cfg.Role, "index", indexName(cfg))
		if ready != nil {
			ready(Started{Addr: addr, Routes: a.RouteTable()})
		}
	}

	select {
	case <-ctx.Done():
	case err := <-errc:
		if err != nil && !errors.Is(err, http.ErrServerClosed) {
			return err
		}
	}
	log.Info("shutting down")
	if httpSrv != nil {
		sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		_ = httpSrv.Shutdown(sctx)
	}
	return nil
}

// stageConcurrency is how many split, finalize and index tasks a process
// runs at once.
const stageConcurrency = 2

// startReaders starts a pool of reader children and checks that they run:
// a binary whose main does not serve as a child (childsrv.Main) fails here,
// not on the first page.
func startReaders(ctx context.Context, cfg Config, name string, slots int, log *slog.Logger) (*child.Pool, error) {
	pool, err := child.New(child.Config{Name: name, Slots: slots, Languages: cfg.Languages,
		MemoryMB: cfg.ReaderMemoryMB, Timeout: cfg.ReaderTimeout, Log: log})
	if err != nil {
		return nil, err
	}
	pctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	pong, err := pool.Ping(pctx, name == "ocr")
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("start %s reader processes: %w", name, err)
	}
	log.Info("reader processes ready", "pool", name, "slots", slots, "omp_thread_limit", pong.ThreadLimit,
		"memory_cap_mb", pong.MemoryCap>>20)
	return pool, nil
}

func indexName(cfg Config) string {
	if cfg.ElasticsearchURL != "" {
		return "elasticsearch"
	}
	return "embedded"
}

func openIndex(ctx context.Context, cfg Config) (search.Index, error) {
	if cfg.ElasticsearchURL != "" {
		return openES(ctx, cfg)
	}
	ix, err := blevex.Open(filepath.Join(cfg.DataDir, "index"))
	if err != nil {
		return nil, fmt.Errorf("open embedded index: %w", err)
	}
	return ix, nil
}

func loadExtractor(cfg Config) (*extract.Engine, error) {
	if cfg.PipelinesDir != "" {
		return extract.LoadDir(cfg.PipelinesDir)
	}
	return extract.Default()
}

// bootstrapAdmin registers SOHOA_ADMIN_TOKEN, or creates and prints an admin
// token once when the instance has none.
func bootstrapAdmin(ctx context.Context, core *Core, out io.Writer) error {
	if core.Config.AdminToken != "" {
		_, err := core.Auth.EnsureBootstrapAdmin(ctx, core.Config.AdminToken)
		return err
	}
	has, err := core.Auth.HasAdmin(ctx)
	if err != nil || has {
		return err
	}
	tok, _, err := core.Auth.Create(ctx, auth.RoleAdmin, "bootstrap-admin")
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "\nMã quản trị (chỉ hiện một lần) / admin token (shown once):\n  %s\n\n", tok)
	return nil
}

// retryDelay backs off exponentially from 2s to 5 minutes, with jitter, so a
// task interrupted by a lost worker or a passing Redis or index outage comes
// back quickly but a persistent failure does not spin.
func retryDelay(n int, _ error, _ *asynq.Task) time.Duration {
	d := 2 * time.Second << min(n, 8)
	if d > 5*time.Minute {
		d = 5 * time.Minute
	}
	return d + time.Duration(rand.Int64N(int64(d/4)+1))
}

// asynqLogger routes asynq's logs to slog.
type asynqLogger struct{ l *slog.Logger }

func (a asynqLogger) Debug(args ...any) { a.l.Debug(fmt.Sprint(args...), "component", "asynq") }
func (a asynqLogger) Info(args ...any)  { a.l.Info(fmt.Sprint(args...), "component", "asynq") }
func (a asynqLogger) Warn(args ...any)  { a.l.Warn(fmt.Sprint(args...), "component", "asynq") }
func (a asynqLogger) Error(args ...any) { a.l.Error(fmt.Sprint(args...), "component", "asynq") }
func (a asynqLogger) Fatal(args ...any) {
	a.l.Error(fmt.Sprint(args...), "component", "asynq", "fatal", true)
}

// redactURL hides a password in a URL for messages.
func redactURL(s string) string {
	u, err := urlParse(s)
	if err != nil {
		return "(invalid URL)"
	}
	return u.Redacted()
}
