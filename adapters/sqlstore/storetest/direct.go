package storetest

import (
	"testing"

	"github.com/sellerdesk/sellerdesk/core"
)

// testDirectRecipient: a direct message keeps the identity it goes to,
// and other messages have none.
func testDirectRecipient(t *testing.T, open func(t *testing.T) core.Store) {
	e := newEnv(t, open)
	sent := []core.Event{
		{Kind: core.EventDirect, ConversationID: "C-1", Channel: "web", To: "slack:U0OWNER", Text: "You are on call", At: t0},
		{Kind: core.EventDirect, ConversationID: "C-1", Channel: "web", To: "discord:80351110224678912", Text: "Breach", At: t0},
		{Kind: core.EventReminder, ConversationID: "C-1", Channel: "web", Text: "1 h left", At: t0},
	}
	e.enqueue(sent...)
	got := e.outbox(0, 0)
	if len(got) != len(sent) {
		t.Fatalf("got %d messages, want %d", len(got), len(sent))
	}
	for i := range sent {
		want := sent[i]
		want.ID = got[i].ID
		e.mustEqual("event", want, got[i])
	}
}
