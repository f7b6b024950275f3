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
// the second admin credential they would need to approve their own request;
// users with those roles made by an admin (CreateUserBy) likewise wait for
// ApproveUser. Tokens and users made from the command line (Create,
// CreateUser), which needs the data directory, are usable at once: that is
// how the second admin comes to exist.

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
	// ErrPending is wrapped together with ErrUnauthorized for a token or
	// user that waits for approval.
	ErrPending = errors.New("auth: waits for a second admin's approval")
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
	return r == RolePIIReader || r == RoleReviewer || r == RoleAdmin
}

// ValidTokenApproval reports whether policy is a known approval policy.
func ValidTokenApproval(policy string) bool {
	return policy == TokenApprovalNone || policy == TokenApprovalSecondAdmin
}

// request is the approval state of something issuer asks for with role.
func (s *Store) request(issuer Principal, role Role) Approval {
	return Approval{RequestedBy: issuer.TokenID, RequestedByName: issuer.Name,
		Pending: s.cfg.TokenApproval == TokenApprovalSecondAdmin && NeedsApproval(role)}
}

// approve records approver's approval of a, refusing a non-admin, an
// approval of what is not pending (revoked says it was revoked or
// disabled), and an approval by the requester or by one of self (the
// credential being approved).
func (a *Approval) approve(approver Principal, revoked bool, now time.Time, self string) error {
	switch {
	case !approver.Has(RoleAdmin):
		return fmt.Errorf("%w: approver is not an admin", ErrUnauthorized)
	case !a.Pending || revoked:
		return ErrNotPending
	case approver.TokenID == "" || approver.TokenID == a.RequestedBy || approver.TokenID == self:
		return ErrSelfApproval
	}
	a.Pending, a.ApprovedBy, a.ApprovedByName, a.Approved = false, approver.TokenID, approver.Name, &now
	return nil
}

// Issue creates a token for an admin's request: like Create, but the token
// records its issuer and, when the policy asks it for role, is pending until
// Approve. The token string is returned once.
func (s *Store) Issue(ctx context.Context, issuer Principal, role Role, name string) (token string, info TokenInfo, err error) {
	token, rec, err := s.create(ctx, role, name, s.request(issuer, role))
	if err != nil {
		return "", TokenInfo{}, err
	}
	return token, rec.info(), nil
}

// Approve makes the pending token id usable. approver must be an admin and
// not the credential that asked for the token (ErrSelfApproval); a token
// that is not pending gives ErrNotPending, an unknown one ErrNotFound.
func (s *Store) Approve(ctx context.Context, id string, approver Principal) (TokenInfo, error) {
	rec, err := s.get(ctx, id)
	if err == nil {
		err = rec.Approval.approve(approver, rec.Revoked != nil, s.now().UTC(), rec.ID)
	}
	if err == nil {
		err = s.put(ctx, rec)
	}
	if err != nil {
		return TokenInfo{}, fmt.Errorf("auth: approve %s: %w", id, err)
	}
	return rec.info(), nil
}

// CreateUserBy is CreateUser for an admin's request: the user records its
// issuer and, when the policy asks it for role, cannot sign in until
// ApproveUser; otherwise an admin could give themselves a pii_reader or
// admin account instead of a token.
func (s *Store) CreateUserBy(ctx context.Context, issuer Principal, username, name string, role Role, password string) (UserInfo, error) {
	return s.createUser(ctx, username, name, role, password, s.request(issuer, role))
}

// ApproveUser lets the pending user username sign in; the rules are
// Approve's.
func (s *Store) ApproveUser(ctx context.Context, username string, approver Principal) (UserInfo, error) {
	u, err := s.getUser(ctx, username)
	if err == nil {
		err = u.Approval.approve(approver, u.Disabled != nil, s.now().UTC(), UserPrincipalPrefix+u.Username)
	}
	if err == nil {
		err = s.putUser(ctx, u)
	}
	if err != nil {
		return UserInfo{}, fmt.Errorf("auth: approve user %s: %w", username, err)
	}
	return u.info(), nil
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
