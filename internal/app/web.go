package app

import (
	"log/slog"

	"github.com/hibiken/asynq"

	"github.com/sohoa/sohoa/internal/api"
	"github.com/sohoa/sohoa/internal/audit"
	"github.com/sohoa/sohoa/internal/catalog"
	"github.com/sohoa/sohoa/internal/pipeline"
	"github.com/sohoa/sohoa/internal/search"
	"github.com/sohoa/sohoa/internal/web"
)

// webDeps are what the web interface is built from.
type webDeps struct {
	core  *Core
	pipe  *pipeline.Pipeline
	index search.Index
	log   *slog.Logger
	cfg   Config
	// uploads is the upload limiter shared with the API.
	uploads *pipeline.UploadLimiter
	// classes is the extraction engine's class vocabulary.
	classes api.ClassLister
	// threshold is the field confidence below which a value needs review.
	threshold float64
}

// auditLog gives the web interface (its administrators' audit page) the
// audit log's tail with reasons decrypted, and a keyed verification of the
// whole chain against the anchor file.
type auditLog struct {
	log  *audit.Log
	path string
	opts audit.VerifyOptions
}

func (a auditLog) Tail(n int) ([]audit.Entry, error) {
	es, err := a.log.Tail(n)
	return a.log.RevealReasons(es), err
}

func (a auditLog) Verify() (audit.Report, error) { return audit.VerifyWith(a.path, a.opts) }

// webRoutes returns the routes of the browser interface, mounted beside the
// API on the same server.
func webRoutes(d webDeps) ([]api.Route, error) {
	redisOpt, err := asynq.ParseRedisURI(d.cfg.RedisURL)
	if err != nil {
		return nil, err
	}
	vopts, err := AuditVerifyOptions(d.cfg)
	if err != nil {
		return nil, err
	}
	srv, err := web.New(web.Deps{
		Pipeline: d.pipe, Catalog: d.core.Catalog, Search: d.index, Auth: d.core.Auth, Audit: auditor{d.core.Audit},
		Blind: d.core.Vault, Keys: d.core.Vault,
		AuditLog: auditLog{log: d.core.Audit, path: AuditPath(d.cfg), opts: vopts},
		Redis:    redisOpt, Log: d.log, MaxUploadBytes: d.cfg.MaxBatchMB << 20, Uploads: d.uploads,
		Classes: d.classes,
		Review:  catalog.Thresholds{Field: d.threshold, Class: d.cfg.Review.ClassThreshold},
	})
	if err != nil {
		return nil, err
	}
	return srv.Routes(), nil
}
