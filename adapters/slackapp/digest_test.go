package slackapp

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/sellerdesk/sellerdesk/core"
	"github.com/sellerdesk/sellerdesk/core/enginetest"
)

// checkLimits fails when a posted message breaks Block Kit's limits.
func checkLimits(t *testing.T, c call) {
	t.Helper()
	var blocks []struct {
		Type string
		Text struct{ Text string }
	}
	if err := json.Unmarshal([]byte(c.Form.Get("blocks")), &blocks); err != nil {
		t.Fatalf("blocks: %v", err)
	}
	if len(blocks) == 0 || len(blocks) > maxBlocks {
		t.Fatalf("%d blocks in one message", len(blocks))
	}
	for _, b := range blocks {
		if n := utf8.RuneCountInString(b.Text.Text); n > maxSectionText {
			t.Fatalf("a %s block of %d characters", b.Type, n)
		}
	}
}

func oldOrders(n int, batch string, ago time.Duration) []core.Order {
	out := make([]core.Order, n)
	for i := range out {
		out[i] = order(fmt.Sprintf("111-%07s-%07d", batch, i), ago)
	}
	return out
}

// An old report imported: 497 orders past the 30-day limit and 497 in its
// last week. The sweep cancels none; the alerts channel gets one message
// about the orders past the limit and one digest of the 497 warnings.
func TestHistoricImportOneDigest(t *testing.T) {
	h := newHarness(t)
	h.fake.now = h.clock.Now
	e := enginetest.DigestEngine(h.store, h.clock)
	h.prime()
	h.importOrders(append(oldOrders(497, "0000031", 40*24*time.Hour), oldOrders(497, "0000032", 24*24*time.Hour)...)...)
	res, err := h.engine.Sweep(context.Background())
	if err != nil || len(res.AutoCanceled) != 0 || len(res.Warned) != 497 {
		t.Fatalf("sweep: %d cancelled, %d warned, %v", len(res.AutoCanceled), len(res.Warned), err)
	}
	enginetest.DeliverAll(t, e, h.app)
	h.clock.Advance(enginetest.DigestWindow)
	enginetest.DeliverAll(t, e, h.app)
	posts := h.fake.Calls("chat.postMessage")
	if len(posts) != 2 {
		t.Fatalf("%d posts, want the past-limit alert and one digest", len(posts))
	}
	for _, p := range posts {
		if p.Form.Get("channel") != alerts {
			t.Fatalf("posted to %s", p.Form.Get("channel"))
		}
		checkLimits(t, p)
	}
	contains(t, "past-limit alert", posts[0].Text, "497 imported orders were already past the marketplace", "Seller Central", "and 487 more")
	contains(t, "digest", posts[1].Text, "497 ship warning alerts", "111-0000032-0000496", "more.")
	// The last post is tagged with the first warning's outbox id, for a takeover's lookup.
	if tag := outboxTag(h.fake.Posts(alerts)[1]); tag == 0 {
		t.Fatalf("digest not tagged with its outbox id")
	}
	// Nothing more to post.
	h.clock.Advance(time.Hour)
	enginetest.DeliverAll(t, e, h.app)
	if n := len(h.fake.Calls("chat.postMessage")); n != 2 {
		t.Fatalf("%d posts after catching up", n)
	}
}

// A digest whose answer is lost on the way back is found by its outbox id
// on the retry, not posted again.
func TestDigestLostAnswerNotPostedTwice(t *testing.T) {
	h := newHarness(t)
	h.fake.now = h.clock.Now
	e := enginetest.DigestEngine(h.store, h.clock)
	h.prime()
	h.importOrders(oldOrders(5, "0000033", 24*24*time.Hour)...)
	if _, err := h.engine.Sweep(context.Background()); err != nil {
		t.Fatal(err)
	}
	h.clock.Advance(enginetest.DigestWindow)
	h.fake.failNext("chat.postMessage", failure{status: http.StatusBadGateway, posted: true})
	enginetest.DeliverAll(t, e, h.app)
	h.clock.Advance(time.Minute)
	enginetest.DeliverAll(t, e, h.app)
	if posts := h.fake.Posts(alerts); len(posts) != 1 || !strings.Contains(posts[0].Text, "5 ship warning alerts") {
		t.Fatalf("posts %+v, want the digest once", posts)
	}
	contains(t, "log", h.logs.String(), "found already posted")
}

// Thirty buyer messages in a burst to one conversation: a few Slack calls
// (one thread post, one redraw), and every word in the thread.
func TestBuyerBurstCoalesced(t *testing.T) {
	h := newHarness(t)
	h.importOrders(order(orderID, time.Hour))
	h.prime()
	conv := h.buyerSays("Where is my package?")
	h.deliver()
	parentTS := h.mustRef(conv.ID).MessageID
	before := len(h.fake.Calls(""))
	var words []string
	for i := range 30 {
		// Seconds apart, as a buyer typing fast (and within any per-minute limit).
		h.clock.Advance(7 * time.Second)
		w := fmt.Sprintf("burst-word-%02d", i)
		words = append(words, w)
		h.buyerSays("please answer " + w)
	}
	if _, err := h.engine.DraftPending(context.Background()); err != nil {
		t.Fatal(err)
	}
	h.deliver()
	calls := h.fake.Calls("")[before:]
	if len(calls) > 3 {
		var methods []string
		for _, c := range calls {
			methods = append(methods, c.Method)
		}
		t.Fatalf("%d Slack calls for a burst of 30 messages: %v", len(calls), methods)
	}
	var thread strings.Builder
	for _, c := range h.fake.Calls("chat.postMessage") {
		if c.Form.Get("thread_ts") == parentTS {
			checkLimits(t, c)
			thread.WriteString(c.Form.Get("blocks"))
		}
	}
	contains(t, "thread", thread.String(), words...)
	up := h.lastUpdate(parentTS)
	contains(t, "redrawn message", up.Text, "*Draft*")
}
