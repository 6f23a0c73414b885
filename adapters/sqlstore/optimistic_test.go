package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/adapters/sqlstore"
	"github.com/sellerdesk/sellerdesk/adapters/sqlstore/storetest"
	"github.com/sellerdesk/sellerdesk/core"
)

var optT0 = time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)

// addBuyerMessage is what core.BuyerMessage does to a conversation: a new
// buyer message, drafted at once, and the two outbox messages.
func addBuyerMessage(ctx context.Context, tx core.Tx, c *core.Conversation, text string) error {
	c.Messages = append(c.Messages, core.Message{From: core.FromBuyer, Text: text, At: optT0})
	d := optT0.Add(core.ResponseWindow)
	c.Deadline, c.UpdatedAt = &d, optT0
	c.Draft = &core.Draft{Text: "Hello, thank you.", Language: "en", Intent: "track_order", Drafter: "offline", MadeAt: optT0}
	if err := tx.SaveConversation(ctx, c); err != nil {
		return err
	}
	for _, k := range []core.EventKind{core.EventBuyerMessage, core.EventDraftReady} {
		if err := tx.Enqueue(ctx, core.Event{Kind: k, ConversationID: c.ID, Channel: c.Channel, At: optT0, Text: text}); err != nil {
			return err
		}
	}
	return nil
}

type optState struct {
	conv   *core.Conversation
	outbox []core.Event
}

func readOpt(t *testing.T, db *sqlstore.DB, id string) optState {
	t.Helper()
	ctx := context.Background()
	var s optState
	err := db.View(ctx, func(tx core.Tx) error {
		var err error
		if s.conv, err = tx.Conversation(ctx, id); err != nil {
			return err
		}
		s.outbox, err = tx.Outbox(ctx, 0, 100)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// A new conversation with its first message and draft: one statement, fn
// run once, the message's id given to the conversation and its draft.
func TestUpdateOptimisticWritesInOneStatement(t *testing.T) {
	ctx := context.Background()
	db := storetest.OpenPostgres(t)
	runs := 0
	var c *core.Conversation
	err := db.UpdateOptimistic(ctx, func(tx core.Tx) error {
		runs++
		c = &core.Conversation{ID: "C-OPT1", Channel: "web", BuyerKey: "k1", CreatedAt: optT0}
		return addBuyerMessage(ctx, tx, c, "where is my parcel?")
	})
	if err != nil {
		t.Fatal(err)
	}
	if runs != 1 {
		t.Errorf("fn ran %d times, want once: nothing raced it", runs)
	}
	got := readOpt(t, db, "C-OPT1")
	if len(got.conv.Messages) != 1 || c.Messages[0].ID == 0 || got.conv.Messages[0].ID != c.Messages[0].ID {
		t.Fatalf("stored messages %+v, caller's %+v: want the one message with the id it was given", got.conv.Messages, c.Messages)
	}
	if got.conv.Draft == nil || got.conv.Draft.ForMessage != c.Messages[0].ID || c.Draft.ForMessage != c.Messages[0].ID || got.conv.NeedsDraft() {
		t.Errorf("draft %+v: want it to answer message %d", got.conv.Draft, c.Messages[0].ID)
	}
	if got.conv.Version != 1 || len(got.outbox) != 2 || got.outbox[0].Kind != core.EventBuyerMessage || got.outbox[1].Kind != core.EventDraftReady {
		t.Errorf("version %d, outbox %+v: want 1 and the message, then its draft", got.conv.Version, got.outbox)
	}
}

// A save that lost the race to the conversation's row writes nothing (no
// message without its conversation, no outbox message), and fn runs again
// in an Update, which sees the winner's change.
func TestUpdateOptimisticStaleSaveWritesNothingThenRunsAgain(t *testing.T) {
	ctx := context.Background()
	db := storetest.OpenPostgres(t)
	err := db.Update(ctx, func(tx core.Tx) error {
		return addBuyerMessage(ctx, tx, &core.Conversation{ID: "C-OPT2", Channel: "web", BuyerKey: "k2", CreatedAt: optT0}, "first")
	})
	if err != nil {
		t.Fatal(err)
	}
	runs := 0
	err = db.UpdateOptimistic(ctx, func(tx core.Tx) error {
		runs++
		c, err := tx.Conversation(ctx, "C-OPT2")
		if err != nil {
			return err
		}
		if runs == 1 { // another writer gets there between the read and the write
			err := db.Update(ctx, func(tx core.Tx) error {
				w, err := tx.Conversation(ctx, "C-OPT2")
				if err != nil {
					return err
				}
				return addBuyerMessage(ctx, tx, w, "second, from the other tab")
			})
			if err != nil {
				return err
			}
		}
		return addBuyerMessage(ctx, tx, c, "third")
	})
	if err != nil {
		t.Fatal(err)
	}
	if runs != 2 {
		t.Errorf("fn ran %d times, want twice: the stale save, then in an Update", runs)
	}
	got := readOpt(t, db, "C-OPT2")
	var texts []string
	for _, m := range got.conv.Messages {
		texts = append(texts, m.Text)
	}
	if len(texts) != 3 || texts[0] != "first" || texts[1] != "second, from the other tab" || texts[2] != "third" {
		t.Fatalf("messages %q: want each once, in order", texts)
	}
	if got.conv.Version != 3 || len(got.outbox) != 6 {
		t.Errorf("version %d, %d outbox messages: want 3 and 6 (two per message, none from the stale save)", got.conv.Version, len(got.outbox))
	}
	if got.conv.Draft.ForMessage != got.conv.Messages[2].ID {
		t.Errorf("draft answers %d, want the newest message %d", got.conv.Draft.ForMessage, got.conv.Messages[2].ID)
	}
}

// Any other write makes fn run in an Update, where all of it is written
// together.
func TestUpdateOptimisticOtherWritesRunInAnUpdate(t *testing.T) {
	ctx := context.Background()
	db := storetest.OpenPostgres(t)
	runs := 0
	err := db.UpdateOptimistic(ctx, func(tx core.Tx) error {
		runs++
		if err := addBuyerMessage(ctx, tx, &core.Conversation{ID: "C-OPT3", Channel: "web", BuyerKey: "k3", CreatedAt: optT0}, "hello"); err != nil {
			return err
		}
		return tx.AddAudit(ctx, core.AuditEntry{At: optT0, ActorID: "test:a", Actor: "a", Role: core.Agent, Source: "test", Command: "note C-OPT3"})
	})
	if err != nil {
		t.Fatal(err)
	}
	if runs != 2 {
		t.Errorf("fn ran %d times, want twice", runs)
	}
	got := readOpt(t, db, "C-OPT3")
	var audit []core.AuditEntry
	err = db.View(ctx, func(tx core.Tx) error {
		var err error
		audit, err = tx.Audit(ctx, core.AuditQuery{Limit: 10})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.conv.Messages) != 1 || len(got.outbox) != 2 || len(audit) != 1 {
		t.Errorf("%d messages, %d outbox messages, %d audit entries: want 1, 2, 1", len(got.conv.Messages), len(got.outbox), len(audit))
	}
}
