package enginetest

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// Limits that keep one buyer, or many addresses at once, from wearing out
// the help channels: failed verifications per order, and buyer messages per
// conversation. Both are rules of the engine, so they hold on every channel.

// testVerifyOrderLimit: 30 wrong postal codes from 6 addresses used to be
// allowed, and a 7th address then verified. Now an order takes 10 failures
// an hour from all clients together; then even the right answer waits.
func testVerifyOrderLimit(f *Fixture) {
	f.verifyOrder()
	const otherOrder = "111-0000014-0000002"
	f.importOrders(order(otherOrder, time.Hour))
	e := f.Engine
	// Five addresses, two wrong postal codes each, a minute apart: no
	// address comes near its own limit of five.
	for i := range 10 {
		client := fmt.Sprintf("web:198.51.100.%d", 1+i/2)
		want := map[int]string{7: "You can try 2 more times before a 60-minute wait.", 8: "You can try 1 more time before a 60-minute wait."}[i]
		f.verifyMiss(e, client, verifyOrderID, "10001", want)
		f.Clock.Advance(time.Minute)
	}
	orderKey := "order:" + verifyOrderID
	if n := f.verifyFailures(orderKey); n != 10 {
		f.T.Fatalf("%d failures counted for the order, want 10", n)
	}
	// A sixth address, and a Discord user, with the right email: refused
	// until the first failure is an hour old, and told when to come back.
	want := "Order " + verifyOrderID + " has had too many wrong tries, so to keep it safe it can't be verified for now. Please try again in 50 minutes."
	f.verifyBlocked(e, "web:203.0.113.77", 50*time.Minute, want)
	f.verifyBlocked(e, discordClient, 50*time.Minute, want)
	if n := f.verifyFailures(orderKey); n != 10 {
		f.T.Fatalf("refused tries were counted: %d failures for the order", n)
	}
	// The lock is the order's alone: the same client verifies another.
	if o, err := e.VerifyBuyer(context.Background(), discordClient, otherOrder, verifyEmail); err != nil || o.ID != otherOrder {
		f.T.Fatalf("another order: %v, %v", o, err)
	}
	// An order id written with spaces around it is the same order.
	if _, err := e.VerifyBuyer(context.Background(), discordClient, " "+verifyOrderID+" ", verifyEmail); core.ErrorCode(err) != core.RateLimited {
		f.T.Fatalf("the order id with spaces got past the lock: %v", err)
	}
	// Once the oldest failure leaves the hour, one try is allowed again.
	f.Clock.Advance(50 * time.Minute)
	f.verifyOK(e, discordClient)
}

// testVerifyOrderLimitUnknownOrders: an order id that names no order is
// locked the same way, so the lock tells nobody which ids exist; an id that
// can't be an order id counts against the client only.
func testVerifyOrderLimitUnknownOrders(f *Fixture) {
	f.verifyOrder()
	p := core.DefaultPolicy()
	p.VerifyOrderTries, p.VerifyOrderWindow = 2, 10*time.Minute
	e := core.NewEngine(f.Store, core.Options{Clock: f.Clock, IDs: &SeqIDs{}, Policy: &p})
	ctx := context.Background()
	for _, id := range []string{verifyOrderID, "111-0000014-9999999"} {
		f.verifyMiss(e, "web:192.0.2.1", id, "10001", "You can try 1 more time before a 10-minute wait.")
		f.verifyMiss(e, "web:192.0.2.2", id, "10001", "")
		_, err := e.VerifyBuyer(ctx, "web:192.0.2.3", id, verifyEmail)
		if core.ErrorCode(err) != core.RateLimited || core.ErrorWait(err) != 10*time.Minute ||
			core.ErrorMessage(err) != "Order "+id+" has had too many wrong tries, so to keep it safe it can't be verified for now. Please try again in 10 minutes." {
			f.T.Fatalf("%s: %v (wait %s)", id, err, core.ErrorWait(err))
		}
	}
	for range 2 {
		f.verifyMiss(e, "web:192.0.2.4", "not an order", verifyEmail, "")
	}
	if n := f.verifyFailures("order:not an order"); n != 0 {
		f.T.Fatalf("a malformed id was counted as an order: %d", n)
	}
	// No client may pass itself off as an order's count.
	if _, err := e.VerifyBuyer(ctx, "order:"+verifyOrderID, verifyOrderID, verifyEmail); core.ErrorCode(err) != core.Internal {
		f.T.Fatalf("a client key in the orders' space: %v, want internal", err)
	}
	// ForgetOld keeps what the longer window (the order's hour by
	// default) still counts.
	f.Clock.Advance(59 * time.Minute)
	if got, err := f.Engine.ForgetOld(ctx); err != nil || got.VerifyFailures != 0 {
		f.T.Fatalf("ForgetOld within the hour: %+v, %v; want nothing forgotten", got, err)
	}
	f.Clock.Advance(time.Minute + time.Second)
	if got, err := f.Engine.ForgetOld(ctx); err != nil || got.VerifyFailures != 10 {
		// 2 + 2 + 2 client failures and 2 + 2 for the two orders (the
		// locked tries were not counted)
		f.T.Fatalf("ForgetOld after the hour: %+v, %v; want 10 failures forgotten", got, err)
	}
}

func (f *Fixture) buyerWrites(key, channel, text string) (*core.Conversation, error) {
	return f.Engine.BuyerMessage(context.Background(), core.BuyerMessageIn{Channel: channel, BuyerKey: key, Text: text})
}

// testBuyerMessageLimit: 30 posts in half a second used to be accepted.
// A conversation takes 10 buyer messages a minute; the 11th is refused,
// changing nothing, with the wait.
func testBuyerMessageLimit(f *Fixture) {
	for i := range 10 {
		if _, err := f.buyerWrites("order:A", "web", fmt.Sprintf("message %d", i)); err != nil {
			f.T.Fatalf("message %d: %v", i, err)
		}
		f.Clock.Advance(time.Second)
	}
	before := f.snapshot()
	_, err := f.buyerWrites("order:A", "web", "one too many")
	const want = "You have sent 10 messages in the last minute, the most we take in that time; your earlier messages have all reached us. Please wait 50 seconds, then send this one again."
	if core.ErrorCode(err) != core.RateLimited || core.ErrorWait(err) != 50*time.Second || core.ErrorMessage(err) != want {
		f.T.Fatalf("11th message: %v (code %s, wait %s)", err, core.ErrorCode(err), core.ErrorWait(err))
	}
	if !equalSnapshots(before, f.snapshot()) {
		f.T.Fatal("a refused buyer message changed the store")
	}
	// Another buyer, on another channel, is not held back.
	if _, err := f.buyerWrites("discord:80351110224678912", "discord", "hello"); err != nil {
		f.T.Fatalf("another buyer: %v", err)
	}
	// The window slides: once the first message is a minute old, one more.
	f.Clock.Advance(50 * time.Second)
	if _, err := f.buyerWrites("order:A", "web", "one too many"); err != nil {
		f.T.Fatalf("after the wait: %v", err)
	}
	if _, err := f.buyerWrites("order:A", "web", "and another"); core.ErrorCode(err) != core.RateLimited || core.ErrorWait(err) != time.Second {
		f.T.Fatalf("next at once: %v (wait %s)", err, core.ErrorWait(err))
	}

	// The limit comes from the policy; a wait over a minute is in minutes.
	p := core.DefaultPolicy()
	p.BuyerMessageLimit, p.BuyerMessageWindow = 2, 10*time.Minute
	strict := core.NewEngine(f.Store, core.Options{Clock: f.Clock, IDs: &SeqIDs{n: 1000}, Policy: &p})
	in := core.BuyerMessageIn{Channel: "discord", BuyerKey: "discord:1", Text: "hi"}
	for range 2 {
		if _, err := strict.BuyerMessage(context.Background(), in); err != nil {
			f.T.Fatal(err)
		}
	}
	f.Clock.Advance(90 * time.Second)
	_, err = strict.BuyerMessage(context.Background(), in)
	if core.ErrorCode(err) != core.RateLimited || !strings.Contains(core.ErrorMessage(err), "You have sent 2 messages in the last 10 minutes") ||
		!strings.Contains(core.ErrorMessage(err), "Please wait 9 minutes,") {
		f.T.Fatalf("strict policy: %v", err)
	}
}

// testBuyerSessions: a session lives in the store, so ending it (signing
// out) ends it everywhere, and an expired one is gone.
func testBuyerSessions(f *Fixture) {
	ctx := context.Background()
	e := f.Engine
	now := f.Clock.Now()
	s := core.BuyerSession{ID: "aaaaaaaaaaaaaaaaaaaaaaaa", Channel: "web", OrderID: verifyOrderID, ExpiresAt: now.Add(time.Hour)}
	if err := e.StartBuyerSession(ctx, s); err != nil {
		f.T.Fatal(err)
	}
	got, err := e.BuyerSession(ctx, s.ID)
	if err != nil || got.OrderID != verifyOrderID || !got.CreatedAt.Equal(now) || !got.ExpiresAt.Equal(s.ExpiresAt) {
		f.T.Fatalf("read back: %+v, %v", got, err)
	}
	// Another replica sees it and can end it.
	other := core.NewEngine(f.Store, core.Options{Clock: f.Clock, IDs: &SeqIDs{}})
	if err := other.EndBuyerSession(ctx, s.ID); err != nil {
		f.T.Fatal(err)
	}
	if _, err := e.BuyerSession(ctx, s.ID); core.ErrorCode(err) != core.NotFound {
		f.T.Fatalf("an ended session: %v, want not found", err)
	}
	if err := e.EndBuyerSession(ctx, s.ID); err != nil {
		f.T.Fatalf("ending it again: %v", err)
	}

	// Expiry: refused from its end; the daily clean-up then removes it.
	s.ID = "bbbbbbbbbbbbbbbbbbbbbbbb"
	if err := e.StartBuyerSession(ctx, s); err != nil {
		f.T.Fatal(err)
	}
	f.Clock.Advance(time.Hour)
	if _, err := e.BuyerSession(ctx, s.ID); core.ErrorCode(err) != core.NotFound {
		f.T.Fatalf("an expired session: %v, want not found", err)
	}
	f.Clock.Advance(time.Second)
	if got, err := e.ForgetOld(ctx); err != nil || got.BuyerSessions != 1 {
		f.T.Fatalf("ForgetOld: %+v, %v; want the expired session", got, err)
	}

	// Refusals store nothing.
	before := f.snapshot()
	for name, bad := range map[string]core.BuyerSession{
		"short_id":     {ID: "short", Channel: "web", OrderID: verifyOrderID, ExpiresAt: f.Clock.Now().Add(time.Hour)},
		"spaced_id":    {ID: "cccccccc cccccccccccccccc", Channel: "web", OrderID: verifyOrderID, ExpiresAt: f.Clock.Now().Add(time.Hour)},
		"already_over": {ID: "dddddddddddddddddddddddd", Channel: "web", OrderID: verifyOrderID, ExpiresAt: f.Clock.Now()},
	} {
		if err := e.StartBuyerSession(ctx, bad); core.ErrorCode(err) != core.Invalid {
			f.T.Errorf("%s: %v, want invalid", name, err)
		}
		if _, err := e.BuyerSession(ctx, bad.ID); err == nil {
			f.T.Errorf("%s: stored", name)
		}
	}
	if !equalSnapshots(before, f.snapshot()) {
		f.T.Fatal("a refused session changed the store")
	}
}
