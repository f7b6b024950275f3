package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/hibiken/asynq"

	"github.com/sohoa/sohoa/internal/catalog"
	"github.com/sohoa/sohoa/internal/domain"
	"github.com/sohoa/sohoa/internal/pages"
	"github.com/sohoa/sohoa/internal/search"
)

// Reasons the readers give, as package child words them.
var (
	diedOpening = domain.Reject("reader_crashed", "Tệp hỏng: bộ đọc dừng khi mở tệp này",
		"damaged file: the reader stopped while opening this file", domain.ErrReaderDied)
	diedReading = domain.Reject("reader_crashed", "Ảnh trang hỏng: bộ đọc OCR dừng khi đọc trang này",
		"damaged page image: the reader stopped while reading this page", domain.ErrReaderDied)
	encrypted  = domain.Reject("encrypted_pdf", "Tệp PDF có mật khẩu", "the PDF is password-protected", nil)
	unreadable = domain.Reject("unreadable_image", "Ảnh trang không đọc được", "the page image cannot be decoded", nil)
	transient  = errors.New("read request: broken pipe")
)

// result is how a handler's error tells asynq to go on.
type result int

const (
	succeeded result = iota // nil: done
	retried                 // a plain error: asynq retries the task
	skipped                 // wraps asynq.SkipRetry: never retried
)

func (r result) String() string {
	return [...]string{"success", "a retried error", "a SkipRetry error"}[r]
}

func checkResult(t testing.TB, err error, want result) {
	t.Helper()
	got := succeeded
	switch {
	case errors.Is(err, asynq.SkipRetry):
		got = skipped
	case err != nil:
		got = retried
	}
	if got != want {
		t.Errorf("handler returned %v (err = %v), want %v", got, err, want)
	}
}

// wantTask is the task the pipeline enqueues for a stage.
func wantTask(t testing.TB, typ, id, queue string, timeout time.Duration, payload any) queued {
	t.Helper()
	b, err := json.Marshal(payload)
	if err != nil {
		t.Fatal(err)
	}
	return queued{Type: typ, ID: id, Queue: queue, MaxRetry: 5, Timeout: timeout, Payload: string(b)}
}

func wantFinalize(t testing.TB, d *catalog.Document) queued {
	return wantTask(t, TypeFinalize, fmt.Sprintf("finalize:%s:%d", d.ID, d.Attempt), QueueFinalize, 10*time.Minute,
		docTask{Doc: d.ID, Attempt: d.Attempt})
}

// donePages lists the pages Redis counts as finished for a document attempt.
func (f *fixture) donePages(t testing.TB, d *catalog.Document) []string {
	t.Helper()
	got, err := f.rdb.SMembers(context.Background(), pagesKey(d.ID, d.Attempt)).Result()
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestSplit(t *testing.T) {
	imgs := []pages.Image{
		{No: 1, Data: []byte("page one"), Format: "png", Width: 1700, Height: 2200, DPI: 200},
		{No: 2, Data: []byte("page two"), Format: "png", Width: 2200, Height: 1700, DPI: 300},
	}
	type step struct {
		open   error // what opening the document gives; nil opens it
		want   result
		status domain.DocStatus // the document's state after the step
	}
	tests := []struct {
		name        string
		stale       bool // the task belongs to an earlier attempt
		steps       []step
		wantOpened  int
		wantProblem *domain.Rejection
		wantOCR     []domain.PageNo          // pages given an OCR task, with their image stored
		wantFailed  map[domain.PageNo]string // pages failed at split, with their reason
		wantStrikes int
	}{
		{
			name:       "good document: one OCR task per page, an unextractable page fails alone",
			steps:      []step{{nil, succeeded, domain.DocProcessing}},
			wantOpened: 1, wantOCR: []domain.PageNo{1, 2}, wantFailed: map[domain.PageNo]string{3: unreadable.VI},
		},
		{
			name:       "rejected document",
			steps:      []step{{encrypted, skipped, domain.DocRejected}},
			wantOpened: 1, wantProblem: encrypted,
		},
		{
			name:       "reader died opening it once: retried",
			steps:      []step{{diedOpening, retried, domain.DocQueued}},
			wantOpened: 1, wantStrikes: 1,
		},
		{
			name:       "reader died opening it once, then opened",
			steps:      []step{{diedOpening, retried, domain.DocQueued}, {nil, succeeded, domain.DocProcessing}},
			wantOpened: 2, wantStrikes: 1, wantOCR: []domain.PageNo{1, 2}, wantFailed: map[domain.PageNo]string{3: unreadable.VI},
		},
		{
			name:       "reader died opening it twice: rejected with the reader's reason",
			steps:      []step{{diedOpening, retried, domain.DocQueued}, {diedOpening, skipped, domain.DocRejected}},
			wantOpened: 2, wantStrikes: 2, wantProblem: diedOpening,
		},
		{
			name:       "transient error opening it: retried, no strike",
			steps:      []step{{transient, retried, domain.DocQueued}},
			wantOpened: 1,
		},
		{
			name:  "task of an earlier attempt does nothing",
			stale: true, steps: []step{{nil, succeeded, domain.DocQueued}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			ctx := context.Background()
			d := f.addDocument(t, tc.name, 0)
			f.split.doc = &fakeDoc{pages: []fakePage{{img: imgs[0]}, {img: imgs[1]}, {err: unreadable}}}
			for _, s := range tc.steps {
				f.split.opens = append(f.split.opens, s.open)
			}
			task := docTask{Doc: d.ID, Attempt: d.Attempt}
			if tc.stale {
				task.Attempt--
			}
			for i, s := range tc.steps {
				checkResult(t, f.run(ctx, TypeSplit, task), s.want)
				if got := f.document(t, d.ID).Status; got != s.status {
					t.Errorf("after delivery %d: status %s, want %s", i+1, got, s.status)
				}
			}
			got := f.document(t, d.ID)
			if diff := cmp.Diff(tc.wantProblem, got.Problem, cmpopts.IgnoreFields(domain.Rejection{}, "Err")); diff != "" {
				t.Errorf("problem (-want +got):\n%s", diff)
			}
			if f.split.opened != tc.wantOpened {
				t.Errorf("document opened %d times, want %d", f.split.opened, tc.wantOpened)
			}
			var want []queued
			for _, n := range tc.wantOCR {
				img := imgs[n-1]
				want = append(want, wantTask(t, TypeOCR, fmt.Sprintf("ocr:%s:1:%d", d.ID, n), QueueOCR, 5*time.Minute,
					pageTask{Doc: d.ID, Attempt: 1, Page: n, Pages: 3, Width: img.Width, Height: img.Height, DPI: img.DPI}))
			}
			if diff := cmp.Diff(want, f.queue.tasks); diff != "" {
				t.Errorf("enqueued tasks (-want +got):\n%s", diff)
			}
			if len(tc.wantOCR) > 0 {
				if got.Pages != 3 {
					t.Errorf("document has %d pages, want 3", got.Pages)
				}
				if !f.split.doc.closed {
					t.Error("the opened document was not closed")
				}
			}
			var wantDone []string
			for n := domain.PageNo(1); n <= 3; n++ {
				img, err := f.cat.GetPageImage(ctx, d.ID, n)
				switch {
				case errors.Is(err, catalog.ErrNotFound):
					img = nil
				case err != nil:
					t.Fatal(err)
				}
				var wantImg []byte
				if int(n) <= len(tc.wantOCR) {
					wantImg = imgs[n-1].Data
				}
				if !bytes.Equal(img, wantImg) {
					t.Errorf("page %d image = %q, want %q", n, img, wantImg)
				}
				var reason string
				if pg := f.page(t, d.ID, n); pg != nil {
					reason = pg.Error
					if reason == "" {
						t.Errorf("page %d has a result without an error at split", n)
					}
				}
				if reason != tc.wantFailed[n] {
					t.Errorf("page %d failed with %q, want %q", n, reason, tc.wantFailed[n])
				}
				if tc.wantFailed[n] != "" {
					wantDone = append(wantDone, fmt.Sprint(n))
				}
			}
			if diff := cmp.Diff(wantDone, f.donePages(t, d), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("pages counted done (-want +got):\n%s", diff)
			}
			if got := f.strikes(t, d.ID, d.Attempt, 0); got != tc.wantStrikes {
				t.Errorf("%d strikes on opening the document, want %d", got, tc.wantStrikes)
			}
		})
	}
}

func TestSplitUnknownDocumentIsNotRetried(t *testing.T) {
	f := newFixture(t)
	checkResult(t, f.run(context.Background(), TypeSplit, docTask{Doc: "0123456789abcdef0123456789abcdef", Attempt: 1}), skipped)
	checkResult(t, f.mux.ProcessTask(context.Background(), asynq.NewTask(TypeSplit, []byte("{not json"))), skipped)
}

func TestOCR(t *testing.T) {
	good := domain.Page{Text: "QUYẾT ĐỊNH giao đất", Confidence: 88.5, OCRSeconds: 0.4,
		Words: []domain.Word{{Text: "QUYẾT", Conf: 90}, {Text: "ĐỊNH", Conf: 87}}}
	read := func(n domain.PageNo) *domain.Page {
		p := good
		p.No, p.Width, p.Height, p.DPI = n, 1700, 2200, 300
		return &p
	}
	failed := func(n domain.PageNo, reason string) *domain.Page { return &domain.Page{No: n, Error: reason} }
	type step struct {
		answer *answer // what the reader says; nil: it must not be asked
		last   bool    // the delivery is the task's last attempt
		want   result
	}
	var (
		reads   = &answer{page: good}
		dies    = &answer{err: diedReading}
		refuses = &answer{err: unreadable}
		fails   = &answer{err: transient}
	)
	tests := []struct {
		name      string
		pages     int           // pages of the document; the others than page are done before
		page      domain.PageNo // the page read
		pending   bool          // the other pages are not done yet
		noImage   bool          // the page image is missing from the store
		steps     []step
		wantPage  *domain.Page // nil: no result stored
		wantFinal bool         // the document's finalize task is enqueued
		wantReads []domain.ReadOptions
		wantStrks int
	}{
		{
			name: "last page read: stored, finalize enqueued", pages: 2, page: 2,
			steps:    []step{{reads, false, succeeded}},
			wantPage: read(2), wantFinal: true, wantReads: []domain.ReadOptions{{DPI: 300}},
		},
		{
			name: "first page read, second pending: stamps read, no finalize yet", pages: 2, page: 1, pending: true,
			steps:    []step{{reads, false, succeeded}},
			wantPage: read(1), wantReads: []domain.ReadOptions{{Marks: true, DPI: 300}},
		},
		{
			name: "reader died once: retried, nothing stored", pages: 2, page: 2,
			steps:     []step{{dies, false, retried}},
			wantReads: []domain.ReadOptions{{DPI: 300}}, wantStrks: 1,
		},
		{
			name: "reader died twice: page failed with the reader's reason, finalize enqueued", pages: 2, page: 2,
			steps:    []step{{dies, false, retried}, {dies, false, succeeded}},
			wantPage: failed(2, diedReading.VI), wantFinal: true,
			wantReads: []domain.ReadOptions{{DPI: 300}, {DPI: 300}}, wantStrks: 2,
		},
		{
			name: "reader died once, then read", pages: 2, page: 2,
			steps:    []step{{dies, false, retried}, {reads, false, succeeded}},
			wantPage: read(2), wantFinal: true,
			wantReads: []domain.ReadOptions{{DPI: 300}, {DPI: 300}}, wantStrks: 1,
		},
		{
			name: "reader died once on the last attempt: page failed, never left unfinished", pages: 2, page: 2,
			steps:    []step{{dies, true, succeeded}},
			wantPage: failed(2, diedReading.VI), wantFinal: true,
			wantReads: []domain.ReadOptions{{DPI: 300}}, wantStrks: 1,
		},
		{
			name: "unreadable image fails the page at once", pages: 2, page: 2,
			steps:    []step{{refuses, false, succeeded}},
			wantPage: failed(2, unreadable.VI), wantFinal: true, wantReads: []domain.ReadOptions{{DPI: 300}},
		},
		{
			name: "transient error: retried, nothing stored", pages: 2, page: 2,
			steps:     []step{{fails, false, retried}},
			wantReads: []domain.ReadOptions{{DPI: 300}},
		},
		{
			name: "transient error on the last attempt fails the page", pages: 2, page: 2,
			steps:    []step{{fails, true, succeeded}},
			wantPage: failed(2, "Lỗi khi nhận dạng trang (đã thử lại nhiều lần)"), wantFinal: true,
			wantReads: []domain.ReadOptions{{DPI: 300}},
		},
		{
			name: "duplicate delivery reuses the page read", pages: 2, page: 2,
			steps:    []step{{reads, false, succeeded}, {nil, false, succeeded}},
			wantPage: read(2), wantFinal: true, wantReads: []domain.ReadOptions{{DPI: 300}},
		},
		{
			name: "missing page image fails the page", pages: 1, page: 1, noImage: true,
			steps:    []step{{nil, false, succeeded}},
			wantPage: failed(1, "Không tìm thấy ảnh trang"), wantFinal: true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			ctx := context.Background()
			d := f.addDocument(t, tc.name, tc.pages)
			d.Status = domain.DocProcessing
			if err := f.cat.PutDocument(ctx, d); err != nil {
				t.Fatal(err)
			}
			if !tc.noImage {
				if err := f.cat.PutPageImage(ctx, d.ID, tc.page, []byte("image")); err != nil {
					t.Fatal(err)
				}
			}
			for n := domain.PageNo(1); int(n) <= tc.pages && !tc.pending; n++ {
				if n != tc.page {
					if err := f.p.finishPage(ctx, d.ID, d.Attempt, d.Pages, n, &domain.Page{No: n, Text: "earlier"}); err != nil {
						t.Fatal(err)
					}
				}
			}
			for _, s := range tc.steps {
				if s.answer != nil {
					f.ocr.answers = append(f.ocr.answers, *s.answer)
				}
			}
			task := pageTask{Doc: d.ID, Attempt: d.Attempt, Page: tc.page, Pages: tc.pages, Width: 1700, Height: 2200, DPI: 300}
			for _, s := range tc.steps {
				sctx := ctx
				if s.last {
					sctx = lastAttemptContext(t, f.redisURL)
				}
				checkResult(t, f.run(sctx, TypeOCR, task), s.want)
			}
			if diff := cmp.Diff(tc.wantPage, f.page(t, d.ID, tc.page), cmpopts.IgnoreFields(domain.Page{}, "DoneAt")); diff != "" {
				t.Errorf("stored page (-want +got):\n%s", diff)
			}
			var want []queued
			if tc.wantFinal {
				want = append(want, wantFinalize(t, d))
			}
			if diff := cmp.Diff(want, f.queue.ofType(TypeFinalize)); diff != "" {
				t.Errorf("finalize tasks (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantReads, f.ocr.reads); diff != "" {
				t.Errorf("reads (-want +got):\n%s", diff)
			}
			done := strings.Join(f.donePages(t, d), " ")
			if counted := strings.Contains(" "+done+" ", fmt.Sprintf(" %d ", tc.page)); counted != (tc.wantPage != nil) {
				t.Errorf("page %d counted done = %v (done: %q), want %v", tc.page, counted, done, tc.wantPage != nil)
			}
			if got := f.strikes(t, d.ID, d.Attempt, tc.page); got != tc.wantStrks {
				t.Errorf("%d strikes on page %d, want %d", got, tc.page, tc.wantStrks)
			}
		})
	}
}

func TestFinalize(t *testing.T) {
	good := domain.Page{No: 1, Width: 40, Height: 20, DPI: 300, Text: "QUYẾT ĐỊNH giao đất", Confidence: 88.5,
		Words: []domain.Word{{Text: "QUYẾT", Conf: 90}}}
	const cccd = "001085012345"
	type outcome int
	const (
		unchecked outcome = iota
		indexed
		deleted
	)
	tests := []struct {
		name           string
		pages          []domain.Page
		extraction     Extraction
		stale          bool
		noImage        domain.PageNo // a page that failed in the split, with no image stored
		wantStatus     domain.DocStatus
		wantProblem    *domain.Rejection
		wantPageErrors map[domain.PageNo]string
		wantPDF        bool
		wantAudit      []audited
		wantIndex      outcome // what the enqueued index task does
	}{
		{
			name:       "every page failed: failed, saying why page 1 did",
			pages:      []domain.Page{{No: 1, Error: diedReading.VI}, {No: 2, Error: unreadable.VI}},
			wantStatus: domain.DocFailed,
			wantProblem: &domain.Rejection{Code: "no_readable_page",
				VI: "Không trang nào đọc được (trang 1: " + diedReading.VI + ")",
				EN: "no page could be read (page 1: " + diedReading.VI + ")"},
			wantPageErrors: map[domain.PageNo]string{1: diedReading.VI, 2: unreadable.VI},
		},
		{
			name:  "secrecy stamp: quarantined, audited, the index task deletes",
			pages: []domain.Page{good},
			extraction: Extraction{Class: "decision", Secrecy: "MẬT",
				QuarantineReason: "Tài liệu có dấu MẬT: không xử lý tự động"},
			wantStatus: domain.DocQuarantined,
			wantProblem: &domain.Rejection{Code: "secret_document", VI: "Tài liệu có dấu MẬT: không xử lý tự động",
				EN: "document carries a state-secret stamp (MẬT): quarantined, not indexed"},
			wantIndex: deleted,
		},
		{
			name:  "one page read: done with its PDF/A, failed page listed, indexed",
			pages: []domain.Page{good, {No: 2, Error: unreadable.VI}},
			extraction: Extraction{Class: "decision", Fields: map[string]catalog.Field{
				"issuer": {Value: "UBND tỉnh Cà Mau", Sensitivity: domain.Public},
				"cccd":   {Value: cccd, Sensitivity: domain.Personal},
			}},
			wantStatus: domain.DocDone, wantPDF: true,
			wantPageErrors: map[domain.PageNo]string{2: unreadable.VI},
			wantIndex:      indexed,
		},
		{
			name:    "a page that failed in the split has no image: done, the PDF/A without it",
			pages:   []domain.Page{good, {No: 2, Error: diedReading.VI}},
			noImage: 2,
			extraction: Extraction{Class: "decision", Fields: map[string]catalog.Field{
				"issuer": {Value: "UBND tỉnh Cà Mau", Sensitivity: domain.Public},
				"cccd":   {Value: cccd, Sensitivity: domain.Personal},
			}},
			wantStatus: domain.DocDone, wantPDF: true,
			wantPageErrors: map[domain.PageNo]string{2: diedReading.VI},
			wantIndex:      indexed,
		},
		{
			name: "task of an earlier attempt does nothing", stale: true,
			pages:      []domain.Page{good},
			wantStatus: domain.DocProcessing,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			ctx := context.Background()
			d := f.addDocument(t, tc.name, len(tc.pages))
			d.Status = domain.DocProcessing
			if err := f.cat.PutDocument(ctx, d); err != nil {
				t.Fatal(err)
			}
			for _, pg := range tc.pages {
				if pg.No != tc.noImage {
					if err := f.cat.PutPageImage(ctx, d.ID, pg.No, pngPage(t)); err != nil {
						t.Fatal(err)
					}
				}
				if err := f.cat.PutPage(ctx, d.ID, &pg); err != nil {
					t.Fatal(err)
				}
			}
			// An earlier copy in the index, which a quarantine must remove.
			if err := f.index.Index(ctx, search.Record{ID: string(d.ID)}); err != nil {
				t.Fatal(err)
			}
			f.extraction = tc.extraction
			task := docTask{Doc: d.ID, Attempt: d.Attempt}
			if tc.stale {
				task.Attempt--
			}
			checkResult(t, f.run(ctx, TypeFinalize, task), succeeded)

			got := f.document(t, d.ID)
			if got.Status != tc.wantStatus {
				t.Errorf("status %s, want %s", got.Status, tc.wantStatus)
			}
			if diff := cmp.Diff(tc.wantProblem, got.Problem, cmpopts.IgnoreFields(domain.Rejection{}, "Err")); diff != "" {
				t.Errorf("problem (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantPageErrors, got.PageErrors); diff != "" {
				t.Errorf("page errors (-want +got):\n%s", diff)
			}
			pdf, err := f.cat.GetPDF(ctx, d.ID)
			if err != nil && !errors.Is(err, catalog.ErrNotFound) {
				t.Fatal(err)
			}
			if has := bytes.HasPrefix(pdf, []byte("%PDF-")); has != tc.wantPDF {
				t.Errorf("PDF/A stored = %v, want %v", has, tc.wantPDF)
			}
			var wantAudit []audited
			if tc.wantStatus == domain.DocQuarantined {
				wantAudit = []audited{{"quarantine", string(d.ID), map[string]string{"secrecy": tc.extraction.Secrecy}}}
			}
			if diff := cmp.Diff(wantAudit, f.audit.events); diff != "" {
				t.Errorf("audit (-want +got):\n%s", diff)
			}
			var wantIndexTasks []queued
			if !tc.stale {
				wantIndexTasks = append(wantIndexTasks, wantTask(t, TypeIndex, fmt.Sprintf("index:%s:1", d.ID), QueueIndex,
					5*time.Minute, docTask{Doc: d.ID, Attempt: 1}))
			}
			if diff := cmp.Diff(wantIndexTasks, f.queue.ofType(TypeIndex)); diff != "" {
				t.Errorf("index tasks (-want +got):\n%s", diff)
			}
			if tc.stale {
				if len(f.extracted) > 0 {
					t.Error("a stale finalize task ran extraction")
				}
				return
			}
			rec, err := f.cat.GetRecord(ctx, d.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(f.extracted) != len(tc.pages) {
				t.Errorf("extraction got %d pages, want %d", len(f.extracted), len(tc.pages))
			}
			if tc.wantStatus == domain.DocDone {
				if rec.Confidence != good.Confidence {
					t.Errorf("record confidence %v, want the mean of the read pages, %v", rec.Confidence, good.Confidence)
				}
				if diff := cmp.Diff([]string{f.vault.Blind("cccd", cccd)}, rec.Blind); diff != "" {
					t.Errorf("blind tokens (-want +got):\n%s", diff)
				}
			}

			f.drain(t)
			_, inIndex := f.index.records[string(d.ID)]
			switch tc.wantIndex {
			case indexed:
				if !inIndex || len(f.index.deleted) > 0 {
					t.Errorf("after the index task: in the index %v, deleted %q; want indexed", inIndex, f.index.deleted)
				}
			case deleted:
				if inIndex || !cmp.Equal(f.index.deleted, []string{string(d.ID)}) {
					t.Errorf("after the index task: in the index %v, deleted %q; want deleted", inIndex, f.index.deleted)
				}
			}
		})
	}
}

func TestIndex(t *testing.T) {
	const (
		name = "Nguyễn Văn An"
		cccd = "001085012345"
	)
	rec := &catalog.Record{Pipeline: "land", Class: "decision", Title: "Quyết định giao đất", Pages: 1,
		Fields: map[string]catalog.Field{
			"issuer":       {Value: "UBND tỉnh Cà Mau", Sensitivity: domain.Public},
			"issued_date":  {Value: "2023-05-04", Sensitivity: domain.Public},
			"doc_type":     {Value: "Quyết định", Sensitivity: domain.Public},
			"cccd":         {Value: cccd, Sensitivity: domain.Personal},
			"person_names": {Values: []string{name}, Sensitivity: domain.Personal},
		},
		Text:     []string{"Giao đất cho ông " + name + ", CCCD " + cccd},
		Redacted: []string{"Giao đất cho ông [HỌ TÊN], CCCD [CCCD]"},
		Blind:    []string{"cccd:token"},
	}
	tests := []struct {
		name        string
		status      domain.DocStatus
		noRecord    bool
		stale       bool
		want        result
		wantRecord  *search.Record
		wantDeleted bool
	}{
		{
			name: "done document: public fields and redacted text only", status: domain.DocDone, want: succeeded,
			wantRecord: &search.Record{BatchID: "b1", Title: "Quyết định giao đất", DocType: "Quyết định", Class: "decision", Pipeline: "land",
				Issuer: "UBND tỉnh Cà Mau", IssuedDate: time.Date(2023, 5, 4, 0, 0, 0, 0, time.UTC), Pages: 1,
				Text:   "Giao đất cho ông [HỌ TÊN], CCCD [CCCD]",
				Fields: map[string][]string{"issuer": {"UBND tỉnh Cà Mau"}, "issued_date": {"2023-05-04"}, "doc_type": {"Quyết định"}},
				Blind:  []string{"cccd:token"}},
		},
		{name: "quarantined document: deleted from the index", status: domain.DocQuarantined, want: succeeded, wantDeleted: true},
		{name: "done document whose record is missing: retried", status: domain.DocDone, noRecord: true, want: retried},
		{name: "task of an earlier attempt does nothing", status: domain.DocDone, stale: true, want: succeeded},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			ctx := context.Background()
			d := f.addDocument(t, tc.name, 1)
			d.Status = tc.status
			if err := f.cat.PutDocument(ctx, d); err != nil {
				t.Fatal(err)
			}
			if !tc.noRecord {
				r := *rec
				r.DocumentID, r.BatchID = d.ID, d.BatchID
				if err := f.cat.PutRecord(ctx, &r); err != nil {
					t.Fatal(err)
				}
			}
			task := docTask{Doc: d.ID, Attempt: d.Attempt}
			if tc.stale {
				task.Attempt--
			}
			checkResult(t, f.run(ctx, TypeIndex, task), tc.want)
			var got *search.Record
			if r, ok := f.index.records[string(d.ID)]; ok {
				got = &r
			}
			var want *search.Record
			if tc.wantRecord != nil {
				w := *tc.wantRecord
				w.ID = string(d.ID)
				want = &w
			}
			if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(search.Record{}, "IndexedAt")); diff != "" {
				t.Errorf("indexed record (-want +got):\n%s", diff)
			}
			if got != nil {
				b, err := json.Marshal(got)
				if err != nil {
					t.Fatal(err)
				}
				for _, v := range []string{name, cccd} {
					if bytes.Contains(b, []byte(v)) {
						t.Errorf("the indexed record holds the personal value %q: %s", v, b)
					}
				}
			}
			var wantDeleted []string
			if tc.wantDeleted {
				wantDeleted = []string{string(d.ID)}
			}
			if diff := cmp.Diff(wantDeleted, f.index.deleted); diff != "" {
				t.Errorf("deleted from the index (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDocumentFlow runs a document through every stage, delivering each
// task again after a retried error as asynq would: a page that kills the
// reader twice fails, a page with a passing error is read on its retry, and
// the document ends done and searchable.
func TestDocumentFlow(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	d := f.addDocument(t, "flow", 0)
	var doc fakeDoc
	for n := 1; n <= 3; n++ {
		doc.pages = append(doc.pages, fakePage{img: pages.Image{No: domain.PageNo(n), Data: pngPage(t), Width: 40, Height: 20, DPI: 300}})
	}
	f.split.doc = &doc
	page := func(text string) answer { return answer{page: domain.Page{Text: text, Confidence: 90}} }
	f.ocr.answers = []answer{page("trang một"), {err: diedReading}, {err: diedReading}, {err: transient}, page("trang ba")}
	if err := f.p.enqueueSplit(ctx, d.ID, d.Attempt); err != nil {
		t.Fatal(err)
	}
	f.drain(t)

	got := f.document(t, d.ID)
	if got.Status != domain.DocDone {
		t.Errorf("status %s (problem %v), want done", got.Status, got.Problem)
	}
	if diff := cmp.Diff(map[domain.PageNo]string{2: diedReading.VI}, got.PageErrors); diff != "" {
		t.Errorf("page errors (-want +got):\n%s", diff)
	}
	if len(f.ocr.answers) != 0 {
		t.Errorf("%d scripted reads left unread", len(f.ocr.answers))
	}
	if _, ok := f.index.records[string(d.ID)]; !ok {
		t.Error("the document was not indexed")
	}
	rec, err := f.cat.GetRecord(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"trang một", "", "trang ba"}, rec.Text); diff != "" {
		t.Errorf("record text (-want +got):\n%s", diff)
	}
}

// TestRetryAfterRedisLostItsState: a staff retry after Redis lost every
// task resumes what was unfinished (split again, reusing pages read) and
// queues the index task of finished documents again, since a record in the
// blob store whose index task was lost would otherwise never be searchable.
// While the tasks still exist, the retry changes nothing.
func TestRetryAfterRedisLostItsState(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	done := f.addDocument(t, "done.pdf", 1)
	done.Status = domain.DocDone
	open := f.addDocument(t, "open.pdf", 2)
	open.Status = domain.DocProcessing
	for _, d := range []*catalog.Document{done, open} {
		if err := f.cat.PutDocument(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	b := &catalog.Batch{ID: "b1", Items: []catalog.Item{{Name: "done.pdf", DocumentID: done.ID}, {Name: "open.pdf", DocumentID: open.ID}}}
	if err := f.cat.PutBatch(ctx, b); err != nil {
		t.Fatal(err)
	}
	for round := 1; round <= 2; round++ {
		n, err := f.p.Retry(ctx, AllBatches, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("round %d: %d documents resumed, want 1 (the unfinished one)", round, n)
		}
		splits, indexes := f.queue.ofType(TypeSplit), f.queue.ofType(TypeIndex)
		if len(splits) != 1 || splits[0].ID != fmt.Sprintf("split:%s:%d", open.ID, open.Attempt) {
			t.Errorf("round %d: split tasks %+v, want one for the unfinished document's attempt", round, splits)
		}
		if len(indexes) != 1 || indexes[0].ID != fmt.Sprintf("index:%s:%d", done.ID, done.Attempt) {
			t.Errorf("round %d: index tasks %+v, want one for the finished document", round, indexes)
		}
		if got := f.document(t, done.ID); got.Status != domain.DocDone || got.Attempt != done.Attempt {
			t.Errorf("round %d: the finished document became %s attempt %d", round, got.Status, got.Attempt)
		}
	}
}
