package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"

	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/sohoa/sohoa/internal/child"
	"github.com/sohoa/sohoa/internal/exchange"
	"github.com/sohoa/sohoa/internal/extract"
	"github.com/sohoa/sohoa/internal/pipeline"
	"github.com/sohoa/sohoa/internal/search"
)

// A serving process is made of modules, in the way grafana/loki composes
// its own (pkg/loki/modules.go): each module has an init function that
// builds its part on the server and registers how to stop it, and the
// modules it needs. The role chooses the modules; their dependencies come
// with them; they start in the order of the modules list and stop in the
// reverse order.
const (
	modAdmin     = "admin"     // the bootstrap admin token, for the API's first sign-in
	modRedis     = "redis"     // Redis client and the task queue client
	modIndex     = "index"     // the search index, embedded (bleve) or Elasticsearch
	modExtractor = "extractor" // the field extraction engine
	modReaders   = "readers"   // reader child processes: OCR and split tasks run here
	modIndexer   = "indexer"   // index tasks run here
	modPipeline  = "pipeline"  // the stages, their metrics and the exchange feed
	modWorkers   = "workers"   // the asynq servers taking the tasks of this process
	modHTTP      = "http"      // API, web, metrics and queue monitoring
)

// module is one part of a serving process.
type module struct {
	name string
	deps []string // modules that run with this one
	init func(ctx context.Context, s *server) error
}

// modules lists every module in start order: each comes after the modules
// whose parts it uses.
var modules = []module{
	{modAdmin, nil, initAdmin},
	{modRedis, nil, initRedis},
	{modIndex, nil, initIndex},
	{modExtractor, nil, initExtractor},
	{modReaders, []string{modWorkers}, initReaders},
	{modIndexer, []string{modIndex, modWorkers}, initIndexer},
	{modPipeline, []string{modRedis, modExtractor}, initPipeline},
	{modWorkers, []string{modPipeline}, initWorkers},
	{modHTTP, []string{modAdmin, modRedis, modIndex, modPipeline}, initHTTP},
}

// roles are the modules each role asks for.
var roles = map[string][]string{
	"api":    {modHTTP},
	"worker": {modReaders},
	"all":    {modHTTP, modReaders},
}

// roleModules returns the modules a process of cfg's role runs, in start
// order, dependencies included. Index tasks go where the index can be
// written: the embedded index belongs to one process, the one serving the
// API; Elasticsearch is written by the workers that read the pages.
func roleModules(cfg Config) ([]string, error) {
	want, ok := roles[cfg.Role]
	if !ok {
		return nil, fmt.Errorf("role %q is not one of all, api, worker", cfg.Role)
	}
	want = slices.Clone(want)
	if (cfg.ElasticsearchURL == "" && slices.Contains(want, modHTTP)) ||
		(cfg.ElasticsearchURL != "" && slices.Contains(want, modReaders)) {
		want = append(want, modIndexer)
	}
	run := map[string]bool{}
	var add func(name string)
	add = func(name string) {
		if run[name] {
			return
		}
		run[name] = true
		for _, m := range modules {
			if m.name == name {
				for _, d := range m.deps {
					add(d)
				}
			}
		}
	}
	for _, name := range want {
		add(name)
	}
	var out []string
	for _, m := range modules {
		if run[m.name] {
			out = append(out, m.name)
		}
	}
	return out, nil
}

// server is one serving process: what its modules built, shared between
// them, and how to stop it.
type server struct {
	cfg   Config
	log   *slog.Logger
	out   io.Writer
	ready func(Started)
	core  *Core
	run   map[string]bool // the modules this process runs

	redisOpt asynq.RedisConnOpt
	rdb      *redis.Client
	queue    *asynq.Client
	index    search.Index
	engine   *extract.Engine
	readers  *child.Pool // OCR, one child per OCR worker
	splits   *child.Pool // splitting, one child per stages slot
	reg      *prometheus.Registry
	feed     *exchange.Feed
	pipe     *pipeline.Pipeline
	// stageQueues are the queues of the stages server, added by the
	// modules whose tasks run here.
	stageQueues map[string]int
	errc        chan error // a server that stopped by itself

	stops []func()
}

// onStop registers f to run when the server stops, before the stop
// functions registered earlier.
func (s *server) onStop(f func()) { s.stops = append(s.stops, f) }

// stop stops every module, in the reverse of their start order.
func (s *server) stop() {
	for i := len(s.stops) - 1; i >= 0; i-- {
		s.stops[i]()
	}
	s.stops = nil
}

// start runs the init function of each module of the process's role.
func (s *server) start(ctx context.Context) error {
	names, err := roleModules(s.cfg)
	if err != nil {
		return err
	}
	s.run = map[string]bool{}
	for _, name := range names {
		s.run[name] = true
	}
	for _, m := range modules {
		if !s.run[m.name] {
			continue
		}
		if err := m.init(ctx, s); err != nil {
			return err
		}
	}
	return nil
}

// wait blocks until ctx ends or a server stops by itself.
func (s *server) wait(ctx context.Context) error {
	select {
	case <-ctx.Done():
	case err := <-s.errc:
		if err != nil && !errors.Is(err, http.ErrServerClosed) {
			return err
		}
	}
	s.log.Info("shutting down")
	return nil
}
