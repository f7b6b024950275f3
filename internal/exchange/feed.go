package exchange

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/sohoa/sohoa/internal/blob"
	"github.com/sohoa/sohoa/internal/catalog"
	"github.com/sohoa/sohoa/internal/domain"
)

// The feed is the ordered list of records partners can pull, kept in the
// blob store (the system of record) beside the catalog:
//
//	exchange/feed/<day>/<stamp>-<document>   one entry per published version
//	exchange/docs/<document>                 marker: the document's current entry
//
// <stamp> is the UTC publication time with nanoseconds, fixed width
// (20061125T185000.123456789Z), so the store's sorted List gives feed order
// and a cursor is simply the last entry's "<stamp>-<document>". Entries and
// markers hold only a document ID and times, never record content, so they
// are stored unsealed.
//
// Exactly-once delivery rests on three rules:
//
//  1. Settling: an entry is served only once it is older than Config.Settle.
//     Publication stamps the time just before the write, so any entry
//     whose stamp is older than Settle (longer than a blob write plus the
//     clock skew between machines) is already visible; an entry written
//     late by a concurrent publisher can therefore never land behind a
//     cursor a partner already holds.
//  2. The marker is authoritative: an entry whose document's marker names
//     another entry is stale (a crash between the entry and the marker,
//     or a newer version) and is skipped, so one version is served once.
//  3. Re-publishing the same version (same FinalizedAt) is a no-op, so
//     asynq's at-least-once delivery of the finalize task adds nothing.
//
// A record re-finalized by a staff retry is a new version: it is served
// again, once, at its new place in the feed.

const (
	feedPrefix   = "exchange/feed/"
	markerPrefix = "exchange/docs/"
	stampLayout  = "20060102T150405.000000000Z"
)

var cursorRe = regexp.MustCompile(`^[0-9]{8}T[0-9]{6}\.[0-9]{9}Z-[0-9a-f]{32}$`)

// ValidCursor reports whether c is empty (start of the feed) or a cursor
// this server issued.
func ValidCursor(c string) bool { return c == "" || cursorRe.MatchString(c) }

// FeedConfig configures a Feed. The zero value works.
type FeedConfig struct {
	// Settle is how old an entry must be before it is served; it must
	// exceed the longest blob write plus the clock skew between the
	// machines that publish. Default 10s.
	Settle time.Duration
}

// Feed publishes finished records for partners and lists them in order.
// It is safe for concurrent use, also from several processes sharing the
// store.
type Feed struct {
	store  blob.Store
	settle time.Duration
	now    func() time.Time
}

// NewFeed returns a feed kept in store.
func NewFeed(store blob.Store, cfg FeedConfig) *Feed {
	if cfg.Settle <= 0 {
		cfg.Settle = 10 * time.Second
	}
	return &Feed{store: store, settle: cfg.Settle, now: time.Now}
}

type marker struct {
	Entry       string    `json:"entry"` // cursor form: <stamp>-<document>
	FinalizedAt time.Time `json:"finalized_at"`
}

func entryKey(cursor string) string { return feedPrefix + cursor[:8] + "/" + cursor }

// Publish makes version finalizedAt of document id available to partners.
// Publishing the version already published does nothing. Call it after the
// record is stored, for documents whose status is done (see Sync).
func (f *Feed) Publish(ctx context.Context, id domain.DocumentID, finalizedAt time.Time) error {
	if !catalog.ValidDocumentID(string(id)) {
		return fmt.Errorf("exchange: publish: invalid document id %q", id)
	}
	old, err := f.marker(ctx, id)
	if err != nil {
		return err
	}
	if old != nil && old.FinalizedAt.Equal(finalizedAt) {
		return nil
	}
	cur := f.now().UTC().Format(stampLayout) + "-" + string(id)
	body, _ := json.Marshal(map[string]any{"document_id": id, "finalized_at": finalizedAt.UTC()})
	if err := f.store.Put(ctx, entryKey(cur), body); err != nil {
		return fmt.Errorf("exchange: publish %s: %w", id, err)
	}
	mb, _ := json.Marshal(marker{Entry: cur, FinalizedAt: finalizedAt.UTC()})
	if err := f.store.Put(ctx, markerPrefix+string(id), mb); err != nil {
		return fmt.Errorf("exchange: publish %s: %w", id, err)
	}
	if old != nil && cursorRe.MatchString(old.Entry) {
		// Only tidiness: a stale entry is skipped anyway.
		if err := f.store.Delete(ctx, entryKey(old.Entry)); err != nil {
			return fmt.Errorf("exchange: publish %s: drop old entry: %w", id, err)
		}
	}
	return nil
}

// Withdraw removes document id from the feed (e.g. quarantined on a
// retry). Partners that already received it keep what they have.
func (f *Feed) Withdraw(ctx context.Context, id domain.DocumentID) error {
	old, err := f.marker(ctx, id)
	if err != nil || old == nil {
		return err
	}
	if err := f.store.Delete(ctx, markerPrefix+string(id)); err != nil {
		return fmt.Errorf("exchange: withdraw %s: %w", id, err)
	}
	if cursorRe.MatchString(old.Entry) {
		if err := f.store.Delete(ctx, entryKey(old.Entry)); err != nil {
			return fmt.Errorf("exchange: withdraw %s: %w", id, err)
		}
	}
	return nil
}

// Sync publishes or withdraws a document after its finalize step: done
// documents are published, any other status (quarantined, failed) is
// withdrawn. This is the one call the finalize handler needs.
func (f *Feed) Sync(ctx context.Context, d *catalog.Document, r *catalog.Record) error {
	if d.Status == domain.DocDone && r != nil {
		return f.Publish(ctx, d.ID, r.FinalizedAt)
	}
	return f.Withdraw(ctx, d.ID)
}

// Backfill publishes every done document of the catalog that is not in
// the feed yet (for records finalized before the feed existed) and returns
// how many it published. It is idempotent.
func (f *Feed) Backfill(ctx context.Context, cat *catalog.Catalog) (int, error) {
	ids, err := cat.DocumentIDs(ctx)
	if err != nil {
		return 0, err
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	n := 0
	for _, id := range ids {
		d, err := cat.GetDocument(ctx, id)
		if err != nil {
			return n, err
		}
		if d.Status != domain.DocDone {
			continue
		}
		r, err := cat.GetRecord(ctx, id)
		if err != nil {
			return n, err
		}
		m, err := f.marker(ctx, id)
		if err != nil {
			return n, err
		}
		if m != nil && m.FinalizedAt.Equal(r.FinalizedAt) {
			continue
		}
		if err := f.Publish(ctx, id, r.FinalizedAt); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

func (f *Feed) marker(ctx context.Context, id domain.DocumentID) (*marker, error) {
	b, err := f.store.Get(ctx, markerPrefix+string(id))
	if errors.Is(err, blob.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("exchange: marker %s: %w", id, err)
	}
	var m marker
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("exchange: marker %s: %w", id, err)
	}
	return &m, nil
}

// entry is one feed entry, named by its cursor.
type entry struct {
	cursor string
	doc    domain.DocumentID
}

// settledAfter lists the settled entries after cursor, in order. Days
// before the cursor's are not listed.
func (f *Feed) settledAfter(ctx context.Context, cursor string) ([]entry, error) {
	horizon := f.now().UTC().Add(-f.settle).Format(stampLayout)
	var keys []string
	if cursor == "" {
		ks, err := f.store.List(ctx, feedPrefix)
		if err != nil {
			return nil, err
		}
		keys = ks
	} else {
		day, err := time.Parse("20060102", cursor[:8])
		if err != nil {
			return nil, err
		}
		last := f.now().UTC()
		if last.Sub(day) > 62*24*time.Hour {
			// Far behind: one listing of the whole feed beats many days.
			ks, err := f.store.List(ctx, feedPrefix)
			if err != nil {
				return nil, err
			}
			keys = ks
		} else {
			for d := day; !d.After(last); d = d.AddDate(0, 0, 1) {
				ks, err := f.store.List(ctx, feedPrefix+d.Format("20060102")+"/")
				if err != nil {
					return nil, err
				}
				keys = append(keys, ks...)
			}
		}
	}
	var out []entry
	for _, k := range keys {
		c := k[strings.LastIndex(k, "/")+1:]
		if !cursorRe.MatchString(c) || c <= cursor {
			continue
		}
		if c[:len(stampLayout)] > horizon {
			break // keys are sorted: everything after is newer still
		}
		out = append(out, entry{cursor: c, doc: domain.DocumentID(c[len(stampLayout)+1:])})
	}
	return out, nil
}

// current reports whether e is the document's current entry.
func (f *Feed) current(ctx context.Context, e entry) (bool, error) {
	m, err := f.marker(ctx, e.doc)
	if err != nil {
		return false, err
	}
	return m != nil && m.Entry == e.cursor, nil
}
