package blob_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/sohoa/sohoa/internal/blob"
	"github.com/sohoa/sohoa/internal/blob/blobtest"
	"github.com/sohoa/sohoa/internal/testenv"
)

// s3TestConfig returns the configuration of the test S3 server started by
// deploy/minio/minio.sh (SOHOA_TEST_S3_URL, SOHOA_TEST_S3_ACCESS_KEY,
// SOHOA_TEST_S3_SECRET_KEY, optional SOHOA_TEST_S3_BUCKET). Without a
// server the test is skipped, except under CI=true with
// SOHOA_TEST_S3_REQUIRED=1 (set by make test when it starts MinIO), where a
// missing server fails.
func s3TestConfig(t *testing.T) blob.S3Config {
	t.Helper()
	url := os.Getenv("SOHOA_TEST_S3_URL")
	if url == "" {
		if os.Getenv("SOHOA_TEST_S3_REQUIRED") == "1" {
			testenv.Missing(t, "S3 server (SOHOA_TEST_S3_URL; deploy/minio/minio.sh start)")
		}
		t.Skip("no S3 server: set SOHOA_TEST_S3_URL (deploy/minio/minio.sh start prints the settings)")
	}
	bucket := os.Getenv("SOHOA_TEST_S3_BUCKET")
	if bucket == "" {
		bucket = "sohoa-test"
	}
	return blob.S3Config{
		Endpoint: url, Bucket: bucket, PathStyle: true, CreateBucket: true,
		AccessKey: os.Getenv("SOHOA_TEST_S3_ACCESS_KEY"), SecretKey: os.Getenv("SOHOA_TEST_S3_SECRET_KEY"),
		Timeout: time.Minute,
	}
}

// openS3 opens the test bucket under a fresh random prefix, so every test
// starts from an empty store.
func openS3(t *testing.T, cfg blob.S3Config) *blob.S3 {
	t.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	cfg.Prefix = "t-" + hex.EncodeToString(b[:]) + "/"
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := blob.OpenS3(ctx, cfg)
	if err != nil {
		t.Fatalf("OpenS3: %v", err)
	}
	t.Cleanup(func() {
		ctx := context.Background()
		keys, _ := s.List(ctx, "")
		for _, k := range keys {
			_ = s.Delete(ctx, k)
		}
	})
	return s
}

func TestS3Conformance(t *testing.T) {
	cfg := s3TestConfig(t)
	blobtest.Run(t, func(t *testing.T) blob.Store { return openS3(t, cfg) })
}

// TestS3PrefixIsolation shows that two stores sharing a bucket under
// different prefixes do not see each other's keys.
func TestS3PrefixIsolation(t *testing.T) {
	cfg := s3TestConfig(t)
	a, b := openS3(t, cfg), openS3(t, cfg)
	ctx := context.Background()
	if err := a.Put(ctx, "docs/x", []byte("a")); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Get(ctx, "docs/x"); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("store b sees store a's key: err = %v", err)
	}
	keys, err := b.List(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 0 {
		t.Errorf("store b lists %q, want nothing", keys)
	}
	if err := a.Check(ctx); err != nil {
		t.Errorf("Check: %v", err)
	}
}

func TestS3OpenErrors(t *testing.T) {
	cfg := s3TestConfig(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cases := []struct {
		name   string
		mutate func(*blob.S3Config)
		want   string
	}{
		{"missing bucket without create_bucket", func(c *blob.S3Config) {
			c.Bucket = "sohoa-absent-" + strings.ToLower(hex.EncodeToString([]byte(t.Name()))[:8])
			c.CreateBucket = false
		}, "does not exist"},
		{"wrong secret key", func(c *blob.S3Config) { c.SecretKey = "not-the-secret-key" }, "bucket"},
		{"nothing listening", func(c *blob.S3Config) { c.Endpoint = "http://127.0.0.1:1"; c.Timeout = 5 * time.Second }, "bucket"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := cfg
			tc.mutate(&c)
			_, err := blob.OpenS3(ctx, c)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("OpenS3 error = %v, want one mentioning %q", err, tc.want)
			}
		})
	}
}

func TestS3ConfigValidate(t *testing.T) {
	ok := blob.S3Config{Endpoint: "https://s3.example.vn:9000", Bucket: "sohoa-records", AccessKey: "ak", SecretKey: "sk"}
	cases := []struct {
		name   string
		mutate func(*blob.S3Config)
		want   []string // substrings of the error; nil means valid
	}{
		{"valid", func(*blob.S3Config) {}, nil},
		{"bare host:port", func(c *blob.S3Config) { c.Endpoint = "minio:9000" }, nil},
		{"valid prefix", func(c *blob.S3Config) { c.Prefix = "tinh-a/" }, nil},
		{"empty", func(c *blob.S3Config) { *c = blob.S3Config{} }, []string{"s3.endpoint", "s3.bucket", "s3.access_key", "s3.secret_key"}},
		{"ftp scheme", func(c *blob.S3Config) { c.Endpoint = "ftp://host" }, []string{"s3.endpoint"}},
		{"endpoint with path", func(c *blob.S3Config) { c.Endpoint = "https://host/bucket" }, []string{"s3.endpoint"}},
		{"upper-case bucket", func(c *blob.S3Config) { c.Bucket = "Records" }, []string{"s3.bucket"}},
		{"prefix without slash", func(c *blob.S3Config) { c.Prefix = "tinh-a" }, []string{"s3.prefix"}},
		{"prefix with dot-dot", func(c *blob.S3Config) { c.Prefix = "../" }, []string{"s3.prefix"}},
		{"negative timeout", func(c *blob.S3Config) { c.Timeout = -1 }, []string{"s3.timeout"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := ok
			tc.mutate(&c)
			err := c.Validate()
			if tc.want == nil {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate() = nil, want errors about %v", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Validate() = %v, want it to mention %q", err, w)
				}
			}
		})
	}
}
