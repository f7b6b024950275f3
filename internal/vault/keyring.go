package vault

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// keySize is the size in bytes of every key the vault handles (AES-256,
// HMAC-SHA256).
const keySize = 32

// keyFileVersion is the only key file format version understood.
const keyFileVersion = 1

// Errors returned by keyring operations. They never carry key material.
var (
	// ErrKeyFileMode reports a key file readable or writable by group or others.
	ErrKeyFileMode = errors.New("vault: key file permissions too open")
	// ErrUnknownMasterKey reports a wrapped data key whose master key ID is
	// not in the keyring.
	ErrUnknownMasterKey = errors.New("vault: unknown master key")
	// ErrBadKeyFile reports a key file or environment value that cannot be parsed.
	ErrBadKeyFile = errors.New("vault: bad key material")
)

// secret is key material. Every fmt verb, slog and JSON encoding of it
// prints a redaction marker, so a key never reaches a log line or an error
// string by accident.
type secret []byte

const redacted = "[REDACTED]"

func newSecret(b []byte) *secret {
	s := secret(b)
	return &s
}

// Format implements fmt.Formatter for every verb (%v, %s, %x, %q, %#v ...).
func (s secret) Format(f fmt.State, verb rune) { _, _ = f.Write([]byte(redacted)) }

// String implements fmt.Stringer.
func (s secret) String() string { return redacted }

// GoString implements fmt.GoStringer.
func (s secret) GoString() string { return redacted }

// LogValue implements slog.LogValuer.
func (s secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalJSON keeps the key out of accidental JSON encodings.
func (s secret) MarshalJSON() ([]byte, error) { return json.Marshal(redacted) }

// MasterKey is one master key of a Keyring. Only its ID and creation time are
// visible; String, GoString, LogValue and fmt verbs never show the key.
type MasterKey struct {
	// ID names the key (e.g. "mk-20261125-ab12"); it is not secret and is
	// stored next to every data key it wraps.
	ID string
	// Created is when the key was generated (UTC).
	Created time.Time
	key     secret
	aead    cipher.AEAD
}

// String returns the key ID and a redaction marker.
func (m MasterKey) String() string { return m.ID + " " + redacted }

// GoString returns the key ID and a redaction marker.
func (m MasterKey) GoString() string {
	return "vault.MasterKey{ID:" + m.ID + ", key:" + redacted + "}"
}

// LogValue logs only the key ID.
func (m MasterKey) LogValue() slog.Value {
	return slog.GroupValue(slog.String("id", m.ID), slog.String("key", redacted))
}

// Format implements fmt.Formatter so that %v, %+v, %x and friends redact.
func (m MasterKey) Format(f fmt.State, verb rune) { _, _ = f.Write([]byte(m.GoString())) }

// Keyring holds the master keys (one active, the others kept to unwrap data
// keys not yet re-wrapped) and the blind-index key, which never rotates. A
// Keyring is safe for concurrent use. Printing or logging it shows key IDs
// only.
type Keyring struct {
	mu     sync.RWMutex
	active string
	keys   map[string]*MasterKey
	blind  *secret // a pointer, so printing a Keyring value shows no bytes
	// blindFields caches per-field HMAC keys derived from blind (bounded:
	// field names may come from requests).
	blindMu     sync.Mutex
	blindFields map[string][]byte
}

// maxBlindFields bounds the per-field key cache.
const maxBlindFields = 256

// keyFile is the on-disk JSON form of a Keyring.
type keyFile struct {
	Version  int          `json:"version"`
	Active   string       `json:"active"`
	Keys     []keyFileKey `json:"keys"`
	BlindKey string       `json:"blind_key"`
}

type keyFileKey struct {
	ID      string    `json:"id"`
	Key     string    `json:"key"`
	Created time.Time `json:"created"`
}

// String lists key IDs and never key material.
func (k *Keyring) String() string {
	return fmt.Sprintf("vault.Keyring{active:%s, keys:%v, blind_key:%s}", k.ActiveID(), k.IDs(), redacted)
}

// GoString is String.
func (k *Keyring) GoString() string { return k.String() }

// Format implements fmt.Formatter so every verb redacts.
func (k *Keyring) Format(f fmt.State, verb rune) { _, _ = f.Write([]byte(k.String())) }

// LogValue logs the key IDs only.
func (k *Keyring) LogValue() slog.Value {
	return slog.GroupValue(slog.String("active", k.ActiveID()), slog.Any("keys", k.IDs()))
}

// ActiveID returns the ID of the master key that wraps new data keys.
func (k *Keyring) ActiveID() string {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.active
}

// IDs returns every master key ID in the keyring, sorted.
func (k *Keyring) IDs() []string {
	k.mu.RLock()
	defer k.mu.RUnlock()
	ids := make([]string, 0, len(k.keys))
	for id := range k.keys {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// Keys returns copies of the master keys (IDs and creation times; the key
// bytes are not reachable from outside the package), oldest first.
func (k *Keyring) Keys() []MasterKey {
	k.mu.RLock()
	defer k.mu.RUnlock()
	out := make([]MasterKey, 0, len(k.keys))
	for _, m := range k.keys {
		out = append(out, *m)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Created.Equal(out[j].Created) {
			return out[i].Created.Before(out[j].Created)
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// activeKey returns the active master key.
func (k *Keyring) activeKey() *MasterKey {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.keys[k.active]
}

// key returns the master key with the given ID.
func (k *Keyring) key(id string) (*MasterKey, error) {
	k.mu.RLock()
	defer k.mu.RUnlock()
	m, ok := k.keys[id]
	if !ok {
		return nil, fmt.Errorf("%w %q (the keyring has %d keys; was a retired key still in use, or is this the wrong key file?)", ErrUnknownMasterKey, id, len(k.keys))
	}
	return m, nil
}

// blindKey returns the HMAC key for one field, derived with HKDF-SHA256 from
// the blind-index key and the field name.
func (k *Keyring) blindKey(field string) []byte {
	k.blindMu.Lock()
	dk, ok := k.blindFields[field]
	k.blindMu.Unlock()
	if ok {
		return dk
	}
	dk, err := hkdf.Key(sha256.New, *k.blind, nil, "sohoa blind index v1 field="+field, keySize)
	if err != nil {
		// hkdf.Key fails only for absurd lengths; 32 bytes is always valid.
		panic("vault: hkdf: " + err.Error())
	}
	k.blindMu.Lock()
	if k.blindFields == nil {
		k.blindFields = map[string][]byte{}
	}
	if len(k.blindFields) < maxBlindFields {
		k.blindFields[field] = dk
	}
	k.blindMu.Unlock()
	return dk
}

func newMasterKey(id string, key []byte, created time.Time) (*MasterKey, error) {
	if len(key) != keySize {
		return nil, fmt.Errorf("%w: master key %q has %d bytes, want %d", ErrBadKeyFile, id, len(key), keySize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("vault: master key %q: %w", id, err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("vault: master key %q: %w", id, err)
	}
	return &MasterKey{ID: id, Created: created.UTC(), key: secret(key), aead: aead}, nil
}

func randomKey() []byte {
	b := make([]byte, keySize)
	if _, err := rand.Read(b); err != nil {
		// crypto/rand.Read never returns an error on supported platforms.
		panic("vault: crypto/rand: " + err.Error())
	}
	return b
}

// newKeyID returns an unused ID of the form mk-YYYYMMDD-xxxx.
func (k *Keyring) newKeyID(now time.Time) string {
	for {
		var r [2]byte
		_, _ = rand.Read(r[:])
		id := "mk-" + now.UTC().Format("20060102") + "-" + hex.EncodeToString(r[:])
		if _, taken := k.keys[id]; !taken {
			return id
		}
	}
}

// NewKeyring returns a keyring with one fresh random master key and a fresh
// blind-index key. Nothing is written to disk; see CreateKeyFile.
func NewKeyring() *Keyring {
	k := &Keyring{keys: map[string]*MasterKey{}, blind: newSecret(randomKey())}
	now := time.Now().UTC()
	id := k.newKeyID(now)
	m, _ := newMasterKey(id, randomKey(), now)
	k.keys[id] = m
	k.active = id
	return k
}

// parseKeyFile decodes the JSON key file format.
func parseKeyFile(b []byte) (*Keyring, error) {
	var f keyFile
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		// The JSON error may quote the offending input; keep it out.
		return nil, fmt.Errorf("%w: not valid key file JSON", ErrBadKeyFile)
	}
	if f.Version != keyFileVersion {
		return nil, fmt.Errorf("%w: version %d, want %d", ErrBadKeyFile, f.Version, keyFileVersion)
	}
	if len(f.Keys) == 0 {
		return nil, fmt.Errorf("%w: no master keys", ErrBadKeyFile)
	}
	k := &Keyring{keys: map[string]*MasterKey{}}
	for i, fk := range f.Keys {
		if fk.ID == "" {
			return nil, fmt.Errorf("%w: keys[%d] has no id", ErrBadKeyFile, i)
		}
		if _, dup := k.keys[fk.ID]; dup {
			return nil, fmt.Errorf("%w: duplicate key id %q", ErrBadKeyFile, fk.ID)
		}
		raw, err := base64.StdEncoding.DecodeString(fk.Key)
		if err != nil {
			return nil, fmt.Errorf("%w: key %q is not base64", ErrBadKeyFile, fk.ID)
		}
		m, err := newMasterKey(fk.ID, raw, fk.Created)
		if err != nil {
			return nil, err
		}
		k.keys[fk.ID] = m
	}
	if _, ok := k.keys[f.Active]; !ok {
		return nil, fmt.Errorf("%w: active key %q is not among the keys", ErrBadKeyFile, f.Active)
	}
	k.active = f.Active
	blind, err := base64.StdEncoding.DecodeString(f.BlindKey)
	if err != nil || len(blind) != keySize {
		return nil, fmt.Errorf("%w: blind_key must be base64 of %d bytes", ErrBadKeyFile, keySize)
	}
	k.blind = newSecret(blind)
	return k, nil
}

// marshal encodes the keyring in the key file format.
func (k *Keyring) marshal() ([]byte, error) {
	k.mu.RLock()
	f := keyFile{Version: keyFileVersion, Active: k.active, BlindKey: base64.StdEncoding.EncodeToString(*k.blind)}
	k.mu.RUnlock()
	for _, m := range k.Keys() {
		f.Keys = append(f.Keys, keyFileKey{ID: m.ID, Key: base64.StdEncoding.EncodeToString(m.key), Created: m.Created})
	}
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("vault: encode key file: %w", err)
	}
	return append(b, '\n'), nil
}

// checkMode refuses a key file that group or others may access.
func checkMode(path string, fi fs.FileInfo) error {
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return fmt.Errorf("%w: %s has mode %04o, want 0600 (fix: chmod 600 %s)", ErrKeyFileMode, path, perm, path)
	}
	return nil
}

// LoadKeyFile reads a key file. It refuses a file whose permissions let
// group or others read or write it (anything but 0600, or the stricter
// 0400), with an error naming the mode and the fix "chmod 600". The error
// never contains key material.
func LoadKeyFile(path string) (*Keyring, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("vault: open key file: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("vault: stat key file: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%w: %s is not a regular file", ErrBadKeyFile, path)
	}
	if err := checkMode(path, fi); err != nil {
		return nil, err
	}
	b, err := io.ReadAll(io.LimitReader(f, 1<<20+1))
	if err != nil {
		return nil, fmt.Errorf("vault: read key file: %w", err)
	}
	if len(b) > 1<<20 {
		return nil, fmt.Errorf("%w: %s is larger than 1 MiB", ErrBadKeyFile, path)
	}
	k, err := parseKeyFile(b)
	if err != nil {
		return nil, fmt.Errorf("vault: load %s: %w", path, err)
	}
	return k, nil
}

// CreateKeyFile generates a new keyring (one master key, one blind-index key)
// and writes it to path with mode 0600, creating missing directories with
// mode 0700. It fails with an error wrapping fs.ErrExist if path exists: the
// file appears atomically and complete (written to an O_EXCL temporary file,
// fsynced, then hard-linked into place), so a concurrent reader never sees a
// partial key file.
func CreateKeyFile(path string) (*Keyring, error) {
	k := NewKeyring()
	b, err := k.marshal()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("vault: create key dir: %w", err)
	}
	tmp, err := writeTemp(path, b)
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp)
	if err := os.Link(tmp, path); err != nil {
		return nil, fmt.Errorf("vault: create key file: %w", err)
	}
	if err := syncDir(filepath.Dir(path)); err != nil {
		return nil, err
	}
	return k, nil
}

// LoadOrCreateKeyFile loads the key file at path, or creates it when it does
// not exist (created reports which). Two processes racing to create the file
// end up with the same keyring.
func LoadOrCreateKeyFile(path string) (kr *Keyring, created bool, err error) {
	kr, err = LoadKeyFile(path)
	if err == nil {
		return kr, false, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, false, err
	}
	kr, err = CreateKeyFile(path)
	if err == nil {
		return kr, true, nil
	}
	if errors.Is(err, fs.ErrExist) {
		kr, err = LoadKeyFile(path)
		return kr, false, err
	}
	return nil, false, err
}

// KeyringFromEnv builds a keyring from the value of SOHOA_MASTER_KEY. The
// value is standard base64 (padding optional) of either
//
//   - the contents of a key file (the JSON format of CreateKeyFile), which is
//     the recommended form and supports rotation; or
//   - a raw 32-byte key (e.g. `head -c32 /dev/urandom | base64`). The master
//     key ID is then "mk-env-" followed by 8 hex digits of a one-way
//     fingerprint (HMAC-SHA256) of the key, stable across restarts, and the
//     blind-index key is derived from it with HKDF-SHA256. A raw key cannot
//     rotate on its own: Rotate writes a key file that then replaces it, and
//     that file must keep the derived blind-index key (it does).
//
// Errors never contain the value.
func KeyringFromEnv(value string) (*Keyring, error) {
	value = strings.TrimSpace(value)
	if value == "" {
		return nil, fmt.Errorf("%w: SOHOA_MASTER_KEY is empty", ErrBadKeyFile)
	}
	raw, err := base64.StdEncoding.DecodeString(value)
	if err != nil {
		raw, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(value, "="))
	}
	if err != nil {
		return nil, fmt.Errorf("%w: SOHOA_MASTER_KEY is not base64", ErrBadKeyFile)
	}
	if len(raw) == keySize {
		mac := hmac.New(sha256.New, raw)
		mac.Write([]byte("sohoa master key id v1"))
		id := "mk-env-" + hex.EncodeToString(mac.Sum(nil)[:4])
		m, err := newMasterKey(id, raw, time.Unix(0, 0))
		if err != nil {
			return nil, err
		}
		blind, err := hkdf.Key(sha256.New, raw, nil, "sohoa blind-index key from raw master key v1", keySize)
		if err != nil {
			return nil, fmt.Errorf("vault: derive blind key: %w", err)
		}
		return &Keyring{active: id, keys: map[string]*MasterKey{id: m}, blind: newSecret(blind)}, nil
	}
	k, err := parseKeyFile(raw)
	if err != nil {
		return nil, fmt.Errorf("vault: SOHOA_MASTER_KEY (neither %d raw bytes nor a key file): %w", keySize, err)
	}
	return k, nil
}

// Rotate generates a new master key, makes it active and writes the whole
// keyring to path atomically (temporary file with mode 0600, fsync, rename,
// directory fsync). Older keys stay in the keyring so existing data keys
// still unwrap; run Vault.Rewrap, then Vault.Retire once Status shows a key
// unused. Rotate is safe for concurrent use within a process; do not rotate
// the same file from two processes at once.
func (k *Keyring) Rotate(path string) (newID string, err error) {
	k.mu.Lock()
	now := time.Now().UTC()
	id := k.newKeyID(now)
	m, err := newMasterKey(id, randomKey(), now)
	if err != nil {
		k.mu.Unlock()
		return "", err
	}
	prev := k.active
	k.keys[id] = m
	k.active = id
	k.mu.Unlock()
	if err := k.Save(path); err != nil {
		k.mu.Lock()
		delete(k.keys, id)
		k.active = prev
		k.mu.Unlock()
		return "", fmt.Errorf("vault: rotate: %w", err)
	}
	return id, nil
}

// remove drops a master key from the keyring (not the active one) and saves.
func (k *Keyring) remove(path, id string) error {
	k.mu.Lock()
	if id == k.active {
		k.mu.Unlock()
		return fmt.Errorf("vault: cannot retire the active master key %q", id)
	}
	m, ok := k.keys[id]
	if !ok {
		k.mu.Unlock()
		return fmt.Errorf("%w %q", ErrUnknownMasterKey, id)
	}
	delete(k.keys, id)
	k.mu.Unlock()
	if err := k.Save(path); err != nil {
		k.mu.Lock()
		k.keys[id] = m
		k.mu.Unlock()
		return err
	}
	return nil
}

// Save writes the keyring to path atomically with mode 0600 (directories
// 0700).
func (k *Keyring) Save(path string) error {
	b, err := k.marshal()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("vault: save key file: %w", err)
	}
	tmp, err := writeTemp(path, b)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("vault: save key file: %w", err)
	}
	return syncDir(filepath.Dir(path))
}

// writeTemp writes b to a new O_EXCL temporary file (mode 0600) next to
// path and fsyncs it, returning its name.
func writeTemp(path string, b []byte) (string, error) {
	for range 10 {
		var r [8]byte
		_, _ = rand.Read(r[:])
		tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp-"+hex.EncodeToString(r[:]))
		f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("vault: write key file: %w", err)
		}
		if _, err := f.Write(b); err != nil {
			f.Close()
			os.Remove(tmp)
			return "", fmt.Errorf("vault: write key file: %w", err)
		}
		if err := f.Sync(); err != nil {
			f.Close()
			os.Remove(tmp)
			return "", fmt.Errorf("vault: write key file: %w", err)
		}
		if err := f.Close(); err != nil {
			os.Remove(tmp)
			return "", fmt.Errorf("vault: write key file: %w", err)
		}
		return tmp, nil
	}
	return "", fmt.Errorf("vault: write key file: cannot create a temporary file next to %s", path)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("vault: sync dir: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("vault: sync dir: %w", err)
	}
	return nil
}

// DeriveKey returns a 32-byte key for purpose (e.g. "audit"), derived with
// HKDF-SHA256 from the blind-index key, so it survives master key rotation
// and is the same in every process sharing the key file. The caller must
// keep it out of logs and errors.
func (k *Keyring) DeriveKey(purpose string) []byte {
	dk, err := hkdf.Key(sha256.New, *k.blind, nil, "sohoa derived key v1 purpose="+purpose, keySize)
	if err != nil {
		panic("vault: hkdf: " + err.Error())
	}
	return dk
}

// Reload merges the key file at path into the keyring: master keys added
// there (by `sohoa keys rotate` in another process) become available and the
// file's active key becomes active. Keys are never dropped by Reload, and a
// file with a different blind-index key is refused (it belongs to another
// installation). The file's mode is checked as by LoadKeyFile.
func (k *Keyring) Reload(path string) error {
	f, err := LoadKeyFile(path)
	if err != nil {
		return err
	}
	if !hmac.Equal(*f.blind, *k.blind) {
		return fmt.Errorf("%w: %s has a different blind-index key; refusing to mix keyrings", ErrBadKeyFile, path)
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	for id, m := range f.keys {
		old, ok := k.keys[id]
		if ok && !hmac.Equal(old.key, m.key) {
			return fmt.Errorf("%w: %s holds another key under the ID %q", ErrBadKeyFile, path, id)
		}
		if !ok {
			k.keys[id] = m
		}
	}
	k.active = f.active
	return nil
}
