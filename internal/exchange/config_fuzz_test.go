package exchange

import (
	"crypto/ed25519"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"gopkg.in/yaml.v3"
)

// FuzzParseConfig: whatever an operator writes in the exchange YAML,
// ParseConfig never panics, and a configuration it accepts is valid and
// survives a round trip through YAML unchanged (an absent list and an empty
// one are the same), so what is checked is what is used.
func FuzzParseConfig(f *testing.F) {
	sum := strings.Repeat("ab", 32)
	for _, s := range []string{
		"partners:\n  - {id: tax, name: Thuế, token_sha256: " + sum + ", classes: [land_certificate], fields: [parcel_no]}\n",
		"partners:\n  - id: tax-camau\n    name: Cục Thuế\n    token_sha256: " + sum + "\n    classes: [land_certificate]\n    fields: [cccd, person_names]\n    text: true\n",
		"partners:\n  - {id: Tax!, name: x, token_sha256: zz, classes: [a], fields: [b]}\n",
		"partners:\n  - {id: tax, nam: x}\n",
		"partners: &a [*a]\n",
		"a: &a [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n",
		"partners: !!binary AAAA\n",
		"\t- :\n",
		"",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ParseConfig(b)
		if err != nil {
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("ParseConfig accepted an invalid configuration: %v", err)
		}
		out, err := yaml.Marshal(c)
		if err != nil {
			t.Fatalf("marshal an accepted configuration: %v", err)
		}
		again, err := ParseConfig(out)
		if err != nil {
			t.Fatalf("the accepted configuration, written back, is refused: %v\n%s", err, out)
		}
		if diff := cmp.Diff(c, again, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("round trip through YAML changed the configuration (-first +again):\n%s", diff)
		}
	})
}

// FuzzParseSignature: whatever a peer sends as the signature header,
// ParseSignature never panics, refuses with ErrBadSignature, and returns a
// signature of the Ed25519 size with a key ID when it accepts.
func FuzzParseSignature(f *testing.F) {
	s := NewSigner(ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize)))
	for _, h := range []string{
		s.Sign(Request{Partner: "tax-camau", Method: "GET", Target: "/"}, time.Unix(0, 0), []byte("x")),
		s.Sign(Request{Method: "GET", Target: "/"}, time.Unix(0, 0), []byte("x")),
		"ed25519=" + strings.Repeat("A", 86) + "==; keyid=k; partner=Bad\n; generated_at=2026-01-02T03:04:05Z",
		"ed25519=; keyid=",
		"keyid=" + s.KeyID() + "; ed25519=AAAA",
		"ed25519=" + strings.Repeat("A", 86) + "==; keyid=k; ed25519=!!",
		";;;=;=;",
		"",
	} {
		f.Add(h)
	}
	f.Fuzz(func(t *testing.T, h string) {
		sig, err := ParseSignature(h)
		if err != nil {
			if !errors.Is(err, ErrBadSignature) {
				t.Fatalf("error %v does not wrap ErrBadSignature", err)
			}
			return
		}
		if len(sig.Sig) != ed25519.SignatureSize || sig.KeyID == "" || sig.GeneratedAt == "" || sig.Time.IsZero() ||
			strings.ContainsAny(sig.Partner+sig.GeneratedAt, "\n;") {
			t.Fatalf("accepted %q: %+v", h, sig)
		}
	})
}
