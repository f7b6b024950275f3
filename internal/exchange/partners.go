// Package exchange is the partner exchange API: other agencies' systems
// (e.g. the tax office receiving land-certificate data) pull finished
// records with a cursor, see only the document classes and fields their
// agreement grants, and verify every response with the server's Ed25519
// signature. Every pull is audited. See docs/exchange.md for the format.
//
// The pieces:
//
//   - Partners: the per-partner scopes, from YAML, with hashed tokens;
//   - Feed: the ordered list of published records in the blob store, the
//     source of cursors (publish it from the finalize step);
//   - Signer: the server's Ed25519 key, kept in a 0600 file under the data dir;
//   - Server: the HTTP handlers for GET /api/v1/exchange/records and
//     GET /api/v1/exchange/public-key.
//
// Package exchange/client is the partner side: it pulls, verifies and
// persists its cursor.
package exchange

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// TokenPrefix starts every partner token, so a leaked one is recognisable.
const TokenPrefix = "sohoa_partner_"

// Partner is one receiving agency and what it may receive.
type Partner struct {
	// ID names the partner in URLs, cursors and the audit log: lower-case
	// letters, digits and '-', at most 40.
	ID string `yaml:"id"`
	// Name is the agency's name, for people.
	Name string `yaml:"name"`
	// TokenSHA256 is the hex SHA-256 of the partner's bearer token (see
	// NewToken); the token itself is never stored.
	TokenSHA256 string `yaml:"token_sha256"`
	// Classes are the document classes the partner receives (record Class,
	// e.g. "land_certificate").
	Classes []string `yaml:"classes"`
	// Fields are the record fields the partner receives; any other field
	// is left out. Personal fields listed here are sent in the clear to
	// this partner: the list is the data-sharing agreement.
	Fields []string `yaml:"fields"`
	// Text, when true, also sends the redacted OCR text (personal spans
	// replaced). Default false.
	Text bool `yaml:"text,omitempty"`
}

// Config is the exchange configuration file.
type Config struct {
	Partners []Partner `yaml:"partners"`
}

var (
	partnerIDRe = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,39}$`)
	fieldRe     = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)
)

// Validate reports every problem of the configuration, each with its YAML path.
func (c *Config) Validate() error {
	var problems []string
	seenID, seenTok := map[string]bool{}, map[string]bool{}
	for i, p := range c.Partners {
		at := fmt.Sprintf("partners[%d]", i)
		if !partnerIDRe.MatchString(p.ID) {
			problems = append(problems, at+".id: want lower-case letters, digits and '-', 1-40 characters")
		} else if seenID[p.ID] {
			problems = append(problems, at+".id: duplicate "+p.ID)
		}
		seenID[p.ID] = true
		if strings.TrimSpace(p.Name) == "" {
			problems = append(problems, at+".name: required")
		}
		if b, err := hex.DecodeString(p.TokenSHA256); err != nil || len(b) != sha256.Size {
			problems = append(problems, at+".token_sha256: want 64 hex digits (sohoa exchange token prints one)")
		} else if seenTok[strings.ToLower(p.TokenSHA256)] {
			problems = append(problems, at+".token_sha256: shared with another partner")
		}
		seenTok[strings.ToLower(p.TokenSHA256)] = true
		if len(p.Classes) == 0 {
			problems = append(problems, at+".classes: at least one document class")
		}
		for j, cl := range p.Classes {
			if !fieldRe.MatchString(cl) {
				problems = append(problems, fmt.Sprintf("%s.classes[%d]: %q is not a class name", at, j, cl))
			}
		}
		if len(p.Fields) == 0 {
			problems = append(problems, at+".fields: at least one field")
		}
		for j, f := range p.Fields {
			if !fieldRe.MatchString(f) {
				problems = append(problems, fmt.Sprintf("%s.fields[%d]: %q is not a field name", at, j, f))
			}
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("exchange config: %s", strings.Join(problems, "; "))
	}
	return nil
}

// ParseConfig parses and validates a YAML configuration.
func ParseConfig(b []byte) (*Config, error) {
	var c Config
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("exchange config: %w", err)
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// LoadConfig reads and validates a YAML configuration file.
func LoadConfig(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("exchange config: %w", err)
	}
	return ParseConfig(b)
}

// NewToken returns a new partner token and the hex SHA-256 to put in the
// partner's token_sha256. The token is shown once to the partner.
func NewToken() (token, sha256hex string) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	token = TokenPrefix + hex.EncodeToString(b[:])
	sum := sha256.Sum256([]byte(token))
	return token, hex.EncodeToString(sum[:])
}

// authenticate returns the partner holding token.
func (c *Config) authenticate(token string) (*Partner, bool) {
	if !strings.HasPrefix(token, TokenPrefix) {
		return nil, false
	}
	sum := sha256.Sum256([]byte(token))
	var found *Partner
	for i := range c.Partners {
		want, err := hex.DecodeString(c.Partners[i].TokenSHA256)
		if err == nil && subtle.ConstantTimeCompare(want, sum[:]) == 1 {
			found = &c.Partners[i]
		}
	}
	return found, found != nil
}

func (p *Partner) receivesClass(class string) bool { return slices.Contains(p.Classes, class) }
