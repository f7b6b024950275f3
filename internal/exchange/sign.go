package exchange

import (
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
	"os"
	"path/filepath"
	"strings"
)

// SignatureHeader carries the signature of a response body:
//
//	Sohoa-Signature: ed25519=<base64 of the 64-byte signature>; keyid=<key id>
//
// The signature is Ed25519 over the exact bytes of the response body. The
// key ID is the first 16 hex digits of the SHA-256 of the raw 32-byte
// public key.
const SignatureHeader = "Sohoa-Signature"

// ErrBadSignature is returned when a body does not verify.
var ErrBadSignature = errors.New("exchange: bad signature")

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

// Sign returns the SignatureHeader value for body.
func (s *Signer) Sign(body []byte) string {
	sig := ed25519.Sign(s.priv, body)
	return "ed25519=" + base64.StdEncoding.EncodeToString(sig) + "; keyid=" + s.keyID
}

// ParseSignature splits a SignatureHeader value.
func ParseSignature(h string) (sig []byte, keyID string, err error) {
	for _, part := range strings.Split(h, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			continue
		}
		switch k {
		case "ed25519":
			// Base64 ends in '=' padding, which Cut leaves in v.
			sig, err = base64.StdEncoding.DecodeString(v)
			if err != nil {
				return nil, "", fmt.Errorf("%w: %v", ErrBadSignature, err)
			}
		case "keyid":
			keyID = v
		}
	}
	if len(sig) != ed25519.SignatureSize || keyID == "" {
		return nil, "", fmt.Errorf("%w: malformed %s header %q", ErrBadSignature, SignatureHeader, h)
	}
	return sig, keyID, nil
}

// Verify checks a SignatureHeader value against body with pub. It fails
// when the key ID is not pub's or the signature does not match.
func Verify(pub ed25519.PublicKey, header string, body []byte) error {
	sig, keyID, err := ParseSignature(header)
	if err != nil {
		return err
	}
	if keyID != KeyID(pub) {
		return fmt.Errorf("%w: signed with key %s, expected %s", ErrBadSignature, keyID, KeyID(pub))
	}
	if !ed25519.Verify(pub, body, sig) {
		return ErrBadSignature
	}
	return nil
}
