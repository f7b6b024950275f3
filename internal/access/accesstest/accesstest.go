// Package accesstest helps test the views that decide through access: an
// auditor that records events as text, and a document with a field of
// each class.
package accesstest

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sohoa/sohoa/internal/auth"
	"github.com/sohoa/sohoa/internal/catalog"
	"github.com/sohoa/sohoa/internal/domain"
)

// Audit records audit events as "<role> <action> <object> <key>=<value>...
// reason=<reason>", with the details named in Keys, in that order, when
// they are set. It satisfies the auditors of api, web and archive.
type Audit struct {
	Keys   []string
	mu     sync.Mutex
	events []string
}

// Audit records one event.
func (a *Audit) Audit(_ context.Context, p auth.Principal, action, object, reason string, d map[string]string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	ev := []string{string(p.Role), action, object}
	for _, k := range a.Keys {
		if d[k] != "" {
			ev = append(ev, k+"="+d[k])
		}
	}
	if reason != "" {
		ev = append(ev, "reason="+reason)
	}
	a.events = append(a.events, strings.Join(ev, " "))
	return nil
}

// Take returns the events recorded since the last Take.
func (a *Audit) Take() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	ev := a.events
	a.events = nil
	return ev
}

// The values of the document Seed stores.
const (
	Issuer    = "UBND xã Tân Lập" // public
	Name      = "Trần Văn Bình"   // personal
	Ethnicity = "Khơ Mú"          // sensitive
)

// DocumentID is the document Seed stores.
const DocumentID = domain.DocumentID("0123456789abcdef0123456789abcdef")

// Seed stores a done one-page document whose record has a public issuer,
// a personal name and a sensitive ethnicity, with its page image and
// original. Its full text names the person but does not hold the
// ethnicity: a pii_reader sees the full text without a reason.
func Seed(t testing.TB, cat *catalog.Catalog) domain.DocumentID {
	t.Helper()
	ctx := context.Background()
	const batch = domain.BatchID("b20261125t100000abcdef")
	png := []byte("\x89PNG\r\n\x1a\n")
	for _, err := range []error{
		cat.PutDocument(ctx, &catalog.Document{ID: DocumentID, BatchID: batch, Name: "scan.png", Status: domain.DocDone, Pages: 1}),
		cat.PutRecord(ctx, &catalog.Record{DocumentID: DocumentID, BatchID: batch, Class: "birth_extract", Pages: 1,
			Fields: map[string]catalog.Field{
				"issuer":       {Value: Issuer, Sensitivity: domain.Public},
				"person_names": {Values: []string{Name}, Sensitivity: domain.Personal},
				"ethnicity":    {Value: Ethnicity, Sensitivity: domain.Sensitive},
			},
			Text: []string{Name + ", sinh năm 1990"}, Redacted: []string{"[person], sinh năm [năm]"}, FinalizedAt: time.Now()}),
		cat.PutPageImage(ctx, DocumentID, 1, png),
		cat.PutOriginal(ctx, DocumentID, png),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return DocumentID
}
