package web

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// limiter counts failed verification tries per client address in a sliding
// window, so order ids and postal codes can't be guessed in bulk. It lives
// in memory: each replica counts its own tries, and a restart forgives.
type limiter struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	keys   int
	fails  map[string][]time.Time // oldest first, at most max entries
}

func newLimiter(max int, window time.Duration, keys int) *limiter {
	return &limiter{max: max, window: window, keys: keys, fails: map[string][]time.Time{}}
}

// blocked reports whether addr has used up its tries at now, and for how
// long it must wait.
func (l *limiter) blocked(addr string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	recent := l.recent(addr, now)
	if len(recent) < l.max {
		return false, 0
	}
	return true, recent[0].Add(l.window).Sub(now)
}

// left is how many failed tries addr has before it is blocked.
func (l *limiter) left(addr string, now time.Time) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.max - len(l.recent(addr, now))
}

// fail records a failed try.
func (l *limiter) fail(addr string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	recent := l.recent(addr, now)
	if recent == nil && len(l.fails) >= l.keys {
		l.evict(now)
	}
	recent = append(recent, now)
	if len(recent) > l.max {
		recent = recent[len(recent)-l.max:]
	}
	l.fails[addr] = recent
}

// recent drops addr's tries older than the window.
func (l *limiter) recent(addr string, now time.Time) []time.Time {
	list := l.fails[addr]
	i := 0
	for i < len(list) && !now.Before(list[i].Add(l.window)) {
		i++
	}
	if i == len(list) {
		delete(l.fails, addr)
		return nil
	}
	if i > 0 {
		list = append(list[:0:0], list[i:]...)
		l.fails[addr] = list
	}
	return list
}

// evict keeps the map bounded: first every address whose tries have all
// expired, then, if that freed nothing, the address with the oldest latest
// try (its block ends soonest anyway).
func (l *limiter) evict(now time.Time) {
	var oldest string
	var oldestAt time.Time
	for addr, list := range l.fails {
		last := list[len(list)-1]
		if !now.Before(last.Add(l.window)) {
			delete(l.fails, addr)
			continue
		}
		if oldest == "" || last.Before(oldestAt) {
			oldest, oldestAt = addr, last
		}
	}
	if len(l.fails) >= l.keys && oldest != "" {
		delete(l.fails, oldest)
	}
}

func (l *limiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.fails)
}

// clientAddr is the connection's address. Behind a reverse proxy every
// buyer shares the proxy's address; trusting X-Forwarded-For would let
// anyone pick a fresh address per try, so it is not read.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
