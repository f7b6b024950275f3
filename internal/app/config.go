// Package app is sohoa's composition root: it reads the configuration,
// builds every component by hand and runs them until the context ends.
package app

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/sohoa/sohoa/internal/api"
	"github.com/sohoa/sohoa/internal/audit"
	"github.com/sohoa/sohoa/internal/auth"
	"github.com/sohoa/sohoa/internal/blob"
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
	// S3 selects an S3-compatible blob store (MinIO, Ceph, AWS) shared by
	// several machines instead of files under DataDir (see blob.S3Config);
	// unset endpoint: the filesystem store.
	S3 blob.S3Config `yaml:"s3"`
	// MasterKeyFile is the master key file (mode 0600). Env SOHOA_MASTER_KEY_FILE.
	// Unset: DataDir/keys/master.json, generated on first start with a warning.
	MasterKeyFile string `yaml:"master_key_file"`
	// Role is what this process runs: all, api or worker. Default all.
	Role string `yaml:"role"`
	// Workers is the number of OCR workers (Tesseract clients). Env SOHOA_WORKERS. Default: CPU cores.
	Workers int `yaml:"workers"`
	// Languages are the Tesseract languages. Default [vie, eng]: Vietnamese
	// reads every page, English joins in for pages that are not Vietnamese.
	Languages []string `yaml:"languages"`
	// ReaderMemoryMB is how much memory (address space, MiB) each reader
	// child process may take beyond what it holds at start. Decoding,
	// rendering and OCR of uploaded files run in these children; a file or
	// page that needs more fails with a reason. Default 1536.
	ReaderMemoryMB int `yaml:"reader_memory_mb"`
	// ReaderTimeout bounds one page read, one page rendered or one document
	// opened by a reader child, which is killed when it passes. Default 3m.
	ReaderTimeout time.Duration `yaml:"reader_timeout"`
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
	// MaxUploadsPerToken bounds the uploads one token (or signed-in user)
	// has in flight; more are refused with 429. Env
	// SOHOA_MAX_UPLOADS_PER_TOKEN. Default 2.
	MaxUploadsPerToken int `yaml:"max_uploads_per_token"`
	// MaxUploads bounds the uploads in flight in one API process. Env
	// SOHOA_MAX_UPLOADS. Default 8.
	MaxUploads int `yaml:"max_uploads"`
	// Audit holds the audit log's key file and anchor (AuditConfig).
	Audit AuditConfig `yaml:"audit"`
	// Auth is the sign-in and token policy (auth.*).
	Auth AuthSettings `yaml:"auth"`
	// Review is when a document needs review (review.*).
	Review ReviewSettings `yaml:"review"`
}

// ReviewSettings are the review.* keys: when a document goes to the review
// queue rather than being accepted without review.
type ReviewSettings struct {
	// ConfidenceThreshold: a field below it needs review. 0 (the
	// default) takes the extractor's calibrated threshold
	// (pipelines/confidence.yaml).
	ConfidenceThreshold float64 `yaml:"confidence_threshold"`
	// ClassThreshold: a class confidence below it needs review. Default 0.5.
	ClassThreshold float64 `yaml:"class_threshold"`
}

// AuthSettings are the auth.* keys.
type AuthSettings struct {
	// TokenApproval is none or second_admin: pii_reader, reviewer and admin
	// tokens issued on the API or the web page stay pending until another
	// admin approves them. Env SOHOA_AUTH_TOKEN_APPROVAL. Default none.
	TokenApproval string `yaml:"token_approval"`
	// SecureCookie sets the Secure flag on the session cookie even over
	// plain HTTP (it is always set over TLS). Env SOHOA_AUTH_SECURE_COOKIE.
	// Default: true unless Listen is a loopback address.
	SecureCookie *bool `yaml:"secure_cookie"`
	// TrustedProxies are the reverse proxies (addresses or CIDR prefixes)
	// whose X-Forwarded-For names the client for sign-in throttling. Env
	// SOHOA_AUTH_TRUSTED_PROXIES (comma-separated). Default none: the
	// connection's address is the client.
	TrustedProxies []string `yaml:"trusted_proxies"`
}

// AuditConfig keeps what protects the audit log out of the data directory:
// its key, and the anchor file to which the chain head is appended.
type AuditConfig struct {
	// KeyFile holds the key that MACs the chain and encrypts reasons
	// (base64 of 32 bytes, mode 0600). Env SOHOA_AUDIT_KEY_FILE. Default:
	// audit.key beside master_key_file. In development (Config.Development)
	// it is created if missing; otherwise it must exist and lie outside
	// data_dir.
	KeyFile string `yaml:"key_file"`
	// AnchorFile is an append-only file on another path (another disk or a
	// mount the server can append to but not rewrite) that receives the
	// chain head. Env SOHOA_AUDIT_ANCHOR_FILE. Default in development:
	// data_dir/anchor/audit-anchor.log; otherwise required, outside data_dir.
	AnchorFile string `yaml:"anchor_file"`
	// Syslog also sends every anchor to the local syslog (facility
	// authpriv, tag sohoa-audit). Default false.
	Syslog bool `yaml:"syslog"`
	// AnchorEvery anchors the head after this many appends. Default 1.
	AnchorEvery int `yaml:"anchor_every"`
	// AnchorInterval anchors the head this often when appends were not yet
	// anchored (matters with anchor_every > 1). Default 1m.
	AnchorInterval time.Duration `yaml:"anchor_interval"`
}

// Development reports whether this is a development instance: the master
// key is the one generated in the data directory, so nothing secret lives
// outside it. Such an instance may keep its audit key and anchor there too;
// any other must keep them elsewhere.
func (c Config) Development() bool {
	return os.Getenv("SOHOA_MASTER_KEY") == "" && filepath.Clean(c.MasterKeyFile) == filepath.Join(c.DataDir, "keys", "master.json")
}

// within reports whether path lies inside dir.
func within(dir, path string) bool {
	d, err1 := filepath.Abs(dir)
	p, err2 := filepath.Abs(path)
	if err1 != nil || err2 != nil {
		return false
	}
	rel, err := filepath.Rel(d, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// Load reads the YAML file named by SOHOA_CONFIG (if any), applies SOHOA_*
// environment overrides and defaults, and validates.
func Load() (Config, error) { return LoadFile(os.Getenv("SOHOA_CONFIG")) }

// LoadFile is Load with the YAML file at path ("" for none), as given by a
// command's --config flag.
func LoadFile(path string) (Config, error) {
	var c Config
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return c, fmt.Errorf("config: %w", err)
		}
		if err := decodeYAML(b, &c); err != nil {
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
		"SOHOA_AUDIT_KEY_FILE": &c.Audit.KeyFile, "SOHOA_AUDIT_ANCHOR_FILE": &c.Audit.AnchorFile,
		"SOHOA_S3_ENDPOINT": &c.S3.Endpoint, "SOHOA_S3_ACCESS_KEY": &c.S3.AccessKey, "SOHOA_S3_SECRET_KEY": &c.S3.SecretKey,
	}
	for k, p := range str {
		if v, ok := os.LookupEnv(k); ok {
			*p = v
		}
	}
	if v, ok := os.LookupEnv("SOHOA_AUTH_TOKEN_APPROVAL"); ok {
		c.Auth.TokenApproval = v
	}
	if v := os.Getenv("SOHOA_AUTH_SECURE_COOKIE"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("config: SOHOA_AUTH_SECURE_COOKIE: %q is not true or false", v)
		}
		c.Auth.SecureCookie = &b
	}
	if v := os.Getenv("SOHOA_AUTH_TRUSTED_PROXIES"); v != "" {
		c.Auth.TrustedProxies = nil
		for _, p := range strings.Split(v, ",") {
			c.Auth.TrustedProxies = append(c.Auth.TrustedProxies, strings.TrimSpace(p))
		}
	}
	ints := map[string]*int{
		"SOHOA_WORKERS": &c.Workers, "SOHOA_MAX_UPLOADS_PER_TOKEN": &c.MaxUploadsPerToken, "SOHOA_MAX_UPLOADS": &c.MaxUploads,
	}
	for k, p := range ints {
		if v := os.Getenv(k); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				return fmt.Errorf("config: %s: %q is not a number", k, v)
			}
			*p = n
		}
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
	if c.MaxUploadsPerToken == 0 {
		c.MaxUploadsPerToken = 2
	}
	if c.MaxUploads == 0 {
		c.MaxUploads = 8
	}
	if c.Audit.KeyFile == "" && os.Getenv("SOHOA_MASTER_KEY") == "" {
		c.Audit.KeyFile = filepath.Join(filepath.Dir(c.MasterKeyFile), "audit.key")
	}
	if c.Audit.AnchorFile == "" && c.Development() {
		c.Audit.AnchorFile = filepath.Join(c.DataDir, "anchor", "audit-anchor.log")
	}
	if c.Audit.AnchorEvery == 0 {
		c.Audit.AnchorEvery = 1
	}
	if c.Audit.AnchorInterval == 0 {
		c.Audit.AnchorInterval = time.Minute
	}
	if c.Auth.TokenApproval == "" {
		c.Auth.TokenApproval = auth.TokenApprovalNone
	}
	if c.Review.ClassThreshold == 0 {
		c.Review.ClassThreshold = api.DefaultClassThreshold
	}
	if c.Auth.SecureCookie == nil {
		secure := !loopbackListen(c.Listen)
		c.Auth.SecureCookie = &secure
	}
}

// loopbackListen reports whether the address listen (host:port) accepts
// connections from this machine only: localhost or a loopback IP. An empty
// host listens everywhere.
func loopbackListen(listen string) bool {
	host, _, err := net.SplitHostPort(listen)
	if err != nil || host == "" {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.Unmap().IsLoopback()
}

// trustedProxies parses auth.trusted_proxies: addresses or CIDR prefixes.
func (a AuthSettings) trustedProxies() ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range a.TrustedProxies {
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p.Masked())
			continue
		}
		addr, err := netip.ParseAddr(s)
		if err != nil {
			return nil, fmt.Errorf("%q is not an IP address or CIDR prefix", s)
		}
		addr = addr.Unmap()
		out = append(out, netip.PrefixFrom(addr, addr.BitLen()))
	}
	return out, nil
}

// authStoreConfig is the token store's configuration (after Defaults and
// Validate).
func (c Config) authStoreConfig() auth.Config {
	proxies, _ := c.Auth.trustedProxies() // checked by Validate
	return auth.Config{TokenApproval: c.Auth.TokenApproval, SecureCookie: c.Auth.SecureCookie != nil && *c.Auth.SecureCookie,
		TrustedProxies: proxies}
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
	if c.S3.Endpoint != "" {
		if err := c.S3.Validate(); err != nil {
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
	if c.ReaderMemoryMB != 0 && (c.ReaderMemoryMB < 256 || c.ReaderMemoryMB > 65536) {
		bad("reader_memory_mb", "%d is not between 256 and 65536", c.ReaderMemoryMB)
	}
	if c.ReaderTimeout < 0 || (c.ReaderTimeout > 0 && c.ReaderTimeout < 5*time.Second) {
		bad("reader_timeout", "%s is shorter than 5s", c.ReaderTimeout)
	}
	if c.MaxUploads < 1 || c.MaxUploads > 1024 {
		bad("max_uploads", "%d is not between 1 and 1024", c.MaxUploads)
	}
	if !c.Development() {
		// Whoever holds the data directory must not also hold what
		// detects a rewritten audit log.
		switch {
		case c.Audit.KeyFile == "":
			bad("audit.key_file", "required when the master key is not in data_dir (SOHOA_AUDIT_KEY_FILE)")
		case within(c.DataDir, c.Audit.KeyFile):
			bad("audit.key_file", "%s is inside data_dir; keep it outside, like the master key", c.Audit.KeyFile)
		}
		switch {
		case c.Audit.AnchorFile == "":
			bad("audit.anchor_file", "required when the master key is not in data_dir: an append-only file on another path (SOHOA_AUDIT_ANCHOR_FILE)")
		case within(c.DataDir, c.Audit.AnchorFile):
			bad("audit.anchor_file", "%s is inside data_dir; use another path the server cannot rewrite", c.Audit.AnchorFile)
		}
	}
	if c.Audit.AnchorEvery < 0 || c.Audit.AnchorInterval < 0 {
		bad("audit.anchor_every", "anchor_every and anchor_interval cannot be negative")
	}
	if c.MaxUploadsPerToken < 1 || c.MaxUploadsPerToken > c.MaxUploads {
		bad("max_uploads_per_token", "%d is not between 1 and max_uploads (%d)", c.MaxUploadsPerToken, c.MaxUploads)
	}
	for key, v := range map[string]float64{"review.confidence_threshold": c.Review.ConfidenceThreshold, "review.class_threshold": c.Review.ClassThreshold} {
		if v < 0 || v > 1 {
			bad(key, "%v is not between 0 and 1", v)
		}
	}
	if !auth.ValidTokenApproval(c.Auth.TokenApproval) {
		bad("auth.token_approval", "%q is not none or second_admin", c.Auth.TokenApproval)
	}
	if _, err := c.Auth.trustedProxies(); err != nil {
		bad("auth.trusted_proxies", "%v", err)
	}
	return errors.Join(errs...)
}

// decodeYAML decodes strictly (unknown keys are errors) and names the YAML
// path of every problem, e.g. "elasticsearch.shards (line 7): cannot
// unmarshal !!str `two` into int".
func decodeYAML(b []byte, c *Config) error {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	err := dec.Decode(c)
	if err == nil || errors.Is(err, io.EOF) {
		return nil
	}
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return err
	}
	var root yaml.Node
	paths := map[int]string{}
	if yaml.Unmarshal(b, &root) == nil {
		linePaths(&root, "", paths)
	}
	var errs []error
	for _, msg := range te.Errors {
		var line int
		if _, scanErr := fmt.Sscanf(msg, "line %d:", &line); scanErr == nil {
			if p, ok := paths[line]; ok {
				_, rest, _ := strings.Cut(msg, ": ")
				msg = fmt.Sprintf("%s (line %d): %s", p, line, rest)
			}
		}
		errs = append(errs, errors.New(msg))
	}
	return errors.Join(errs...)
}

// linePaths maps each key's line to its dotted YAML path.
func linePaths(n *yaml.Node, prefix string, out map[int]string) {
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			linePaths(c, prefix, out)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			p := k.Value
			if prefix != "" {
				p = prefix + "." + k.Value
			}
			out[k.Line] = p
			if v.Line != k.Line || v.Kind == yaml.ScalarNode {
				out[v.Line] = p
			}
			linePaths(v, p, out)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			p := fmt.Sprintf("%s[%d]", prefix, i)
			out[c.Line] = p
			linePaths(c, p, out)
		}
	}
}

// CheckSecrets reports secrets the configuration refers to but that are
// missing or unsafe: a key file that does not exist or others can read, an
// Elasticsearch user without a password, a partners file that is absent.
func CheckSecrets(c Config) error {
	var errs []error
	if os.Getenv("SOHOA_MASTER_KEY") == "" {
		fi, err := os.Stat(c.MasterKeyFile)
		switch {
		case err != nil && c.MasterKeyFile != filepath.Join(c.DataDir, "keys", "master.json"):
			errs = append(errs, fmt.Errorf("config: master_key_file: missing secret: %s does not exist", c.MasterKeyFile))
		case err == nil && fi.Mode().Perm()&0o077 != 0:
			errs = append(errs, fmt.Errorf("config: master_key_file: %s has mode %04o; run chmod 600 %s", c.MasterKeyFile, fi.Mode().Perm(), c.MasterKeyFile))
		}
	}
	if !c.Development() && c.Audit.KeyFile != "" {
		if _, err := audit.LoadKeyFile(c.Audit.KeyFile, false); err != nil {
			errs = append(errs, fmt.Errorf("config: audit.key_file: %w", err))
		}
	}
	if c.S3.Endpoint != "" && (c.S3.AccessKey == "") != (c.S3.SecretKey == "") {
		errs = append(errs, errors.New("config: s3.secret_key: missing secret for s3.access_key"))
	}
	if c.Elasticsearch.Username != "" && c.Elasticsearch.Password == "" {
		errs = append(errs, errors.New("config: elasticsearch.password: missing secret for elasticsearch.username"))
	}
	if c.ExchangePartnersFile != "" {
		if _, err := os.Stat(c.ExchangePartnersFile); err != nil {
			errs = append(errs, fmt.Errorf("config: exchange_partners_file: %s does not exist", c.ExchangePartnersFile))
		}
	}
	return errors.Join(errs...)
}
