package auth

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"time"
)

// Sign-in throttling.
//
// Wrong passwords are counted per (client, username) and per client; failed
// token sign-ins per client. Each count allows a few free attempts, after
// which every further attempt must wait twice as long as the one before
// (ThrottleConfig.BaseDelay, 2×, 4×, … up to MaxDelay). Nothing is ever
// locked for everyone: a username under attack from one address still signs
// in from another. The client is the connection's address (an IPv6 client
// by its /64), or the address a trusted proxy forwarded (ClientIP). The
// counts live in this process's memory.

// ThrottleConfig tunes sign-in throttling. Zero fields take the defaults.
type ThrottleConfig struct {
	// FreeFailures is how many wrong passwords a client may give for one
	// username before backoff starts. Default 5.
	FreeFailures int
	// ClientFailures is how many wrong passwords a client may give, all
	// usernames together, before backoff applies to all its password
	// sign-ins. Default 30.
	ClientFailures int
	// TokenFailures is how many unknown or wrong tokens a client may present
	// (API bearer tokens and the token sign-in form) before backoff applies
	// to its token sign-ins. Default 10.
	TokenFailures int
	// BaseDelay is the wait after the first failure beyond the free ones;
	// it doubles with each further failure. Default 1s.
	BaseDelay time.Duration
	// MaxDelay caps the wait. Default 5 minutes.
	MaxDelay time.Duration
	// Forget drops a count that had no failure for this long. Default 1
	// hour (at least 2×MaxDelay).
	Forget time.Duration
}

func (c *ThrottleConfig) defaults() {
	if c.FreeFailures <= 0 {
		c.FreeFailures = 5
	}
	if c.ClientFailures <= 0 {
		c.ClientFailures = 30
	}
	if c.TokenFailures <= 0 {
		c.TokenFailures = 10
	}
	if c.BaseDelay <= 0 {
		c.BaseDelay = time.Second
	}
	if c.MaxDelay <= 0 {
		c.MaxDelay = 5 * time.Minute
	}
	if c.MaxDelay < c.BaseDelay {
		c.MaxDelay = c.BaseDelay
	}
	if c.Forget <= 0 {
		c.Forget = time.Hour
	}
	c.Forget = max(c.Forget, 2*c.MaxDelay)
}

// ThrottledError refuses a sign-in made too soon after failures; it wraps
// ErrThrottled. Callers answer 429 with Retry-After.
type ThrottledError struct {
	// Wait is how long the client must wait before the next attempt.
	Wait time.Duration
}

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("auth: too many failed sign-ins from this client; try again in %s", e.Wait.Round(time.Second))
}

// Unwrap makes errors.Is(err, ErrThrottled) hold.
func (e *ThrottledError) Unwrap() error { return ErrThrottled }

// RetryAfter returns how long a throttled caller must wait, in whole seconds
// (at least 1), and whether err is a throttling error.
func RetryAfter(err error) (seconds int, ok bool) {
	var te *ThrottledError
	if !errors.As(err, &te) {
		return 0, false
	}
	return max(1, int((te.Wait+time.Second-1)/time.Second)), true
}

// maxThrottleEntries bounds the throttle's memory; beyond it, forgotten
// entries are dropped, then the entries whose last failure is oldest.
const maxThrottleEntries = 100_000

// throttle counts failures by key. Safe for concurrent use.
type throttle struct {
	cfg ThrottleConfig
	now func() time.Time

	mu sync.Mutex
	m  map[string]failures
}

// failures are a key's counted attempts and when the last one was counted.
type failures struct {
	n    int
	last time.Time
}

func newThrottle(cfg ThrottleConfig, now func() time.Time) *throttle {
	cfg.defaults()
	return &throttle{cfg: cfg, now: now, m: map[string]failures{}}
}

// delay is the wait imposed after n failures when free are allowed.
func (t *throttle) delay(n, free int) time.Duration {
	if n < free {
		return 0
	}
	d := t.cfg.BaseDelay
	for i := free; i < n && d < t.cfg.MaxDelay; i++ {
		d *= 2
	}
	return min(d, t.cfg.MaxDelay)
}

// waitLocked returns how long key must still wait, forgetting it when its
// failures are old.
func (t *throttle) waitLocked(key string, free int, now time.Time) time.Duration {
	f, ok := t.m[key]
	if !ok {
		return 0
	}
	if now.Sub(f.last) > t.cfg.Forget {
		delete(t.m, key)
		return 0
	}
	return max(0, f.last.Add(t.delay(f.n, free)).Sub(now))
}

// limit is one key and its free failures.
type limit struct {
	key  string
	free int
}

// take refuses the attempt with a *ThrottledError if any key must wait;
// else it counts the attempt as a failure for every key at once (so
// parallel attempts cannot all slip through), and the caller undoes that
// with forgive when the attempt succeeds.
func (t *throttle) take(keys ...limit) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	var wait time.Duration
	for _, k := range keys {
		wait = max(wait, t.waitLocked(k.key, k.free, now))
	}
	if wait > 0 {
		return &ThrottledError{Wait: wait}
	}
	for _, k := range keys {
		t.failLocked(k.key, now)
	}
	return nil
}

// check refuses with a *ThrottledError when key must wait, counting
// nothing.
func (t *throttle) check(k limit) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if wait := t.waitLocked(k.key, k.free, t.now()); wait > 0 {
		return &ThrottledError{Wait: wait}
	}
	return nil
}

// fail counts a failure for key.
func (t *throttle) fail(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.failLocked(key, t.now())
}

func (t *throttle) failLocked(key string, now time.Time) {
	if _, ok := t.m[key]; !ok && len(t.m) >= maxThrottleEntries {
		t.evictLocked(now)
	}
	f := t.m[key]
	if f.n > 0 && now.Sub(f.last) > t.cfg.Forget {
		f = failures{}
	}
	f.n++
	f.last = now
	t.m[key] = f
}

// evictLocked drops forgotten entries and, if that is not enough, the
// tenth of entries whose last failure is oldest.
func (t *throttle) evictLocked(now time.Time) {
	var oldest []time.Time
	for k, f := range t.m {
		if now.Sub(f.last) > t.cfg.Forget {
			delete(t.m, k)
		}
	}
	if len(t.m) < maxThrottleEntries {
		return
	}
	for _, f := range t.m {
		oldest = append(oldest, f.last)
	}
	slices.SortFunc(oldest, time.Time.Compare)
	cut := oldest[len(oldest)/10]
	for k, f := range t.m {
		if !f.last.After(cut) {
			delete(t.m, k)
		}
	}
}

// forgive undoes the failure take counted for key: reset drops the key's
// count, otherwise one failure is taken back.
func (t *throttle) forgive(key string, reset bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	f, ok := t.m[key]
	switch {
	case !ok:
	case reset || f.n <= 1:
		delete(t.m, key)
	default:
		f.n--
		t.m[key] = f
	}
}

// ClientIP returns the address r came from: r.RemoteAddr, or, when that is
// one of trusted (reverse proxies), the right-most X-Forwarded-For address
// that is not a trusted proxy. An IPv6 address is reduced to its /64, the
// unit one client usually controls. It returns "unknown" for an address it
// cannot parse.
func ClientIP(r *http.Request, trusted []netip.Prefix) string {
	addr, ok := parseAddr(r.RemoteAddr)
	if !ok {
		return "unknown"
	}
	if inAny(addr, trusted) {
		hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
		for i := len(hops) - 1; i >= 0; i-- {
			a, ok := parseAddr(strings.TrimSpace(hops[i]))
			if !ok {
				break
			}
			addr = a
			if !inAny(a, trusted) {
				break
			}
		}
	}
	if addr.Is6() && !addr.Is4In6() {
		p, _ := addr.Prefix(64)
		return p.String()
	}
	return addr.Unmap().String()
}

func parseAddr(s string) (netip.Addr, bool) {
	if host, _, err := net.SplitHostPort(s); err == nil {
		s = host
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, false
	}
	return a.WithZone("").Unmap(), true
}

func inAny(a netip.Addr, ps []netip.Prefix) bool {
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
