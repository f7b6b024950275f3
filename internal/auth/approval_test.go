package auth

import (
	"context"
	"errors"
	"testing"
)

// TestTokenApproval: under second_admin, privileged tokens an admin issues
// are unusable until another admin approves them (issue #18: an admin could
// mint themselves a pii_reader token).
func TestTokenApproval(t *testing.T) {
	ctx := context.Background()
	s, b, alice, bob := twoAdmins(t)
	_, op, _ := s.Create(ctx, RoleOperator, "ops")

	for _, tc := range []struct {
		role        Role
		wantPending bool
	}{
		{RolePIIReader, true}, {RoleAdmin, true}, {RoleSearcher, false}, {RoleUploader, false}, {RoleOperator, false},
	} {
		t.Run(string(tc.role), func(t *testing.T) {
			tok, info, err := s.Issue(ctx, alice, tc.role, "for "+string(tc.role))
			if err != nil {
				t.Fatal(err)
			}
			if info.Pending != tc.wantPending || info.RequestedBy != alice.TokenID || info.RequestedByName != "alice" {
				t.Fatalf("issued %+v", info)
			}
			d := IssueAuditDetails(info)
			if d["issuer"] != alice.TokenID || d["role"] != string(tc.role) || d["name"] != "for "+string(tc.role) {
				t.Errorf("audit details %v", d)
			}
			_, err = s.VerifyFrom(ctx, "192.0.2.1", tok)
			if !tc.wantPending {
				if err != nil {
					t.Errorf("unapproved %s token refused: %v", tc.role, err)
				}
				if _, err := s.Approve(ctx, info.ID, bob); !errors.Is(err, ErrNotPending) {
					t.Errorf("approving an active token = %v, want ErrNotPending", err)
				}
				return
			}
			if !errors.Is(err, ErrUnauthorized) || !errors.Is(err, ErrPending) || d["status"] != "pending" {
				t.Fatalf("pending token: Verify = %v, details %v", err, d)
			}
			if _, err := s.Session(ctx, mustSession(t, s, info.ID)); err == nil {
				t.Error("a session opened on a pending token is accepted")
			}
			if _, err := s.Approve(ctx, info.ID, alice); !errors.Is(err, ErrSelfApproval) {
				t.Errorf("self-approval = %v, want ErrSelfApproval", err)
			}
			if _, err := s.Approve(ctx, info.ID, op); !errors.Is(err, ErrUnauthorized) {
				t.Errorf("approval by an operator = %v, want refusal", err)
			}
			got, err := s.Approve(ctx, info.ID, bob)
			if err != nil || got.Pending || got.ApprovedBy != bob.TokenID || got.Approved == nil {
				t.Fatalf("Approve by bob = %+v, %v", got, err)
			}
			if p, err := s.VerifyFrom(ctx, "192.0.2.1", tok); err != nil || p.Role != tc.role {
				t.Errorf("approved token: %+v, %v", p, err)
			}
			if _, err := s.Approve(ctx, info.ID, bob); !errors.Is(err, ErrNotPending) {
				t.Errorf("second approval = %v, want ErrNotPending", err)
			}
		})
	}
	// A pending admin token does not count as an admin, and a revoked
	// request cannot be approved.
	_, req, _ := s.Issue(ctx, alice, RolePIIReader, "revoked request")
	_ = s.Revoke(ctx, req.ID)
	if _, err := s.Approve(ctx, req.ID, bob); !errors.Is(err, ErrNotPending) {
		t.Errorf("approving a revoked request = %v", err)
	}
	if _, err := s.Approve(ctx, "0123456789abcdef", bob); !errors.Is(err, ErrNotFound) {
		t.Errorf("approving an unknown token = %v", err)
	}

	// Without the policy, Issue makes usable tokens that still name their issuer.
	plain := NewStore(b)
	tok, info, err := plain.Issue(ctx, alice, RolePIIReader, "direct")
	if err != nil || info.Pending || info.RequestedBy != alice.TokenID {
		t.Fatalf("Issue without policy = %+v, %v", info, err)
	}
	if _, err := plain.Verify(ctx, tok); err != nil {
		t.Error(err)
	}
	if d := IssueAuditDetails(info); d["granted"] != "pii_reader,searcher" || d["privileged"] != "true" || d["status"] != "active" {
		t.Errorf("audit details %v", d)
	}
}

// TestUserApproval: under second_admin an admin cannot give themselves a
// pii_reader or admin account instead of a token: such users made by an
// admin cannot sign in until another admin approves them.
func TestUserApproval(t *testing.T) {
	ctx := context.Background()
	s, _, alice, bob := twoAdmins(t)
	const pw = "a long enough password"
	u, err := s.CreateUserBy(ctx, alice, "lan.nguyen", "Nguyễn Thị Lan", RolePIIReader, pw)
	if err != nil || !u.Pending || u.RequestedBy != alice.TokenID {
		t.Fatalf("CreateUserBy = %+v, %v", u, err)
	}
	if _, err := s.Login(ctx, "192.0.2.1", "lan.nguyen", pw); !errors.Is(err, ErrUnauthorized) || !errors.Is(err, ErrPending) {
		t.Errorf("pending user signs in: %v", err)
	}
	if _, err := s.ApproveUser(ctx, "lan.nguyen", alice); !errors.Is(err, ErrSelfApproval) {
		t.Errorf("self-approval = %v", err)
	}
	if _, err := s.ApproveUser(ctx, "lan.nguyen", Principal{TokenID: "user:lan.nguyen", Name: "Lan", Role: RoleAdmin}); !errors.Is(err, ErrSelfApproval) {
		t.Errorf("approval by the user = %v", err)
	}
	if got, err := s.ApproveUser(ctx, "lan.nguyen", bob); err != nil || got.Pending || got.ApprovedBy != bob.TokenID {
		t.Fatalf("ApproveUser by bob = %+v, %v", got, err)
	}
	if p, err := s.Login(ctx, "192.0.2.1", "lan.nguyen", pw); err != nil || p.Role != RolePIIReader {
		t.Errorf("approved user: %+v, %v", p, err)
	}
	// Users of other roles, and users made from the command line, need no approval.
	if u, err := s.CreateUserBy(ctx, alice, "hung", "Trần Hùng", RoleUploader, pw); err != nil || u.Pending {
		t.Errorf("uploader user = %+v, %v", u, err)
	}
	if u, err := s.CreateUser(ctx, "chi", "Lê Chi", RoleAdmin, pw); err != nil || u.Pending {
		t.Errorf("CLI admin user = %+v, %v", u, err)
	}
	if _, err := s.ApproveUser(ctx, "nobody", bob); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown user: %v", err)
	}
}

// twoAdmins returns a store under second_admin, its backend, and two admin
// tokens' principals.
func twoAdmins(t *testing.T) (s *Store, b Backend, alice, bob Principal) {
	t.Helper()
	_, fs, _ := newStore(t)
	s = NewStoreWithConfig(fs, Config{TokenApproval: TokenApprovalSecondAdmin})
	_, alice, _ = s.Create(context.Background(), RoleAdmin, "alice")
	_, bob, _ = s.Create(context.Background(), RoleAdmin, "bob")
	return s, fs, alice, bob
}

func mustSession(t *testing.T, s *Store, tokenID string) string {
	t.Helper()
	sess, err := s.NewSession(context.Background(), Principal{TokenID: tokenID, Name: "x", Role: RolePIIReader})
	if err != nil {
		t.Fatal(err)
	}
	return sess.ID
}
