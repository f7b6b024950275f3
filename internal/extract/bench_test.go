package extract

import (
	"context"
	"testing"
)

// BenchmarkExtract measures one Extract over a one-page administrative
// document and a land certificate (text only).
func BenchmarkExtract(b *testing.B) {
	e, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	pages := textPages(seeds[0] + "\f" + seeds[1])
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := e.Extract(context.Background(), pages, ""); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNormalizers runs every normaliser once over a seed text.
func BenchmarkNormalizers(b *testing.B) {
	for i := 0; i < b.N; i++ {
		for _, n := range normalizers() {
			n(seeds[0], normCtx{})
		}
	}
}
