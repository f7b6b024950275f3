// Package testenv gives tests the real services they need (Redis,
// Elasticsearch) and enforces the rule that under CI a missing service is a
// failure, never a skip.
package testenv

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// CI reports whether the tests run under CI (CI=true).
func CI() bool { return os.Getenv("CI") == "true" }

// Missing skips the test outside CI, and fails it under CI.
func Missing(t testing.TB, what string) {
	t.Helper()
	if CI() {
		t.Fatalf("%s is required under CI=true (make test starts it)", what)
	}
	t.Skipf("%s not available; run `make test`", what)
}

// RedisURL returns the URL of a Redis database reserved for this test and
// flushed, from SOHOA_TEST_REDIS_URL (started by make test). A database is
// leased (a key in database 0, released when the test ends, expiring after
// an hour should the test process die), so no other test — in this package
// or in another package's test process running at the same time — gets it
// or flushes it while the test runs. Databases are taken in turn from
// 1..62.
func RedisURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv("SOHOA_TEST_REDIS_URL")
	if base == "" {
		Missing(t, "Redis (SOHOA_TEST_REDIS_URL)")
	}
	opt, err := redis.ParseURL(base)
	if err != nil {
		t.Fatalf("SOHOA_TEST_REDIS_URL: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	admin := redis.NewClient(opt)
	defer admin.Close()
	owner := fmt.Sprintf("%d/%s/%d", os.Getpid(), t.Name(), time.Now().UnixNano())
	for {
		for range 62 {
			n, err := admin.Incr(ctx, "sohoa:test:next-db").Result()
			if err != nil {
				Missing(t, fmt.Sprintf("Redis at %s (%v)", base, err))
			}
			db := int(n%62) + 1 // databases 1..62; 0 holds the counter and the leases
			lease := fmt.Sprintf("sohoa:test:lease:%d", db)
			ok, err := admin.SetNX(ctx, lease, owner, time.Hour).Result()
			if err != nil {
				t.Fatalf("lease test Redis db %d: %v", db, err)
			}
			if !ok {
				continue // another running test holds it
			}
			t.Cleanup(func() { releaseLease(base, lease, owner) })
			o := *opt
			o.DB = db
			c := redis.NewClient(&o)
			defer c.Close()
			if err := c.FlushDB(ctx).Err(); err != nil {
				t.Fatalf("flush test Redis db %d: %v", db, err)
			}
			return fmt.Sprintf("redis://%s/%d", opt.Addr, db)
		}
		// Every database is leased: wait for a test to end.
		select {
		case <-ctx.Done():
			t.Fatalf("no free test Redis database within 2 minutes (62 leased)")
		case <-time.After(time.Second):
		}
	}
}

// releaseLease gives a test database back, if the lease is still the test's.
func releaseLease(base, lease, owner string) {
	opt, err := redis.ParseURL(base)
	if err != nil {
		return
	}
	c := redis.NewClient(opt)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if v, err := c.Get(ctx, lease).Result(); err == nil && v == owner {
		c.Del(ctx, lease)
	}
}

// ElasticsearchURL returns SOHOA_ELASTICSEARCH_URL (make test starts a real
// Elasticsearch from Maven Central); missing, it skips outside CI and fails under CI.
func ElasticsearchURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("SOHOA_ELASTICSEARCH_URL")
	if u == "" {
		Missing(t, "Elasticsearch (SOHOA_ELASTICSEARCH_URL)")
	}
	return u
}
