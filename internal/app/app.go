package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"log/syslog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
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
	acfg, err := auditConfig(cfg, log)
	if err != nil {
		return nil, err
	}
	retired, err := retireLegacyAudit(cfg, kr, acfg.Key)
	if err != nil {
		return nil, err
	}
	al, err := audit.OpenWithConfig(AuditPath(cfg), acfg)
	if err != nil {
		return nil, err
	}
	if retired != nil {
		log.Warn("the audit log was keyed with the master key; it was kept aside and a new log keyed with audit.key_file started",
			"retired", retired["previous_log"], "seq", retired["previous_seq"])
		if _, err := al.Append(context.Background(), audit.Event{Actor: audit.Actor{Name: "sohoa"}, Role: "system",
			Action: "audit_key_change", Details: retired}); err != nil {
			al.Close()
			return nil, err
		}
	}
	return &Core{Config: cfg, Log: log, Store: store, Keyring: kr, Vault: v, Catalog: catalog.New(store, v),
		Auth: auth.NewStoreWithConfig(store, cfg.authStoreConfig()), Audit: al, closeLocker: closeLocker}, nil
}

func loadKeyring(cfg Config) (*vault.Keyring, bool, error) {
	if v := os.Getenv("SOHOA_MASTER_KEY"); v != "" {
		kr, err := vault.KeyringFromEnv(v)
		return kr, false, err
	}
	return vault.LoadOrCreateKeyFile(cfg.MasterKeyFile)
}

// AuditKey reads the audit key (audit.key_file): it MACs the chain and
// encrypts reasons. A development instance creates it when missing; any
// other must be given one, kept outside the data directory.
func AuditKey(cfg Config) ([]byte, error) {
	return audit.LoadKeyFile(cfg.Audit.KeyFile, cfg.Development())
}

// legacyAuditKey is the audit key of earlier versions, derived from the
// master keyring (which, by default, lives in the data directory).
func legacyAuditKey(kr *vault.Keyring) []byte { return kr.DeriveKey("audit") }

// retireLegacyAudit keeps aside a log written under legacyAuditKey (it
// would no longer verify under key) so a new one starts; it returns the
// details the new log's first entry records, or nil when nothing was
// retired. The retired log verifies with the legacy key.
func retireLegacyAudit(cfg Config, kr *vault.Keyring, key []byte) (map[string]string, error) {
	path := AuditPath(cfg)
	if ok, err := audit.HeadKeyedWith(path, key); ok || err != nil {
		return nil, err
	}
	if ok, err := audit.HeadKeyedWith(path, legacyAuditKey(kr)); !ok || err != nil {
		return nil, err
	}
	suffix := ".legacy-" + time.Now().UTC().Format("20060102T150405Z")
	seq, hash, err := audit.Retire(path, suffix)
	if err != nil {
		return nil, err
	}
	return map[string]string{"previous_log": filepath.Base(path + suffix), "previous_seq": strconv.FormatUint(seq, 10), "previous_hash": hash}, nil
}

// AuditVerifyOptions are what `sohoa audit verify` and the admin page
// check the log with: the key (never created here) and the anchor file.
func AuditVerifyOptions(cfg Config) (audit.VerifyOptions, error) {
	key, err := audit.LoadKeyFile(cfg.Audit.KeyFile, false)
	return audit.VerifyOptions{Key: key, AnchorPath: cfg.Audit.AnchorFile}, err
}

// auditConfig is the audit log's configuration: key, anchor file and, when
// configured, syslog as a second anchor sink.
func auditConfig(cfg Config, log *slog.Logger) (audit.Config, error) {
	key, err := AuditKey(cfg)
	if err != nil {
		return audit.Config{}, err
	}
	ac := audit.Config{Logger: log, Key: key, AnchorPath: cfg.Audit.AnchorFile,
		AnchorEvery: cfg.Audit.AnchorEvery, AnchorInterval: cfg.Audit.AnchorInterval}
	if cfg.Audit.Syslog {
		w, err := syslog.New(syslog.LOG_AUTHPRIV|syslog.LOG_NOTICE, "sohoa-audit")
		if err != nil {
			return audit.Config{}, fmt.Errorf("audit.syslog: %w", err)
		}
		ac.AnchorSinks = append(ac.AnchorSinks, w)
	}
	return ac, nil
}

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

// Serve runs `sohoa serve` until ctx ends: API, web and workers as the role
// says, each a module of the process (modules.go). ready, when not nil, is
// called once the API serves.
func Serve(ctx context.Context, cfg Config, log *slog.Logger, out io.Writer, ready func(Started)) error {
	core, err := OpenCore(cfg, log)
	if err != nil {
		return err
	}
	defer core.Close()
	s := &server{cfg: cfg, log: log, out: out, ready: ready, core: core, errc: make(chan error, 2)}
	defer s.stop()
	if err := s.start(ctx); err != nil {
		return err
	}
	return s.wait(ctx)
}

// initAdmin makes sure the API can be signed in to.
func initAdmin(ctx context.Context, s *server) error { return bootstrapAdmin(ctx, s.core, s.out) }

// initRedis connects to Redis, for the page counts and the task queue.
func initRedis(ctx context.Context, s *server) error {
	redisOpt, err := asynq.ParseRedisURI(s.cfg.RedisURL)
	if err != nil {
		return fmt.Errorf("redis_url: %w", err)
	}
	ropts, err := redis.ParseURL(s.cfg.RedisURL)
	if err != nil {
		return fmt.Errorf("redis_url: %w", err)
	}
	s.redisOpt, s.rdb = redisOpt, redis.NewClient(ropts)
	s.onStop(func() { s.rdb.Close() })
	if err := s.rdb.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("redis at %s is not reachable (start it with `make redis`, or set SOHOA_REDIS_URL): %w", redactURL(s.cfg.RedisURL), err)
	}
	s.queue = asynq.NewClient(redisOpt)
	s.onStop(func() { s.queue.Close() })
	return nil
}

// initIndex opens the search index.
func initIndex(ctx context.Context, s *server) error {
	index, err := openIndex(ctx, s.cfg)
	if err != nil {
		return err
	}
	s.index = index
	s.onStop(func() { s.index.Close() })
	return nil
}

// initExtractor loads the field extraction engine.
func initExtractor(ctx context.Context, s *server) error {
	engine, err := loadExtractor(s.cfg)
	if err != nil {
		return err
	}
	s.engine = engine
	return nil
}

// initReaders starts the reader children: untrusted bytes are decoded,
// rendered and read by OCR in supervised child processes (package child),
// one per OCR worker, and one per slot of the stages server for splitting
// documents. Split and finalize tasks run where the readers are.
func initReaders(ctx context.Context, s *server) error {
	readers, err := startReaders(ctx, s.cfg, "ocr", s.cfg.Workers, s.log)
	if err != nil {
		return err
	}
	s.readers = readers
	s.onStop(func() { readers.Close() })
	splits, err := startReaders(ctx, s.cfg, "split", stageConcurrency, s.log)
	if err != nil {
		return err
	}
	s.splits = splits
	s.onStop(func() { splits.Close() })
	s.addStageQueue(pipeline.QueueSplit)
	s.addStageQueue(pipeline.QueueFinalize)
	return nil
}

// initIndexer has the stages server take index tasks.
func initIndexer(ctx context.Context, s *server) error {
	s.addStageQueue(pipeline.QueueIndex)
	return nil
}

func (s *server) addStageQueue(q string) {
	if s.stageQueues == nil {
		s.stageQueues = map[string]int{}
	}
	s.stageQueues[q] = pipeline.QueueWeights[q]
}

// initPipeline builds the stages over what the other modules built: an
// API-only process has no readers, a worker of an embedded index no index.
func initPipeline(ctx context.Context, s *server) error {
	cfg, core := s.cfg, s.core
	s.reg = prometheus.NewRegistry()
	s.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		metrics.NewQueueCollector(asynq.NewInspector(s.redisOpt)))
	mets := metrics.New(s.reg)
	s.feed = exchange.NewFeed(core.Store, exchange.FeedConfig{})
	deps := pipeline.Deps{Catalog: core.Catalog, Queue: s.queue, Redis: s.rdb, Extract: extractor{s.engine}, Blind: core.Vault,
		Publish: s.feed, Metrics: mets, Audit: auditor{core.Audit}, Log: s.log}
	if s.readers != nil {
		deps.OCR = s.readers
		deps.Split = pipeline.SplitterFunc(func(ctx context.Context, doc io.ReaderAt, size int64, lim pages.Limits) (pipeline.PageSource, error) {
			d, err := s.splits.Open(ctx, doc, size, lim)
			if err != nil {
				return nil, err
			}
			return d, nil
		})
	}
	if s.index != nil {
		deps.Index = s.index
	}
	s.pipe = pipeline.New(pipeline.Config{
		Limits: pages.Limits{MaxPages: cfg.MaxPages, MaxPixels: cfg.MaxPixels},
		Ingest: pipeline.IngestLimits{MaxFileBytes: cfg.MaxFileMB << 20, MaxBatchBytes: cfg.MaxBatchMB << 20},
	}, deps)
	return nil
}

// initWorkers starts the asynq servers for the tasks of this process. Two
// servers: one takes only OCR tasks, one goroutine per Tesseract client, so
// an OCR task is never taken before a client is free; the other takes the
// short stages (split, finalize, index), so they never wait behind OCR. One
// server with spare slots would fill them with OCR tasks waiting for a
// client while splits and indexing lag.
func initWorkers(ctx context.Context, s *server) error {
	mux := asynq.NewServeMux()
	s.pipe.Register(mux, s.readers != nil, s.run[modIndexer])
	var servers []*asynq.Server
	s.onStop(func() {
		// Stop taking tasks and finish or hand back in-flight ones, all
		// servers at once within their shutdown timeout.
		var wg sync.WaitGroup
		for _, srv := range servers {
			wg.Go(srv.Shutdown)
		}
		wg.Wait()
	})
	start := func(name string, queues map[string]int, concurrency int) error {
		srv := asynq.NewServer(s.redisOpt, asynq.Config{
			Concurrency: concurrency, Queues: queues, Logger: asynqLogger{s.log}, LogLevel: asynq.WarnLevel,
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
				s.log.Warn("task failed", "type", t.Type(), "task_id", id, "err", err)
			}),
		})
		if err := srv.Start(mux); err != nil {
			return fmt.Errorf("start %s workers: %w", name, err)
		}
		servers = append(servers, srv)
		s.log.Info("workers started", "role", s.cfg.Role, "stage", name, "concurrency", concurrency, "queues", queues)
		return nil
	}
	if s.readers != nil {
		if err := start("ocr", map[string]int{pipeline.QueueOCR: 1}, s.cfg.Workers); err != nil {
			return err
		}
	}
	if len(s.stageQueues) > 0 {
		if err := start("stages", s.stageQueues, stageConcurrency); err != nil {
			return err
		}
	}
	return nil
}

// initHTTP serves the API, the web pages, metrics and queue monitoring.
func initHTTP(ctx context.Context, s *server) error {
	cfg, core, log, index, rdb := s.cfg, s.core, s.log, s.index, s.rdb
	mon := asynqmon.New(asynqmon.Options{RootPath: "/monitoring", RedisConnOpt: s.redisOpt})
	extra := []api.Route{
		{Pattern: "GET /metrics", Role: auth.RoleOperator, Handler: promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{})},
		{Pattern: "/monitoring/", Role: auth.RoleOperator, Handler: mon},
	}
	extra = append(extra, debugRoutes()...)
	uploads := pipeline.NewUploadLimiter(cfg.MaxUploadsPerToken, cfg.MaxUploads) // shared by API and web
	web, err := webRoutes(webDeps{core: core, pipe: s.pipe, index: index, log: log, cfg: cfg, uploads: uploads, classes: s.engine, threshold: reviewThreshold(cfg, s.engine)})
	if err != nil {
		return err
	}
	extra = append(extra, web...)
	archival, err := archiveRoutes(core, s.feed, log)
	if err != nil {
		return err
	}
	extra = append(extra, archival...)
	a := api.New(api.Deps{
		Pipeline: s.pipe, Catalog: core.Catalog, Search: index, Auth: core.Auth, Audit: auditor{core.Audit},
		Blind: core.Vault, Keys: core.Vault, Log: log, MaxUploadBytes: cfg.MaxBatchMB << 20, Uploads: uploads, Extra: extra, Classes: s.engine,
		Threshold: api.ConfidenceThreshold(reviewThreshold(cfg, s.engine)), ClassThreshold: cfg.Review.ClassThreshold,
		Validator: fieldValidator{},
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
	httpSrv := &http.Server{Handler: a, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	go func() { s.errc <- httpSrv.Serve(ln) }()
	s.onStop(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		_ = httpSrv.Shutdown(sctx)
	})
	addr := ln.Addr().String()
	log.Info("sohoa serving", "url", "http://"+addr, "role", cfg.Role, "index", indexName(cfg))
	if s.ready != nil {
		s.ready(Started{Addr: addr, Routes: a.RouteTable()})
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
