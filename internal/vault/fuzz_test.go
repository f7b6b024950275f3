package vault

import (
	"bytes"
	"context"
	"testing"
)

// FuzzOpen feeds arbitrary bytes to Open: it must never panic, and must
// never accept anything but the genuine ciphertexts (whole and chunked).
func FuzzOpen(f *testing.F) {
	fx := newFixture(f)
	ctx := context.Background()
	pt := []byte("Nguyễn Văn An, CCCD 079085001234")
	ct, err := fx.v.Seal(ctx, "doc-1", "fields", pt)
	if err != nil {
		f.Fatal(err)
	}
	chunked := sealStream(f, fx.v, "doc-1", "fields", pt)
	f.Add(ct)
	f.Add(ct[:Overhead])
	f.Add(chunked)
	f.Add(chunked[:streamHeaderLen+3])
	f.Add([]byte("SV\x01"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := fx.v.Open(ctx, "doc-1", "fields", b)
		if err == nil && ((!bytes.Equal(b, ct) && !bytes.Equal(b, chunked)) || !bytes.Equal(got, pt)) {
			t.Fatalf("Open accepted forged bytes %x", b)
		}
	})
}

// FuzzKeyringFromEnv: arbitrary values never panic and never echo the value.
func FuzzKeyringFromEnv(f *testing.F) {
	f.Add("")
	f.Add("AAAA")
	f.Add("eyJ2ZXJzaW9uIjoxfQ==")
	f.Fuzz(func(t *testing.T, s string) {
		_, err := KeyringFromEnv(s)
		if err != nil && len(s) >= 8 && bytes.Contains([]byte(err.Error()), []byte(s)) {
			t.Fatalf("error echoes the value: %v", err)
		}
	})
}
