package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// ErrBadForm reports a malformed or truncated multipart upload, or a form
// field that is too long or not UTF-8.
var ErrBadForm = errors.New("malformed upload form")

// metaFields are the batch metadata fields an upload form may carry.
var metaFields = map[string]bool{"pipeline": true, "fonds": true, "dossier": true, "retention": true, "note": true}

// FormHooks let a front end take part in reading an upload form.
type FormHooks struct {
	// Field sees every form field other than the metadata (e.g. a CSRF token).
	Field func(name, value string)
	// BeforeFiles runs before the first file is read; an error refuses the upload.
	BeforeFiles func() error
}

// ReceiveMultipart streams a multipart/form-data upload into a new batch
// without holding more than one file in memory: metadata fields (pipeline,
// fonds, dossier, retention, note; at most 4 KiB of UTF-8 each) must come
// before the "file" parts. It returns the upload, not yet committed, and the
// number of files read (nil when there were none). Exceeding the request or
// batch limits gives an error wrapping ErrBatchTooLarge; a malformed form,
// ErrBadForm.
func (p *Pipeline) ReceiveMultipart(ctx context.Context, mr *multipart.Reader, uploader string, hooks FormHooks) (*Upload, int, error) {
	meta := map[string]string{}
	var up *Upload
	files := 0
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return up, files, nil
		}
		if err != nil {
			return nil, 0, formError(err)
		}
		name := part.FormName()
		if name != "file" {
			b, err := io.ReadAll(io.LimitReader(part, 4097))
			if err != nil {
				return nil, 0, formError(err)
			}
			if len(b) > 4096 || !utf8.Valid(b) {
				return nil, 0, fmt.Errorf("%w: field %s is too long or not UTF-8", ErrBadForm, name)
			}
			value := norm.NFC.String(strings.TrimSpace(string(b)))
			if metaFields[name] {
				meta[name] = value
			} else if hooks.Field != nil {
				hooks.Field(name, value)
			}
			continue
		}
		if part.FileName() == "" {
			continue // an empty file input
		}
		if up == nil {
			if hooks.BeforeFiles != nil {
				if err := hooks.BeforeFiles(); err != nil {
					return nil, 0, err
				}
			}
			up = p.NewUpload(BatchMeta{Uploader: uploader, Pipeline: meta["pipeline"], Fonds: meta["fonds"],
				Dossier: meta["dossier"], Retention: meta["retention"], Note: meta["note"]})
		}
		files++
		if err := up.Add(ctx, part.FileName(), part); err != nil {
			return nil, 0, formError(err)
		}
	}
}

// formError classifies an error met while reading an upload.
func formError(err error) error {
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return fmt.Errorf("%w: the request exceeds %d MiB", ErrBatchTooLarge, mbe.Limit>>20)
	case errors.Is(err, ErrBatchTooLarge), errors.Is(err, context.Canceled):
		return err
	case errors.Is(err, io.ErrUnexpectedEOF), strings.Contains(err.Error(), "multipart"):
		return fmt.Errorf("%w: %v", ErrBadForm, err)
	}
	return err
}

// Rejected counts the batch's rejected files so far.
func (u *Upload) Rejected() int {
	n := 0
	for _, it := range u.batch.Items {
		if it.Rejected != nil {
			n++
		}
	}
	return n
}

// ErrTooManyUploads is returned by UploadLimiter.Acquire when the uploader,
// or the server, already has as many uploads in flight as allowed.
var ErrTooManyUploads = errors.New("too many uploads in flight")

// UploadLimiter bounds the uploads in flight: per uploader (a token or a
// user) and overall, so that a few clients cannot hold every connection,
// disk stream and CPU of an API process. It is safe for concurrent use.
type UploadLimiter struct {
	perUploader, total int

	mu    sync.Mutex
	n     int
	byKey map[string]int
}

// NewUploadLimiter allows perUploader uploads in flight per uploader
// (default 2) and total overall (default 8); values below 1 take the
// defaults.
func NewUploadLimiter(perUploader, total int) *UploadLimiter {
	if perUploader < 1 {
		perUploader = 2
	}
	if total < 1 {
		total = 8
	}
	return &UploadLimiter{perUploader: perUploader, total: total, byKey: map[string]int{}}
}

// Acquire takes an upload slot for uploader, or fails with
// ErrTooManyUploads. Call release once the upload is over.
func (l *UploadLimiter) Acquire(uploader string) (release func(), err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.n >= l.total {
		return nil, fmt.Errorf("%w: %d on this server", ErrTooManyUploads, l.total)
	}
	if l.byKey[uploader] >= l.perUploader {
		return nil, fmt.Errorf("%w: %d for one uploader", ErrTooManyUploads, l.perUploader)
	}
	l.n++
	l.byKey[uploader]++
	var once sync.Once
	return func() {
		once.Do(func() {
			l.mu.Lock()
			defer l.mu.Unlock()
			l.n--
			if l.byKey[uploader]--; l.byKey[uploader] == 0 {
				delete(l.byKey, uploader)
			}
		})
	}, nil
}
