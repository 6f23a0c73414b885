package discordapp

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// A repeat of a message create (a replica taking over from one killed
// mid-post) carries the same enforced nonce, and Discord answers it with
// the message it made the first time.
func TestRepeatedPostCreatesOneMessage(t *testing.T) {
	h := newHarness(t)
	ev := core.Event{ID: 7, Kind: core.EventLowStock, SKU: "MUG", Text: "MUG is low: 1 left."}
	for range 2 {
		if err := h.app.Deliver(context.Background(), ev); err != nil {
			t.Fatal(err)
		}
	}
	posts := h.fake.calls("POST /channels/" + staff + "/messages")
	if len(posts) != 2 {
		t.Fatalf("%d creates, want 2", len(posts))
	}
	for _, p := range posts {
		if m := p.JSON(); m["nonce"] != "sd7a" || m["enforce_nonce"] != true {
			t.Fatalf("create without an enforced nonce: %s", p.Body)
		}
	}
	if n := h.fake.created(staff); n != 1 {
		t.Fatalf("%d messages created, want 1", n)
	}
	// Another outbox message is another message.
	ev.ID = 8
	if err := h.app.Deliver(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
	if n := h.fake.created(staff); n != 2 {
		t.Fatalf("%d messages created, want 2", n)
	}
}

// Discord creates the conversation's message but the answer is lost: the
// repeat gets the same message back, which becomes the conversation's,
// and the draft edits it. A 503 is retried by the next delivery round; a
// 502 at once by discordgo itself, which before nonces posted twice.
func TestLostAnswerNotPostedTwice(t *testing.T) {
	for _, tc := range []struct {
		name       string
		status     int
		roundFails bool
	}{
		{"retried_next_round", http.StatusServiceUnavailable, true},
		{"retried_by_discordgo", http.StatusBadGateway, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			ctx := context.Background()
			h.importOrders(order(orderA, 26*time.Hour))
			h.deliver()
			h.buyerSays(help, "BM1", "Hi, where is my order?")
			h.fake.failNext("/channels/"+staff+"/messages", tc.status, `{"message":"upstream failed","code":0}`, nil)
			h.fake.fail[len(h.fake.fail)-1].created = true
			if tc.roundFails {
				if n, _ := h.deliver(); n != 0 {
					t.Fatalf("the round with the lost answer sent %d", n)
				}
				h.clock.Advance(time.Minute)
			}
			if n, _ := h.deliver(); n != 1 {
				t.Fatalf("sent %d, want 1", n)
			}
			if n := h.fake.created(staff); n != 1 {
				t.Fatalf("%d messages created in the staff channel, want 1", n)
			}
			convs, err := h.engine.BuyerConversations(ctx, "discord", "discord:"+buyer)
			if err != nil || len(convs) != 1 {
				t.Fatalf("conversations %v, %v", convs, err)
			}
			ref, err := h.app.chatRef(ctx, convs[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := h.engine.DraftPending(ctx); err != nil {
				t.Fatal(err)
			}
			h.deliver()
			if edits := h.fake.calls("PATCH /channels/" + staff + "/messages/" + ref.MessageID); len(edits) != 1 {
				t.Fatalf("%d edits of the conversation's message %s, want the draft's", len(edits), ref.MessageID)
			}
			if n := h.fake.created(staff); n != 1 {
				t.Fatalf("%d messages created after the draft, want still 1", n)
			}
		})
	}
}
