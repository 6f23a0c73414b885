package core

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sellerdesk/sellerdesk/core/textscan"
)

// Mail channels. Both are buyer channels like web and discord: their
// conversations are in the inbox, keep the 24-hour deadline, get reminders
// and drafts, and staff answer them from any desk; the mail adapter sends
// the replies.
const (
	// ChannelAmazon is Amazon Buyer-Seller Messaging relay mail. BuyerKey is
	// the relay address (lower case), OrderID the order the mail is about
	// (Amazon vouches for it); one conversation per order. Replies are
	// held to Amazon's rules (CheckAmazonReply).
	ChannelAmazon = "amazon"
	// ChannelEmail is any other mail to the shop's mailbox. BuyerKey is the
	// sender's address; a conversation is a mail thread (References and
	// In-Reply-To). It never gets an order from what the sender wrote.
	ChannelEmail = "email"
)

// MaxMailBytes bounds the text of a buyer mail. Mail is longer than chat
// (quoted history, signatures) and can't be sent back to shorten, so it
// has its own, larger limit; a longer mail is stored cut there, with a
// line saying so, and the whole mail stays in the mailbox.
const MaxMailBytes = 64 << 10

// mailPlatform names mail keys in the inbound-event store (FirstSeen).
const mailPlatform = "mail"

// MailIn is a buyer mail as the mail adapter parsed it.
type MailIn struct {
	MessageID  string   // the mail's Message-ID (with or without <>); "" gets a synthetic key
	InReplyTo  string   // In-Reply-To
	References []string // References, oldest first
	From       string   // the sender's address
	FromName   string   // the sender's display name
	Subject    string
	Date       time.Time // the Date header; zero if missing
	// Text is the buyer's own words, without Amazon's wrapper or quoted
	// earlier mail. It may be empty (a mail with only an attachment).
	Text        string
	Attachments []Attachment
	// Relay marks Amazon Buyer-Seller Messaging relay mail (recognised by
	// the adapter); OrderID and Marketplace come from it and are ignored
	// on other mail.
	Relay       bool
	OrderID     string
	Marketplace string // e.g. "amazon.de", for staff
	// ConversationID is set by the adapter when In-Reply-To or References
	// name one of our own replies (their Message-ID carries it).
	ConversationID string
}

// MailMessage stores a buyer mail as a buyer message and returns its
// conversation. A mail already stored (by Message-ID, from any replica,
// checked in the transaction that stores it) changes nothing and comes
// back with dup true and the conversation holding it (nil in the rare
// case it was stored once but that conversation is gone).
//
// Relay mail joins the amazon conversation of its order (opened if new):
// the draft is grounded in that order when the store has it; when it
// doesn't the conversation still opens, and the staff notice says the
// order is not in sellerdesk. Other mail continues the email conversation
// named by ConversationID, or holding a message In-Reply-To or References
// name, if it is the sender's own; else it opens a new one. A mail never
// joins a conversation of the other channel, and an email conversation
// never gets an order from what its sender wrote (only Amazon vouches for
// who the buyer is).
//
// The buyer message limit of chat channels (Policy.BuyerMessageLimit) does
// not apply: a mail can't be refused back to its sender while they wait,
// and a refused mail would be re-read for ever. Every mail is stored; the
// staff desks see a flood as one coalesced update (Engine.Deliver groups a
// conversation's news).
func (e *Engine) MailMessage(ctx context.Context, in MailIn) (conv *Conversation, dup bool, err error) {
	from := strings.ToLower(strings.TrimSpace(in.From))
	if from == "" || !strings.Contains(from, "@") || len(from) > 320 {
		return nil, false, FieldErrorf(Invalid, "from", "A mail needs the sender's address (got %q).", clipText(in.From, 80))
	}
	if in.Relay && strings.TrimSpace(in.OrderID) != "" && checkID(strings.TrimSpace(in.OrderID), "order_id") != nil {
		return nil, false, FieldErrorf(Invalid, "order_id", "The relay mail's order id %q is not valid.", clipText(in.OrderID, 80))
	}
	key := mailKey(in)
	text := mailText(in.Text, in.Attachments)
	now := e.now()
	at := now
	if !in.Date.IsZero() && in.Date.Before(now) {
		at = in.Date.UTC() // the buyer's 24 hours run from when they wrote
	}
	err = e.update(ctx, func(tx Tx) error {
		conv, dup = nil, false // a store may retry fn
		// FirstSeen holds back a second replica storing the same mail at
		// the same moment; the ext_id lookup finds it for good, after the
		// inbound record is forgotten.
		first, err := tx.FirstSeen(ctx, mailPlatform, key, now)
		if err != nil {
			return err
		}
		id, err := tx.ConversationByMessageExtID(ctx, "", []string{key})
		switch {
		case err == nil:
			dup = true
			conv, err = tx.Conversation(ctx, id)
			return err
		case ErrorCode(err) != NotFound:
			return err
		case !first:
			dup = true // stored and since deleted: still not a new mail
			return nil
		}
		c, err := e.mailConversation(ctx, tx, in, from)
		if err != nil {
			return err
		}
		if in.FromName != "" {
			c.BuyerName = clipText(strings.TrimSpace(in.FromName), 200)
		}
		if c.Subject == "" {
			c.Subject = clipText(strings.TrimSpace(in.Subject), 300)
		}
		order, err := orderOrNil(ctx, tx, c.OrderID)
		if err != nil {
			return err
		}
		about := ""
		switch {
		case c.OrderID != "" && order == nil:
			about = fmt.Sprintf(" about order %s (not in sellerdesk yet: import it to ground the draft)", c.OrderID)
		case c.OrderID != "":
			about = " about order " + c.OrderID
		}
		if c.Channel == ChannelAmazon && in.Marketplace != "" {
			about += " on " + clipText(in.Marketplace, 40)
		}
		conv = c
		m := Message{From: FromBuyer, Text: text, At: at, ExtID: key, Attachments: cleanAttachments(in.Attachments)}
		return e.takeBuyerMessage(ctx, tx, c, m, order, about)
	})
	if err != nil {
		return nil, false, err
	}
	return conv, dup, nil
}

// mailConversation finds or opens the conversation a mail belongs to
// (locked when found); see MailMessage.
func (e *Engine) mailConversation(ctx context.Context, tx Tx, in MailIn, from string) (*Conversation, error) {
	now := e.now()
	if in.Relay {
		orderID := strings.TrimSpace(in.OrderID)
		if orderID != "" {
			// Recording the order as seen holds back another replica
			// opening a conversation for the same new order with another
			// mail until this one commits; it then finds this one's.
			if _, err := tx.FirstSeen(ctx, mailPlatform, "order:"+orderID, now); err != nil {
				return nil, err
			}
		}
		q := ConversationQuery{Channel: ChannelAmazon, OrderID: orderID, Limit: 1, Bare: true}
		if orderID == "" {
			q.BuyerKey = from // relay mail about no order: the relay address's thread
		}
		list, err := tx.Conversations(ctx, q)
		if err != nil {
			return nil, err
		}
		if len(list) > 0 {
			c, err := tx.Conversation(ctx, list[0].ID)
			if err != nil {
				return nil, err
			}
			c.BuyerKey = from // a reply goes where the buyer last wrote from
			return c, nil
		}
		return &Conversation{ID: e.ids.NewID("C"), Channel: ChannelAmazon, BuyerKey: from, OrderID: orderID, CreatedAt: now}, nil
	}
	// Our own reply named by the adapter first, then the buyer's earlier
	// mails in the thread, newest first.
	var candidates []string
	if in.ConversationID != "" {
		candidates = append(candidates, in.ConversationID)
	}
	refs := append([]string{in.InReplyTo}, in.References...)
	for i := range refs {
		refs[i] = normMessageID(refs[i])
	}
	if id, err := tx.ConversationByMessageExtID(ctx, ChannelEmail, refs); err == nil {
		candidates = append(candidates, id)
	} else if ErrorCode(err) != NotFound {
		return nil, err
	}
	for _, id := range candidates {
		c, err := tx.Conversation(ctx, id)
		if ErrorCode(err) == NotFound {
			continue
		}
		if err != nil {
			return nil, err
		}
		// Only the sender's own email thread: a mail naming someone
		// else's thread, or an Amazon buyer's, opens its own.
		if c.Channel == ChannelEmail && c.BuyerKey == from {
			return c, nil
		}
	}
	return &Conversation{ID: e.ids.NewID("C"), Channel: ChannelEmail, BuyerKey: from, CreatedAt: now}, nil
}

// mailKey is the key a mail is stored once by: its Message-ID, or for a
// mail without one a hash of what a re-read of the same mail gives again
// (sender, date, subject, text), so a mailbox read twice never stores it
// twice.
func mailKey(in MailIn) string {
	if id := normMessageID(in.MessageID); id != "" {
		if len(id) > 500 { // within what the store's keys take
			sum := sha256.Sum256([]byte(id))
			return "sha256:" + hex.EncodeToString(sum[:])
		}
		return id
	}
	h := sha256.New()
	for _, s := range []string{strings.ToLower(strings.TrimSpace(in.From)), in.Date.UTC().Format(time.RFC3339Nano), in.Subject, in.Text} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return "nomsgid:" + hex.EncodeToString(h.Sum(nil))
}

// normMessageID writes a Message-ID one way: without spaces or the angle
// brackets, and valid text.
func normMessageID(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimSuffix(strings.TrimPrefix(s, "<"), ">")
	s = strings.ToValidUTF8(strings.TrimSpace(s), "")
	return strings.ReplaceAll(s, "\x00", "")
}

// mailText is the text staff see of a mail: the buyer's words, cleaned as
// a chat message is but at most MaxMailBytes (cut there with a line that
// says so, never silently), or a line naming the attachments when there
// are no words, so a mail with only a photo is still a message to answer.
func mailText(s string, atts []Attachment) string {
	s = sanitizeText(s)
	if len(s) > MaxMailBytes {
		n := MaxMailBytes
		for n > 0 && !utf8.RuneStart(s[n]) {
			n--
		}
		s = s[:n] + fmt.Sprintf("\n\n[Cut at %d KB by sellerdesk: the full mail is in the mailbox.]", MaxMailBytes>>10)
	}
	if s != "" {
		return s
	}
	if len(atts) == 0 {
		return "(no text)"
	}
	names := make([]string, 0, len(atts))
	for _, a := range cleanAttachments(atts) {
		names = append(names, a.Name+", "+ByteSize(a.Size))
	}
	return fmt.Sprintf("(no text; %d %s: %s)", len(atts), plural(len(atts), "attachment", "attachments"), strings.Join(names, "; "))
}

// cleanAttachments keeps an attachment list storable and short: names as
// plain text of at most 200 bytes, at most 50 entries.
func cleanAttachments(atts []Attachment) []Attachment {
	if len(atts) == 0 {
		return nil
	}
	out := make([]Attachment, 0, min(len(atts), 50))
	for _, a := range atts[:min(len(atts), 50)] {
		name := strings.TrimSpace(strings.Map(func(r rune) rune {
			if r < 0x20 || r == 0x7f {
				return -1
			}
			return r
		}, strings.ToValidUTF8(a.Name, "")))
		if name == "" {
			name = "unnamed"
		}
		out = append(out, Attachment{Name: clipText(name, 200), Size: max(a.Size, 0), Type: clipText(strings.ToValidUTF8(a.Type, ""), 100)})
	}
	return out
}

// ByteSize writes a size for people: "812 bytes", "14 KB", "2.1 MB".
func ByteSize(n int64) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d %s", n, plural(int(n), "byte", "bytes"))
	case n < 1000*1000:
		return fmt.Sprintf("%d KB", (n+500)/1000)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/1e6)
}

// BounceIn is a notice that a staff reply sent by mail did not arrive:
// Amazon's "message not delivered", or another bounce.
type BounceIn struct {
	NoticeID       string // the notice's own Message-ID: a notice read twice counts once
	ConversationID string // from the bounced reply's Message-ID
	MessageID      int64  // the staff message that bounced
	Reason         string // Amazon's or the mail server's reason, for staff
}

// MailBounced marks a staff reply as not delivered and puts its buyer
// back in the queue: the buyer messages that reply answered wait again,
// with the deadline of the oldest of them (it may be past already: that is
// what Amazon measures), and staff are told with the reason
// (EventUndelivered) and in the audit log. A repeat notice, or a second
// one for the same reply, changes nothing.
func (e *Engine) MailBounced(ctx context.Context, in BounceIn) error {
	if in.ConversationID == "" || in.MessageID <= 0 {
		return FieldErrorf(Invalid, "message_id", "A bounce needs the conversation and staff message it is about (got %q, %d).", in.ConversationID, in.MessageID)
	}
	// Addresses go (a bounce quotes the buyer's): the reason is shown in
	// staff channels, which get no buyer personal data.
	reason := sanitizeText(in.Reason)
	for _, addr := range textscan.Emails(reason) {
		reason = strings.ReplaceAll(reason, addr, "[address]")
	}
	reason = clipText(reason, 1000)
	if reason == "" {
		reason = "no reason given"
	}
	now := e.now()
	return e.update(ctx, func(tx Tx) error {
		if id := normMessageID(in.NoticeID); id != "" {
			first, err := tx.FirstSeen(ctx, mailPlatform, "bounce:"+clipText(id, 480), now)
			if err != nil || !first {
				return err
			}
		}
		c, err := tx.Conversation(ctx, in.ConversationID)
		if err != nil {
			return err
		}
		i := -1
		for j := range c.Messages {
			if c.Messages[j].ID == in.MessageID && c.Messages[j].From == FromStaff {
				i = j
			}
		}
		if i < 0 {
			return FieldErrorf(NotFound, "message_id", "Conversation %s has no staff reply %d.", c.ID, in.MessageID)
		}
		reply := &c.Messages[i]
		if reply.Undelivered != "" {
			return nil // told already
		}
		reply.Undelivered = reason
		// The buyer messages this reply answered were marked answered at
		// the moment it was written (writeConversation), before it.
		reopened := 0
		for j := range c.Messages[:i] {
			m := &c.Messages[j]
			if m.From == FromBuyer && !m.NoReply && m.AnsweredAt != nil && m.AnsweredAt.Equal(reply.At) {
				m.AnsweredAt = nil
				reopened++
			}
		}
		c.Deadline = nil
		if w := c.Waiting(); len(w) > 0 {
			oldest := w[0].At
			for _, m := range w[1:] {
				if m.At.Before(oldest) {
					oldest = m.At
				}
			}
			d := oldest.Add(ResponseWindow)
			c.Deadline = &d
		}
		c.RemindersSent, c.Breached, c.UpdatedAt = 0, false, now
		if err := tx.SaveConversation(ctx, c); err != nil {
			return err
		}
		text := fmt.Sprintf("The reply in %s was not delivered: %s.", c.ID, strings.TrimSuffix(reason, "."))
		if c.Deadline != nil {
			text += fmt.Sprintf(" The buyer waits again; answer by %s.", e.policy.stamp(*c.Deadline))
		}
		if err := tx.Enqueue(ctx, Event{Kind: EventUndelivered, ConversationID: c.ID, Channel: c.Channel, OrderID: c.OrderID,
			MessageID: reply.ID, Text: text, At: now}); err != nil {
			return err
		}
		detail := fmt.Sprintf("%s: reply %d not delivered (%s); %d buyer %s waiting again", c.ID, reply.ID, clipText(reason, 300), reopened, plural(reopened, "message", "messages"))
		return tx.AddAudit(ctx, auditOf(SystemActor(), now, "reply undelivered", c.OrderID, detail))
	})
}

// Notes are the lines staff see under a message besides its text: the
// attachments of a buyer mail by name and size, and why a staff reply was
// not delivered. Desks show them with the message (StaffText applies).
func (m Message) Notes() []string {
	var out []string
	if len(m.Attachments) > 0 {
		names := make([]string, len(m.Attachments))
		for i, a := range m.Attachments {
			names[i] = fmt.Sprintf("%s (%s)", StaffText(a.Name), ByteSize(a.Size))
		}
		out = append(out, "Attachments, in the mailbox: "+strings.Join(names, ", "))
	}
	if m.Undelivered != "" {
		out = append(out, "Not delivered: "+StaffText(m.Undelivered))
	}
	return out
}

// Cursor returns where a message source has read up to ("" before its
// first read). The mail reader keeps "uidvalidity:lastuid" per folder.
func (e *Engine) Cursor(ctx context.Context, name string) (string, error) {
	var v string
	err := e.store.View(ctx, func(tx Tx) (err error) {
		v, err = tx.Cursor(ctx, name)
		return err
	})
	if ErrorCode(err) == NotFound {
		return "", nil
	}
	return v, err
}

// SaveCursor moves a source's cursor to next(the stored value), in one
// transaction: two readers of the same mailbox (an overlap of replicas)
// each keep the further of the two places rather than the later write.
// next returning the old value leaves it as it is.
func (e *Engine) SaveCursor(ctx context.Context, name string, next func(old string) string) error {
	if name == "" {
		return FieldErrorf(Invalid, "cursor", "A cursor needs a name.")
	}
	return e.update(ctx, func(tx Tx) error {
		old, err := tx.Cursor(ctx, name)
		if err != nil && ErrorCode(err) != NotFound {
			return err
		}
		v := next(old)
		if v == old {
			return nil
		}
		return tx.SaveCursor(ctx, name, v)
	})
}
