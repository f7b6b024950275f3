// Package app is sohoa's composition root: it reads the configuration,
// builds every component by hand and runs them until the context ends.
package app

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/sohoa/sohoa/internal/search/es"
)

// Config is sohoa's configuration: a YAML file (SOHOA_CONFIG) overridden by
// SOHOA_* environment variables. The zero value plus defaults runs a
// single-machine instance under var/.
type Config struct {
	// Listen is the HTTP address. Env SOHOA_LISTEN. Default 127.0.0.1:8080.
	Listen string `yaml:"listen"`
	// DataDir holds the blob store, keys, index and audit log. Env SOHOA_DATA_DIR. Default var/.
	DataDir string `yaml:"data_dir"`
	// RedisURL is the asynq Redis. Env SOHOA_REDIS_URL. Default redis://127.0.0.1:6379/0.
	RedisURL string `yaml:"redis_url"`
	// AdminToken is registered as the bootstrap admin token. Env SOHOA_ADMIN_TOKEN.
	// Unset: a token is generated on first start and printed once.
	AdminToken string `yaml:"admin_token"`
	// ElasticsearchURL selects the Elasticsearch backend. Env SOHOA_ELASTICSEARCH_URL.
	// Unset: the embedded index under DataDir.
	ElasticsearchURL string `yaml:"elasticsearch_url"`
	// Elasticsearch holds credentials, TLS and index settings for the
	// Elasticsearch backend (see search/es.Config); its URLs come from
	// ElasticsearchURL when that is set.
	Elasticsearch es.Config `yaml:"elasticsearch"`
	// MasterKeyFile is the master key file (mode 0600). Env SOHOA_MASTER_KEY_FILE.
	// Unset: DataDir/keys/master.json, generated on first start with a warning.
	MasterKeyFile string `yaml:"master_key_file"`
	// Role is what this process runs: all, api or worker. Default all.
	Role string `yaml:"role"`
	// Workers is the number of OCR workers (Tesseract clients). Env SOHOA_WORKERS. Default: CPU cores.
	Workers int `yaml:"workers"`
	// Languages are the Tesseract languages. Default [vie, eng].
	Languages []string `yaml:"languages"`
	// ExchangePartnersFile is the YAML file of partner agencies allowed to
	// pull records (docs/exchange.md). Env SOHOA_EXCHANGE_PARTNERS. Unset: no partner.
	ExchangePartnersFile string `yaml:"exchange_partners_file"`
	// PipelinesDir overrides the shipped pipelines/*.yaml. Env SOHOA_PIPELINES_DIR.
	PipelinesDir string `yaml:"pipelines_dir"`
	// LogFormat is text or json. Env SOHOA_LOG_FORMAT. Default text on a terminal, else json.
	LogFormat string `yaml:"log_format"`
	// MaxPages bounds pages per document. Default 2000.
	MaxPages int `yaml:"max_pages"`
	// MaxPixels bounds pixels per page image. Default 120,000,000.
	MaxPixels int64 `yaml:"max_pixels"`
	// MaxFileMB bounds one uploaded file (or ZIP entry). Default 512.
	MaxFileMB int64 `yaml:"max_file_mb"`
	// MaxBatchMB bounds one upload. Default 4096.
	MaxBatchMB int64 `yaml:"max_batch_mb"`
}

// Load reads the YAML file named by SOHOA_CONFIG (if any), applies SOHOA_*
// environment overrides and defaults, and validates.
func Load() (Config, error) {
	var c Config
	if path := os.Getenv("SOHOA_CONFIG"); path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return c, fmt.Errorf("config: %w", err)
		}
		dec := yaml.NewDecoder(strings.NewReader(string(b)))
		dec.KnownFields(true)
		if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
			return c, fmt.Errorf("config %s: %w", path, err)
		}
	}
	if err := c.applyEnv(); err != nil {
		return c, err
	}
	c.Defaults()
	return c, c.Validate()
}

func (c *Config) applyEnv() error {
	str := map[string]*string{
		"SOHOA_LISTEN": &c.Listen, "SOHOA_DATA_DIR": &c.DataDir, "SOHOA_REDIS_URL": &c.RedisURL,
		"SOHOA_ADMIN_TOKEN": &c.AdminToken, "SOHOA_ELASTICSEARCH_URL": &c.ElasticsearchURL,
		"SOHOA_MASTER_KEY_FILE": &c.MasterKeyFile, "SOHOA_ROLE": &c.Role, "SOHOA_PIPELINES_DIR": &c.PipelinesDir,
		"SOHOA_LOG_FORMAT": &c.LogFormat, "SOHOA_EXCHANGE_PARTNERS": &c.ExchangePartnersFile,
	}
	for k, p := range str {
		if v, ok := os.LookupEnv(k); ok {
			*p = v
		}
	}
	if v := os.Getenv("SOHOA_WORKERS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("config: SOHOA_WORKERS: %q is not a number", v)
		}
		c.Workers = n
	}
	return nil
}

// Defaults fills unset fields with their defaults.
func (c *Config) Defaults() {
	if c.Listen == "" {
		c.Listen = "127.0.0.1:8080"
	}
	if c.DataDir == "" {
		c.DataDir = "var"
	}
	if c.RedisURL == "" {
		c.RedisURL = "redis://127.0.0.1:6379/0"
	}
	if c.Role == "" {
		c.Role = "all"
	}
	if c.Workers == 0 {
		c.Workers = runtime.NumCPU()
	}
	if len(c.Languages) == 0 {
		c.Languages = []string{"vie", "eng"}
	}
	if c.MasterKeyFile == "" {
		c.MasterKeyFile = filepath.Join(c.DataDir, "keys", "master.json")
	}
}

// Validate reports every problem, each with its YAML key.
func (c Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("config: %s: %s", key, fmt.Sprintf(format, args...)))
	}
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		bad("listen", "%q is not host:port", c.Listen)
	}
	if u, err := url.Parse(c.RedisURL); err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") {
		bad("redis_url", "%q is not a redis:// or rediss:// URL", c.RedisURL)
	}
	if c.ElasticsearchURL != "" {
		for _, s := range strings.Split(c.ElasticsearchURL, ",") {
			if u, err := url.Parse(strings.TrimSpace(s)); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				bad("elasticsearch_url", "%q is not an http(s) URL", s)
			}
		}
		if err := esConfig(c).Validate(); err != nil {
			errs = append(errs, fmt.Errorf("config: %w", err))
		}
	}
	switch c.Role {
	case "all", "api", "worker":
	default:
		bad("role", "%q is not one of all, api, worker", c.Role)
	}
	if c.Workers < 1 || c.Workers > 256 {
		bad("workers", "%d is not between 1 and 256", c.Workers)
	}
	if c.AdminToken != "" && len(c.AdminToken) < 16 {
		bad("admin_token", "must be at least 16 characters")
	}
	switch c.LogFormat {
	case "", "text", "json":
	default:
		bad("log_format", "%q is not text or json", c.LogFormat)
	}
	if c.MaxPages < 0 || c.MaxPixels < 0 || c.MaxFileMB < 0 || c.MaxBatchMB < 0 {
		bad("max_*", "limits cannot be negative")
	}
	return errors.Join(errs...)
}
