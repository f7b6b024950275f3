package app

import (
	"log/slog"

	"github.com/sohoa/sohoa/internal/api"
	"github.com/sohoa/sohoa/internal/pipeline"
	"github.com/sohoa/sohoa/internal/search"
)

// webDeps are what the web interface is built from.
type webDeps struct {
	core  *Core
	pipe  *pipeline.Pipeline
	index search.Index
	log   *slog.Logger
	cfg   Config
}

// webRoutes returns the routes of the browser interface, mounted beside the
// API on the same server.
func webRoutes(d webDeps) ([]api.Route, error) {
	return nil, nil
}
