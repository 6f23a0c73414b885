package web

import (
	"fmt"
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	start := time.Date(2026, 11, 18, 15, 0, 0, 0, time.UTC)
	t.Run("blocks_after_max_failures_in_window", func(t *testing.T) {
		l := newLimiter(5, 15*time.Minute, 100)
		for i := range 5 {
			if blocked, _ := l.blocked("a", start); blocked {
				t.Fatalf("blocked after %d failures", i)
			}
			l.fail("a", start.Add(time.Duration(i)*time.Minute))
		}
		now := start.Add(5 * time.Minute)
		if blocked, wait := l.blocked("a", now); !blocked || wait != 10*time.Minute {
			t.Fatalf("blocked %v, wait %s", blocked, wait)
		}
		// The window slides: the oldest failure ages out first.
		if blocked, _ := l.blocked("a", start.Add(15*time.Minute)); blocked {
			t.Fatal("still blocked once the first failure is 15 minutes old")
		}
		if blocked, _ := l.blocked("b", now); blocked {
			t.Fatal("another address is blocked")
		}
	})
	t.Run("map_stays_bounded", func(t *testing.T) {
		l := newLimiter(5, 15*time.Minute, 50)
		for i := range 1000 {
			l.fail(fmt.Sprintf("10.0.%d.%d", i/256, i%256), start.Add(time.Duration(i)*time.Second))
		}
		if n := l.size(); n > 50 {
			t.Fatalf("%d addresses kept, at most 50", n)
		}
		// The newest address is among those kept.
		l.fail("10.0.3.231", start.Add(1000*time.Second))
		if len(l.fails["10.0.3.231"]) != 2 {
			t.Fatalf("newest address lost its count: %v", l.fails["10.0.3.231"])
		}
	})
	t.Run("expired_addresses_evicted_first", func(t *testing.T) {
		l := newLimiter(5, 15*time.Minute, 3)
		l.fail("old1", start)
		l.fail("old2", start)
		l.fail("recent", start.Add(10*time.Minute))
		l.fail("new", start.Add(20*time.Minute))
		if _, ok := l.fails["recent"]; !ok || l.size() != 2 {
			t.Fatalf("kept %v", l.fails)
		}
	})
}
