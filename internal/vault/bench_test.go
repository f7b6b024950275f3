package vault

import (
	"context"
	"fmt"
	"testing"
)

func BenchmarkSeal(b *testing.B) {
	for _, size := range []int{1 << 10, 1 << 20} {
		b.Run(fmt.Sprint(size), func(b *testing.B) {
			f := newFixture(b)
			pt := make([]byte, size)
			b.SetBytes(int64(size))
			for b.Loop() {
				if _, err := f.v.Seal(context.Background(), "doc-1", "page/1", pt); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkOpen(b *testing.B) {
	f := newFixture(b)
	pt := make([]byte, 1<<20)
	ct, _ := f.v.Seal(context.Background(), "doc-1", "page/1", pt)
	b.SetBytes(int64(len(pt)))
	for b.Loop() {
		if _, err := f.v.Open(context.Background(), "doc-1", "page/1", ct); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFirstSeal measures data key creation (a store write) per owner.
func BenchmarkFirstSeal(b *testing.B) {
	f := newFixture(b)
	i := 0
	for b.Loop() {
		i++
		if _, err := f.v.Seal(context.Background(), fmt.Sprint("doc-", i), "k", nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBlind(b *testing.B) {
	f := newFixture(b)
	for b.Loop() {
		f.v.Blind("name", "Nguyễn Văn An")
	}
}
