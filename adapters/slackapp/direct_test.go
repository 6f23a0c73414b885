package slackapp

import (
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
	"github.com/sellerdesk/sellerdesk/core/enginetest"
)

// The on-call person and owners are messaged directly: Slack's own
// identities only, in the DM channel conversations.open gives.
func TestDirectMessagesGoToTheUsersDM(t *testing.T) {
	h := newHarness(t)
	h.prime()
	enginetest.Enqueue(t, h.store,
		core.Event{Kind: core.EventDirect, ConversationID: "C-9", Channel: "web", To: "slack:" + owner, Text: "You are on call and nobody else is working: show C-9.", At: start},
		core.Event{Kind: core.EventDirect, ConversationID: "C-9", Channel: "web", To: "discord:80351110224678912", Text: "for Discord", At: start},
	)
	if sent, _ := h.deliver(); sent != 1 {
		t.Fatalf("sent %d, want the Slack DM only", sent)
	}
	opens := h.fake.Calls("conversations.open")
	if len(opens) != 1 || opens[0].Form.Get("users") != owner {
		t.Fatalf("conversations.open calls %+v, want one for %s", opens, owner)
	}
	posts := h.fake.Calls("chat.postMessage")
	if len(posts) != 1 || posts[0].Form.Get("channel") != "D"+owner || posts[0].Form.Get("thread_ts") != "" {
		t.Fatalf("posts %+v, want one in the DM channel", posts)
	}
	contains(t, "dm", posts[0].Text, "You are on call")
	if h.app.Wants(core.Event{Kind: core.EventDirect, To: "discord:1"}) || h.app.Wants(core.Event{Kind: core.EventDirect}) {
		t.Error("a direct message for another platform or nobody is wanted")
	}
}

// A DM whose post reached Slack but whose answer was lost is found by its
// outbox id on the retry, not posted twice.
func TestDirectMessagePostedOnceAfterALostAnswer(t *testing.T) {
	h := newHarness(t)
	h.prime()
	h.fake.failNext("chat.postMessage", failure{status: 500, posted: true})
	enginetest.Enqueue(t, h.store, core.Event{Kind: core.EventDirect, ConversationID: "C-9", Channel: "web", To: "slack:" + owner, Text: "Breach: C-9 is past its deadline.", At: start})
	if sent, _ := h.deliver(); sent != 0 {
		t.Fatalf("sent %d with the answer lost, want 0 (retried)", sent)
	}
	h.clock.Advance(10 * time.Minute)
	h.deliver()
	if len(h.fake.Calls("conversations.history")) == 0 {
		t.Error("the retry did not look for the earlier post")
	}
	if n := len(h.fake.Posts("D" + owner)); n != 1 {
		t.Fatalf("%d posts in the DM, want 1", n)
	}
}
