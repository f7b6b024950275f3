package audit

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// FuzzVerify: Verify, Tail and Append on arbitrary file contents never
// panic, and Append always leaves a log whose new last entry chains.
func FuzzVerify(f *testing.F) {
	seed := newLog(f, 3, quietConfig())
	b, _ := os.ReadFile(seed)
	f.Add(b, []byte(`{"seq":3,"hash":"x"}`))
	f.Add([]byte("{\n}\n{"), []byte(""))
	f.Add([]byte(""), []byte("{}"))
	f.Fuzz(func(t *testing.T, log, hd []byte) {
		path := filepath.Join(t.TempDir(), "a.log")
		os.WriteFile(path, log, 0o600)
		os.WriteFile(HeadPath(path), hd, 0o600)
		_, _ = Verify(path)
		l, err := OpenWithConfig(path, quietConfig())
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		_, _ = l.Tail(3)
		_, _ = l.Read(0, 10)
		e, err := l.Append(context.Background(), event(1))
		if err != nil {
			return // e.g. an unparsable last line: refused, not panicked
		}
		es, err := l.Tail(1)
		if err != nil || len(es) != 1 || es[0].Hash != e.Hash {
			t.Fatalf("Tail after Append = %v, %v", es, err)
		}
	})
}
