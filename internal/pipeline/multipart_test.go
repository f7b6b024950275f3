package pipeline_test

import (
	"errors"
	"testing"

	"github.com/sohoa/sohoa/internal/pipeline"
)

func TestUploadLimiter(t *testing.T) {
	l := pipeline.NewUploadLimiter(2, 3)
	var held []func()
	take := func(who string, wantOK bool) {
		t.Helper()
		release, err := l.Acquire(who)
		if wantOK != (err == nil) {
			t.Fatalf("Acquire(%s) error = %v, want ok=%v", who, err, wantOK)
		}
		if err != nil && !errors.Is(err, pipeline.ErrTooManyUploads) {
			t.Fatalf("Acquire(%s) error = %v, want ErrTooManyUploads", who, err)
		}
		if err == nil {
			held = append(held, release)
		}
	}
	take("a", true)
	take("a", true)
	take("a", false) // per uploader
	take("b", true)
	take("c", false) // overall
	held[0]()
	held[0]() // releasing twice frees one slot only
	take("c", true)
	take("d", false)
	take("a", false) // a still has one in flight, and the server is full
	for _, r := range held {
		r()
	}
	take("a", true)
	take("a", true)

	if d := pipeline.NewUploadLimiter(0, 0); d == nil {
		t.Fatal("NewUploadLimiter with defaults returned nil")
	}
}
