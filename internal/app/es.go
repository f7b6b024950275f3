package app

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/sohoa/sohoa/internal/search"
	"github.com/sohoa/sohoa/internal/search/es"
)

var urlParse = url.Parse

// esConfig is the Elasticsearch configuration: the `elasticsearch:` YAML
// block, with SOHOA_ELASTICSEARCH_URL (comma-separated) giving the URLs.
func esConfig(cfg Config) es.Config {
	c := cfg.Elasticsearch
	if cfg.ElasticsearchURL != "" {
		c.URLs = nil
		for _, u := range strings.Split(cfg.ElasticsearchURL, ",") {
			if u = strings.TrimSpace(u); u != "" {
				c.URLs = append(c.URLs, u)
			}
		}
	}
	return c
}

// openES opens the Elasticsearch backend, creating its template, index and
// alias when missing.
func openES(ctx context.Context, cfg Config) (search.Index, error) {
	ix, err := es.Open(ctx, esConfig(cfg))
	if err != nil {
		return nil, fmt.Errorf("elasticsearch at %s: %w", redactURL(strings.Split(cfg.ElasticsearchURL, ",")[0]), err)
	}
	return ix, nil
}
