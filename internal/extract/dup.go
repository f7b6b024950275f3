package extract

import (
	"strings"
)

// DuplicateKey returns the key under which NĐ 30 warns of a probable
// duplicate: the same number, symbol and issuing body. The parts are
// normalised (leading zeros, case, diacritics, spacing and the OCR Đ/D
// confusion do not matter); the year of issue is added when known because
// running numbers restart every year. It returns "" when the number, the
// symbol or the issuer is missing.
func DuplicateKey(r Result) string {
	num := strings.TrimLeft(strings.TrimSpace(r.Fields["doc_number"].Value), "0")
	if strings.TrimSpace(r.Fields["doc_number"].Value) != "" && num == "" {
		num = "0"
	}
	sym := strings.ReplaceAll(key(r.Fields["doc_symbol"].Value), " ", "")
	iss := lineKey(r.Fields["issuer"].Value)
	if num == "" || sym == "" || iss == "" {
		return ""
	}
	k := num + "|" + sym + "|" + iss
	if d := r.Fields["issued_date"].Value; len(d) >= 4 && allDigits(d[:4]) {
		k += "|" + d[:4]
	}
	return k
}
