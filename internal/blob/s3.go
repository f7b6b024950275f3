package blob

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3Config configures an S3-compatible store (MinIO, Ceph RGW, AWS S3,
// SeaweedFS...). Endpoint, Bucket, AccessKey and SecretKey are required; the
// zero value of every other field works. Its YAML shape is meant to sit
// under a `blob_store.s3` configuration block.
type S3Config struct {
	// Endpoint is the server URL: https://host[:port] (TLS) or
	// http://host[:port] (plain, only on a trusted network). A bare
	// host:port means https.
	Endpoint string `yaml:"endpoint"`
	// Bucket holds the objects. It must exist unless CreateBucket is set.
	Bucket string `yaml:"bucket"`
	// Prefix is prepended to every key, so several instances can share a
	// bucket (default none). It must be empty or end in "/".
	Prefix string `yaml:"prefix"`
	// Region of the bucket (default: asked of the server, "us-east-1" for MinIO).
	Region string `yaml:"region"`
	// AccessKey and SecretKey are the static credentials; SessionToken is
	// set for temporary (STS) credentials only (default none).
	AccessKey    string `yaml:"access_key"`
	SecretKey    string `yaml:"secret_key"`
	SessionToken string `yaml:"session_token"`
	// CACertFile is a PEM bundle of CA certificates to trust for an https
	// endpoint in addition to none: when set it replaces the system roots,
	// as for a private CA (default: the system roots).
	CACertFile string `yaml:"ca_cert_file"`
	// PathStyle forces path-style requests (https://host/bucket/key), which
	// MinIO and most self-hosted servers expect behind a plain host name
	// (default: automatic, virtual-host style where the server supports it).
	PathStyle bool `yaml:"path_style"`
	// CreateBucket creates the bucket on Open when it is missing (default
	// false: a missing bucket is an error, so a typo is not silently a new,
	// empty system of record).
	CreateBucket bool `yaml:"create_bucket"`
	// Timeout bounds one request, including reading the body (default 5m,
	// enough for a 512 MB original on a slow link).
	Timeout time.Duration `yaml:"timeout"`
	// Transport replaces the HTTP transport (default: Go's, with the CA
	// above and TLS 1.2 at least). For tests and proxies.
	Transport http.RoundTripper `yaml:"-"`
}

// Validate reports every problem with the configuration, each with its
// YAML key relative to the s3 block.
func (c S3Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("s3.%s: %s", key, fmt.Sprintf(format, args...)))
	}
	if c.Endpoint == "" {
		bad("endpoint", "required (https://host:port)")
	} else if _, _, err := c.hostAndTLS(); err != nil {
		bad("endpoint", "%v", err)
	}
	if c.Bucket == "" {
		bad("bucket", "required")
	} else if !validBucket(c.Bucket) {
		bad("bucket", "%q is not a valid bucket name (3-63 of a-z, 0-9, '.', '-')", c.Bucket)
	}
	if c.Prefix != "" && (!strings.HasSuffix(c.Prefix, "/") || !ValidKey(strings.TrimSuffix(c.Prefix, "/"))) {
		bad("prefix", "%q must be key segments ending in '/'", c.Prefix)
	}
	if c.AccessKey == "" {
		bad("access_key", "required")
	}
	if c.SecretKey == "" {
		bad("secret_key", "required")
	}
	if c.Timeout < 0 {
		bad("timeout", "must not be negative")
	}
	return errors.Join(errs...)
}

// hostAndTLS splits Endpoint into the host:port minio-go wants and whether
// to use TLS.
func (c S3Config) hostAndTLS() (string, bool, error) {
	ep := c.Endpoint
	if !strings.Contains(ep, "://") {
		ep = "https://" + ep
	}
	u, err := url.Parse(ep)
	if err != nil {
		return "", false, fmt.Errorf("%q is not a URL", c.Endpoint)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", false, fmt.Errorf("%q: scheme must be http or https", c.Endpoint)
	}
	if u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil {
		return "", false, fmt.Errorf("%q must be scheme://host[:port] without path, query or credentials", c.Endpoint)
	}
	return u.Host, u.Scheme == "https", nil
}

func validBucket(b string) bool {
	if len(b) < 3 || len(b) > 63 || net.ParseIP(b) != nil {
		return false
	}
	for i, r := range b {
		switch {
		case 'a' <= r && r <= 'z', '0' <= r && r <= '9':
		case (r == '-' || r == '.') && i > 0 && i < len(b)-1:
		default:
			return false
		}
	}
	return true
}

// S3 stores each object as an object of an S3-compatible bucket. A PUT is
// atomic on S3 (readers see the old or the new object), so Put needs no
// temporary object. S3 is safe for concurrent use.
type S3 struct {
	client *minio.Client
	bucket string
	prefix string
}

var _ Store = (*S3)(nil)

// OpenS3 connects to the server, checks that the bucket exists (creating it
// when cfg.CreateBucket is set) and returns the store.
func OpenS3(ctx context.Context, cfg S3Config) (*S3, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	host, secure, _ := cfg.hostAndTLS()
	if cfg.Timeout == 0 {
		cfg.Timeout = 5 * time.Minute
	}
	tr := cfg.Transport
	if tr == nil {
		t, err := s3Transport(cfg)
		if err != nil {
			return nil, err
		}
		tr = t
	}
	lookup := minio.BucketLookupAuto
	if cfg.PathStyle {
		lookup = minio.BucketLookupPath
	}
	client, err := minio.New(host, &minio.Options{
		Creds:        credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, cfg.SessionToken),
		Secure:       secure,
		Transport:    timeoutTransport{rt: tr, timeout: cfg.Timeout},
		Region:       cfg.Region,
		BucketLookup: lookup,
	})
	if err != nil {
		return nil, fmt.Errorf("blob: s3 client for %s: %w", host, err)
	}
	s := &S3{client: client, bucket: cfg.Bucket, prefix: cfg.Prefix}
	ok, err := client.BucketExists(ctx, cfg.Bucket)
	if err != nil {
		return nil, fmt.Errorf("blob: s3 %s: bucket %s: %w", host, cfg.Bucket, err)
	}
	if !ok {
		if !cfg.CreateBucket {
			return nil, fmt.Errorf("blob: s3 %s: bucket %s does not exist (create it, or set create_bucket)", host, cfg.Bucket)
		}
		if err := client.MakeBucket(ctx, cfg.Bucket, minio.MakeBucketOptions{Region: cfg.Region}); err != nil {
			// Another process may have created it at the same moment.
			if code := minio.ToErrorResponse(err).Code; code != "BucketAlreadyOwnedByYou" && code != "BucketAlreadyExists" {
				return nil, fmt.Errorf("blob: s3 %s: create bucket %s: %w", host, cfg.Bucket, err)
			}
		}
	}
	return s, nil
}

// s3Transport is Go's default transport with TLS 1.2 at least and, when
// configured, the private CA bundle as the only roots.
func s3Transport(cfg S3Config) (*http.Transport, error) {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 64
	t.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	if cfg.CACertFile != "" {
		pem, err := os.ReadFile(cfg.CACertFile)
		if err != nil {
			return nil, fmt.Errorf("blob: s3.ca_cert_file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("blob: s3.ca_cert_file %s: no PEM certificate found", cfg.CACertFile)
		}
		t.TLSClientConfig.RootCAs = pool
	}
	return t, nil
}

// timeoutTransport bounds each request (headers and body) by a deadline
// derived from the request's own context.
type timeoutTransport struct {
	rt      http.RoundTripper
	timeout time.Duration
}

func (t timeoutTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(r.Context(), t.timeout)
	resp, err := t.rt.RoundTrip(r.WithContext(ctx))
	if err != nil {
		cancel()
		return nil, err
	}
	resp.Body = cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (c cancelOnClose) Close() error {
	err := c.ReadCloser.Close()
	c.cancel()
	return err
}

func (s *S3) object(key string) (string, error) {
	if !ValidKey(key) {
		return "", fmt.Errorf("blob: invalid key %q", key)
	}
	return s.prefix + key, nil
}

// Put writes data under key in one PUT (atomic on S3).
func (s *S3) Put(ctx context.Context, key string, data []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	name, err := s.object(key)
	if err != nil {
		return err
	}
	_, err = s.client.PutObject(ctx, s.bucket, name, bytes.NewReader(data), int64(len(data)),
		minio.PutObjectOptions{ContentType: "application/octet-stream", SendContentMd5: true})
	if err != nil {
		return fmt.Errorf("blob: put %s: %w", key, err)
	}
	return nil
}

// Get reads the object under key; a missing key gives an error wrapping
// ErrNotFound.
func (s *S3) Get(ctx context.Context, key string) ([]byte, error) {
	o, err := s.Open(ctx, key)
	if err != nil {
		return nil, err
	}
	defer o.Close()
	b := make([]byte, o.Size())
	if _, err := io.ReadFull(o, b); err != nil {
		return nil, s.getErr(key, err)
	}
	return b, nil
}

func (s *S3) getErr(key string, err error) error {
	if minio.ToErrorResponse(err).Code == "NoSuchKey" {
		return fmt.Errorf("blob: get %s: %w", key, ErrNotFound)
	}
	return fmt.Errorf("blob: get %s: %w", key, err)
}

// Delete removes the object under key; a missing key is not an error.
func (s *S3) Delete(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	name, err := s.object(key)
	if err != nil {
		return err
	}
	if err := s.client.RemoveObject(ctx, s.bucket, name, minio.RemoveObjectOptions{}); err != nil {
		if minio.ToErrorResponse(err).Code == "NoSuchKey" {
			return nil
		}
		return fmt.Errorf("blob: delete %s: %w", key, err)
	}
	return nil
}

// List returns the keys that start with prefix, sorted.
func (s *S3) List(ctx context.Context, prefix string) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops the listing goroutine on an early return
	var keys []string
	for o := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: s.prefix + prefix, Recursive: true}) {
		if o.Err != nil {
			return nil, fmt.Errorf("blob: list %q: %w", prefix, o.Err)
		}
		keys = append(keys, strings.TrimPrefix(o.Key, s.prefix))
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("blob: list %q: %w", prefix, err)
	}
	sort.Strings(keys)
	return keys, nil
}

// Check reports whether the bucket is reachable with the configured
// credentials, for readiness probes.
func (s *S3) Check(ctx context.Context) error {
	ok, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return fmt.Errorf("blob: s3 bucket %s: %w", s.bucket, err)
	}
	if !ok {
		return fmt.Errorf("blob: s3 bucket %s: does not exist", s.bucket)
	}
	return nil
}

// s3PartSize is the part size of a streamed upload: the memory one Create
// holds (S3 allows 10,000 parts, so objects up to 80 GB).
const s3PartSize = 8 << 20

// errAborted ends the body of an aborted streamed upload.
var errAborted = errors.New("blob: upload aborted")

// Create streams the object under key to S3 as a multipart upload (parts of
// 8 MiB, one buffered at a time), which S3 makes visible only when it is
// completed at Commit; Abort, or a failure, aborts the upload and S3 drops
// its parts.
func (s *S3) Create(ctx context.Context, key string) (Writer, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	name, err := s.object(key)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	pr, pw := io.Pipe()
	w := &s3Writer{key: key, pw: pw, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(w.done)
		_, err := s.client.PutObject(ctx, s.bucket, name, pr, -1,
			minio.PutObjectOptions{ContentType: "application/octet-stream", PartSize: s3PartSize, SendContentMd5: true})
		pr.CloseWithError(err) // unblocks a Write after a failed upload
		w.err = err
	}()
	return w, nil
}

type s3Writer struct {
	key      string
	pw       *io.PipeWriter
	cancel   context.CancelFunc
	done     chan struct{}
	err      error // of PutObject, set before done closes
	finished bool
}

func (w *s3Writer) Write(p []byte) (int, error) {
	if w.finished {
		return 0, fmt.Errorf("blob: put %s: writer already finished", w.key)
	}
	n, err := w.pw.Write(p)
	if err != nil {
		return n, fmt.Errorf("blob: put %s: %w", w.key, err)
	}
	return n, nil
}

func (w *s3Writer) Commit() error {
	if w.finished {
		return fmt.Errorf("blob: put %s: writer already finished", w.key)
	}
	w.finished = true
	w.pw.Close()
	<-w.done
	w.cancel()
	if w.err != nil {
		return fmt.Errorf("blob: put %s: %w", w.key, w.err)
	}
	return nil
}

func (w *s3Writer) Abort() {
	if w.finished {
		return
	}
	w.finished = true
	w.pw.CloseWithError(errAborted)
	<-w.done
	w.cancel()
}

// Open opens the object under key; ReadAt fetches the ranges it reads.
func (s *S3) Open(ctx context.Context, key string) (Object, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	name, err := s.object(key)
	if err != nil {
		return nil, err
	}
	obj, err := s.client.GetObject(ctx, s.bucket, name, minio.GetObjectOptions{})
	if err != nil {
		return nil, s.getErr(key, err)
	}
	st, err := obj.Stat()
	if err != nil {
		obj.Close()
		return nil, s.getErr(key, err)
	}
	return s3Object{Object: obj, size: st.Size}, nil
}

type s3Object struct {
	*minio.Object
	size int64
}

func (o s3Object) Size() int64 { return o.size }
