package audit

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/sohoa/sohoa/internal/search"
)

// QueryTextDetail is the Details key under which a caller hands Append a
// search's text (see SearchDetails). Append never stores it: it replaces it
// by QueryMACDetail, the HMAC of the normalised text under the log key, so
// the log can show that two searches were the same without holding either.
const QueryTextDetail = "query_text"

// QueryMACDetail is the Details key of a search's keyed hash.
const QueryMACDetail = "query_hmac"

// FiltersDetail is the Details key listing which filters a search used
// (field names, never values), comma-separated and sorted.
const FiltersDetail = "filters"

// ReasonPrefix starts a stored reason that is encrypted under the log key.
const ReasonPrefix = "enc:v1:"

// ReasonWithheld is stored instead of a reason when the log has no key to
// encrypt it with.
const ReasonWithheld = "(withheld: audit log has no key)"

// KeySize is the size of an audit key file's key.
const KeySize = 32

// SearchDetails returns the Details of an audited search: the query text
// (which Append replaces by its keyed hash), the names of the filters used,
// the number of personal (blind-index) lookups, and extra facts such as
// result counts. No filter value is kept.
func SearchDetails(q search.Query, lookups int, extra map[string]string) map[string]string {
	d := make(map[string]string, len(extra)+3)
	for k, v := range extra {
		d[k] = v
	}
	if strings.TrimSpace(q.Text) != "" {
		d[QueryTextDetail] = q.Text
	}
	var filters []string
	for name, set := range map[string]bool{"type": q.DocType != "" || q.Class != "", "issuer": q.Issuer != "", "batch": q.BatchID != "",
		"from": !q.From.IsZero(), "to": !q.To.IsZero()} {
		if set {
			filters = append(filters, name)
		}
	}
	for name := range q.Fields {
		filters = append(filters, "f."+name)
	}
	for name, rg := range q.Ranges {
		if rg.GTE != "" {
			filters = append(filters, "f."+name+".gte")
		}
		if rg.LTE != "" {
			filters = append(filters, "f."+name+".lte")
		}
	}
	if len(filters) > 0 {
		sort.Strings(filters)
		d[FiltersDetail] = strings.Join(filters, ",")
	}
	if lookups > 0 {
		d["personal_lookups"] = strconv.Itoa(lookups)
	}
	return d
}

// subKey derives a purpose-specific key from the log key.
func subKey(key []byte, purpose string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("sohoa-audit-" + purpose))
	return m.Sum(nil)
}

// normQuery is the form of a query text whose hash is kept: NFC, lower
// case, single spaces.
func normQuery(q string) string {
	return strings.ToLower(strings.Join(strings.Fields(norm.NFC.String(q)), " "))
}

// QueryMAC returns the keyed hash under which a log with key keeps the
// query text q. An administrator holding the key can check whether a given
// search was made.
func QueryMAC(key []byte, q string) string {
	m := hmac.New(sha256.New, subKey(key, "query"))
	m.Write([]byte(normQuery(q)))
	return hex.EncodeToString(m.Sum(nil))
}

// sealReason encrypts a reason with AES-256-GCM under a key derived from
// the log key.
func sealReason(key []byte, reason string) (string, error) {
	aead, err := reasonAEAD(key)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("audit: reason nonce: %w", err)
	}
	ct := aead.Seal(nonce, nonce, []byte(reason), []byte("sohoa-audit-reason"))
	return ReasonPrefix + base64.RawStdEncoding.EncodeToString(ct), nil
}

// OpenReason decrypts a stored reason with the log key. A stored value
// that is not encrypted (entries written before reasons were encrypted, or
// ReasonWithheld) is returned as it is.
func OpenReason(key []byte, stored string) (string, error) {
	enc, ok := strings.CutPrefix(stored, ReasonPrefix)
	if !ok {
		return stored, nil
	}
	if key == nil {
		return "", errors.New("audit: reason is encrypted; the audit key is needed")
	}
	ct, err := base64.RawStdEncoding.DecodeString(enc)
	if err != nil {
		return "", fmt.Errorf("audit: reason: %w", err)
	}
	aead, err := reasonAEAD(key)
	if err != nil {
		return "", err
	}
	if len(ct) < aead.NonceSize() {
		return "", errors.New("audit: reason: too short")
	}
	pt, err := aead.Open(nil, ct[:aead.NonceSize()], ct[aead.NonceSize():], []byte("sohoa-audit-reason"))
	if err != nil {
		return "", errors.New("audit: reason does not decrypt with this key")
	}
	return string(pt), nil
}

func reasonAEAD(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(subKey(key, "reason"))
	if err != nil {
		return nil, fmt.Errorf("audit: reason key: %w", err)
	}
	return cipher.NewGCM(block)
}

// RevealReasons returns entries with their reasons decrypted under the log
// key, for an administrator's view. Entries whose reason does not decrypt
// keep a note saying so.
func (l *Log) RevealReasons(entries []Entry) []Entry {
	out := make([]Entry, len(entries))
	for i, e := range entries {
		if r, err := OpenReason(l.cfg.Key, e.Reason); err == nil {
			e.Reason = r
		} else {
			e.Reason = "(" + err.Error() + ")"
		}
		out[i] = e
	}
	return out
}

// private returns e as it may be stored: valid UTF-8 everywhere (invalid
// bytes become U+FFFD, so the bytes hashed are the bytes JSON stores), the
// reason encrypted, and the query text replaced by its keyed hash.
func (l *Log) private(e Event) (Event, error) {
	e.Actor.TokenID = validUTF8(e.Actor.TokenID)
	e.Actor.Name = validUTF8(e.Actor.Name)
	e.Role = validUTF8(e.Role)
	e.Action = Action(validUTF8(string(e.Action)))
	e.Object = validUTF8(e.Object)
	if e.Reason != "" {
		if l.cfg.Key == nil {
			e.Reason = ReasonWithheld
		} else {
			r, err := sealReason(l.cfg.Key, validUTF8(e.Reason))
			if err != nil {
				return e, err
			}
			e.Reason = r
		}
	}
	if len(e.Details) > 0 {
		d := make(map[string]string, len(e.Details))
		for k, v := range e.Details {
			if k == QueryTextDetail {
				if l.cfg.Key != nil {
					d[QueryMACDetail] = QueryMAC(l.cfg.Key, v)
				}
				continue
			}
			d[validUTF8(k)] = validUTF8(v)
		}
		e.Details = d
	}
	return e, nil
}

func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

// LoadKeyFile reads the audit key from path: the standard base64 of
// KeySize random bytes. The file must not be readable by group or others.
// When it does not exist and create is true, a new key is written there
// (mode 0600, directories 0700).
func LoadKeyFile(path string, create bool) ([]byte, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) && create {
		return createKeyFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("audit key: %w", err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("audit key: %w", err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("audit key: %s has mode %04o; run chmod 600 %s", path, fi.Mode().Perm(), path)
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(key) != KeySize {
		return nil, fmt.Errorf("audit key: %s does not hold the base64 of %d bytes", path, KeySize)
	}
	return key, nil
}

func createKeyFile(path string) ([]byte, error) {
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("audit key: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("audit key: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return LoadKeyFile(path, false) // another process created it first
	}
	if err != nil {
		return nil, fmt.Errorf("audit key: %w", err)
	}
	if _, err := f.WriteString(base64.StdEncoding.EncodeToString(key) + "\n"); err != nil {
		f.Close()
		return nil, fmt.Errorf("audit key: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, fmt.Errorf("audit key: %w", err)
	}
	return key, f.Close()
}
