// Package auth authenticates API callers with bearer tokens and authorises
// them by role.
//
// A token is "sohoa_<id>_<secret>": 16 hex digits of ID, which is not
// secret and names the token in listings and the audit log, and 64 hex digits
// (256 random bits) of secret. Only the SHA-256 of the whole token is stored
// (under "tokens/<id>" in the blob store); because the secret is
// high-entropy, a fast hash is enough. Verification looks the record up by
// ID and compares hashes in constant time. The bootstrap admin token from
// SOHOA_ADMIN_TOKEN may be any printable string of at least 16 characters.
//
// People can also have a username and password (user.go): only an Argon2id
// hash of the password is stored, under "users/<username>". Signing in on the
// web interface, with a token or a password, opens a browser session
// (session.go) kept server-side in the blob store.
package auth

import (
	"fmt"
	"slices"
)

// Role is what a caller may do (see API.md).
type Role string

// The roles. Implications (Role.Implies) follow least privilege:
//
//   - pii_reader implies searcher (a cleared official also searches);
//   - reviewer implies pii_reader and searcher: archive staff cleared to
//     see full records (page images and sensitive fields included) and to
//     correct and verify their fields; every record a reviewer opens is
//     audited. No other role implies it: uploaders and admins do not get
//     it by default;
//   - admin implies uploader, searcher and operator, but NOT pii_reader:
//     administering the system does not clear anyone for personal data; an
//     administrator who needs it holds a separate pii_reader token, whose
//     use is audited under its own name;
//   - uploader, searcher and operator imply nothing else.
const (
	RoleUploader  Role = "uploader"
	RoleSearcher  Role = "searcher"
	RolePIIReader Role = "pii_reader"
	RoleReviewer  Role = "reviewer"
	RoleOperator  Role = "operator"
	RoleAdmin     Role = "admin"
)

// implied returns the roles r grants besides itself, and whether r is a
// known role.
func implied(r Role) ([]Role, bool) {
	switch r {
	case RoleUploader, RoleSearcher, RoleOperator:
		return nil, true
	case RolePIIReader:
		return []Role{RoleSearcher}, true
	case RoleReviewer:
		return []Role{RolePIIReader, RoleSearcher}, true
	case RoleAdmin:
		return []Role{RoleUploader, RoleSearcher, RoleOperator}, true
	}
	return nil, false
}

// Roles returns every role, in the order of API.md.
func Roles() []Role {
	return []Role{RoleUploader, RoleSearcher, RolePIIReader, RoleReviewer, RoleOperator, RoleAdmin}
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	_, ok := implied(r)
	return ok
}

// ParseRole returns the role named s, or an error listing the valid roles.
func ParseRole(s string) (Role, error) {
	r := Role(s)
	if !r.Valid() {
		return "", fmt.Errorf("auth: unknown role %q (want one of %v)", s, Roles())
	}
	return r, nil
}

// Implies reports whether holding r grants want.
func (r Role) Implies(want Role) bool {
	grants, ok := implied(r)
	if !ok || !want.Valid() {
		return false
	}
	return r == want || slices.Contains(grants, want)
}

// Principal is an authenticated caller.
type Principal struct {
	// TokenID identifies the token (not secret).
	TokenID string
	// Name is the label given when the token was created.
	Name string
	// Role is the token's role.
	Role Role
}

// Has reports whether p may act with role r, directly or by implication.
func (p Principal) Has(r Role) bool { return p.Role.Implies(r) }
