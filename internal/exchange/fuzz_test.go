package exchange

import (
	"crypto/ed25519"
	"testing"
	"time"
)

// FuzzVerify: whatever a network peer sends as header and body, Verify
// must not panic, and must not accept anything the key did not sign: for
// this partner and request, the body signed.
func FuzzVerify(f *testing.F) {
	priv := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
	s := NewSigner(priv)
	req := Request{Partner: "tax-camau", Method: "GET", Target: "/api/v1/exchange/records?limit=5"}
	signed := []byte(`{"records":[]}`)
	at := time.Date(2026, 12, 7, 17, 0, 0, 0, time.UTC)
	f.Add(s.Sign(req, at, signed), []byte(`{"records":[]}`))
	f.Add(s.Sign(Request{Partner: "stats", Method: "GET", Target: req.Target}, at, signed), []byte(`{"records":[]}`))
	f.Add("ed25519=; keyid=", []byte("x"))
	f.Add("keyid="+s.KeyID()+"; ed25519=AAAA", []byte(""))
	f.Fuzz(func(t *testing.T, header string, body []byte) {
		got, err := Verify(s.PublicKey(), header, req, body)
		if err == nil && (string(body) != string(signed) || !got.Equal(at)) {
			t.Fatalf("accepted an unsigned body %q with header %q (generated %s)", body, header, got)
		}
	})
}
