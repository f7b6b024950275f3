package vault

import (
	"context"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// Locker gives mutual exclusion per owner across processes. Lock blocks
// until the lock for name is held or ctx ends, and returns the function that
// releases it.
type Locker interface {
	Lock(ctx context.Context, name string) (unlock func(), err error)
}

// FileLocker implements Locker with flock(2) on files in a directory shared
// by every process on one machine (e.g. <data dir>/locks). Names are hashed
// onto a fixed number of lock files, so unrelated owners may occasionally
// wait for each other; that is harmless because the critical sections are
// short. It is safe for concurrent use. It does not work across machines.
type FileLocker struct {
	dir    string
	shards uint32
}

var _ Locker = (*FileLocker)(nil)

// NewFileLocker returns a FileLocker using dir, created with mode 0700.
func NewFileLocker(dir string) (*FileLocker, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("vault: lock dir: %w", err)
	}
	return &FileLocker{dir: dir, shards: 64}, nil
}

// Lock takes an exclusive flock on the lock file for name, polling so that
// ctx cancellation is honoured.
func (l *FileLocker) Lock(ctx context.Context, name string) (func(), error) {
	h := fnv.New32a()
	h.Write([]byte(name))
	p := filepath.Join(l.dir, fmt.Sprintf("vault-%02d.lock", h.Sum32()%l.shards))
	f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("vault: open lock: %w", err)
	}
	wait := time.Millisecond
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			break
		}
		if err != syscall.EWOULDBLOCK && err != syscall.EINTR {
			f.Close()
			return nil, fmt.Errorf("vault: flock %s: %w", p, err)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(wait):
		}
		if wait < 20*time.Millisecond {
			wait *= 2
		}
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
