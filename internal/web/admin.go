package web

import (
	"errors"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/hibiken/asynq"

	"github.com/sohoa/sohoa/internal/audit"
	"github.com/sohoa/sohoa/internal/auth"
	"github.com/sohoa/sohoa/internal/pipeline"
	"github.com/sohoa/sohoa/internal/vault"
)

// opsData is the operator dashboard.
type opsData struct {
	Queues       []*asynq.QueueInfo
	Servers      []*asynq.ServerInfo
	PagesPerMin  float64
	Window       time.Duration // over which PagesPerMin was measured; 0: not yet
	Failed       int           // failed today, all queues
	Retry        int           // waiting for a retry, all queues
	Archived     int           // given up, all queues
	Active       int           // running now, all queues
	QueueErr     string
	Workers      int // busy workers over all servers
	Capacity     int // concurrency over all servers
	RefreshEvery int // seconds
}

// throughputWindow is how far back the dashboard looks for its pages/min.
const throughputWindow = 5 * time.Minute

// opsPage shows throughput, queue depths, failures and workers, from the
// asynq Inspector on the pipeline's Redis.
func (s *Server) opsPage(w http.ResponseWriter, r *http.Request, v *view) error {
	d := opsData{RefreshEvery: 5}
	if s.d.Redis != nil {
		ins := asynq.NewInspector(s.d.Redis)
		defer ins.Close()
		names := []string{pipeline.QueueSplit, pipeline.QueueOCR, pipeline.QueueFinalize, pipeline.QueueIndex}
		for _, q := range names {
			qi, err := ins.GetQueueInfo(q)
			if err != nil {
				// A queue that never had a task does not exist yet.
				qi = &asynq.QueueInfo{Queue: q}
				if !strings.Contains(err.Error(), "not found") && !strings.Contains(err.Error(), "does not exist") {
					d.QueueErr = err.Error()
				}
			}
			d.Queues = append(d.Queues, qi)
			d.Failed += qi.Failed
			d.Retry += qi.Retry
			d.Archived += qi.Archived
			d.Active += qi.Active
			if q == pipeline.QueueOCR {
				d.PagesPerMin, d.Window = s.throughput(time.Now(), qi.ProcessedTotal)
			}
		}
		servers, err := ins.Servers()
		if err != nil {
			d.QueueErr = err.Error()
		}
		sort.Slice(servers, func(i, j int) bool { return servers[i].Started.Before(servers[j].Started) })
		d.Servers = servers
		for _, sv := range servers {
			d.Workers += len(sv.ActiveWorkers)
			d.Capacity += sv.Concurrency
		}
	}
	v.Title = v.T("ops.title")
	v.Data = d
	s.render(w, v, http.StatusOK, "ops")
	return nil
}

// throughput records that total OCR tasks (one per page) were processed by
// now and returns the pages per minute since the oldest sample within
// throughputWindow (or since the previous sample, if older), and the span
// measured; nothing until two samples are at least a second apart.
func (s *Server) throughput(now time.Time, total int) (float64, time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	// Keep the samples within the window, or else the latest one, so a
	// dashboard opened rarely still measures since its last visit.
	var keep []sample
	var latest *sample
	for i, sm := range s.samples {
		if sm.pages > total { // the counter was reset
			continue
		}
		if now.Sub(sm.at) <= throughputWindow {
			keep = append(keep, sm)
		} else {
			latest = &s.samples[i]
		}
	}
	if len(keep) == 0 && latest != nil {
		keep = append(keep, *latest)
	}
	s.samples = append(keep, sample{at: now, pages: total})
	if len(s.samples) > 600 {
		s.samples = s.samples[len(s.samples)-600:]
	}
	first := s.samples[0]
	span := now.Sub(first.at)
	if span < time.Second {
		return 0, 0
	}
	return float64(total-first.pages) / span.Minutes(), span
}

// adminData is the administration page.
type adminData struct {
	Tokens     []auth.TokenInfo
	Users      []auth.UserInfo
	Roles      []auth.Role
	NewToken   string // shown once after creation
	NewName    string
	NewPending bool // the new token waits for a second admin
	Keys       *vault.Status
	KeysErr    string
	MinPass    int
}

func (s *Server) adminPage(w http.ResponseWriter, r *http.Request, v *view) error {
	return s.showAdmin(w, r, v, http.StatusOK, adminData{})
}

func (s *Server) showAdmin(w http.ResponseWriter, r *http.Request, v *view, status int, d adminData) error {
	var err error
	if d.Tokens, err = s.d.Auth.List(r.Context()); err != nil {
		return err
	}
	if d.Users, err = s.d.Auth.Users(r.Context()); err != nil {
		return err
	}
	d.Roles, d.MinPass = auth.Roles(), auth.MinPasswordLen
	if s.d.Keys != nil {
		st, err := s.d.Keys.Status(r.Context())
		if err != nil {
			d.KeysErr = err.Error()
		} else {
			d.Keys = &st
		}
	}
	v.Title = v.T("admin.title")
	v.Data = d
	s.render(w, v, status, "admin")
	return nil
}

// createToken issues a token; under auth.token_approval: second_admin a
// privileged one is pending until another admin approves it. The audit
// entry names the issuer, the roles granted and the token's name.
func (s *Server) createToken(w http.ResponseWriter, r *http.Request, v *view) error {
	role, err := auth.ParseRole(r.PostFormValue("role"))
	if err != nil {
		v.Error = v.T("admin.badrole")
		return s.showAdmin(w, r, v, http.StatusBadRequest, adminData{})
	}
	name := strings.TrimSpace(r.PostFormValue("name"))
	tok, info, err := s.d.Auth.Issue(r.Context(), *v.User, role, name)
	if err != nil {
		v.Error = v.T("admin.tokenfailed")
		return s.showAdmin(w, r, v, http.StatusBadRequest, adminData{})
	}
	if err := s.audit(r, v, "token_create", info.ID, "", auth.IssueAuditDetails(info)); err != nil {
		_ = s.d.Auth.Revoke(r.Context(), info.ID)
		return err
	}
	return s.showAdmin(w, r, v, http.StatusCreated, adminData{NewToken: tok, NewName: info.Name, NewPending: info.Pending})
}

// approvalFailed answers a failed approval (err != nil) and reports
// whether it did: 404 for an unknown token or user, the admin page with a
// message for a self-approval or something not pending, else err.
func (s *Server) approvalFailed(w http.ResponseWriter, r *http.Request, v *view, err error) (bool, error) {
	switch {
	case err == nil:
		return false, nil
	case errors.Is(err, auth.ErrNotFound):
		return true, errStatus(http.StatusNotFound, "err.notfound")
	case errors.Is(err, auth.ErrSelfApproval):
		v.Error = v.T("admin.selfapprove")
		return true, s.showAdmin(w, r, v, http.StatusForbidden, adminData{})
	case errors.Is(err, auth.ErrNotPending):
		v.Error = v.T("admin.notpending")
		return true, s.showAdmin(w, r, v, http.StatusConflict, adminData{})
	}
	return true, err
}

// approveToken makes a pending token usable; the admin who asked for it
// cannot.
func (s *Server) approveToken(w http.ResponseWriter, r *http.Request, v *view) error {
	info, err := s.d.Auth.Approve(r.Context(), r.PathValue("id"), *v.User)
	if done, err := s.approvalFailed(w, r, v, err); done {
		return err
	}
	if err := s.audit(r, v, "token_approve", info.ID, "", auth.IssueAuditDetails(info)); err != nil {
		_ = s.d.Auth.Revoke(r.Context(), info.ID)
		return err
	}
	http.Redirect(w, r, "/admin#tokens", http.StatusSeeOther)
	return nil
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request, v *view) error {
	id := r.PathValue("id")
	if err := s.d.Auth.Revoke(r.Context(), id); err != nil {
		if errors.Is(err, auth.ErrNotFound) {
			return errStatus(http.StatusNotFound, "err.notfound")
		}
		return err
	}
	if err := s.audit(r, v, "token_revoke", id, "", nil); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin#tokens", http.StatusSeeOther)
	return nil
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request, v *view) error {
	role, err := auth.ParseRole(r.PostFormValue("role"))
	if err != nil {
		v.Error = v.T("admin.badrole")
		return s.showAdmin(w, r, v, http.StatusBadRequest, adminData{})
	}
	username := strings.TrimSpace(r.PostFormValue("username"))
	u, err := s.d.Auth.CreateUserBy(r.Context(), *v.User, username, strings.TrimSpace(r.PostFormValue("name")), role, r.PostFormValue("password"))
	if err != nil {
		switch {
		case errors.Is(err, auth.ErrUserExists):
			v.Error = v.T("admin.userexists")
		case errors.Is(err, auth.ErrBadPassword):
			v.Error = v.T("admin.badpassword", auth.MinPasswordLen)
		default:
			v.Error = v.T("admin.baduser")
		}
		return s.showAdmin(w, r, v, http.StatusBadRequest, adminData{})
	}
	if err := s.audit(r, v, "user_create", auth.UserPrincipalPrefix+u.Username, "", userAuditDetails(u)); err != nil {
		_ = s.d.Auth.DisableUser(r.Context(), u.Username)
		return err
	}
	http.Redirect(w, r, "/admin#users", http.StatusSeeOther)
	return nil
}

// userAuditDetails are the details of the user_create and user_approve
// audit entries: those of a token with the same role, issuer and state.
func userAuditDetails(u auth.UserInfo) map[string]string {
	return auth.IssueAuditDetails(auth.TokenInfo{Name: u.Name, Role: u.Role, Approval: u.Approval})
}

// approveUser lets a pending user sign in; the admin who created them
// cannot.
func (s *Server) approveUser(w http.ResponseWriter, r *http.Request, v *view) error {
	u, err := s.d.Auth.ApproveUser(r.Context(), r.PathValue("name"), *v.User)
	if done, err := s.approvalFailed(w, r, v, err); done {
		return err
	}
	if err := s.audit(r, v, "user_approve", auth.UserPrincipalPrefix+u.Username, "", userAuditDetails(u)); err != nil {
		_ = s.d.Auth.DisableUser(r.Context(), u.Username)
		return err
	}
	http.Redirect(w, r, "/admin#users", http.StatusSeeOther)
	return nil
}

func (s *Server) disableUser(w http.ResponseWriter, r *http.Request, v *view) error {
	name := r.PathValue("name")
	if err := s.d.Auth.DisableUser(r.Context(), name); err != nil {
		if errors.Is(err, auth.ErrNotFound) {
			return errStatus(http.StatusNotFound, "err.notfound")
		}
		return err
	}
	if err := s.audit(r, v, "user_disable", auth.UserPrincipalPrefix+name, "", nil); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin#users", http.StatusSeeOther)
	return nil
}

// auditData is the audit log viewer.
type auditData struct {
	Entries  []audit.Entry
	Report   *audit.Report
	VerifyOK bool
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request, v *view) error {
	return s.showAudit(w, r, v, nil)
}

func (s *Server) showAudit(w http.ResponseWriter, r *http.Request, v *view, rep *audit.Report) error {
	if s.d.AuditLog == nil {
		return errStatus(http.StatusNotFound, "err.notfound")
	}
	entries, err := s.d.AuditLog.Tail(200)
	if err != nil {
		return err
	}
	// Newest first.
	for i, j := 0, len(entries)-1; i < j; i, j = i+1, j-1 {
		entries[i], entries[j] = entries[j], entries[i]
	}
	d := auditData{Entries: entries, Report: rep, VerifyOK: rep != nil && rep.OK()}
	v.Title = v.T("audit.title")
	v.Data = d
	s.render(w, v, http.StatusOK, "audit")
	return nil
}

// verifyAudit checks the whole audit chain (hashes, sequence, HMACs, head)
// and shows the report above the log.
func (s *Server) verifyAudit(w http.ResponseWriter, r *http.Request, v *view) error {
	if s.d.AuditLog == nil {
		return errStatus(http.StatusNotFound, "err.notfound")
	}
	rep, err := s.d.AuditLog.Verify()
	if err != nil && len(rep.Problems) == 0 {
		return err
	}
	return s.showAudit(w, r, v, &rep)
}
