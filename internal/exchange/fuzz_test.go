package exchange

import (
	"crypto/ed25519"
	"testing"
)

// FuzzVerify: whatever a network peer sends as header and body, Verify
// must not panic, and must not accept anything the key did not sign.
func FuzzVerify(f *testing.F) {
	priv := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
	s := NewSigner(priv)
	signed := []byte(`{"records":[]}`)
	f.Add(s.Sign(signed), []byte(`{"records":[]}`))
	f.Add("ed25519=; keyid=", []byte("x"))
	f.Add("keyid="+s.KeyID()+"; ed25519=AAAA", []byte(""))
	f.Fuzz(func(t *testing.T, header string, body []byte) {
		err := Verify(s.PublicKey(), header, body)
		if err == nil && string(body) != string(signed) {
			t.Fatalf("accepted an unsigned body %q with header %q", body, header)
		}
	})
}
