package enginetest

import (
	"context"
	"errors"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// testBacklogAndInboxCounts: the readings behind the metrics follow
// delivery and the buyers' deadlines.
func testBacklogAndInboxCounts(f *Fixture) {
	ctx := context.Background()
	backlog := func(name string) core.Backlog {
		f.T.Helper()
		b, err := f.Engine.Backlog(ctx, name)
		if err != nil {
			f.T.Fatalf("Backlog(%s): %v", name, err)
		}
		return b
	}
	inbox := func() core.InboxCounts {
		f.T.Helper()
		c, err := f.Engine.InboxCounts(ctx)
		if err != nil {
			f.T.Fatalf("InboxCounts: %v", err)
		}
		return c
	}
	if b := backlog("never-seen"); b != (core.Backlog{}) {
		f.T.Fatalf("a sink not seen before: %+v, want nothing pending", b)
	}
	s := newSink("slack")
	f.wantRound(s, 0, caughtUp) // the sink starts here
	first := f.buyerMessage("buyer-1")
	at := f.Clock.Now()
	f.Clock.Advance(time.Minute)
	f.lowStock("SKU-M")
	if b := backlog("slack"); b.Pending != 2 || !b.Oldest.Equal(at) || b.Attempts != 0 {
		f.T.Fatalf("two waiting: %+v, want 2 pending since %v", b, at)
	}
	s.failNext(first, errors.New("platform down"))
	f.deliver(s)
	if b := backlog("slack"); b.Pending != 2 || b.Attempts != 1 {
		f.T.Fatalf("after a failure: %+v, want 2 pending, 1 attempt", b)
	}
	f.Clock.Advance(time.Hour)
	for range 3 {
		f.deliver(s)
	}
	if b := backlog("slack"); b != (core.Backlog{}) {
		f.T.Fatalf("all delivered: %+v", b)
	}

	if c := inbox(); c != (core.InboxCounts{}) {
		f.T.Fatalf("a fresh wait (24 h left): %+v, want nothing due", c)
	}
	f.Clock.Advance(13 * time.Hour)  // buyer-1: under 12 h left, due
	f.buyerSays("buyer-2", "hello?") // 24 h left
	if c := inbox(); c.Due != 1 || c.Overdue != 0 {
		f.T.Fatalf("one under 12 h: %+v", c)
	}
	f.Clock.Advance(13 * time.Hour) // buyer-1 past the deadline, buyer-2 due
	if c := inbox(); c.Due != 1 || c.Overdue != 1 {
		f.T.Fatalf("one overdue, one due: %+v", c)
	}
}
