package storetest

import (
	"sync"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// The email channel's part of the contract: a mail's Message-ID, its
// attachments and a reply's delivery on messages, the subject of a
// conversation, the staff message of an outbox reply, the thread lookup by
// Message-ID, and the sources' cursors.

// mailConversation is an amazon conversation with one buyer mail and one
// staff reply.
func mailConversation(id, extID string) *core.Conversation {
	c := newConversation(id, t0)
	c.Channel, c.BuyerKey, c.Subject = core.ChannelAmazon, "x7k2m9@marketplace.amazon.de", "Bestellung 302-1234567-1234567: Lieferung? 📦"
	c.Messages[0].ExtID = extID
	c.Messages[0].Attachments = []core.Attachment{{Name: "Foto vom Paket.jpg", Size: 2_100_000, Type: "image/jpeg"}, {Name: "rechnung.pdf", Size: 81_234}}
	c.Messages[0].AnsweredAt = at(t0.Add(time.Hour))
	c.Messages = append(c.Messages, core.Message{From: core.FromStaff, By: "alex", Text: "Ist unterwegs.", At: t0.Add(time.Hour)})
	c.Deadline = nil
	return c
}

func testMail(t *testing.T, open func(t *testing.T) core.Store) {
	t.Run("mail_fields_round_trip", func(t *testing.T) {
		e := newEnv(t, open)
		c := mailConversation("C-mail", "CAF=x+1@mail.example")
		e.saveConv(c)
		got := e.conv("C-mail")
		e.mustEqual("subject", c.Subject, got.Subject)
		e.mustEqual("ext id", "CAF=x+1@mail.example", got.Messages[0].ExtID)
		e.mustEqual("attachments", c.Messages[0].Attachments, got.Messages[0].Attachments)
		if got.Messages[1].ExtID != "" || got.Messages[1].Attachments != nil || got.Messages[1].Undelivered != "" {
			t.Fatalf("the staff message gained mail fields: %+v", got.Messages[1])
		}
		// A reply's delivery changes on a stored message, like its answer.
		e.changeConv("C-mail", func(c *core.Conversation) {
			c.Messages[1].Undelivered = "Nachricht nicht zugestellt — buyer opted out"
			c.Messages[0].AnsweredAt = nil
		})
		got = e.conv("C-mail")
		if got.Messages[1].Undelivered != "Nachricht nicht zugestellt — buyer opted out" || got.Messages[0].AnsweredAt != nil {
			t.Fatalf("undelivered not saved: %+v", got.Messages)
		}
	})
	t.Run("undelivered_saved_for_many_messages", func(t *testing.T) {
		// Two changed messages take PostgreSQL's batch update.
		e := newEnv(t, open)
		c := mailConversation("C-many", "many@x")
		c.Messages = append(c.Messages, core.Message{From: core.FromStaff, By: "alex", Text: "Noch etwas.", At: t0.Add(2 * time.Hour)})
		e.saveConv(c)
		e.changeConv("C-many", func(c *core.Conversation) {
			c.Messages[1].Undelivered, c.Messages[2].Undelivered = "first", "second"
		})
		got := e.conv("C-many")
		if got.Messages[1].Undelivered != "first" || got.Messages[2].Undelivered != "second" {
			t.Fatalf("undelivered: %+v", got.Messages)
		}
	})
	t.Run("same_ext_id_twice_is_conflict", func(t *testing.T) {
		e := newEnv(t, open)
		e.saveConv(mailConversation("C-1", "dup@mail.example"))
		err := e.update(func(tx core.Tx) error {
			return tx.SaveConversation(e.ctx, mailConversation("C-2", "dup@mail.example"))
		})
		wantCode(t, err, core.Conflict)
		e.view(func(tx core.Tx) error {
			_, err := tx.Conversation(e.ctx, "C-2")
			wantCode(t, err, core.NotFound)
			return nil
		})
		// Messages without a Message-ID (chat, staff) are many.
		e.saveConv(newConversation("C-3", t0))
		e.saveConv(newConversation("C-4", t0))
	})
	t.Run("conversation_by_message_ext_id", func(t *testing.T) {
		e := newEnv(t, open)
		e.saveConv(mailConversation("C-amazon", "a1@relay"))
		older := mailConversation("C-old", "e1@shop")
		older.Channel = core.ChannelEmail
		e.saveConv(older)
		newer := mailConversation("C-new", "e2@shop")
		newer.Channel = core.ChannelEmail
		e.saveConv(newer)
		find := func(channel string, ids ...string) (string, error) {
			var id string
			var err error
			e.view(func(tx core.Tx) error {
				id, err = tx.ConversationByMessageExtID(e.ctx, channel, ids)
				return nil
			})
			return id, err
		}
		for _, tc := range []struct {
			channel string
			ids     []string
			want    string
		}{
			{core.ChannelEmail, []string{"e1@shop"}, "C-old"},
			{core.ChannelEmail, []string{"nope@x", "e1@shop", "e2@shop"}, "C-new"}, // the newest message wins
			{"", []string{"a1@relay"}, "C-amazon"},
			{core.ChannelAmazon, []string{"a1@relay", "e2@shop"}, "C-amazon"},
		} {
			if got, err := find(tc.channel, tc.ids...); err != nil || got != tc.want {
				t.Fatalf("%s %v: %q, %v; want %s", tc.channel, tc.ids, got, err, tc.want)
			}
		}
		// Another channel's thread, unknown ids, empty ids: none.
		for _, ids := range [][]string{{"a1@relay"}, {"unknown@x"}, {""}, nil} {
			_, err := find(core.ChannelEmail, ids...)
			wantCode(t, err, core.NotFound)
		}
	})
	t.Run("outbox_keeps_message_id", func(t *testing.T) {
		e := newEnv(t, open)
		e.enqueue(core.Event{Kind: core.EventReply, ConversationID: "C-1", Channel: core.ChannelAmazon, MessageID: 9_007_199_254_740_993, Text: "hi", At: t0},
			core.Event{Kind: core.EventUndelivered, ConversationID: "C-1", Channel: core.ChannelEmail, MessageID: 7, Text: "bounced", At: t0},
			core.Event{Kind: core.EventLowStock, SKU: "MUG", Text: "low", At: t0})
		got := e.outbox(0, 0)
		if len(got) != 3 || got[0].MessageID != 9_007_199_254_740_993 || got[1].MessageID != 7 || got[1].Kind != core.EventUndelivered || got[2].MessageID != 0 {
			t.Fatalf("outbox: %+v", got)
		}
	})
	t.Run("cursors", func(t *testing.T) {
		e := newEnv(t, open)
		read := func(name string) (string, error) {
			var v string
			var err error
			e.view(func(tx core.Tx) error {
				v, err = tx.Cursor(e.ctx, name)
				return nil
			})
			return v, err
		}
		_, err := read("imap:INBOX")
		wantCode(t, err, core.NotFound)
		save := func(name, value string) error {
			return e.update(func(tx core.Tx) error { return tx.SaveCursor(e.ctx, name, value) })
		}
		if err := save("imap:INBOX", "1700000000:41"); err != nil {
			t.Fatal(err)
		}
		if err := save("imap:INBOX", "1700000000:42"); err != nil {
			t.Fatal(err)
		}
		if err := save("imap:Archiv/Kunden ü", ""); err != nil {
			t.Fatal(err)
		}
		if v, err := read("imap:INBOX"); err != nil || v != "1700000000:42" {
			t.Fatalf("cursor %q, %v", v, err)
		}
		if v, err := read("imap:Archiv/Kunden ü"); err != nil || v != "" {
			t.Fatalf("empty cursor %q, %v", v, err)
		}
		wantCode(t, save("", "x"), core.Invalid)
		wantCode(t, save("bad", "a\x00b"), core.Invalid)
		if v, _ := read("bad"); v != "" {
			t.Fatalf("a refused cursor was saved: %q", v)
		}
		// A cursor saved in a rolled-back change is not saved.
		_ = e.update(func(tx core.Tx) error {
			if err := tx.SaveCursor(e.ctx, "imap:INBOX", "1:1"); err != nil {
				return err
			}
			return core.Errorf(core.Conflict, "roll back")
		})
		if v, _ := read("imap:INBOX"); v != "1700000000:42" {
			t.Fatalf("rolled-back cursor kept: %q", v)
		}
	})
	t.Run("cursor_saves_race_last_wins", func(t *testing.T) {
		e := newEnv(t, open)
		var wg sync.WaitGroup
		errs := make([]error, 8)
		for i := range errs {
			wg.Go(func() {
				errs[i] = e.update(func(tx core.Tx) error { return tx.SaveCursor(e.ctx, "imap:INBOX", "v") })
			})
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil && core.ErrorCode(err) != core.Conflict && core.ErrorCode(err) != core.Unavailable {
				t.Fatalf("racing cursor save: %v", err)
			}
		}
	})
}
