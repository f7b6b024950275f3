package app

import (
	"context"
	"fmt"
	"net/url"

	"github.com/sohoa/sohoa/internal/search"
)

var urlParse = url.Parse

// openES opens the Elasticsearch backend.
func openES(ctx context.Context, cfg Config) (search.Index, error) {
	return nil, fmt.Errorf("elasticsearch backend not wired yet (%s)", redactURL(cfg.ElasticsearchURL))
}
