package catalog

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/sohoa/sohoa/internal/domain"
)

// Revision says how a version of a record came to be: who changed which
// fields (names only) when, and whether they verified the record.
type Revision struct {
	By       string    `json:"by"`
	ByName   string    `json:"by_name"`
	At       time.Time `json:"at"`
	Changed  []string  `json:"changed,omitempty"`
	Verified bool      `json:"verified,omitempty"`
}

// ConflictError refuses an update made against a stale version: the
// record is at Version, last changed by ByName at At.
type ConflictError struct {
	Version int
	ByName  string
	At      time.Time
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("catalog: record changed by %s at %s (now version %d)", e.ByName, e.At.Format(time.RFC3339), e.Version)
}

// CurrentVersion is the version number of r: records written before
// versions existed are version 1.
func (r *Record) CurrentVersion() int { return max(r.Version, 1) }

// ChangedBy returns who made the record's current version and when: the
// last reviewer, or "ocr" at FinalizedAt.
func (r *Record) ChangedBy() (string, time.Time) {
	if r.Revision != nil {
		return r.Revision.ByName, r.Revision.At
	}
	return SourceOCR, r.FinalizedAt
}

func versionKey(id domain.DocumentID, v int) string {
	return fmt.Sprintf("docs/%s/versions/%05d", id, v)
}
func versionKind(v int) string { return fmt.Sprintf("record-version-%d", v) }

// keepVersion stores record r as its version under versions/, sealed with
// the document's key, and returns its version number.
func (c *Catalog) keepVersion(ctx context.Context, r *Record) (int, error) {
	v := r.CurrentVersion()
	return v, c.putJSON(ctx, versionKey(r.DocumentID, v), string(r.DocumentID), versionKind(v), r)
}

// recordLocks serialise the updates of one record within this process.
var recordLocks [64]sync.Mutex

func recordLock(id domain.DocumentID) *sync.Mutex {
	h := fnv.New32a()
	h.Write([]byte(id))
	return &recordLocks[h.Sum32()%uint32(len(recordLocks))]
}

// UpdateRecord makes a new version of a document's record: it refuses
// with *ConflictError when the current version is not version, keeps the
// current version under versions/ (sealed with the document's key like
// the record, so a purge erases it too), lets change edit a copy, and
// stores the result as version+1. Updates of one record are serialised
// within this process; the version check refuses the stale one of two
// edits made from the same version.
func (c *Catalog) UpdateRecord(ctx context.Context, id domain.DocumentID, version int, change func(*Record) error) (*Record, error) {
	mu := recordLock(id)
	mu.Lock()
	defer mu.Unlock()
	cur, err := c.GetRecord(ctx, id)
	if err != nil {
		return nil, err
	}
	if v := cur.CurrentVersion(); version != v {
		by, at := cur.ChangedBy()
		return nil, &ConflictError{Version: v, ByName: by, At: at}
	}
	v, err := c.keepVersion(ctx, cur)
	if err != nil {
		return nil, err
	}
	next, err := c.GetRecord(ctx, id) // a copy change may edit freely
	if err != nil {
		return nil, err
	}
	if err := change(next); err != nil {
		return nil, err
	}
	next.Version = v + 1
	if err := c.PutRecord(ctx, next); err != nil {
		return nil, err
	}
	return next, nil
}

// RecordHistory returns every version of a document's record, oldest
// first, the current one last.
func (c *Catalog) RecordHistory(ctx context.Context, id domain.DocumentID) ([]*Record, error) {
	cur, err := c.GetRecord(ctx, id)
	if err != nil {
		return nil, err
	}
	keys, err := c.store.List(ctx, "docs/"+string(id)+"/versions/")
	if err != nil {
		return nil, err
	}
	var out []*Record
	for _, k := range keys {
		var n int
		if _, err := fmt.Sscanf(k[strings.LastIndex(k, "/")+1:], "%05d", &n); err != nil || n >= cur.CurrentVersion() {
			continue
		}
		var r Record
		if err := c.getJSON(ctx, k, string(id), versionKind(n), &r); err != nil {
			if errors.Is(err, ErrNotFound) {
				continue
			}
			return nil, err
		}
		r.Version = n
		out = append(out, &r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	cur.Version = cur.CurrentVersion()
	return append(out, cur), nil
}

// PutExtracted stores a record extraction made (again) for a document.
// When the document already has a record (a retry re-extracts it), that
// record is kept as a version and a reviewer's work carries over: fields a
// reviewer set keep the reviewer's value (and the first extracted value),
// and a verification stays. The new record is the next version, made by
// "ocr". A first extraction is version 1. prepare, when not nil, is called
// on the record last, before it is stored (to derive its blind tokens).
func (c *Catalog) PutExtracted(ctx context.Context, r *Record, prepare func(*Record)) error {
	mu := recordLock(r.DocumentID)
	mu.Lock()
	defer mu.Unlock()
	prev, err := c.GetRecord(ctx, r.DocumentID)
	switch {
	case errors.Is(err, ErrNotFound):
		r.Version, r.Revision = 0, nil
		if prepare != nil {
			prepare(r)
		}
		return c.PutRecord(ctx, r)
	case err != nil:
		return err
	}
	v, err := c.keepVersion(ctx, prev)
	if err != nil {
		return err
	}
	if r.Fields == nil {
		r.Fields = map[string]Field{}
	}
	for name, f := range prev.Fields {
		if f.Source == SourceReviewer {
			r.Fields[name] = f
		}
	}
	r.Verified = prev.Verified
	r.Version = v + 1
	r.Revision = &Revision{By: SourceOCR, ByName: SourceOCR, At: r.FinalizedAt}
	if prepare != nil {
		prepare(r)
	}
	return c.PutRecord(ctx, r)
}
