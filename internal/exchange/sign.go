package exchange

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// SignatureHeader carries the signature of a response:
//
//	Sohoa-Signature: ed25519=<base64 of the 64-byte signature>; keyid=<key id>; partner=<partner id>; generated_at=<RFC 3339 time>
//
// The signature is Ed25519 over SignedMessage: the partner the response is
// for ("" when the request was not authenticated), the request's method and
// canonical target (CanonicalTarget), generated_at and the exact bytes of
// the body. So a captured response cannot be replayed later (the client
// checks generated_at against a maximum age), to another partner or as the
// answer to another request. The key ID is the first 16 hex digits of the
// SHA-256 of the raw 32-byte public key.
const SignatureHeader = "Sohoa-Signature"

// signedPrefix starts every signed message; it names the format, so a
// signature of another format (the body alone) never verifies.
const signedPrefix = "sohoa-exchange-v2"

// ErrBadSignature is returned when a response does not verify.
var ErrBadSignature = errors.New("exchange: bad signature")

// ErrStale is returned when a response verifies but was generated longer
// ago (or further ahead) than the accepted maximum age: a replay.
var ErrStale = errors.New("exchange: stale response")

// Request identifies the request a response answers.
type Request struct {
	Partner string // partner ID; "" when the request was not authenticated
	Method  string // "GET"
	Target  string // CanonicalTarget of the request URL
}

// CanonicalTarget is the request target a signature covers: the URL's
// escaped path, then, when it has query parameters, "?" and the parameters
// sorted by name and form-encoded (url.Values.Encode: "limit=5&since=x").
func CanonicalTarget(u *url.URL) string {
	t := u.EscapedPath()
	if q := u.Query(); len(q) > 0 {
		t += "?" + q.Encode()
	}
	return t
}

// SignedMessage returns the bytes a response signature covers, each part
// followed by a line feed (LF, 0x0A) except the body, which ends the
// message as sent:
//
//	sohoa-exchange-v2 LF partner LF method LF target LF generated_at LF body
//
// generated_at is the header's value as sent (RFC 3339, UTC).
func SignedMessage(req Request, generatedAt string, body []byte) []byte {
	var b bytes.Buffer
	b.Grow(len(signedPrefix) + len(req.Partner) + len(req.Method) + len(req.Target) + len(generatedAt) + 5 + len(body))
	for _, part := range []string{signedPrefix, req.Partner, req.Method, req.Target, generatedAt} {
		b.WriteString(part)
		b.WriteByte('\n')
	}
	b.Write(body)
	return b.Bytes()
}

// Signer signs exchange responses with the server's Ed25519 key. It is
// safe for concurrent use.
type Signer struct {
	priv  ed25519.PrivateKey
	keyID string
}

// KeyID returns the key's ID (see SignatureHeader).
func KeyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return hex.EncodeToString(sum[:8])
}

// NewSigner wraps a private key.
func NewSigner(priv ed25519.PrivateKey) *Signer {
	return &Signer{priv: priv, keyID: KeyID(priv.Public().(ed25519.PublicKey))}
}

// LoadOrCreateKey reads the PKCS#8 PEM private key at path, creating a new
// key there (mode 0600, directory 0700) when the file does not exist. A key
// file readable by group or others is refused.
func LoadOrCreateKey(path string) (*Signer, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return createKey(path)
	}
	if err != nil {
		return nil, fmt.Errorf("exchange key: %w", err)
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("exchange key: %w", err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("exchange key %s: mode %v is readable by others; chmod 600 it", path, st.Mode().Perm())
	}
	blk, _ := pem.Decode(b)
	if blk == nil || blk.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("exchange key %s: not a PEM private key", path)
	}
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("exchange key %s: %w", path, err)
	}
	priv, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("exchange key %s: not an Ed25519 key", path)
	}
	return NewSigner(priv), nil
}

func createKey(path string) (*Signer, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("exchange key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, fmt.Errorf("exchange key: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("exchange key: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return LoadOrCreateKey(path) // another process created it first
	}
	if err != nil {
		return nil, fmt.Errorf("exchange key: %w", err)
	}
	if err := pem.Encode(f, &pem.Block{Type: "PRIVATE KEY", Bytes: der}); err != nil {
		f.Close()
		return nil, fmt.Errorf("exchange key: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, fmt.Errorf("exchange key: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("exchange key: %w", err)
	}
	return NewSigner(priv), nil
}

// KeyID returns the signing key's ID.
func (s *Signer) KeyID() string { return s.keyID }

// PublicKey returns the public key partners verify with.
func (s *Signer) PublicKey() ed25519.PublicKey { return s.priv.Public().(ed25519.PublicKey) }

// Sign returns the SignatureHeader value for a response to req made at
// generatedAt with body.
func (s *Signer) Sign(req Request, generatedAt time.Time, body []byte) string {
	at := generatedAt.UTC().Format(time.RFC3339Nano)
	sig := ed25519.Sign(s.priv, SignedMessage(req, at, body))
	return "ed25519=" + base64.StdEncoding.EncodeToString(sig) + "; keyid=" + s.keyID +
		"; partner=" + req.Partner + "; generated_at=" + at
}

// Signature is a parsed SignatureHeader value.
type Signature struct {
	Sig         []byte
	KeyID       string
	Partner     string
	GeneratedAt string    // as sent: part of the signed message
	Time        time.Time // GeneratedAt parsed
}

// ParseSignature splits a SignatureHeader value. It refuses a header
// without a signature of the Ed25519 size, a key ID or a valid
// generated_at, and one whose partner is not a partner ID.
func ParseSignature(h string) (Signature, error) {
	var s Signature
	seen := map[string]bool{}
	for _, part := range strings.Split(h, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			continue
		}
		if seen[k] {
			return Signature{}, fmt.Errorf("%w: %s twice in %s header", ErrBadSignature, k, SignatureHeader)
		}
		seen[k] = true
		switch k {
		case "ed25519":
			// Base64 ends in '=' padding, which Cut leaves in v.
			sig, err := base64.StdEncoding.DecodeString(v)
			if err != nil {
				return Signature{}, fmt.Errorf("%w: %v", ErrBadSignature, err)
			}
			s.Sig = sig
		case "keyid":
			s.KeyID = v
		case "partner":
			s.Partner = v
		case "generated_at":
			t, err := time.Parse(time.RFC3339Nano, v)
			if err != nil {
				return Signature{}, fmt.Errorf("%w: generated_at %q: %v", ErrBadSignature, v, err)
			}
			s.GeneratedAt, s.Time = v, t
		}
	}
	if len(s.Sig) != ed25519.SignatureSize || s.KeyID == "" || s.GeneratedAt == "" ||
		!seen["partner"] || (s.Partner != "" && !partnerIDRe.MatchString(s.Partner)) {
		return Signature{}, fmt.Errorf("%w: malformed %s header %q", ErrBadSignature, SignatureHeader, h)
	}
	return s, nil
}

// Verify checks a SignatureHeader value against the response body to req
// with pub, and returns when the response was generated. It fails when the
// key ID is not pub's, the header names another partner than req's, or the
// signature does not cover exactly req, the header's generated_at and body.
// The caller checks the age (CheckAge).
func Verify(pub ed25519.PublicKey, header string, req Request, body []byte) (time.Time, error) {
	s, err := ParseSignature(header)
	if err != nil {
		return time.Time{}, err
	}
	if s.KeyID != KeyID(pub) {
		return time.Time{}, fmt.Errorf("%w: signed with key %s, expected %s", ErrBadSignature, s.KeyID, KeyID(pub))
	}
	if s.Partner != req.Partner {
		return time.Time{}, fmt.Errorf("%w: response for partner %q, expected %q", ErrBadSignature, s.Partner, req.Partner)
	}
	if !ed25519.Verify(pub, SignedMessage(req, s.GeneratedAt, body), s.Sig) {
		return time.Time{}, fmt.Errorf("%w: does not cover this body and request (%s %s)", ErrBadSignature, req.Method, req.Target)
	}
	return s.Time, nil
}

// DefaultMaxAge is how old a response may be when its client receives it,
// unless configured otherwise.
const DefaultMaxAge = 5 * time.Minute

// CheckAge fails with ErrStale when generatedAt is more than maxAge before
// or after now (the tolerance both ways covers clock skew).
func CheckAge(generatedAt, now time.Time, maxAge time.Duration) error {
	if d := now.Sub(generatedAt); d > maxAge || d < -maxAge {
		return fmt.Errorf("%w: generated at %s, %s from now (maximum %s)", ErrStale, generatedAt.UTC().Format(time.RFC3339), d.Round(time.Second), maxAge)
	}
	return nil
}
