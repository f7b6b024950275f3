// Package vault is sohoa's envelope encryption: every document (or batch)
// gets its own random AES-256 data key, stored wrapped (AES-256-GCM) under a
// master key that has an ID; objects are sealed with AES-256-GCM, random
// 96-bit nonces and associated data binding the owner and the object kind.
// Rotating the master key re-wraps data keys without touching data, and
// destroying an owner's data key erases every object sealed for it
// (crypto-erasure). The package also computes keyed blind indexes
// (HMAC-SHA256) for exact lookups of personal values.
//
// Only the Go standard library's primitives are used. No key material,
// plaintext or personal value ever appears in an error or a log line.
package vault

import (
	"container/list"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/sohoa/sohoa/internal/blob"
)

// KeyStore is where wrapped data keys live (under "keys/<owner>"). It is
// satisfied by *blob.FS. Get must return an error wrapping blob.ErrNotFound
// for a missing key, and Put must be atomic.
type KeyStore interface {
	Put(ctx context.Context, key string, data []byte) error
	Get(ctx context.Context, key string) ([]byte, error)
	Delete(ctx context.Context, key string) error
	List(ctx context.Context, prefix string) ([]string, error)
}

var _ KeyStore = (*blob.FS)(nil)

// Errors returned by the vault.
var (
	// ErrErased reports an owner whose data key was destroyed: its data is
	// gone for good, and Seal refuses to create a new key for it.
	ErrErased = errors.New("vault: data key destroyed (document erased)")
	// ErrNoKey reports an Open for an owner that never had a data key.
	ErrNoKey = errors.New("vault: no data key for this owner")
	// ErrTampered reports a ciphertext that fails authentication: it was
	// modified, truncated, or sealed for another owner or kind.
	ErrTampered = errors.New("vault: ciphertext failed authentication (modified, or sealed for another owner or kind)")
	// ErrFormat reports bytes that are not a vault ciphertext of a known version.
	ErrFormat = errors.New("vault: not a sealed object of a known format")
	// ErrInvalidOwner reports an owner ID or kind the vault cannot use.
	ErrInvalidOwner = errors.New("vault: invalid owner or kind")
)

// Ciphertext layout of a whole object (version 1, made by Seal): magic "SV",
// version byte, 12-byte nonce, GCM output. Version 2 is the chunked format
// of SealWriter (stream.go).
const (
	magic0, magic1 = 'S', 'V'
	formatV1       = 1
	headerLen      = 3
	nonceLen       = 12
	tagLen         = 16
	// Overhead is how many bytes Seal adds to a plaintext.
	Overhead = headerLen + nonceLen + tagLen
)

const keyPrefix = "keys/"

// Config tunes a Vault. The zero value works.
type Config struct {
	// CacheSize bounds how many unwrapped data keys stay in memory
	// (least recently used evicted first). Default 4096.
	CacheSize int
	// CacheTTL bounds how long an unwrapped data key stays cached, so an
	// erasure made by another process takes effect here within TTL.
	// Default 5 minutes.
	CacheTTL time.Duration
	// Locker serialises data-key creation, destruction and re-wrapping of
	// one owner across processes. Default: in-process locking only, which
	// is enough for a single `sohoa serve`; processes sharing one
	// filesystem store need a FileLocker on a shared directory.
	Locker Locker
	// KeyFile, when set, is the key file the keyring came from. A data key
	// wrapped under a master key this process does not know (rotated and
	// re-wrapped by another process) makes the vault reload the file, at
	// most once per second, and retry. Default: no reloading.
	KeyFile string
	// Logger receives warnings (a failed key file reload). Default
	// slog.Default().
	Logger *slog.Logger
}

// Vault seals and opens objects with per-owner data keys. It is safe for
// concurrent use.
type Vault struct {
	store  KeyStore
	kr     *Keyring
	cfg    Config
	shards [64]sync.Mutex
	cache  *keyCache
	now    func() time.Time

	reloadMu   sync.Mutex
	lastReload time.Time
}

// New returns a Vault with the default Config keeping wrapped data keys in
// store and master keys in kr.
func New(store KeyStore, kr *Keyring) *Vault {
	return NewWithConfig(store, kr, Config{})
}

// NewWithConfig returns a Vault with the given configuration.
func NewWithConfig(store KeyStore, kr *Keyring, cfg Config) *Vault {
	if cfg.CacheSize <= 0 {
		cfg.CacheSize = 4096
	}
	if cfg.CacheTTL <= 0 {
		cfg.CacheTTL = 5 * time.Minute
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Vault{store: store, kr: kr, cfg: cfg, cache: newKeyCache(cfg.CacheSize), now: time.Now}
}

// Keyring returns the vault's keyring.
func (v *Vault) Keyring() *Keyring { return v.kr }

// keyRecord is the JSON stored at keys/<owner>: a wrapped data key, or a
// tombstone after Destroy.
type keyRecord struct {
	Version int        `json:"v"`
	Owner   string     `json:"owner"`
	Master  string     `json:"master,omitempty"`
	Wrapped []byte     `json:"wrapped,omitempty"` // nonce || AES-GCM(master, data key)
	Created time.Time  `json:"created"`
	Erased  *time.Time `json:"erased,omitempty"`
}

// validOwner reports whether owner can name a store object: one segment of
// [A-Za-z0-9._:-], at most 200 bytes.
func validOwner(owner string) bool {
	if owner == "" || len(owner) > 200 || strings.Contains(owner, "/") {
		return false
	}
	return blob.ValidKey(keyPrefix + owner)
}

func checkOwnerKind(owner, kind string) error {
	if !validOwner(owner) {
		return fmt.Errorf("%w: owner %q (want 1-200 characters of A-Z a-z 0-9 . _ : -)", ErrInvalidOwner, owner)
	}
	if kind == "" || len(kind) > 200 || strings.ContainsRune(kind, 0) {
		return fmt.Errorf("%w: kind %q", ErrInvalidOwner, kind)
	}
	return nil
}

// appendLP appends a 4-byte big-endian length and s.
func appendLP(b []byte, s string) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

func sealAAD(header []byte, owner, kind string) []byte {
	aad := make([]byte, 0, 32+len(owner)+len(kind))
	aad = append(aad, "sohoa-vault-object"...)
	aad = append(aad, header...)
	aad = appendLP(aad, owner)
	return appendLP(aad, kind)
}

func wrapAAD(owner, masterID string) []byte {
	aad := make([]byte, 0, 32+len(owner)+len(masterID))
	aad = append(aad, "sohoa-vault-datakey-v1"...)
	aad = appendLP(aad, owner)
	return appendLP(aad, masterID)
}

// Seal encrypts plaintext for owner (a document or batch ID) and kind (the
// object kind, e.g. "original", "page/3", "ocr/3", "fields"). The owner's
// data key is created on first use. The ciphertext only opens with the same
// owner and kind. Seal fails with ErrErased for a destroyed owner.
func (v *Vault) Seal(ctx context.Context, owner, kind string, plaintext []byte) ([]byte, error) {
	if err := checkOwnerKind(owner, kind); err != nil {
		return nil, err
	}
	aead, err := v.dataKey(ctx, owner, true)
	if err != nil {
		return nil, fmt.Errorf("vault: seal %s/%s: %w", owner, kind, err)
	}
	out := make([]byte, headerLen+nonceLen, headerLen+nonceLen+len(plaintext)+tagLen)
	out[0], out[1], out[2] = magic0, magic1, formatV1
	if _, err := rand.Read(out[headerLen:]); err != nil {
		return nil, fmt.Errorf("vault: seal %s/%s: nonce: %w", owner, kind, err)
	}
	nonce := out[headerLen : headerLen+nonceLen]
	return aead.Seal(out, nonce, plaintext, sealAAD(out[:headerLen], owner, kind)), nil
}

// Open decrypts a ciphertext made by Seal, or by SealWriter, for the same
// owner and kind. It returns ErrErased when the owner's key was destroyed,
// ErrTampered when the bytes were modified or belong to another owner or
// kind, and ErrFormat for bytes that are not a sealed object.
func (v *Vault) Open(ctx context.Context, owner, kind string, ciphertext []byte) ([]byte, error) {
	if err := checkOwnerKind(owner, kind); err != nil {
		return nil, err
	}
	if len(ciphertext) >= headerLen && ciphertext[0] == magic0 && ciphertext[1] == magic1 && ciphertext[2] == formatV2 {
		return v.openChunked(ctx, owner, kind, ciphertext)
	}
	if len(ciphertext) < Overhead || ciphertext[0] != magic0 || ciphertext[1] != magic1 {
		return nil, fmt.Errorf("vault: open %s/%s: %w", owner, kind, ErrFormat)
	}
	if ciphertext[2] != formatV1 {
		return nil, fmt.Errorf("vault: open %s/%s: %w (version %d)", owner, kind, ErrFormat, ciphertext[2])
	}
	aead, err := v.dataKey(ctx, owner, false)
	if err != nil {
		return nil, fmt.Errorf("vault: open %s/%s: %w", owner, kind, err)
	}
	nonce := ciphertext[headerLen : headerLen+nonceLen]
	pt, err := aead.Open(nil, nonce, ciphertext[headerLen+nonceLen:], sealAAD(ciphertext[:headerLen], owner, kind))
	if err != nil {
		return nil, fmt.Errorf("vault: open %s/%s: %w", owner, kind, ErrTampered)
	}
	return pt, nil
}

// dataKey returns the owner's data-key AEAD, creating the key when create is
// set and the owner has none.
func (v *Vault) dataKey(ctx context.Context, owner string, create bool) (cipher.AEAD, error) {
	if a, ok := v.cache.get(owner, v.now()); ok {
		return a, nil
	}
	a, err := v.loadKey(ctx, owner)
	if err == nil || !errors.Is(err, ErrNoKey) || !create {
		return a, err
	}
	unlock, err := v.lock(ctx, owner)
	if err != nil {
		return nil, err
	}
	defer unlock()
	// Re-read under the lock: another goroutine or process may have won.
	a, err = v.loadKey(ctx, owner)
	if !errors.Is(err, ErrNoKey) {
		return a, err
	}
	return v.createKey(ctx, owner)
}

// readRecord reads keys/<owner>; (nil, nil) when absent.
func (v *Vault) readRecord(ctx context.Context, owner string) (*keyRecord, error) {
	b, err := v.store.Get(ctx, keyPrefix+owner)
	if errors.Is(err, blob.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read data key: %w", err)
	}
	var rec keyRecord
	if err := json.Unmarshal(b, &rec); err != nil {
		return nil, fmt.Errorf("data key record for %q is corrupt", owner)
	}
	if rec.Version != 1 || rec.Owner != owner {
		return nil, fmt.Errorf("data key record for %q is corrupt (version %d, owner %q)", owner, rec.Version, rec.Owner)
	}
	return &rec, nil
}

func (v *Vault) loadKey(ctx context.Context, owner string) (cipher.AEAD, error) {
	rec, err := v.readRecord(ctx, owner)
	if err != nil {
		return nil, err
	}
	if rec == nil {
		return nil, ErrNoKey
	}
	if rec.Erased != nil {
		return nil, ErrErased
	}
	dk, err := v.unwrap(rec)
	if err != nil {
		return nil, err
	}
	a, err := newAEAD(dk)
	clear(dk)
	if err != nil {
		return nil, err
	}
	v.cache.put(owner, a, v.now().Add(v.cfg.CacheTTL))
	return a, nil
}

func (v *Vault) createKey(ctx context.Context, owner string) (cipher.AEAD, error) {
	dk := randomKey()
	defer clear(dk)
	rec, err := v.wrap(owner, dk)
	if err != nil {
		return nil, err
	}
	if err := v.writeRecord(ctx, rec); err != nil {
		return nil, err
	}
	a, err := newAEAD(dk)
	if err != nil {
		return nil, err
	}
	v.cache.put(owner, a, v.now().Add(v.cfg.CacheTTL))
	return a, nil
}

func (v *Vault) writeRecord(ctx context.Context, rec *keyRecord) error {
	b, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("encode data key record: %w", err)
	}
	if err := v.store.Put(ctx, keyPrefix+rec.Owner, b); err != nil {
		return fmt.Errorf("write data key: %w", err)
	}
	return nil
}

// wrap seals a data key under the active master key.
func (v *Vault) wrap(owner string, dk []byte) (*keyRecord, error) {
	m := v.kr.activeKey()
	if m == nil {
		return nil, errors.New("keyring has no active master key")
	}
	w := make([]byte, nonceLen, nonceLen+len(dk)+tagLen)
	if _, err := rand.Read(w); err != nil {
		return nil, fmt.Errorf("nonce: %w", err)
	}
	w = m.aead.Seal(w, w[:nonceLen], dk, wrapAAD(owner, m.ID))
	return &keyRecord{Version: 1, Owner: owner, Master: m.ID, Wrapped: w, Created: v.now().UTC()}, nil
}

// unwrap recovers the data key of rec.
func (v *Vault) unwrap(rec *keyRecord) ([]byte, error) {
	m, err := v.kr.key(rec.Master)
	if err != nil && v.reload() {
		m, err = v.kr.key(rec.Master)
	}
	if err != nil {
		return nil, fmt.Errorf("data key of %q: %w", rec.Owner, err)
	}
	if len(rec.Wrapped) != nonceLen+keySize+tagLen {
		return nil, fmt.Errorf("data key of %q: wrapped key has the wrong length", rec.Owner)
	}
	dk, err := m.aead.Open(nil, rec.Wrapped[:nonceLen], rec.Wrapped[nonceLen:], wrapAAD(rec.Owner, m.ID))
	if err != nil {
		return nil, fmt.Errorf("data key of %q does not unwrap under master key %q (record modified or wrong key)", rec.Owner, m.ID)
	}
	return dk, nil
}

// reload re-reads Config.KeyFile (at most once per second) and reports
// whether it did.
func (v *Vault) reload() bool {
	if v.cfg.KeyFile == "" {
		return false
	}
	v.reloadMu.Lock()
	defer v.reloadMu.Unlock()
	now := v.now()
	if now.Sub(v.lastReload) < time.Second {
		return false
	}
	v.lastReload = now
	if err := v.kr.Reload(v.cfg.KeyFile); err != nil {
		v.cfg.Logger.Warn("vault: reloading the key file failed", "path", v.cfg.KeyFile, "err", err)
		return false
	}
	return true
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("data key: %w", err)
	}
	return cipher.NewGCM(block)
}

// lock takes the in-process shard lock and then the configured Locker for
// owner.
func (v *Vault) lock(ctx context.Context, owner string) (func(), error) {
	h := fnv.New32a()
	h.Write([]byte(owner))
	mu := &v.shards[h.Sum32()%uint32(len(v.shards))]
	mu.Lock()
	if v.cfg.Locker == nil {
		return mu.Unlock, nil
	}
	release, err := v.cfg.Locker.Lock(ctx, owner)
	if err != nil {
		mu.Unlock()
		return nil, fmt.Errorf("lock data key of %q: %w", owner, err)
	}
	return func() { release(); mu.Unlock() }, nil
}

// Destroy erases owner: its wrapped data key is replaced by a tombstone (in
// one atomic write, so there is no moment when Seal could create a fresh key)
// and dropped from this process's cache. Every object sealed for owner
// becomes unrecoverable; Seal and Open then fail with ErrErased. Other
// processes holding the key in their cache lose it within Config.CacheTTL.
// Destroying an owner twice, or one that never had a key, is not an error.
func (v *Vault) Destroy(ctx context.Context, owner string) error {
	if !validOwner(owner) {
		return fmt.Errorf("%w: owner %q", ErrInvalidOwner, owner)
	}
	unlock, err := v.lock(ctx, owner)
	if err != nil {
		return fmt.Errorf("vault: destroy %s: %w", owner, err)
	}
	defer unlock()
	now := v.now().UTC()
	rec := &keyRecord{Version: 1, Owner: owner, Created: now, Erased: &now}
	if old, err := v.readRecord(ctx, owner); err == nil && old != nil {
		rec.Created = old.Created
		if old.Erased != nil {
			rec.Erased = old.Erased
		}
	}
	if err := v.writeRecord(ctx, rec); err != nil {
		return fmt.Errorf("vault: destroy %s: %w", owner, err)
	}
	v.cache.remove(owner)
	return nil
}

// Erased reports whether owner's data key was destroyed.
func (v *Vault) Erased(ctx context.Context, owner string) (bool, error) {
	if !validOwner(owner) {
		return false, fmt.Errorf("%w: owner %q", ErrInvalidOwner, owner)
	}
	rec, err := v.readRecord(ctx, owner)
	if err != nil {
		return false, fmt.Errorf("vault: erased %s: %w", owner, err)
	}
	return rec != nil && rec.Erased != nil, nil
}

// Rewrap re-wraps every data key that is not under the active master key,
// without touching sealed data. Each key is rewritten atomically under the
// owner's lock, so Rewrap is safe to interrupt (cancel ctx) and re-run, and
// safe alongside Seal, Open and Destroy. progress, when not nil, is called
// after each data key with the number examined so far and the total. It
// returns how many keys it re-wrapped.
func (v *Vault) Rewrap(ctx context.Context, progress func(done, total int)) (int, error) {
	keys, err := v.store.List(ctx, keyPrefix)
	if err != nil {
		return 0, fmt.Errorf("vault: rewrap: %w", err)
	}
	n := 0
	for i, k := range keys {
		if err := ctx.Err(); err != nil {
			return n, fmt.Errorf("vault: rewrap interrupted after %d of %d keys: %w", i, len(keys), err)
		}
		owner := strings.TrimPrefix(k, keyPrefix)
		if !validOwner(owner) {
			continue
		}
		done, err := v.rewrapOne(ctx, owner)
		if err != nil {
			return n, fmt.Errorf("vault: rewrap %s: %w", owner, err)
		}
		if done {
			n++
		}
		if progress != nil {
			progress(i+1, len(keys))
		}
	}
	return n, nil
}

func (v *Vault) rewrapOne(ctx context.Context, owner string) (bool, error) {
	unlock, err := v.lock(ctx, owner)
	if err != nil {
		return false, err
	}
	defer unlock()
	rec, err := v.readRecord(ctx, owner)
	if err != nil || rec == nil || rec.Erased != nil {
		return false, err
	}
	active := v.kr.ActiveID()
	if rec.Master == active {
		return false, nil
	}
	dk, err := v.unwrap(rec)
	if err != nil {
		return false, err
	}
	defer clear(dk)
	nrec, err := v.wrap(owner, dk)
	if err != nil {
		return false, err
	}
	nrec.Created = rec.Created
	if err := v.writeRecord(ctx, nrec); err != nil {
		return false, err
	}
	return true, nil
}

// Status counts data keys per master key.
type Status struct {
	// Active is the active master key ID.
	Active string `json:"active"`
	// ByMaster maps every master key ID (in the keyring or referenced by a
	// data key) to the number of data keys it wraps.
	ByMaster map[string]int `json:"by_master"`
	// DataKeys is the number of live data keys.
	DataKeys int `json:"data_keys"`
	// Erased is the number of destroyed owners (tombstones).
	Erased int `json:"erased"`
	// Corrupt lists owners whose key record cannot be parsed.
	Corrupt []string `json:"corrupt,omitempty"`
	// Missing lists master key IDs used by data keys but absent from the
	// keyring (those data keys cannot be opened).
	Missing []string `json:"missing,omitempty"`
}

// Unused returns the master key IDs of the keyring that wrap no data key and
// are not active: the ones Retire may remove.
func (s Status) Unused() []string {
	var out []string
	for id, n := range s.ByMaster {
		if n == 0 && id != s.Active {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

// Status counts the data keys wrapped by each master key.
func (v *Vault) Status(ctx context.Context) (Status, error) {
	st := Status{Active: v.kr.ActiveID(), ByMaster: map[string]int{}}
	for _, id := range v.kr.IDs() {
		st.ByMaster[id] = 0
	}
	keys, err := v.store.List(ctx, keyPrefix)
	if err != nil {
		return Status{}, fmt.Errorf("vault: status: %w", err)
	}
	missing := map[string]bool{}
	for _, k := range keys {
		owner := strings.TrimPrefix(k, keyPrefix)
		if !validOwner(owner) {
			continue
		}
		rec, err := v.readRecord(ctx, owner)
		if err != nil {
			if ctx.Err() != nil {
				return Status{}, fmt.Errorf("vault: status: %w", ctx.Err())
			}
			st.Corrupt = append(st.Corrupt, owner)
			continue
		}
		if rec == nil {
			continue // deleted since List
		}
		if rec.Erased != nil {
			st.Erased++
			continue
		}
		st.DataKeys++
		st.ByMaster[rec.Master]++
		if _, err := v.kr.key(rec.Master); err != nil && !missing[rec.Master] {
			missing[rec.Master] = true
			st.Missing = append(st.Missing, rec.Master)
		}
	}
	sort.Strings(st.Missing)
	return st, nil
}

// Retire removes master key id from the keyring and saves it to path, after
// checking that no data key still uses it. The active key cannot be retired.
func (v *Vault) Retire(ctx context.Context, path, id string) error {
	st, err := v.Status(ctx)
	if err != nil {
		return err
	}
	if n := st.ByMaster[id]; n > 0 {
		return fmt.Errorf("vault: retire %s: still wraps %d data keys (run rewrap first)", id, n)
	}
	if err := v.kr.remove(path, id); err != nil {
		return fmt.Errorf("vault: retire %s: %w", id, err)
	}
	return nil
}

// keyCache is a bounded LRU of unwrapped data keys with expiry.
type keyCache struct {
	mu    sync.Mutex
	max   int
	ll    *list.List
	items map[string]*list.Element
}

type cacheEntry struct {
	owner   string
	aead    cipher.AEAD
	expires time.Time
}

func newKeyCache(max int) *keyCache {
	return &keyCache{max: max, ll: list.New(), items: map[string]*list.Element{}}
}

func (c *keyCache) get(owner string, now time.Time) (cipher.AEAD, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.items[owner]
	if !ok {
		return nil, false
	}
	ent := e.Value.(*cacheEntry)
	if now.After(ent.expires) {
		c.ll.Remove(e)
		delete(c.items, owner)
		return nil, false
	}
	c.ll.MoveToFront(e)
	return ent.aead, true
}

func (c *keyCache) put(owner string, a cipher.AEAD, expires time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[owner]; ok {
		e.Value = &cacheEntry{owner: owner, aead: a, expires: expires}
		c.ll.MoveToFront(e)
		return
	}
	c.items[owner] = c.ll.PushFront(&cacheEntry{owner: owner, aead: a, expires: expires})
	for c.ll.Len() > c.max {
		last := c.ll.Back()
		c.ll.Remove(last)
		delete(c.items, last.Value.(*cacheEntry).owner)
	}
}

func (c *keyCache) remove(owner string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[owner]; ok {
		c.ll.Remove(e)
		delete(c.items, owner)
	}
}

func (c *keyCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ll.Len()
}
