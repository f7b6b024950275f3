package api

import (
	"encoding/json"
	"errors"
	"io"
	"maps"
	"mime"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/sohoa/sohoa/internal/access"
	"github.com/sohoa/sohoa/internal/archive"
	"github.com/sohoa/sohoa/internal/audit"
	"github.com/sohoa/sohoa/internal/auth"
	"github.com/sohoa/sohoa/internal/catalog"
	"github.com/sohoa/sohoa/internal/domain"
	"github.com/sohoa/sohoa/internal/pipeline"
	"github.com/sohoa/sohoa/internal/search"
)

// uploadRetryAfter is the Retry-After, in seconds, of a refused upload.
const uploadRetryAfter = "10"

// postBatch streams a multipart upload: each file part is streamed to the
// blob store, hashed and sniffed before the next part is read. A token has
// at most a few uploads in flight, and the server a few more (429 beyond).
func (s *Server) postBatch(w http.ResponseWriter, r *http.Request) error {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "multipart/form-data" {
		return errBadRequest("bad_content_type", "Hãy gửi multipart/form-data với các phần \"file\"",
			"send multipart/form-data with \"file\" parts")
	}
	p := principal(r)
	release, err := s.uploads.Acquire(p.TokenID)
	if err != nil {
		w.Header().Set("Retry-After", uploadRetryAfter)
		return &apiError{http.StatusTooManyRequests, "too_many_uploads",
			"Đang có quá nhiều lượt tải lên cùng lúc; hãy thử lại sau ít giây",
			"too many uploads in progress; retry in a few seconds"}
	}
	defer release()
	r.Body = http.MaxBytesReader(w, r.Body, s.maxBody)
	mr, err := r.MultipartReader()
	if err != nil {
		return errBadRequest("bad_multipart", "Dữ liệu tải lên không hợp lệ", "invalid multipart upload")
	}
	up, files, err := s.pipe.ReceiveMultipart(r.Context(), mr, p.TokenID+" "+p.Name, pipeline.FormHooks{})
	switch {
	case errors.Is(err, pipeline.ErrBatchTooLarge):
		return &apiError{http.StatusRequestEntityTooLarge, "batch_too_large", "Lô tải lên quá lớn: " + err.Error(), err.Error()}
	case errors.Is(err, pipeline.ErrBadForm):
		return errBadRequest("bad_multipart", "Dữ liệu tải lên bị cắt hoặc hỏng: "+err.Error(), "the upload is truncated or malformed: "+err.Error())
	case err != nil:
		return err
	}
	if up == nil {
		return errBadRequest("no_files", "Không có tệp nào (phần \"file\")", "no files (\"file\" parts)")
	}
	id, err := up.Commit(r.Context())
	if err != nil {
		return err
	}
	rejected := up.Rejected()
	if err := s.auditOrFail(r, "upload", string(id), "", map[string]string{
		"files": strconv.Itoa(files), "documents": strconv.Itoa(up.Documents()), "rejected": strconv.Itoa(rejected)}); err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"id": id, "documents": up.Documents(), "files": files, "rejected": rejected})
	return nil
}

func (s *Server) listBatches(w http.ResponseWriter, r *http.Request) error {
	limit, err := intParam(r, "limit", 50, 1, 500)
	if err != nil {
		return err
	}
	list, err := s.pipe.Batches(r.Context(), batchScope(r), limit, lang(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"batches": list})
	return nil
}

// batchScope is which batches the caller sees: admins and operators see
// every batch, an uploader only their own (another's answers 404).
func batchScope(r *http.Request) pipeline.BatchScope {
	p := principal(r)
	return pipeline.BatchScope{All: p.Has(auth.RoleOperator), Uploader: p.TokenID}
}

func batchID(r *http.Request) (domain.BatchID, error) {
	id := r.PathValue("id")
	if !catalog.ValidBatchID(id) {
		return "", errNotFound("batch")
	}
	return domain.BatchID(id), nil
}

func (s *Server) getBatch(w http.ResponseWriter, r *http.Request) error {
	id, err := batchID(r)
	if err != nil {
		return err
	}
	v, err := s.pipe.Batch(r.Context(), batchScope(r), id, lang(r))
	if errors.Is(err, catalog.ErrNotFound) {
		return errNotFound("batch")
	}
	if err != nil {
		return err
	}
	withReview, err := s.withReview(r, v)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, withReview)
	return nil
}

func (s *Server) retryBatch(w http.ResponseWriter, r *http.Request) error {
	id, err := batchID(r)
	if err != nil {
		return err
	}
	n, err := s.pipe.Retry(r.Context(), batchScope(r), id)
	if errors.Is(err, catalog.ErrNotFound) {
		return errNotFound("batch")
	}
	if err != nil {
		return err
	}
	if err := s.auditOrFail(r, "retry", string(id), "", map[string]string{"documents": strconv.Itoa(n)}); err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"id": id, "retried": n})
	return nil
}

var fieldName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)

func parseDate(name, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse("2006-01-02", v)
	if err != nil {
		return time.Time{}, errBadRequest("bad_date", "Ngày "+name+" phải có dạng YYYY-MM-DD", name+" must be a date YYYY-MM-DD")
	}
	return t, nil
}

// searchHit is a hit as the API shows it: dates as ISO dates.
type searchHit struct {
	DocumentID string  `json:"document_id"`
	Title      string  `json:"title"`
	DocType    string  `json:"doc_type"`
	Class      string  `json:"class,omitempty"`
	IssuedDate string  `json:"issued_date,omitempty"`
	Issuer     string  `json:"issuer"`
	BatchID    string  `json:"batch_id"`
	Snippet    string  `json:"snippet"`
	Score      float64 `json:"score"`
}

// parseSearch reads a search request's parameters (API.md); lookups counts
// exact lookups by personal values, which need pii_reader.
func (s *Server) parseSearch(r *http.Request) (q search.Query, page, size, lookups int, err error) {
	qv := r.URL.Query()
	page, err = intParam(r, "page", 1, 1, 10_000)
	if err != nil {
		return q, 0, 0, 0, err
	}
	size, err = intParam(r, "size", 10, 1, 100)
	if err != nil {
		return q, 0, 0, 0, err
	}
	q = search.Query{
		Text: norm.NFC.String(strings.TrimSpace(qv.Get("q"))), Issuer: qv.Get("issuer"),
		BatchID: qv.Get("batch"), Sort: qv.Get("sort"), Offset: (page - 1) * size, Size: size,
		Fields: map[string]string{}, Ranges: map[string]search.Range{},
	}
	SetType(&q, classList(s.classes), qv.Get("type"))
	if v := strings.TrimSpace(qv.Get("class")); v != "" {
		q.Class = v
	}
	if v := qv.Get("pipeline"); v != "" {
		q.Fields["pipeline"] = v
	}
	if utf8.RuneCountInString(q.Text) > 1000 {
		return q, 0, 0, 0, errBadRequest("query_too_long", "Câu tìm kiếm quá dài (tối đa 1000 ký tự)", "query too long (at most 1000 characters)")
	}
	if q.From, err = parseDate("from", qv.Get("from")); err != nil {
		return q, 0, 0, 0, err
	}
	if q.To, err = parseDate("to", qv.Get("to")); err != nil {
		return q, 0, 0, 0, err
	}
	for key, vals := range qv {
		name, ok := strings.CutPrefix(key, "f.")
		if !ok || len(vals) == 0 {
			continue
		}
		base, op, _ := strings.Cut(name, ".")
		if !fieldName.MatchString(base) || (op != "" && op != "gte" && op != "lte") {
			return q, 0, 0, 0, errBadRequest("bad_filter", "Bộ lọc không hợp lệ: "+key, "invalid filter: "+key)
		}
		rg := q.Ranges[base]
		switch op {
		case "":
			q.Fields[base] = norm.NFC.String(vals[0])
			continue
		case "gte":
			rg.GTE = vals[0]
		case "lte":
			rg.LTE = vals[0]
		}
		q.Ranges[base] = rg
	}
	p := principal(r)
	personal := map[string]string{"cccd": qv.Get("cccd"), "name": qv.Get("name")}
	for kind, v := range personal {
		if v == "" {
			continue
		}
		if !p.Has(auth.RolePIIReader) {
			return q, 0, 0, 0, &apiError{http.StatusForbidden, "forbidden",
				"Tra cứu theo dữ liệu cá nhân cần quyền pii_reader", "lookups by personal data need the pii_reader role"}
		}
		field := "cccd"
		if kind == "name" {
			field = "person_names"
		}
		if s.blind == nil {
			return q, 0, 0, 0, errBadRequest("no_blind_index", "Chưa cấu hình chỉ mục mù", "blind index not configured")
		}
		pipeline.AddLookup(&q, s.blind, field, v)
		lookups++
	}
	if q.Text == "" && len(q.Fields) == 0 && len(q.Ranges) == 0 && q.DocType == "" && q.Class == "" && q.Issuer == "" &&
		q.BatchID == "" && q.From.IsZero() && q.To.IsZero() && len(q.Blind) == 0 && len(q.Lookups) == 0 {
		return q, 0, 0, 0, errBadRequest("empty_query", "Hãy nhập từ khoá hoặc bộ lọc", "give a query or a filter")
	}
	return q, page, size, lookups, nil
}

func (s *Server) getSearch(w http.ResponseWriter, r *http.Request) error {
	q, page, size, lookups, err := s.parseSearch(r)
	if err != nil {
		return err
	}
	res, err := s.search.Search(r.Context(), q)
	if err != nil {
		return err
	}
	// The audit keeps a keyed hash of the text and the filter names, no value.
	details := audit.SearchDetails(q, lookups, map[string]string{"total": strconv.Itoa(res.Total)})
	if err := s.auditOrFail(r, "search", "", "", details); err != nil {
		return err
	}
	hits := make([]searchHit, 0, len(res.Hits))
	for _, h := range res.Hits {
		sh := searchHit{DocumentID: h.ID, Title: h.Title, DocType: h.DocType, Class: h.Class, Issuer: h.Issuer,
			BatchID: h.BatchID, Snippet: h.Snippet, Score: h.Score}
		if !h.IssuedDate.IsZero() {
			sh.IssuedDate = h.IssuedDate.Format("2006-01-02")
		}
		hits = append(hits, sh)
	}
	facets := res.Facets
	if facets == nil {
		facets = map[string][]search.FacetCount{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"total": res.Total, "page": page, "size": size, "hits": hits, "facets": facets})
	return nil
}

func docID(r *http.Request) (domain.DocumentID, error) {
	id := r.PathValue("id")
	if !catalog.ValidDocumentID(id) {
		return "", errNotFound("document")
	}
	return domain.DocumentID(id), nil
}

// fieldView is one field as the API shows it; Value is null when masked.
type fieldView struct {
	Value       any                `json:"value"`
	Confidence  float64            `json:"confidence"`
	Page        domain.PageNo      `json:"page,omitempty"`
	Sensitivity domain.Sensitivity `json:"sensitivity"`
	Masked      bool               `json:"masked,omitempty"`
	// Review (review.go): where the value comes from (ocr, reviewer), the
	// extractor's reasons to doubt it, and for a corrected field the
	// extracted value (null when masked), who corrected it and when.
	Source      string     `json:"source"`
	Reasons     []string   `json:"reasons,omitempty"`
	Extracted   any        `json:"extracted,omitempty"`
	CorrectedBy string     `json:"corrected_by,omitempty"`
	CorrectedAt *time.Time `json:"corrected_at,omitempty"`
}

// getDocument serves a document and its record under the access policy
// (access.Record): masked fields, the full or redacted text, and the
// audit ("view", or "unmask" with the fields released).
func (s *Server) getDocument(w http.ResponseWriter, r *http.Request) error {
	dec, err := decide(r, access.Record)
	if err != nil {
		return err
	}
	id, err := docID(r)
	if err != nil {
		return err
	}
	d, err := s.cat.GetDocument(r.Context(), id)
	if errors.Is(err, catalog.ErrNotFound) {
		return errNotFound("document")
	}
	if err != nil {
		return err
	}
	out := map[string]any{"id": d.ID, "batch_id": d.BatchID, "name": d.Name, "sha256": d.SHA256,
		"pages": d.Pages, "status": d.Status, "format": d.Format}
	if d.Problem != nil {
		out["error"] = d.Problem.Message(lang(r))
	}
	rec, err := s.cat.GetRecord(r.Context(), id)
	if errors.Is(err, catalog.ErrNotFound) {
		writeJSON(w, http.StatusOK, out) // not finished yet
		return nil
	}
	if err != nil {
		return err
	}
	ap := dec.Apply(rec)
	fields := fieldViews(ap)
	out["review"] = s.reviewView(d, rec)
	out["doc_type"] = rec.Class
	out["pipeline"] = rec.Pipeline
	out["title"] = rec.Title
	out["confidence"] = rec.Confidence
	out["fields"] = fields
	if rec.QuarantineReason != "" {
		out["quarantine_reason"] = rec.QuarantineReason
	}
	if ap.TextClear {
		out["text"] = strings.Join(rec.Text, "\n\f\n")
	} else {
		out["text"] = strings.Join(rec.Redacted, "\n\f\n")
		out["text_masked"] = true
	}
	if err := s.auditView(r, dec, string(id), ap.Released, nil); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// decide returns the caller's access decision for view, with the
// request's ?reason=, or the error that refuses it.
func decide(r *http.Request, view access.View) (access.Decision, error) {
	refused := func(f access.Refusal) error { return &apiError{f.Status, f.Code, f.VI, f.EN} }
	reason, err := access.CleanReason(r.URL.Query().Get("reason"))
	if err != nil {
		return access.Decision{}, refused(access.BadReason)
	}
	dec := access.Decide(principal(r), view, reason)
	if !dec.Allowed() {
		return dec, refused(dec.Deny())
	}
	return dec, nil
}

// auditView audits a view decided by dec (access.Decision.Audit: the
// action and the names of the protected fields released), with the view's
// own details and the caller's reason.
func (s *Server) auditView(r *http.Request, dec access.Decision, object string, released []string, own map[string]string) error {
	action, details := dec.Audit(released)
	maps.Copy(details, own)
	return s.auditOrFail(r, action, object, dec.Reason, details)
}

// getPageImage serves a page scan under the access policy
// (access.PageImage: pii_reader), audited as a download.
func (s *Server) getPageImage(w http.ResponseWriter, r *http.Request) error {
	dec, err := decide(r, access.PageImage)
	if err != nil {
		return err
	}
	id, err := docID(r)
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 1 || n > 100_000 {
		return errNotFound("page")
	}
	img, err := s.cat.GetPageImage(r.Context(), id, domain.PageNo(n))
	if errors.Is(err, catalog.ErrNotFound) {
		return errNotFound("page")
	}
	if err != nil {
		return err
	}
	if err := s.auditView(r, dec, string(id), nil, map[string]string{"page": strconv.Itoa(n)}); err != nil {
		return err
	}
	w.Header().Set("Content-Type", http.DetectContentType(img))
	w.Header().Set("Content-Length", strconv.Itoa(len(img)))
	_, err = w.Write(img)
	return err
}

// postToken issues a token. Under auth.token_approval: second_admin a
// pii_reader, reviewer or admin token is created pending ("status":
// "pending") and works only once another admin approves it
// (approveToken). The audit entry names the issuer (its actor), the roles
// granted and the token's name.
func (s *Server) postToken(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Role string `json:"role"`
		Name string `json:"name"`
	}
	dec := json.NewDecoder(io.LimitReader(r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return errBadRequest("bad_json", "Nội dung phải là JSON {\"role\", \"name\"}", "body must be JSON {\"role\", \"name\"}")
	}
	role, err := auth.ParseRole(req.Role)
	if err != nil {
		return errBadRequest("bad_role", "Vai trò không hợp lệ: "+req.Role, "invalid role: "+req.Role)
	}
	tok, info, err := s.auth.Issue(r.Context(), principal(r), role, req.Name)
	if err != nil {
		return errBadRequest("bad_token_request", "Không tạo được mã truy cập: "+err.Error(), "cannot create token: "+err.Error())
	}
	if err := s.auditOrFail(r, "token_create", info.ID, "", auth.IssueAuditDetails(info)); err != nil {
		_ = s.auth.Revoke(r.Context(), info.ID)
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"token": tok, "id": info.ID, "role": info.Role, "name": info.Name,
		"status": tokenStatus(info)})
	return nil
}

func tokenStatus(t auth.TokenInfo) string {
	if t.Pending {
		return "pending"
	}
	return "active"
}

// approveToken makes a pending token usable: POST
// /api/v1/tokens/{id}/approve by an admin other than the one who asked
// for it (403 self_approval); 409 not_pending for a token that does not
// wait for approval.
func (s *Server) approveToken(w http.ResponseWriter, r *http.Request) error {
	info, err := s.auth.Approve(r.Context(), r.PathValue("id"), principal(r))
	switch {
	case errors.Is(err, auth.ErrNotFound):
		return errNotFound("token")
	case errors.Is(err, auth.ErrSelfApproval):
		return &apiError{http.StatusForbidden, "self_approval", "Không thể tự duyệt mã truy cập do chính mình yêu cầu; cần một quản trị viên khác",
			"a token cannot be approved by the admin who asked for it; another admin must approve it"}
	case errors.Is(err, auth.ErrNotPending):
		return &apiError{http.StatusConflict, "not_pending", "Mã truy cập này không chờ duyệt (đã dùng được hoặc đã thu hồi)",
			"this token is not waiting for approval (already usable, or revoked)"}
	case err != nil:
		return err
	}
	if err := s.auditOrFail(r, "token_approve", info.ID, "", auth.IssueAuditDetails(info)); err != nil {
		_ = s.auth.Revoke(r.Context(), info.ID)
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": info.ID, "role": info.Role, "name": info.Name, "status": tokenStatus(info),
		"requested_by": info.RequestedBy, "approved_by": info.ApprovedBy})
	return nil
}

func (s *Server) listTokens(w http.ResponseWriter, r *http.Request) error {
	list, err := s.auth.List(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"tokens": list})
	return nil
}

// deleteDocument purges a document (crypto-erasure); the admin must say why.
func (s *Server) deleteDocument(w http.ResponseWriter, r *http.Request) error {
	id, err := docID(r)
	if err != nil {
		return err
	}
	reason := strings.TrimSpace(r.URL.Query().Get("reason"))
	if reason == "" {
		return errBadRequest("reason_required", "Hãy ghi lý do xoá (?reason=...)", "give the reason for the erasure (?reason=...)")
	}
	if _, err := s.cat.GetDocument(r.Context(), id); errors.Is(err, catalog.ErrNotFound) {
		return errNotFound("document")
	}
	// Audit first: an erasure without a record of who asked must not happen.
	if err := s.auditOrFail(r, "purge", string(id), reason, nil); err != nil {
		return err
	}
	if err := s.pipe.Purge(r.Context(), s.keys, id); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": id, "purged": true})
	return nil
}

// postReindex rebuilds the search index from the blob store.
func (s *Server) postReindex(w http.ResponseWriter, r *http.Request) error {
	if err := s.auditOrFail(r, "reindex", "", "", nil); err != nil {
		return err
	}
	st, err := s.pipe.Reindex(r.Context(), nil)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

// getSearchCSV exports the hits of a search (up to 10,000) as CSV, under
// the access policy (access.CSV: public columns only, audited as an export).
func (s *Server) getSearchCSV(w http.ResponseWriter, r *http.Request) error {
	dec, err := decide(r, access.CSV)
	if err != nil {
		return err
	}
	q, _, _, lookups, err := s.parseSearch(r)
	if err != nil {
		return err
	}
	q.Offset, q.Size = 0, 100
	var hits []search.Hit
	for len(hits) < 10_000 {
		res, err := s.search.Search(r.Context(), q)
		if err != nil {
			return err
		}
		hits = append(hits, res.Hits...)
		if len(res.Hits) < q.Size || len(hits) >= res.Total {
			break
		}
		q.Offset += q.Size
	}
	details := audit.SearchDetails(q, lookups, map[string]string{"rows": strconv.Itoa(len(hits)), "format": "csv"})
	if err := s.auditView(r, dec, "", nil, details); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="sohoa-search.csv"`)
	return archive.WriteCSV(w, hits)
}
