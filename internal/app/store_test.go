package app

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/sohoa/sohoa/internal/testenv"
)

func TestRedisLockerExcludes(t *testing.T) {
	opt, err := redis.ParseURL(testenv.RedisURL(t))
	if err != nil {
		t.Fatal(err)
	}
	rc := redis.NewClient(opt)
	defer rc.Close()
	l := redisLocker{rc}
	var inside, max atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 5; j++ {
				unlock, err := l.Lock(context.Background(), "owner-1")
				if err != nil {
					t.Error(err)
					return
				}
				n := inside.Add(1)
				if n > max.Load() {
					max.Store(n)
				}
				inside.Add(-1)
				unlock()
			}
		}()
	}
	wg.Wait()
	if max.Load() != 1 {
		t.Fatalf("%d holders at once, want 1", max.Load())
	}
	ctx, cancel := context.WithCancel(context.Background())
	unlock, _ := l.Lock(ctx, "owner-2")
	cancel()
	if _, err := l.Lock(ctx, "owner-2"); err == nil {
		t.Fatal("a second Lock on a held name returned without the lock")
	}
	unlock()
}
