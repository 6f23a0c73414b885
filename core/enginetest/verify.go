package enginetest

import (
	"context"
	"reflect"
	"strings"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// The limit on buyer verification tries: DefaultPolicy allows 5 failures
// per client in a sliding 15 minutes.

const (
	verifyOrderID = "111-0000014-0000001"
	verifyEmail   = "emma@example.com"
	webClient     = "web:203.0.113.9"
	discordClient = "discord:80351110224678912"
)

// lastTries is what the i-th failure (from 0) of five says.
var lastTries = map[int]string{2: "You can try 2 more times", 3: "You can try 1 more time"}

func (f *Fixture) verifyOrder() {
	f.T.Helper()
	f.importOrders(order(verifyOrderID, time.Hour))
}

// verifyOK verifies with the right email and expects the order.
func (f *Fixture) verifyOK(e *core.Engine, client string) {
	f.T.Helper()
	if o, err := e.VerifyBuyer(context.Background(), client, verifyOrderID, verifyEmail); err != nil || o.ID != verifyOrderID {
		f.T.Fatalf("%s: right email refused: %v", client, err)
	}
}

// verifyMiss tries a wrong secret (or order id) and expects the miss,
// with want in its message.
func (f *Fixture) verifyMiss(e *core.Engine, client, orderID, secret, want string) {
	f.T.Helper()
	_, err := e.VerifyBuyer(context.Background(), client, orderID, secret)
	if core.ErrorCode(err) != core.NotFound || !strings.Contains(core.ErrorMessage(err), "No order matches") {
		f.T.Fatalf("%s: %s / %s: %v (code %s), want the miss", client, orderID, secret, err, core.ErrorCode(err))
	}
	if want != "" && !strings.Contains(core.ErrorMessage(err), want) {
		f.T.Fatalf("%s: miss %q does not say %q", client, core.ErrorMessage(err), want)
	}
	if want == "" && strings.Contains(core.ErrorMessage(err), "You can try") {
		f.T.Fatalf("%s: miss %q announces a wait too early", client, core.ErrorMessage(err))
	}
}

// verifyBlocked expects even the right secret refused for wait, and the
// store left as it was.
func (f *Fixture) verifyBlocked(e *core.Engine, client string, wait time.Duration, want string) {
	f.T.Helper()
	before, tries := f.snapshot(), f.verifyFailures(client)
	_, err := e.VerifyBuyer(context.Background(), client, verifyOrderID, verifyEmail)
	if core.ErrorCode(err) != core.RateLimited || core.ErrorWait(err) != wait || !strings.Contains(core.ErrorMessage(err), want) {
		f.T.Fatalf("%s: %v (code %s, wait %s), want refused for %s saying %q", client, err, core.ErrorCode(err), core.ErrorWait(err), wait, want)
	}
	if !reflect.DeepEqual(before, f.snapshot()) || f.verifyFailures(client) != tries {
		f.T.Fatalf("%s: a refused try changed the store", client)
	}
}

// verifyFailures counts every failure the store keeps for client.
func (f *Fixture) verifyFailures(client string) int {
	f.T.Helper()
	var n int
	err := f.Store.View(context.Background(), func(tx core.Tx) (err error) {
		n, _, err = tx.VerifyFailures(context.Background(), client, time.Time{})
		return err
	})
	if err != nil {
		f.T.Fatalf("count verification failures: %v", err)
	}
	return n
}

func testVerifyLimit(f *Fixture) {
	f.verifyOrder()
	e := f.Engine
	// Five failures a minute apart, of every kind: a wrong email, a wrong
	// postal code, an unknown order, a malformed order id.
	f.verifyMiss(e, webClient, verifyOrderID, "someone@example.com", "")
	f.Clock.Advance(time.Minute)
	f.verifyMiss(e, webClient, verifyOrderID, "10001", "")
	f.Clock.Advance(time.Minute)
	f.verifyMiss(e, webClient, "111-0000014-9999999", verifyEmail, "You can try 2 more times before a 15-minute wait.")
	f.Clock.Advance(time.Minute)
	f.verifyMiss(e, webClient, "not an order", verifyEmail, "You can try 1 more time before a 15-minute wait.")
	f.Clock.Advance(time.Minute)
	f.verifyMiss(e, webClient, verifyOrderID, "", "")

	// The sixth try is refused though right, until the first failure is
	// 15 minutes old.
	f.verifyBlocked(e, webClient, 11*time.Minute, "Too many tries. Please wait 11 minutes, then try again.")
	f.Clock.Advance(10*time.Minute + 30*time.Second)
	f.verifyBlocked(e, webClient, 30*time.Second, "Please wait 1 minute,")

	// Another client, on another channel, has its own tries.
	f.verifyMiss(e, discordClient, verifyOrderID, "someone@example.com", "")
	f.verifyOK(e, discordClient)

	// The window slides: once the oldest failure leaves it there is one
	// try, and failing it waits for the next oldest.
	f.Clock.Advance(30 * time.Second)
	f.verifyMiss(e, webClient, verifyOrderID, "someone@example.com", "")
	f.verifyBlocked(e, webClient, time.Minute, "Please wait 1 minute,")
	f.Clock.Advance(time.Minute)
	f.verifyOK(e, webClient)

	if n := f.verifyFailures(webClient); n != 6 {
		f.T.Fatalf("%d failures kept for %s, want 6", n, webClient)
	}
}

func testVerifySuccessDoesNotCount(f *Fixture) {
	f.verifyOrder()
	e := f.Engine
	for i := range 4 {
		f.verifyMiss(e, webClient, verifyOrderID, "someone@example.com", lastTries[i])
		f.Clock.Advance(time.Second)
	}
	for range 3 {
		f.verifyOK(e, webClient)
	}
	// Successes neither count nor clear: the fifth failure is allowed,
	// the next try is not.
	f.verifyMiss(e, webClient, verifyOrderID, "someone@example.com", "")
	f.verifyBlocked(e, webClient, 15*time.Minute-4*time.Second, "Please wait 15 minutes")
}

func testVerifyLimitAcrossReplicas(f *Fixture) {
	f.verifyOrder()
	// A second engine on the same store is another replica.
	p := core.DefaultPolicy()
	other := core.NewEngine(f.Store, core.Options{Clock: f.Clock, IDs: &SeqIDs{}, Policy: &p})
	for i := range 5 {
		e := f.Engine
		if i%2 == 1 {
			e = other
		}
		f.verifyMiss(e, webClient, verifyOrderID, "someone@example.com", lastTries[i])
	}
	f.verifyBlocked(f.Engine, webClient, 15*time.Minute, "Please wait 15 minutes")
	f.verifyBlocked(other, webClient, 15*time.Minute, "Please wait 15 minutes")
}

func testVerifyPolicyAndForget(f *Fixture) {
	f.verifyOrder()
	ctx := context.Background()
	p := core.DefaultPolicy()
	p.VerifyTries, p.VerifyWindow = 2, time.Hour
	strict := core.NewEngine(f.Store, core.Options{Clock: f.Clock, IDs: &SeqIDs{}, Policy: &p})
	f.verifyMiss(strict, webClient, verifyOrderID, "someone@example.com", "You can try 1 more time before a 60-minute wait.")
	f.verifyMiss(strict, webClient, verifyOrderID, "someone@example.com", "")
	f.verifyBlocked(strict, webClient, time.Hour, "Please wait 60 minutes")

	// A policy without the limit set gets the default, not no limit.
	var unset core.Policy
	loose := core.NewEngine(f.Store, core.Options{Clock: f.Clock, IDs: &SeqIDs{}, Policy: &unset})
	for range 5 {
		_, _ = loose.VerifyBuyer(ctx, discordClient, verifyOrderID, "someone@example.com")
	}
	f.verifyBlocked(loose, discordClient, 15*time.Minute, "Please wait 15 minutes")

	// Forgetting drops what no longer counts: older than the longer
	// window, the order's hour (7 client failures, 7 for the order).
	f.Clock.Advance(45*time.Minute + time.Second)
	f.verifyMiss(f.Engine, webClient, verifyOrderID, "someone@example.com", "You can try 2 more times before a 60-minute wait.")
	f.Clock.Advance(15 * time.Minute)
	got, err := f.Engine.ForgetOld(ctx)
	n := got.VerifyFailures
	if err != nil || n != 14 {
		f.T.Fatalf("ForgetOld: %d verify failures, %v; want the 14 older than an hour", n, err)
	}
	if a, b := f.verifyFailures(webClient), f.verifyFailures(discordClient); a != 1 || b != 0 {
		f.T.Fatalf("kept %d and %d failures, want the new one only", a, b)
	}

	if _, err := f.Engine.VerifyBuyer(ctx, "", verifyOrderID, verifyEmail); core.ErrorCode(err) != core.Internal {
		f.T.Fatalf("no client: %v, want an internal error (an adapter must say who tries)", err)
	}
	long := "web:" + strings.Repeat("1", core.MaxVerifyKeyBytes)
	if _, err := f.Engine.VerifyBuyer(ctx, long, verifyOrderID, verifyEmail); core.ErrorCode(err) != core.Invalid || core.ErrorField(err) != "client" {
		f.T.Fatalf("client key too long: %v, want invalid naming the client", err)
	}
}
