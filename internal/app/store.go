package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sohoa/sohoa/internal/blob"
	"github.com/sohoa/sohoa/internal/vault"
)

// wrapStore, when set, wraps the blob store openStore returns. Only tests
// set it (export_test.go), to inject store faults such as a full disk into
// an in-process instance.
var wrapStore func(blob.Store) blob.Store

// openStore opens the blob store: the S3-compatible store when configured,
// else files under the data directory.
func openStore(ctx context.Context, cfg Config) (blob.Store, error) {
	s, err := openBackend(ctx, cfg)
	if err != nil || wrapStore == nil {
		return s, err
	}
	return wrapStore(s), nil
}

func openBackend(ctx context.Context, cfg Config) (blob.Store, error) {
	if cfg.S3.Endpoint != "" {
		s, err := blob.OpenS3(ctx, cfg.S3)
		if err != nil {
			return nil, fmt.Errorf("s3 blob store: %w", err)
		}
		return s, nil
	}
	return blob.NewFS(filepath.Join(cfg.DataDir, "store"))
}

// openLocker serialises data-key creation across processes: file locks
// when every process shares one machine's data directory, Redis locks when
// the store is shared between machines (S3).
func openLocker(cfg Config) (vault.Locker, func(), error) {
	if cfg.S3.Endpoint == "" {
		l, err := vault.NewFileLocker(filepath.Join(cfg.DataDir, "locks"))
		return l, func() {}, err
	}
	opt, err := redis.ParseURL(cfg.RedisURL)
	if err != nil {
		return nil, nil, fmt.Errorf("redis_url: %w", err)
	}
	rc := redis.NewClient(opt)
	return redisLocker{rc}, func() { rc.Close() }, nil
}

// redisLocker is a vault.Locker on Redis: SET NX with an expiry and a random
// token, released only by its holder. Critical sections are a key write, far
// shorter than the expiry.
type redisLocker struct{ rc *redis.Client }

var _ vault.Locker = redisLocker{}

var unlockScript = redis.NewScript(`if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`)

func (l redisLocker) Lock(ctx context.Context, name string) (func(), error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, err
	}
	token, key := hex.EncodeToString(b[:]), "sohoa:lock:"+name
	for wait := 5 * time.Millisecond; ; wait = min(wait*2, 200*time.Millisecond) {
		ok, err := l.rc.SetNX(ctx, key, token, 30*time.Second).Result()
		if err != nil {
			return nil, fmt.Errorf("lock %s: %w", name, err)
		}
		if ok {
			return func() { unlockScript.Run(context.WithoutCancel(ctx), l.rc, []string{key}, token) }, nil
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(wait):
		}
	}
}
