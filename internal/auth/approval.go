package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Token approval.
//
// With Config.TokenApproval set to TokenApprovalSecondAdmin, a token whose
// role NeedsApproval, issued by an admin through Issue, is created pending:
// its secret is shown once as usual, but Verify refuses it until a second
// admin (another credential than the one that asked) approves it with
// Approve. Admin tokens themselves need approval, so one person cannot mint
// the second admin credential they would need to approve their own request.

// Token approval policies (Config.TokenApproval, configuration key
// auth.token_approval).
const (
	// TokenApprovalNone makes every issued token usable at once.
	TokenApprovalNone = "none"
	// TokenApprovalSecondAdmin keeps pii_reader, reviewer and admin tokens
	// pending until another admin approves them.
	TokenApprovalSecondAdmin = "second_admin"
)

// Errors about approvals.
var (
	// ErrPending is wrapped together with ErrUnauthorized for a token that
	// waits for approval.
	ErrPending = errors.New("auth: token waits for a second admin's approval")
	// ErrSelfApproval refuses an approval by the credential that asked for
	// the token.
	ErrSelfApproval = errors.New("auth: a token request must be approved by another admin")
	// ErrNotPending refuses approving a token that is not pending (already
	// usable, or revoked).
	ErrNotPending = errors.New("auth: token is not waiting for approval")
)

// Approval is who asked for a token and who approved it.
type Approval struct {
	// Pending tokens are refused until approved.
	Pending bool `json:"pending,omitempty"`
	// RequestedBy is the token ID (or "user:<name>") of the issuer, and
	// RequestedByName their name.
	RequestedBy     string `json:"requested_by,omitempty"`
	RequestedByName string `json:"requested_by_name,omitempty"`
	// ApprovedBy and ApprovedByName name the second admin; Approved is when.
	ApprovedBy     string     `json:"approved_by,omitempty"`
	ApprovedByName string     `json:"approved_by_name,omitempty"`
	Approved       *time.Time `json:"approved,omitempty"`
}

// NeedsApproval reports whether tokens of role r give access to personal
// data or administration, and so wait for a second admin under
// TokenApprovalSecondAdmin: pii_reader, reviewer and admin.
func NeedsApproval(r Role) bool {
	// "reviewer" (API.md: archive staff cleared to verify and correct full
	// records, page images included) is named here before role.go knows it.
	return r == RolePIIReader || r == "reviewer" || r == RoleAdmin
}

// ValidTokenApproval reports whether policy is a known approval policy.
func ValidTokenApproval(policy string) bool {
	return policy == TokenApprovalNone || policy == TokenApprovalSecondAdmin
}

// Issue creates a token for an admin's request: like Create, but the token
// records its issuer and, when the policy asks it for role, is pending until
// Approve. The token string is returned once.
func (s *Store) Issue(ctx context.Context, issuer Principal, role Role, name string) (token string, info TokenInfo, err error) {
	ap := Approval{RequestedBy: issuer.TokenID, RequestedByName: issuer.Name,
		Pending: s.cfg.TokenApproval == TokenApprovalSecondAdmin && NeedsApproval(role)}
	token, rec, err := s.create(ctx, role, name, ap)
	if err != nil {
		return "", TokenInfo{}, err
	}
	return token, rec.info(), nil
}

// Approve makes the pending token id usable. approver must be an admin and
// not the credential that asked for the token (ErrSelfApproval); a token
// that is not pending gives ErrNotPending, an unknown one ErrNotFound.
func (s *Store) Approve(ctx context.Context, id string, approver Principal) (TokenInfo, error) {
	if !approver.Has(RoleAdmin) {
		return TokenInfo{}, fmt.Errorf("auth: approve %s: %w: approver is not an admin", id, ErrUnauthorized)
	}
	rec, err := s.get(ctx, id)
	if err != nil {
		return TokenInfo{}, fmt.Errorf("auth: approve %s: %w", id, err)
	}
	if !rec.Pending || rec.Revoked != nil {
		return TokenInfo{}, fmt.Errorf("auth: approve %s: %w", id, ErrNotPending)
	}
	if approver.TokenID == "" || approver.TokenID == rec.RequestedBy || approver.TokenID == rec.ID {
		return TokenInfo{}, fmt.Errorf("auth: approve %s: %w", id, ErrSelfApproval)
	}
	t := s.now().UTC()
	rec.Pending, rec.ApprovedBy, rec.ApprovedByName, rec.Approved = false, approver.TokenID, approver.Name, &t
	if err := s.put(ctx, rec); err != nil {
		return TokenInfo{}, fmt.Errorf("auth: approve %s: %w", id, err)
	}
	return rec.info(), nil
}

// GrantedRoles returns r and every role it implies, as the audit records
// them ("pii_reader,searcher").
func GrantedRoles(r Role) string {
	roles := []string{string(r)}
	if more, ok := implied(r); ok {
		for _, m := range more {
			roles = append(roles, string(m))
		}
	}
	return strings.Join(roles, ",")
}

// IssueAuditDetails are the details of the token_create and token_approve
// audit entries of t: the role, every role it grants, its name, its issuer
// and whether it is pending. The audit entry's actor is who acted.
func IssueAuditDetails(t TokenInfo) map[string]string {
	d := map[string]string{"role": string(t.Role), "granted": GrantedRoles(t.Role), "name": t.Name, "status": "active"}
	if t.Pending {
		d["status"] = "pending"
	}
	if t.RequestedBy != "" {
		d["issuer"] = t.RequestedBy
		d["issuer_name"] = t.RequestedByName
	}
	if NeedsApproval(t.Role) {
		d["privileged"] = "true"
	}
	return d
}
