package vault

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/sohoa/sohoa/internal/search"
)

// digitFields are blind-indexed on their digits only, so "0960 8500 1234",
// "096085001234" and "096-085-001-234" match.
var digitFields = map[string]bool{"cccd": true, "cmnd": true, "phone": true}

// FoldedSuffix ends the name of a field's accent-folded companion
// ("person_names_folded"). The companion has its own derived key, so its
// tokens are unrelated to the exact field's.
const FoldedSuffix = "_folded"

// foldedFields get a second blind token on the accent-folded, case-folded
// value, so that a name or address typed without diacritics
// ("nguyen hoang phuc") finds the record ("Nguyễn Hoàng Phúc").
var foldedFields = map[string]bool{"person_names": true, "addresses": true}

// Folded returns the name of field's accent-folded companion and true when
// field is looked up without diacritics as well (person_names, addresses);
// otherwise "" and false. Index both Blind(field, v) and
// Blind(Folded(field), v); look up the folded token and prefer the exact one.
func Folded(field string) (string, bool) {
	if !foldedFields[field] {
		return "", false
	}
	return field + FoldedSuffix, true
}

// isFolded reports whether field is the folded companion of a field.
func isFolded(field string) bool {
	base, ok := strings.CutSuffix(field, FoldedSuffix)
	return ok && foldedFields[base]
}

// Normalize returns the form of value that Blind hashes for field: Unicode
// NFC without format characters (zero-width and bidi controls, category
// Cf), lower case, runs of white space collapsed to one space and trimmed;
// for a folded companion (see Folded) also without diacritics and with đ as
// d (search.Fold); for the digit fields cccd, cmnd and phone only the digits
// are kept, and a phone number's +84 / 84 country prefix becomes the
// leading 0 of the national form (so "+84 912 345 678" equals "0912345678").
func Normalize(field, value string) string {
	v := norm.NFC.String(strings.Map(dropFormat, value))
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
	if isFolded(field) {
		return search.Fold(v)
	}
	v = strings.ToLower(v)
	v = strings.Join(strings.FieldsFunc(v, unicode.IsSpace), " ")
	// ToLower can in rare cases leave a non-NFC sequence; re-normalise.
	return norm.NFC.String(v)
}

// dropFormat drops format characters (zero-width joiners and spaces, bidi
// controls, the BOM), which are invisible and must not make equal values
// differ.
func dropFormat(r rune) rune {
	if unicode.Is(unicode.Cf, r) {
		return -1
	}
	return r
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
