package discordapp

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/sellerdesk/sellerdesk/core"
	"github.com/sellerdesk/sellerdesk/core/enginetest"
)

func oldOrders(n int, batch string, ago time.Duration) []core.Order {
	out := make([]core.Order, n)
	for i := range out {
		out[i] = order(fmt.Sprintf("111-%07s-%07d", batch, i), ago)
	}
	return out
}

// An old report imported: 497 orders past the 30-day limit and 497 in its
// last week. The sweep cancels none; the staff channel gets one message
// about the orders past the limit and one digest embed of the warnings,
// within Discord's embed limits.
func TestHistoricImportOneDigest(t *testing.T) {
	h := newHarness(t)
	e := enginetest.DigestEngine(h.store, h.clock)
	h.deliver() // the sink starts here
	h.importOrders(append(oldOrders(497, "0000041", 40*24*time.Hour), oldOrders(497, "0000042", 24*24*time.Hour)...)...)
	res, err := h.engine.Sweep(context.Background())
	if err != nil || len(res.AutoCanceled) != 0 || len(res.Warned) != 497 {
		t.Fatalf("sweep: %d cancelled, %d warned, %v", len(res.AutoCanceled), len(res.Warned), err)
	}
	enginetest.DeliverAll(t, e, h.app)
	h.clock.Advance(enginetest.DigestWindow)
	enginetest.DeliverAll(t, e, h.app)
	h.clock.Advance(time.Hour)
	enginetest.DeliverAll(t, e, h.app)
	posts := h.fake.calls("POST /channels/" + staff + "/messages")
	if len(posts) != 2 {
		t.Fatalf("%d posts, want the past-limit alert and one digest", len(posts))
	}
	if c := posts[0].JSON()["content"].(string); !strings.Contains(c, "497 imported orders were already past the marketplace") {
		t.Fatalf("first post: %s", c)
	}
	digest := posts[1].JSON()
	embeds, _ := digest["embeds"].([]any)
	if len(embeds) != 1 {
		t.Fatalf("digest embeds: %s", dump(digest))
	}
	em := embeds[0].(map[string]any)
	title, desc := em["title"].(string), em["description"].(string)
	if title != "497 ship warning alerts" || !strings.Contains(desc, "111-0000042-0000496") || !strings.Contains(desc, "more.") {
		t.Fatalf("digest: %q\n%s", title, desc)
	}
	if n := utf8.RuneCountInString(desc); n > maxEmbedDescription {
		t.Fatalf("digest description of %d characters", n)
	}
	if digest["nonce"] == "" || digest["enforce_nonce"] != true {
		t.Fatalf("digest without an enforced nonce: %s", dump(digest))
	}
}

// Thirty buyer messages in a burst to one conversation: a few Discord
// calls (the conversation's message drawn once), every word on it.
func TestBuyerBurstCoalesced(t *testing.T) {
	h := newHarness(t)
	h.importOrders(order(orderA, 26*time.Hour))
	h.deliver()
	h.buyerSays(help, "BM0", "Hi, where is my order?")
	h.deliver()
	before := len(h.fake.all())
	var words []string
	for i := range 30 {
		// Seconds apart, as a buyer typing fast (and within any per-minute limit).
		h.clock.Advance(7 * time.Second)
		w := fmt.Sprintf("burstword%02d", i) // no Markdown to escape
		words = append(words, w)
		h.buyerSays(help, fmt.Sprintf("BM%d", i+1), "please answer "+w)
	}
	burst := len(h.fake.all()) // what the buyer's messages themselves caused
	if _, err := h.engine.DraftPending(context.Background()); err != nil {
		t.Fatal(err)
	}
	h.deliver()
	calls := h.fake.all()[burst:]
	if len(calls) > 2 {
		var what []string
		for _, c := range calls {
			what = append(what, c.Method+" "+c.Path)
		}
		t.Fatalf("%d Discord calls to show a burst of 30 messages: %v", len(calls), what)
	}
	var shown strings.Builder
	for _, c := range h.fake.all()[before:] {
		if strings.HasPrefix(c.Path, "/channels/"+staff+"/") {
			shown.Write(c.Body)
		}
	}
	for _, w := range words {
		if !strings.Contains(shown.String(), w) {
			t.Fatalf("staff never saw %q", w)
		}
	}
}
