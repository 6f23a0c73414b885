package discordapp

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
	"github.com/sellerdesk/sellerdesk/core/enginetest"
)

// dmUser is a Discord user id (a snowflake, as a DM needs).
const dmUser = "80351110224678912"

// The on-call person and owners are messaged directly: Discord users
// only (not roles, not Slack), in the DM channel Discord opens, once even
// when Discord's answer is lost and the round is retried.
func TestDirectMessagesGoToTheUsersDM(t *testing.T) {
	h := newHarness(t)
	h.deliver()
	h.fake.failNext("/channels/DM"+dmUser+"/messages", http.StatusServiceUnavailable, `{"message":"upstream failed","code":0}`, nil)
	h.fake.fail[len(h.fake.fail)-1].created = true
	enginetest.Enqueue(t, h.store,
		core.Event{Kind: core.EventDirect, ConversationID: "C-9", Channel: "web", To: "discord:" + dmUser, Text: "You are on call and nobody else is working: show C-9.", At: start},
		core.Event{Kind: core.EventDirect, ConversationID: "C-9", Channel: "web", To: "discord:role:5", Text: "a role", At: start},
		core.Event{Kind: core.EventDirect, ConversationID: "C-9", Channel: "web", To: "slack:U1", Text: "for Slack", At: start},
	)
	if n, _ := h.deliver(); n != 0 {
		t.Fatalf("the round with the lost answer sent %d", n)
	}
	h.clock.Advance(10 * time.Minute)
	if n, _ := h.deliver(); n != 1 {
		t.Fatalf("sent %d, want the Discord user's DM only", n)
	}
	if opens := h.fake.calls("POST /users/@me/channels"); len(opens) != 2 || opens[0].JSON()["recipient_id"] != dmUser {
		t.Fatalf("DM channel opens %+v", opens)
	}
	if n := h.fake.created("DM" + dmUser); n != 1 {
		t.Fatalf("%d messages in the DM, want 1", n)
	}
	posts := h.fake.calls("POST /channels/DM" + dmUser + "/messages")
	if c := posts[len(posts)-1].JSON()["content"]; c == nil || !strings.Contains(c.(string), "You are on call") {
		t.Fatalf("DM content %v", c)
	}
}
