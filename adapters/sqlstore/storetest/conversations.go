package storetest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/sellerdesk/sellerdesk/core"
)

// The buyer-conversation part of the contract: conversations, their
// messages and drafts, the inbox queries and the response-time counts.

const us = time.Microsecond

// longText is exactly core.MaxMessageBytes of Chinese, emoji and accents.
func longText() string {
	const unit = "您好，订单 📦🚚 还没到？ Grüße — «ça va» 🙏🏽 "
	s := strings.Repeat(unit, core.MaxMessageBytes/len(unit)+1)
	s = s[:core.MaxMessageBytes]
	for !utf8.ValidString(s) { // cut on a character boundary, then pad
		s = s[:len(s)-1]
	}
	return s + strings.Repeat("!", core.MaxMessageBytes-len(s))
}

// fullConversation sets every field; its messages are new (ID 0).
func fullConversation(id string) *core.Conversation {
	pst := time.FixedZone("PST", -8*3600)
	return &core.Conversation{
		ID:        id,
		Channel:   "web",
		BuyerKey:  "web:cookie-7f3a",
		BuyerName: "王小明 🐼",
		OrderID:   "902-0000001-0000001",
		Language:  "zh",
		Messages: []core.Message{
			{From: core.FromBuyer, Text: "你好，我的订单在哪里？📦", At: t0, AnsweredAt: at(t0.Add(2 * time.Hour))},
			{From: core.FromStaff, By: "Zoë O'Brien", Text: "已经发货了 — UPS 1Z999AA10123456784 ✅", At: t0.Add(2 * time.Hour)},
			{From: core.FromBuyer, Text: longText(), At: t0.Add(3 * time.Hour)},
			{From: core.FromBuyer, Text: `还有一个问题 "quotes" \ back\slash {json} 🤔`, At: t0.Add(4 * time.Hour), NoReply: true,
				AnsweredAt: at(t0.Add(5 * time.Hour))},
		},
		Draft: &core.Draft{Text: "您好！您的包裹已由 UPS 承运，预计周五送达。🙂", Language: "zh", Intent: "track_order",
			NeedsResponse: true, Drafter: "llm", Note: "LLM timed out once — retried", Summary: "Parcel with UPS, due Friday",
			MadeAt: t0.Add(3*time.Hour + time.Minute).In(pst), ForMessage: 3},
		Deadline:      at(t0.Add(27 * time.Hour).In(pst)),
		RemindersSent: 2,
		Breached:      true,
		CreatedAt:     t0,
		UpdatedAt:     t0.Add(4 * time.Hour),
	}
}

// newConversation has one waiting buyer message and no draft.
func newConversation(id string, opened time.Time) *core.Conversation {
	return &core.Conversation{
		ID: id, Channel: "web", BuyerKey: "buyer-" + id, Language: "en",
		Messages:  []core.Message{{From: core.FromBuyer, Text: "Where is my order?", At: opened}},
		Deadline:  at(opened.Add(core.ResponseWindow)),
		CreatedAt: opened, UpdatedAt: opened,
	}
}

func (e env) saveConv(c *core.Conversation) {
	e.t.Helper()
	if err := e.update(func(tx core.Tx) error { return tx.SaveConversation(e.ctx, c) }); err != nil {
		e.t.Fatalf("SaveConversation %s: %v", c.ID, err)
	}
}

func (e env) conv(id string) *core.Conversation {
	e.t.Helper()
	var c *core.Conversation
	e.view(func(tx core.Tx) (err error) {
		c, err = tx.Conversation(e.ctx, id)
		return err
	})
	return c
}

// changeConv reads a conversation inside an Update, lets fn change it and
// saves it.
func (e env) changeConv(id string, fn func(c *core.Conversation)) *core.Conversation {
	e.t.Helper()
	var c *core.Conversation
	err := e.update(func(tx core.Tx) (err error) {
		if c, err = tx.Conversation(e.ctx, id); err != nil {
			return err
		}
		fn(c)
		return tx.SaveConversation(e.ctx, c)
	})
	if err != nil {
		e.t.Fatalf("change conversation %s: %v", id, err)
	}
	return c
}

func messageIDs(c *core.Conversation) []int64 {
	var ids []int64
	for _, m := range c.Messages {
		ids = append(ids, m.ID)
	}
	return ids
}

func testConversations(t *testing.T, open func(t *testing.T) core.Store) {
	t.Run("full_conversation_round_trips", func(t *testing.T) {
		e := newEnv(t, open)
		c := fullConversation("C-FULL")
		e.saveConv(c)
		if c.Version != 1 {
			t.Fatalf("Version after insert = %d, want 1", c.Version)
		}
		got := e.conv(c.ID)
		e.mustEqual("conversation", c, got)
		if len(got.Messages[2].Text) != core.MaxMessageBytes {
			t.Fatalf("the %d-byte message came back with %d bytes", core.MaxMessageBytes, len(got.Messages[2].Text))
		}
	})

	t.Run("message_ids_assigned_in_order", func(t *testing.T) {
		e := newEnv(t, open)
		c := fullConversation("C-1")
		e.saveConv(c)
		first := messageIDs(c)
		for i, id := range first {
			if id <= 0 || i > 0 && id <= first[i-1] {
				t.Fatalf("ids after insert %v: want positive and increasing", first)
			}
		}
		c = e.changeConv("C-1", func(c *core.Conversation) {
			c.Messages = append(c.Messages,
				core.Message{From: core.FromStaff, By: "Ann", Text: "好的", At: t0.Add(6 * time.Hour)},
				core.Message{From: core.FromBuyer, Text: "谢谢 🙏", At: t0.Add(7 * time.Hour)})
		})
		ids := messageIDs(c)
		if !slices.Equal(ids[:4], first) || ids[4] <= first[3] || ids[5] <= ids[4] {
			t.Fatalf("ids after adding two: %v (were %v): want the old ones kept, the new ones after them", ids, first)
		}
		if c.Version != 2 {
			t.Fatalf("Version = %d, want 2", c.Version)
		}
		e.mustEqual("conversation", c, e.conv("C-1"))
		// Another conversation's messages get ids of their own.
		other := newConversation("C-2", t0)
		e.saveConv(other)
		if other.Messages[0].ID <= ids[5] {
			t.Fatalf("C-2's message has id %d, not after C-1's %v", other.Messages[0].ID, ids)
		}
	})

	t.Run("answers_saved", func(t *testing.T) {
		e := newEnv(t, open)
		c := newConversation("C-1", t0)
		c.Messages = append(c.Messages, core.Message{From: core.FromBuyer, Text: "Hello?", At: t0.Add(time.Hour)},
			core.Message{From: core.FromBuyer, Text: "thanks!", At: t0.Add(2 * time.Hour)})
		e.saveConv(c)
		answered := t0.Add(3 * time.Hour)
		c = e.changeConv("C-1", func(c *core.Conversation) {
			c.Messages[0].AnsweredAt = at(answered)
			c.Messages[1].AnsweredAt = at(answered)
			c.Messages = append(c.Messages, core.Message{From: core.FromStaff, By: "Ann", Text: "On its way.", At: answered})
			c.Deadline = nil
			c.UpdatedAt = answered
		})
		e.mustEqual("after the reply", c, e.conv("C-1"))
		c = e.changeConv("C-1", func(c *core.Conversation) {
			c.Messages[2].AnsweredAt, c.Messages[2].NoReply = at(answered.Add(time.Minute)), true
		})
		e.mustEqual("after no-reply", c, e.conv("C-1"))
	})

	t.Run("answers_saved_from_a_copy_read_before_the_update", func(t *testing.T) {
		// Saved without reading in the Update: every known message is
		// written (more than one at once: PostgreSQL's multi-row path).
		e := newEnv(t, open)
		c := newConversation("C-1", t0)
		c.Messages = append(c.Messages, core.Message{From: core.FromBuyer, Text: "Hello?", At: t0.Add(time.Hour)},
			core.Message{From: core.FromBuyer, Text: "anyone?", At: t0.Add(2 * time.Hour)})
		e.saveConv(c)
		c = e.conv("C-1")
		for i := range c.Messages {
			c.Messages[i].AnsweredAt, c.Messages[i].NoReply = at(t0.Add(5*time.Hour)), i == 2
		}
		c.Deadline = nil
		e.saveConv(c)
		if c.Version != 2 {
			t.Fatalf("Version = %d, want 2", c.Version)
		}
		e.mustEqual("conversation", c, e.conv("C-1"))
	})

	t.Run("two_saves_in_one_update", func(t *testing.T) {
		e := newEnv(t, open)
		e.saveConv(newConversation("C-1", t0))
		var c *core.Conversation
		err := e.update(func(tx core.Tx) (err error) {
			if c, err = tx.Conversation(e.ctx, "C-1"); err != nil {
				return err
			}
			c.Messages = append(c.Messages, core.Message{From: core.FromBuyer, Text: "second", At: t0.Add(time.Hour)})
			if err := tx.SaveConversation(e.ctx, c); err != nil {
				return err
			}
			c.Draft = &core.Draft{Text: "Soon.", Language: "en", Intent: "track_order", Drafter: "offline", MadeAt: t0.Add(time.Hour), ForMessage: c.LastBuyerMessage()}
			c.Messages[0].AnsweredAt = at(t0.Add(2 * time.Hour))
			return tx.SaveConversation(e.ctx, c)
		})
		if err != nil {
			t.Fatal(err)
		}
		if c.Version != 3 {
			t.Fatalf("Version = %d, want 3", c.Version)
		}
		e.mustEqual("conversation", c, e.conv("C-1"))
	})

	t.Run("draft_replaced_and_removed", func(t *testing.T) {
		e := newEnv(t, open)
		c := fullConversation("C-1")
		e.saveConv(c)
		c = e.changeConv("C-1", func(c *core.Conversation) {
			c.Draft = &core.Draft{Text: "Hallo!", Language: "de", Intent: "greeting", Drafter: "offline", MadeAt: t0, ForMessage: c.LastBuyerMessage()}
		})
		e.mustEqual("replaced draft", c, e.conv("C-1"))
		c = e.changeConv("C-1", func(c *core.Conversation) { c.Draft = nil })
		if got := e.conv("C-1"); got.Draft != nil {
			t.Fatalf("removed draft came back: %+v", got.Draft)
		}
	})

	t.Run("bare_conversation_round_trips", func(t *testing.T) {
		e := newEnv(t, open)
		c := &core.Conversation{ID: "C-BARE", Channel: "discord"}
		e.saveConv(c)
		got := e.conv("C-BARE")
		e.mustEqual("conversation", c, got)
		if got.Draft != nil || got.Deadline != nil || len(got.Messages) != 0 {
			t.Fatalf("bare conversation came back with %+v", got)
		}
	})

	t.Run("missing_conversation_is_not_found", func(t *testing.T) {
		e := newEnv(t, open)
		e.saveConv(newConversation("C-1", t0))
		check := func(tx core.Tx) error {
			_, err := tx.Conversation(e.ctx, "C-404")
			wantCode(t, err, core.NotFound)
			if !strings.Contains(core.ErrorMessage(err), "C-404") {
				t.Errorf("message %q does not name the conversation", core.ErrorMessage(err))
			}
			return nil
		}
		e.view(check)
		if err := e.update(check); err != nil {
			t.Fatal(err)
		}
	})
}

func testConversationConflicts(t *testing.T, open func(t *testing.T) core.Store) {
	errBoom := errors.New("boom")
	reply := func(c *core.Conversation) {
		c.Messages[0].AnsweredAt = at(t0.Add(time.Hour))
		c.Messages = append(c.Messages, core.Message{From: core.FromStaff, By: "Ann", Text: "Shipped today.", At: t0.Add(time.Hour)})
		c.Deadline, c.UpdatedAt = nil, t0.Add(time.Hour)
	}
	saveIn := func(e env, c *core.Conversation) error {
		return e.update(func(tx core.Tx) error { return tx.SaveConversation(e.ctx, c) })
	}
	cases := []struct {
		name string
		// run gets a store holding C-1 and C-2 (version 1, one waiting
		// message each) and does what must be refused; want is the code.
		run     func(e env) error
		want    core.Code
		mention string
	}{
		{"stale_version_conflicts", func(e env) error {
			return e.update(func(tx core.Tx) error {
				c, err := tx.Conversation(e.ctx, "C-1")
				if err != nil {
					return err
				}
				c.Version = 7 // someone saved six times since this copy was read
				reply(c)
				return tx.SaveConversation(e.ctx, c)
			})
		}, core.Conflict, "Conversation C-1 was changed"},
		{"stale_copy_read_before_the_update_conflicts", func(e env) error {
			c := e.conv("C-1")
			c.Version = 5
			reply(c)
			return saveIn(e, c)
		}, core.Conflict, "Conversation C-1 was changed"},
		{"duplicate_insert_conflicts", func(e env) error {
			dup := newConversation("C-1", t0.Add(time.Hour))
			dup.Channel = "discord"
			return saveIn(e, dup)
		}, core.Conflict, "Conversation C-1 was added"},
		{"ignored_conflict_still_rolls_back", func(e env) error {
			stale := e.conv("C-1")
			stale.Version = 9
			return e.update(func(tx core.Tx) error {
				if err := tx.SaveConversation(e.ctx, newConversation("C-NEW", t0)); err != nil {
					return err
				}
				_ = tx.SaveConversation(e.ctx, stale)
				return nil
			})
		}, core.Conflict, "C-1"},
		{"failed_update_rolls_back_everything", func(e env) error {
			err := e.update(func(tx core.Tx) error {
				c, err := tx.Conversation(e.ctx, "C-1")
				if err != nil {
					return err
				}
				reply(c)
				if err := tx.SaveConversation(e.ctx, c); err != nil {
					return err
				}
				if err := tx.SaveConversation(e.ctx, newConversation("C-NEW", t0)); err != nil {
					return err
				}
				if err := tx.Enqueue(e.ctx, core.Event{Kind: core.EventReply, ConversationID: "C-1", Channel: "web", Text: "Shipped today.", At: t0}); err != nil {
					return err
				}
				return errBoom
			})
			if err != errBoom {
				e.t.Errorf("Update returned %v, want fn's error unchanged", err)
			}
			return core.Errorf(core.Invalid, "refused by fn")
		}, core.Invalid, ""},
		{"message_of_another_conversation_refused", func(e env) error {
			other := e.conv("C-2").Messages[0].ID
			return e.update(func(tx core.Tx) error {
				c, err := tx.Conversation(e.ctx, "C-1")
				if err != nil {
					return err
				}
				c.Messages[0].ID = other
				c.Messages[0].AnsweredAt = at(t0.Add(time.Hour))
				return tx.SaveConversation(e.ctx, c)
			})
		}, core.Internal, ""},
		{"nul_in_text_invalid", func(e env) error {
			c := newConversation("C-NEW", t0)
			c.Messages[0].Text = "where\x00is it"
			return saveIn(e, c)
		}, core.Invalid, "C-NEW"},
		{"invalid_utf8_invalid", func(e env) error {
			return e.update(func(tx core.Tx) error {
				c, err := tx.Conversation(e.ctx, "C-1")
				if err != nil {
					return err
				}
				c.Messages = append(c.Messages, core.Message{From: core.FromBuyer, Text: "caf\xe9", At: t0.Add(time.Hour)})
				return tx.SaveConversation(e.ctx, c)
			})
		}, core.Invalid, "C-1"},
		{"message_without_sender_invalid", func(e env) error {
			c := newConversation("C-NEW", t0)
			c.Messages[0].From = ""
			return saveIn(e, c)
		}, core.Invalid, "C-NEW"},
		{"conversation_without_id_invalid", func(e env) error {
			return saveIn(e, newConversation("", t0))
		}, core.Invalid, "conversation id"},
		{"write_in_view_refused", func(e env) error {
			return e.s.View(e.ctx, func(tx core.Tx) error { return tx.SaveConversation(e.ctx, newConversation("C-NEW", t0)) })
		}, core.Internal, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, open)
			e.saveConv(newConversation("C-1", t0))
			e.saveConv(newConversation("C-2", t0))
			before1, before2 := e.conv("C-1"), e.conv("C-2")
			err := c.run(e)
			wantCode(t, err, c.want)
			if !strings.Contains(core.ErrorMessage(err), c.mention) {
				t.Errorf("message %q does not mention %q", core.ErrorMessage(err), c.mention)
			}
			// Nothing changed.
			e.mustEqual("C-1", before1, e.conv("C-1"))
			e.mustEqual("C-2", before2, e.conv("C-2"))
			e.view(func(tx core.Tx) error {
				_, err := tx.Conversation(e.ctx, "C-NEW")
				if core.ErrorCode(err) != core.NotFound {
					t.Errorf("refused save left C-NEW behind (%v)", err)
				}
				all, err := tx.Conversations(e.ctx, core.ConversationQuery{})
				if err == nil && len(all) != 2 {
					t.Errorf("%d conversations after a refused save, want 2", len(all))
				}
				ob, err := tx.Outbox(e.ctx, 0, 0)
				if err == nil && len(ob) != 0 {
					t.Errorf("refused update left outbox messages behind: %v", ob)
				}
				return err
			})
		})
	}
}

func testConversationQueries(t *testing.T, open func(t *testing.T) core.Store) {
	e := newEnv(t, open)
	h := time.Hour
	// mk makes a conversation with a buyer message, a staff reply and a
	// second buyer message; deadline 0 means nobody waits. draft: "" none,
	// "current" for the newest buyer message, "stale" for the first.
	mk := func(id, channel, buyer, order string, deadline, updated time.Duration, draft string) *core.Conversation {
		c := &core.Conversation{ID: id, Channel: channel, BuyerKey: buyer, OrderID: order, Language: "en",
			Messages: []core.Message{
				{From: core.FromBuyer, Text: id + " first", At: t0},
				{From: core.FromStaff, By: "Ann", Text: id + " reply", At: t0.Add(time.Minute)},
				{From: core.FromBuyer, Text: id + " again", At: t0.Add(2 * time.Minute)},
			},
			CreatedAt: t0, UpdatedAt: t0.Add(updated)}
		c.Messages[0].AnsweredAt = at(t0.Add(time.Minute))
		if deadline != 0 {
			c.Deadline = at(t0.Add(deadline))
		} else {
			c.Messages[2].AnsweredAt = at(t0.Add(3 * time.Minute))
		}
		e.saveConv(c) // ids are known from here on
		if draft != "" {
			forMsg := c.Messages[2].ID
			if draft == "stale" {
				forMsg = c.Messages[0].ID
			}
			c.Draft = &core.Draft{Text: "Hi " + id, Language: "en", Intent: "track_order", Drafter: "offline", MadeAt: t0, ForMessage: forMsg}
			e.saveConv(c)
		}
		return c
	}
	saved := map[string]*core.Conversation{}
	for _, c := range []*core.Conversation{
		mk("W1", "web", "b1", "O1", 5*h, 1*h, "current"),
		mk("W2", "discord", "b2", "", 2*h, 2*h, ""),
		mk("W3", "discord", "b1", "O3", 10*h, 3*h, "stale"),
		mk("W4", "web", "b4", "", 2*h, 2*h, "current"), // W2's deadline and time: by id
		mk("D1", "web", "b1", "O1", 0, 1*h, "current"),
		mk("D2", "discord", "b3", "", 0, 4*h, ""),
		mk("D3", "web", "b5", "", 0, 4*h, "stale"), // D2's time: by id
	} {
		saved[c.ID] = c
	}
	cases := []struct {
		name string
		q    core.ConversationQuery
		want []string
	}{
		{"all_deadline_first_then_newest", core.ConversationQuery{}, []string{"W2", "W4", "W1", "W3", "D2", "D3", "D1"}},
		{"waiting", core.ConversationQuery{Waiting: true}, []string{"W2", "W4", "W1", "W3"}},
		{"deadline_before_exclusive", core.ConversationQuery{DeadlineBefore: t0.Add(5 * h)}, []string{"W2", "W4"}},
		{"needs_draft_missing_or_stale", core.ConversationQuery{NeedsDraft: true}, []string{"W2", "W3"}},
		{"by_channel", core.ConversationQuery{Channel: "discord"}, []string{"W2", "W3", "D2"}},
		{"by_buyer", core.ConversationQuery{BuyerKey: "b1"}, []string{"W1", "W3", "D1"}},
		{"by_buyer_and_channel", core.ConversationQuery{BuyerKey: "b1", Channel: "web"}, []string{"W1", "D1"}},
		{"by_order", core.ConversationQuery{OrderID: "O1"}, []string{"W1", "D1"}},
		{"limit", core.ConversationQuery{Limit: 3}, []string{"W2", "W4", "W1"}},
		{"waiting_limit", core.ConversationQuery{Waiting: true, Limit: 1}, []string{"W2"}},
		{"everything_at_once", core.ConversationQuery{Waiting: true, NeedsDraft: true, DeadlineBefore: t0.Add(11 * h),
			Channel: "discord", BuyerKey: "b1", OrderID: "O3", Limit: 5}, []string{"W3"}},
		{"nothing_matches", core.ConversationQuery{BuyerKey: "nobody"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e.view(func(tx core.Tx) error {
				got, err := tx.Conversations(e.ctx, c.q)
				if err != nil {
					return err
				}
				var ids []string
				for i := range got {
					ids = append(ids, got[i].ID)
					// Each comes whole: its own messages and draft.
					e.mustEqual(got[i].ID, saved[got[i].ID], &got[i])
				}
				if !slices.Equal(ids, c.want) {
					t.Errorf("got %v, want %v", ids, c.want)
				}
				if c.q.NeedsDraft {
					for i := range got {
						if !got[i].NeedsDraft() {
							t.Errorf("%s listed as needing a draft, but core says it does not", got[i].ID)
						}
					}
				}
				return nil
			})
		})
	}
	t.Run("negative_limit_invalid", func(t *testing.T) {
		e.view(func(tx core.Tx) error {
			_, err := tx.Conversations(e.ctx, core.ConversationQuery{Limit: -1})
			wantCode(t, err, core.Invalid)
			return nil
		})
	})

	t.Run("bare_list_leaves_out_the_messages", func(t *testing.T) {
		e := newEnv(t, open)
		c := fullConversation("C-1")
		e.saveConv(c)
		e.saveConv(newConversation("C-2", t0.Add(time.Hour)))
		for _, q := range []core.ConversationQuery{{Bare: true}, {Channel: "web", BuyerKey: c.BuyerKey, Limit: 1, Bare: true},
			{Channel: "web", BuyerKey: c.BuyerKey, OrderID: c.OrderID, Limit: 1, Bare: true}} {
			var full, bare []core.Conversation
			e.view(func(tx core.Tx) (err error) {
				if bare, err = tx.Conversations(e.ctx, q); err != nil {
					return err
				}
				q.Bare = false
				full, err = tx.Conversations(e.ctx, q)
				return err
			})
			if len(full) == 0 {
				t.Fatalf("%+v lists nothing", q)
			}
			for i := range full {
				full[i].Messages = nil
			}
			e.mustEqual(fmt.Sprintf("%+v", q), full, bare)
		}
	})

	t.Run("needs_draft_follows_the_newest_buyer_message", func(t *testing.T) {
		e := newEnv(t, open)
		needs := func(step string, want bool) {
			t.Helper()
			var got []core.Conversation
			e.view(func(tx core.Tx) (err error) {
				got, err = tx.Conversations(e.ctx, core.ConversationQuery{NeedsDraft: true})
				return err
			})
			if listed := len(got) == 1 && got[0].ID == "C-1"; listed != want || len(got) > 1 {
				t.Fatalf("%s: NeedsDraft lists %d conversations, want C-1 listed: %v", step, len(got), want)
			}
			if c := e.conv("C-1"); c.NeedsDraft() != want {
				t.Fatalf("%s: core's NeedsDraft is %v, the store's %v", step, c.NeedsDraft(), want)
			}
		}
		draft := func(c *core.Conversation) {
			c.Draft = &core.Draft{Text: "Soon.", Language: "en", Intent: "track_order", Drafter: "offline", MadeAt: t0, ForMessage: c.LastBuyerMessage()}
		}
		e.saveConv(newConversation("C-1", t0))
		needs("new buyer message", true)
		e.changeConv("C-1", draft)
		needs("draft for it", false)
		e.changeConv("C-1", func(c *core.Conversation) {
			c.Messages = append(c.Messages, core.Message{From: core.FromBuyer, Text: "Hello??", At: t0.Add(time.Hour)})
		})
		needs("buyer wrote again", true)
		e.changeConv("C-1", draft)
		needs("redrafted", false)
		e.changeConv("C-1", func(c *core.Conversation) {
			c.Messages = append(c.Messages, core.Message{From: core.FromStaff, By: "Ann", Text: "Looking.", At: t0.Add(2 * time.Hour)})
		})
		needs("staff note after the draft", false)
		e.changeConv("C-1", func(c *core.Conversation) {
			c.Messages = append(c.Messages, core.Message{From: core.FromBuyer, Text: "ok", At: t0.Add(3 * time.Hour)})
			c.Draft = nil
		})
		needs("draft removed", true)
		e.changeConv("C-1", func(c *core.Conversation) {
			for i := range c.Messages {
				c.Messages[i].AnsweredAt = at(t0.Add(4 * time.Hour))
			}
			c.Deadline = nil
		})
		needs("answered: nobody waits", false)
		// A draft attached in the same save as the message it was meant for
		// (ForMessage 0) answers it: the store gives it the message's id.
		e.changeConv("C-1", func(c *core.Conversation) {
			c.Messages = append(c.Messages, core.Message{From: core.FromBuyer, Text: "one more thing", At: t0.Add(5 * time.Hour)})
			c.Deadline = at(t0.Add(5*time.Hour + core.ResponseWindow))
			draft(c)
		})
		needs("draft saved with its new message", false)
		// An older draft saved with a new buyer message is stale.
		e.changeConv("C-1", func(c *core.Conversation) {
			c.Messages = append(c.Messages, core.Message{From: core.FromBuyer, Text: "and another", At: t0.Add(6 * time.Hour)})
		})
		needs("old draft saved with a new message", true)
	})
}

// testDraftWithItsMessage: core drafts a buyer message before saving it, so
// the draft names message 0; the store saves the draft for the id the
// message gets, in the same save, and gives that id to the draft.
func testDraftWithItsMessage(t *testing.T, open func(t *testing.T) core.Store) {
	// The key of the draft's JSON, in its text and note: only the key itself
	// may take the id.
	newDraft := func(text string) *core.Draft {
		return &core.Draft{Text: text + ` {"for_message":0} "for_message":0 \"for_message\":0 ✅`, Language: "en", Intent: "track_order",
			NeedsResponse: true, Drafter: "offline", Note: `"for_message":0`, MadeAt: t0.Add(time.Minute)}
	}
	buyer := func(text string, h time.Duration) core.Message {
		return core.Message{From: core.FromBuyer, Text: text, At: t0.Add(h)}
	}
	// check: the saved copy's draft answers message i (-1: none, so it is
	// not current), and reads back as saved.
	check := func(e env, c *core.Conversation, i int) {
		e.t.Helper()
		want := int64(0)
		if i >= 0 {
			want = c.Messages[i].ID
		}
		if c.Draft.ForMessage != want || i >= 0 && want == 0 {
			e.t.Fatalf("after the save the draft answers message id %d, want %d (message %d)", c.Draft.ForMessage, want, i)
		}
		e.mustEqual("conversation read back", c, e.conv(c.ID))
		var listed []core.Conversation
		e.view(func(tx core.Tx) (err error) {
			listed, err = tx.Conversations(e.ctx, core.ConversationQuery{NeedsDraft: true})
			return err
		})
		if got := slices.ContainsFunc(listed, func(l core.Conversation) bool { return l.ID == c.ID }); got != (i < 0) {
			e.t.Fatalf("NeedsDraft lists %s: %v, want %v", c.ID, got, i < 0)
		}
	}
	cases := []struct {
		name   string
		stored bool // the change is to a stored conversation, else a new one
		change func(c *core.Conversation)
		answer int // the message the draft answers (-1: none)
	}{
		{"new_conversation", false, func(*core.Conversation) {}, 0},
		{"next_message", true, func(c *core.Conversation) { c.Messages = append(c.Messages, buyer("Any news?", time.Hour)) }, 1},
		{"with_a_reply_and_an_answer", true, func(c *core.Conversation) {
			c.Messages[0].AnsweredAt = at(t0.Add(time.Hour))
			c.Messages = append(c.Messages, core.Message{From: core.FromStaff, By: "Ann", Text: "Shipped.", At: t0.Add(time.Hour)},
				buyer("Thanks! And the mug?", 2*time.Hour))
		}, 2},
		{"two_buyer_messages_in_a_new_conversation", false, func(c *core.Conversation) { c.Messages = append(c.Messages, buyer("Hello?", time.Minute)) }, 1},
		{"new_staff_message_only_leaves_it_answering_nothing", true, func(c *core.Conversation) {
			c.Messages = append(c.Messages, core.Message{From: core.FromStaff, By: "Ann", Text: "Looking.", At: t0.Add(time.Hour)})
		}, -1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, open)
			c := newConversation("C-1", t0)
			set := func(c *core.Conversation) {
				tc.change(c)
				c.Draft = newDraft(tc.name)
			}
			if tc.stored {
				e.saveConv(c)
				c = e.changeConv(c.ID, set)
			} else {
				set(c)
				e.saveConv(c)
			}
			check(e, c, tc.answer)
		})
	}
	t.Run("saved_again_in_the_same_update", func(t *testing.T) {
		e := newEnv(t, open)
		c := newConversation("C-1", t0)
		c.Draft = newDraft("First")
		err := e.update(func(tx core.Tx) error {
			if err := tx.SaveConversation(e.ctx, c); err != nil {
				return err
			}
			c.Draft.Text, c.Language = "Second", "de"
			return tx.SaveConversation(e.ctx, c)
		})
		if err != nil {
			t.Fatal(err)
		}
		if c.Version != 2 {
			t.Fatalf("Version %d after two saves, want 2", c.Version)
		}
		check(e, c, 0)
	})
	t.Run("stale_version_writes_nothing", func(t *testing.T) {
		e := newEnv(t, open)
		e.saveConv(newConversation("C-1", t0))
		before := e.conv("C-1")
		stale := e.conv("C-1")
		stale.Version = 4
		stale.Messages = append(stale.Messages, buyer("Hello?", time.Hour))
		stale.Draft = newDraft("Never")
		err := e.update(func(tx core.Tx) error { return tx.SaveConversation(e.ctx, stale) })
		wantCode(t, err, core.Conflict)
		e.mustEqual("C-1", before, e.conv("C-1"))
	})
}

func testResponseCounts(t *testing.T, open func(t *testing.T) core.Store) {
	now := t0.Add(10 * day)
	since := now.Add(-7 * day)
	w := core.ResponseWindow
	type msg struct {
		from     core.Sender
		sent     time.Time
		answered *time.Time
	}
	buyer := func(sent time.Time, answered *time.Time) msg { return msg{core.FromBuyer, sent, answered} }
	cases := []struct {
		name string
		msgs []msg
		want core.ResponseCounts
	}{
		{"answered_at_exactly_24h_in_window", []msg{buyer(now.Add(-2*w), at(now.Add(-w)))}, core.ResponseCounts{Due: 1, InWindow: 1}},
		{"answered_1us_after_24h_late", []msg{buyer(now.Add(-2*w), at(now.Add(-w+us)))}, core.ResponseCounts{Due: 1, InWindow: 0}},
		{"answered_early_in_window", []msg{buyer(now.Add(-time.Hour), at(now.Add(-30*time.Minute)))}, core.ResponseCounts{Due: 1, InWindow: 1}},
		{"answered_after_24h_late", []msg{buyer(now.Add(-2*w), at(now))}, core.ResponseCounts{Due: 1, InWindow: 0}},
		{"unanswered_exactly_24h_due_not_in_window", []msg{buyer(now.Add(-w), nil)}, core.ResponseCounts{Due: 1, InWindow: 0}},
		{"unanswered_older_than_24h_due_not_in_window", []msg{buyer(now.Add(-3*w), nil)}, core.ResponseCounts{Due: 1, InWindow: 0}},
		{"unanswered_younger_than_24h_not_counted", []msg{buyer(now.Add(-w+us), nil)}, core.ResponseCounts{}},
		{"sent_at_since_counted", []msg{buyer(since, at(since.Add(time.Hour)))}, core.ResponseCounts{Due: 1, InWindow: 1}},
		{"sent_before_since_not_counted", []msg{buyer(since.Add(-us), at(since.Add(time.Hour)))}, core.ResponseCounts{}},
		// The engine computes the rate at the instant a "thanks!" was marked
		// no-reply, and counts it (see sqlstore's ResponseCounts).
		{"sent_and_answered_at_now_counted", []msg{buyer(now, at(now))}, core.ResponseCounts{Due: 1, InWindow: 1}},
		{"sent_after_now_not_counted", []msg{buyer(now.Add(us), at(now.Add(us)))}, core.ResponseCounts{}},
		{"staff_messages_not_counted", []msg{{core.FromStaff, now.Add(-2 * w), nil}, {core.FromStaff, now.Add(-time.Hour), at(now)}}, core.ResponseCounts{}},
		{"all_together", []msg{
			buyer(now.Add(-2*w), at(now.Add(-w))),               // due, in window
			buyer(now.Add(-2*w), at(now.Add(-w+us))),            // due, late
			buyer(now.Add(-w), nil),                             // due, never answered
			buyer(now.Add(-w+us), nil),                          // not yet due
			buyer(now.Add(-time.Hour), at(now.Add(-time.Hour))), // due, in window
			buyer(since.Add(-us), at(since)),                    // before the period
			{core.FromStaff, now.Add(-2 * w), nil},              // not a buyer message
		}, core.ResponseCounts{Due: 4, InWindow: 2}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, open)
			conv := &core.Conversation{ID: "C-1", Channel: "web", CreatedAt: since, UpdatedAt: now}
			for _, m := range c.msgs {
				conv.Messages = append(conv.Messages, core.Message{From: m.from, Text: "m", At: m.sent, AnsweredAt: m.answered})
			}
			e.saveConv(conv)
			e.view(func(tx core.Tx) error {
				got, err := tx.ResponseCounts(e.ctx, since, now)
				if err == nil && got != c.want {
					t.Errorf("got %+v, want %+v", got, c.want)
				}
				return err
			})
		})
	}
}

func testConversationOutbox(t *testing.T, open func(t *testing.T) core.Store) {
	e := newEnv(t, open)
	events := []core.Event{
		{Kind: core.EventReply, ConversationID: "C-7KQ2M9XH", Channel: "discord", OrderID: "902-1", Text: "已发货 📦 — shipped today", At: t0},
		{Kind: core.EventDraftReady, ConversationID: "C-7KQ2M9XH", Channel: "web", Text: "A draft waits", At: t0.Add(time.Second)},
		{Kind: core.EventLowStock, SKU: "SKU-A", Text: "SKU-A is low", At: t0.Add(2 * time.Second)}, // no conversation
	}
	e.enqueue(events...)
	e.wantOutbox(events)
}

// testConversationConcurrency has two agents answer the same conversation
// at the same moment.
//
// Read and saved in one Update, the two are serialized and both answers
// kept: Conversation locks the row (PostgreSQL: FOR UPDATE, so the second
// waits and then reads the first one's save; SQLite: one writer at a time).
// Read before the Update, the second save is refused with Conflict by the
// version check. Never another kind of error, never a lost message.
func testConversationConcurrency(t *testing.T, open func(t *testing.T) core.Store) {
	const rounds = 20
	answer := func(c *core.Conversation, who int) {
		c.Messages = append(c.Messages, core.Message{From: core.FromStaff, By: fmt.Sprint(who), Text: fmt.Sprintf("reply %d", who), At: t0.Add(time.Hour)})
		c.Messages[0].AnsweredAt = at(t0.Add(time.Hour))
		c.Deadline = nil
	}
	cases := []struct {
		name string
		// race runs one agent's attempt: it calls ready when set to go,
		// then waits for start, closed once both are ready.
		race func(e env, id string, who int, ready func(), start <-chan struct{}) error
		// wins: how many attempts must succeed (the rest get Conflict).
		wins int
	}{
		{"read_and_save_in_one_update_serialized_both_kept", func(e env, id string, who int, ready func(), start <-chan struct{}) error {
			ready()
			<-start
			return e.update(func(tx core.Tx) error {
				c, err := tx.Conversation(e.ctx, id)
				if err != nil {
					return err
				}
				answer(c, who)
				return tx.SaveConversation(e.ctx, c)
			})
		}, 2},
		{"read_first_then_save_one_conflicts", func(e env, id string, who int, ready func(), start <-chan struct{}) error {
			// Both read the same version before either saves.
			var c *core.Conversation
			err := e.s.View(e.ctx, func(tx core.Tx) (err error) {
				c, err = tx.Conversation(e.ctx, id)
				return err
			})
			ready()
			if err != nil {
				return err
			}
			<-start
			return e.update(func(tx core.Tx) error {
				answer(c, who)
				return tx.SaveConversation(e.ctx, c)
			})
		}, 1},
		{"same_new_conversation_twice_one_conflicts", func(e env, id string, who int, ready func(), start <-chan struct{}) error {
			c := newConversation(id+"-NEW", t0)
			c.BuyerName = fmt.Sprint(who)
			ready()
			<-start
			return e.update(func(tx core.Tx) error { return tx.SaveConversation(e.ctx, c) })
		}, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, open)
			for r := range rounds {
				id := fmt.Sprintf("C-RACE-%02d", r)
				e.saveConv(newConversation(id, t0))
				start := make(chan struct{})
				var ready, wg sync.WaitGroup
				errs := make([]error, 2)
				for who := range 2 {
					wg.Add(1)
					ready.Add(1)
					go func() {
						defer wg.Done()
						errs[who] = c.race(e, id, who, ready.Done, start)
					}()
				}
				ready.Wait()
				close(start)
				wg.Wait()
				wins, conflicts := 0, 0
				for _, err := range errs {
					switch core.ErrorCode(err) {
					case "":
						wins++
					case core.Conflict:
						conflicts++
					default:
						t.Fatalf("round %d: unexpected error %v", r, err)
					}
				}
				if wins != c.wins || wins+conflicts != 2 {
					t.Fatalf("round %d: %d won and %d got Conflict (%v), want %d to win", r, wins, conflicts, errs, c.wins)
				}
				if strings.HasPrefix(c.name, "same_new") {
					if got := e.conv(id + "-NEW"); got.Version != 1 || len(got.Messages) != 1 {
						t.Fatalf("round %d: new conversation is version %d with %d messages, want 1 and 1", r, got.Version, len(got.Messages))
					}
					continue
				}
				got := e.conv(id)
				if got.Version != int64(1+wins) || len(got.Messages) != 1+wins || got.Deadline != nil {
					t.Fatalf("round %d: conversation is version %d with %d messages; want version %d with %d", r, got.Version, len(got.Messages), 1+wins, 1+wins)
				}
			}
		})
	}
}
