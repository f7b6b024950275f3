package vault

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// digitFields are blind-indexed on their digits only, so "0960 8500 1234",
// "096085001234" and "096-085-001-234" match.
var digitFields = map[string]bool{"cccd": true, "cmnd": true, "phone": true}

// Normalize returns the form of value that Blind hashes for field: Unicode
// NFC, lower case, runs of white space collapsed to one space and trimmed;
// for the digit fields cccd, cmnd and phone only the digits are kept, and a
// phone number's +84 / 84 country prefix becomes the leading 0 of the
// national form (so "+84 912 345 678" equals "0912345678").
func Normalize(field, value string) string {
	v := norm.NFC.String(value)
	if digitFields[field] {
		var b strings.Builder
		for _, r := range v {
			if r >= '0' && r <= '9' {
				b.WriteRune(r)
			}
		}
		d := b.String()
		if field == "phone" && strings.HasPrefix(d, "84") && (len(d) == 11 || len(d) == 12) {
			d = "0" + d[2:]
		}
		return d
	}
	v = strings.ToLower(v)
	v = strings.Join(strings.FieldsFunc(v, unicode.IsSpace), " ")
	// ToLower can in rare cases leave a non-NFC sequence; re-normalise.
	return norm.NFC.String(v)
}

// Blind returns the blind index of value for field: "field:" followed by the
// hex HMAC-SHA256 of Normalize(field, value) under a per-field key derived
// with HKDF-SHA256 from the keyring's blind-index key (which never rotates).
// Equal normalised values give equal indexes; anything else, including a
// prefix or substring, gives an unrelated one, so only exact lookups work.
// An empty normalised value returns "" (never index or look that up).
// Blind is safe for concurrent use.
func (v *Vault) Blind(field, value string) string {
	return v.kr.Blind(field, value)
}

// Blind is Vault.Blind for callers that hold only the keyring.
func (k *Keyring) Blind(field, value string) string {
	n := Normalize(field, value)
	if n == "" {
		return ""
	}
	mac := hmac.New(sha256.New, k.blindKey(field))
	mac.Write([]byte(n))
	return field + ":" + hex.EncodeToString(mac.Sum(nil))
}
