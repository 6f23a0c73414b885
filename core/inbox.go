package core

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// BuyerMessageIn is a message a buyer wrote on a channel.
type BuyerMessageIn struct {
	Channel   string // web, discord, …
	BuyerKey  string // the buyer's identity on the channel (session, user id)
	BuyerName string
	// ConversationID continues that conversation; empty continues the
	// buyer's latest one on the channel for the order, or opens one.
	ConversationID string
	// OrderID is the order the buyer proved is theirs ("" if none yet).
	OrderID string
	Text    string
}

// cleanText checks a message: not empty, valid UTF-8, at most 4 KB. Control
// characters other than line breaks and tabs are dropped.
func cleanText(s, field string) (string, error) {
	s = sanitizeText(s)
	if s == "" {
		return "", FieldErrorf(Invalid, field, "The message is empty — write something first.")
	}
	if len(s) > MaxMessageBytes {
		return "", FieldErrorf(Invalid, field, "The message is too long: %d bytes, at most %d (about %d characters).", len(s), MaxMessageBytes, MaxMessageBytes/3)
	}
	return s, nil
}

// sanitizeText makes text storable and plain: valid UTF-8, no control
// characters but line breaks and tabs, Unix line ends, trimmed.
func sanitizeText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f {
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
}

// BuyerMessage stores a buyer's message at once — opening or continuing a
// conversation and starting its 24-hour clock — and tells staff through the
// outbox. A quick drafter drafts in the same transaction; any other drafts
// afterwards (Draft, DraftPending), so the buyer is acknowledged without
// waiting for a model.
func (e *Engine) BuyerMessage(ctx context.Context, in BuyerMessageIn) (*Conversation, error) {
	text, err := cleanText(in.Text, "text")
	if err != nil {
		return nil, err
	}
	if in.Channel == "" || in.BuyerKey == "" {
		return nil, Errorf(Internal, "buyer message without channel or buyer")
	}
	now := e.now()
	if p, ok := e.drafter.(Preparer); ok && e.DraftsInline() {
		p.Prepare(text) // a first message, or the only one waiting, is the draft's text
	}
	var conv *Conversation
	// Optimistic: the conversation's Version guards everything read here
	// (the pace check reads its messages); the order is read for the draft
	// and the buyer's name only, as it is at this moment.
	err = e.updateOptimistic(ctx, func(tx Tx) error {
		c, err := e.buyerConversation(ctx, tx, in)
		if err != nil {
			return err
		}
		if err := e.policy.buyerPace(c, now); err != nil {
			return err
		}
		if in.OrderID != "" && c.OrderID == "" {
			c.OrderID = in.OrderID
		}
		if in.BuyerName != "" {
			c.BuyerName = in.BuyerName
		}
		var order *Order // the verified order, read once for the name and the draft
		if c.OrderID != "" && (c.BuyerName == "" || e.DraftsInline()) {
			if order, err = orderOrNil(ctx, tx, c.OrderID); err != nil {
				return err
			}
		}
		conv = c
		return e.takeBuyerMessage(ctx, tx, c, Message{From: FromBuyer, Text: text, At: now}, order, "")
	})
	return conv, err
}

// takeBuyerMessage adds a buyer message to a conversation (opened or
// locked by the caller) on any channel: it starts the 24-hour clock if
// nobody waited yet, saves, tells staff through the outbox, and drafts at
// once with a quick drafter. The clock runs from m.At, when the buyer
// wrote. order is the conversation's order if the caller read it (for the
// buyer's name and the draft); about is said of the conversation in the
// staff notice ("" for "about order <id>" when there is an order).
func (e *Engine) takeBuyerMessage(ctx context.Context, tx Tx, c *Conversation, m Message, order *Order, about string) error {
	now := e.now()
	if c.BuyerName == "" && order != nil {
		c.BuyerName = order.Buyer.Name // staff address the buyer by name
	}
	c.Messages = append(c.Messages, m)
	if c.Deadline == nil {
		d := m.At.Add(ResponseWindow)
		c.Deadline, c.RemindersSent, c.Breached = &d, 0, false
	}
	c.UpdatedAt = now
	// A quick drafter drafts before the save, so that the message and its
	// draft are one write (the store points the draft at the id the message
	// gets).
	ready, err := e.draftNow(ctx, tx, c, order)
	if err != nil {
		return err
	}
	if err := tx.SaveConversation(ctx, c); err != nil {
		return err
	}
	if about == "" && c.OrderID != "" {
		about = " about order " + c.OrderID
	}
	if err := tx.Enqueue(ctx, Event{Kind: EventBuyerMessage, ConversationID: c.ID, Channel: c.Channel, OrderID: c.OrderID, At: now,
		Text: fmt.Sprintf("New buyer message in %s%s; answer by %s.", c.ID, about, e.policy.answerByText(*c.Deadline))}); err != nil {
		return err
	}
	if ready == nil {
		return nil
	}
	return tx.Enqueue(ctx, *ready)
}

// orderOrNil reads an order, nil when the store has none by that id.
func orderOrNil(ctx context.Context, tx Tx, id string) (*Order, error) {
	if id == "" {
		return nil, nil
	}
	o, err := tx.Order(ctx, id)
	if ErrorCode(err) == NotFound {
		return nil, nil
	}
	return o, err
}

// buyerPace refuses a buyer message when the conversation already has
// Policy.BuyerMessageLimit buyer messages within BuyerMessageWindow. The
// rule is here, not in an adapter, so it holds on every buyer channel; a
// refused message is not stored and tells staff nothing.
func (p Policy) buyerPace(c *Conversation, now time.Time) error {
	limit, window := p.buyerMessageLimit()
	since := now.Add(-window)
	var recent []time.Time // buyer messages in the window, oldest first
	for _, m := range c.Messages {
		if m.From == FromBuyer && m.At.After(since) {
			recent = append(recent, m.At)
		}
	}
	if len(recent) < limit {
		return nil
	}
	wait := recent[len(recent)-limit].Add(window).Sub(now)
	return &Error{Code: RateLimited, Wait: wait,
		Message: fmt.Sprintf("You have sent %d %s in the last %s, the most we take in that time; your earlier messages have all reached us. Please wait %s, then send this one again.",
			len(recent), plural(len(recent), "message", "messages"), spanText(window), waitText(wait))}
}

// spanText names a window in words ("minute", "5 minutes", "2 hours").
func spanText(d time.Duration) string {
	switch {
	case d == time.Minute:
		return "minute"
	case d == time.Hour:
		return "hour"
	case d%time.Hour == 0:
		return fmt.Sprintf("%d hours", d/time.Hour)
	case d%time.Minute == 0:
		return fmt.Sprintf("%d minutes", d/time.Minute)
	}
	return d.String()
}

// waitText says how long to wait, rounded up so nobody comes back too
// early: seconds under a minute, else minutes.
func waitText(d time.Duration) string {
	if d < time.Minute {
		s := max(1, int((d+time.Second-1)/time.Second))
		return fmt.Sprintf("%d %s", s, plural(s, "second", "seconds"))
	}
	m := minutesUp(d)
	return fmt.Sprintf("%d %s", m, plural(m, "minute", "minutes"))
}

// draftNow drafts a conversation inside the transaction that stores its
// buyer message, before the save, when the drafter is quick (see
// QuickDrafter): it sets the draft and returns the notice to send once the
// conversation is saved. If the drafter fails, the conversation is left to
// the drafting that follows every message (nil notice).
func (e *Engine) draftNow(ctx context.Context, tx Tx, c *Conversation, o *Order) (*Event, error) {
	if !e.DraftsInline() {
		return nil, nil
	}
	o, err := draftOrder(ctx, tx, c, o)
	if err != nil {
		return nil, err
	}
	d, err := e.drafter.Draft(ctx, DraftRequest{Conversation: c, Order: o, Now: e.now()})
	if err != nil {
		return nil, nil
	}
	ev := e.setDraft(c, d, o)
	return &ev, nil
}

// DraftsInline reports whether drafts are made in the buyer message's own
// transaction (a QuickDrafter), so nothing needs to draft after it.
func (e *Engine) DraftsInline() bool {
	q, ok := e.drafter.(QuickDrafter)
	return ok && q.Quick()
}

func (p Policy) stamp(t time.Time) string { return t.In(p.loc()).Format("Mon 2 Jan 15:04 MST") }

// buyerConversation finds the conversation a buyer message belongs to,
// never one of another buyer.
func (e *Engine) buyerConversation(ctx context.Context, tx Tx, in BuyerMessageIn) (*Conversation, error) {
	if in.ConversationID != "" {
		c, err := tx.Conversation(ctx, in.ConversationID)
		if err != nil || c.BuyerKey != in.BuyerKey || c.Channel != in.Channel {
			return nil, FieldErrorf(NotFound, "conversation_id", "No conversation %s for you.", in.ConversationID)
		}
		return c, nil
	}
	list, err := tx.Conversations(ctx, ConversationQuery{Channel: in.Channel, BuyerKey: in.BuyerKey, OrderID: in.OrderID, Limit: 1, Bare: true})
	if err != nil {
		return nil, err
	}
	if len(list) > 0 {
		return tx.Conversation(ctx, list[0].ID) // locked
	}
	now := e.now()
	return &Conversation{ID: e.ids.NewID("C"), Channel: in.Channel, BuyerKey: in.BuyerKey, BuyerName: in.BuyerName, CreatedAt: now}, nil
}

// BuyerConversations lists a buyer's own conversations on a channel.
func (e *Engine) BuyerConversations(ctx context.Context, channel, buyerKey string) ([]Conversation, error) {
	var out []Conversation
	err := e.store.View(ctx, func(tx Tx) error {
		var err error
		out, err = tx.Conversations(ctx, ConversationQuery{Channel: channel, BuyerKey: buyerKey})
		return err
	})
	return out, err
}

// MaxVerifyKeyBytes bounds the client key buyer verification limits
// ("web:<address>", "discord:<user id>").
const MaxVerifyKeyBytes = 128

// verifyOrderPrefix starts the key an order's failed verifications are
// counted under, in the same store as the clients' ("order:<order id>").
// No client key may start with it.
const verifyOrderPrefix = "order:"

// VerifyBuyer checks that someone knows an order's buyer email or shipping
// postal code and returns the order. A miss says nothing about which part
// was wrong, so the check can't be used to probe orders.
//
// client names who is trying ("web:<address>", "discord:<user id>"): each
// may fail Policy.VerifyTries times within Policy.VerifyWindow, counted in
// the store so every replica and channel sees the same tries. Past that,
// tries are refused (RateLimited, with the wait) without being checked.
// A success doesn't count, nor clear earlier failures: otherwise one's own
// order would reset the count between guesses at others.
//
// Failures are also counted per order id, from every client together
// (Policy.VerifyOrderTries within VerifyOrderWindow), so many addresses
// can't share out the guessing of one order. Any well-formed id counts,
// known or not, so the lock tells nobody whether an order exists.
func (e *Engine) VerifyBuyer(ctx context.Context, client, orderID, secret string) (*Order, error) {
	if client == "" || strings.HasPrefix(client, verifyOrderPrefix) {
		return nil, Errorf(Internal, "buyer verification without a client key of its channel (got %q)", client)
	}
	tries, window := e.policy.verifyLimit()
	orderTries, orderWindow := e.policy.verifyOrderLimit()
	orderKey := ""
	if id := strings.TrimSpace(orderID); checkID(id, "order_id") == nil {
		orderKey = verifyOrderPrefix + id
	}
	now := e.now()
	var o *Order
	var left int // failures left before a wait, after this one
	var wait time.Duration
	err := e.update(ctx, func(tx Tx) error {
		o = nil // a store may retry fn
		// The client's key is locked before the order's, always in that
		// order, so two tries never wait for each other's locks.
		n, oldest, err := tx.VerifyFailures(ctx, client, now.Add(-window))
		if err != nil {
			return err
		}
		if n >= tries {
			return tooManyTries(oldest.Add(window).Sub(now))
		}
		left, wait = tries-n-1, window
		if orderKey != "" {
			n, oldest, err := tx.VerifyFailures(ctx, orderKey, now.Add(-orderWindow))
			if err != nil {
				return err
			}
			if n >= orderTries {
				return orderLocked(strings.TrimSpace(orderID), oldest.Add(orderWindow).Sub(now))
			}
			if orderTries-n-1 < left {
				left, wait = orderTries-n-1, orderWindow
			}
		}
		found, err := verifyOrder(ctx, tx, orderID, secret)
		if err != nil || found != nil {
			o = found
			return err
		}
		if err := tx.AddVerifyFailure(ctx, client, now); err != nil || orderKey == "" {
			return err
		}
		return tx.AddVerifyFailure(ctx, orderKey, now)
	})
	if err != nil {
		return nil, err
	}
	if o == nil {
		return nil, verifyMiss(left, wait)
	}
	return o, nil
}

// verifyOrder returns the order if secret proves it, nil on a miss.
func verifyOrder(ctx context.Context, tx Tx, orderID, secret string) (*Order, error) {
	if checkID(orderID, "order_id") != nil || strings.TrimSpace(secret) == "" {
		return nil, nil
	}
	o, err := tx.Order(ctx, strings.TrimSpace(orderID))
	if ErrorCode(err) == NotFound || err == nil && !buyerSecretMatches(o, secret) {
		return nil, nil
	}
	return o, err
}

// verifyMiss is the one answer to a wrong order id or secret. The last
// tries before a wait are announced, so a buyer with a typo can stop and
// look at the confirmation first.
func verifyMiss(left int, window time.Duration) error {
	msg := "No order matches that order id and email or postal code. Check both against your order confirmation."
	if left > 0 && left <= 2 {
		msg += fmt.Sprintf(" You can try %d more %s before a %d-minute wait.", left, plural(left, "time", "times"), minutesUp(window))
	}
	return FieldErrorf(NotFound, "order_id", "%s", msg)
}

// orderLocked refuses a try at an order that has had too many wrong ones
// from anywhere. The buyer may be the victim, not the cause: the answer
// says it is for the order's safety and exactly when to come back.
func orderLocked(orderID string, wait time.Duration) error {
	m := minutesUp(wait)
	return &Error{Code: RateLimited, Wait: wait,
		Message: fmt.Sprintf("Order %s has had too many wrong tries, so to keep it safe it can't be verified for now. Please try again in %d %s.", orderID, m, plural(m, "minute", "minutes"))}
}

func tooManyTries(wait time.Duration) error {
	m := minutesUp(wait)
	return &Error{Code: RateLimited, Wait: wait,
		Message: fmt.Sprintf("Too many tries. Please wait %d %s, then try again.", m, plural(m, "minute", "minutes"))}
}

// minutesUp rounds up to whole minutes, at least one, so a buyer told to
// wait never comes back too early.
func minutesUp(d time.Duration) int { return max(1, int((d+time.Minute-1)/time.Minute)) }

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func buyerSecretMatches(o *Order, secret string) bool {
	s := strings.TrimSpace(secret)
	if strings.Contains(s, "@") {
		return o.Buyer.Email != "" && strings.EqualFold(s, strings.TrimSpace(o.Buyer.Email))
	}
	norm := func(p string) string {
		return strings.ToUpper(strings.Map(func(r rune) rune {
			if r == ' ' || r == '-' {
				return -1
			}
			return r
		}, p))
	}
	want, got := norm(o.ShipTo.PostalCode), norm(s)
	if want == "" || len(got) < 3 {
		return false
	}
	// A US ZIP+4 on the order matches the 5-digit ZIP the buyer remembers.
	return got == want || len(want) == 9 && got == want[:5]
}

// DraftPending drafts every conversation whose newest buyer message has no
// draft yet. The drafter runs outside any transaction (a model may take
// seconds); the draft is saved only if no newer buyer message arrived.
func (e *Engine) DraftPending(ctx context.Context) (int, error) {
	if e.drafter == nil {
		return 0, nil
	}
	var list []Conversation
	err := e.store.View(ctx, func(tx Tx) error {
		var err error
		list, err = tx.Conversations(ctx, ConversationQuery{NeedsDraft: true, Limit: 50})
		return err
	})
	if err != nil {
		return 0, err
	}
	n := 0
	var errs []error
	for i := range list {
		ok, err := e.redraft(ctx, list[i].ID, false)
		if err != nil {
			// One conversation failing (a model down) must not hold back
			// the rest; the store failing ends the round.
			if errs = append(errs, err); ErrorCode(err) == Unavailable || ctx.Err() != nil {
				break
			}
		}
		if ok {
			n++
		}
	}
	return n, errors.Join(errs...)
}

// Draft drafts one conversation if its newest buyer message has no draft
// yet (a job per buyer message calls it; running it twice drafts once).
func (e *Engine) Draft(ctx context.Context, conversationID string) (bool, error) {
	if e.drafter == nil {
		return false, nil
	}
	return e.redraft(ctx, conversationID, false)
}

// redraft makes a draft for a conversation and saves it; force redrafts a
// conversation whose draft is current.
func (e *Engine) redraft(ctx context.Context, id string, force bool) (bool, error) {
	var c *Conversation
	var o *Order
	err := e.store.View(ctx, func(tx Tx) error {
		var err error
		if c, err = tx.Conversation(ctx, id); err != nil {
			return err
		}
		o, err = draftOrder(ctx, tx, c, nil)
		return err
	})
	if err != nil || (!force && !c.NeedsDraft()) || len(c.Waiting()) == 0 {
		return false, err
	}
	d, err := e.drafter.Draft(ctx, DraftRequest{Conversation: c, Order: o, Now: e.now()})
	if err != nil {
		return false, err
	}
	forMessage := c.LastBuyerMessage()
	saved := false
	err = e.update(ctx, func(tx Tx) error {
		cur, err := tx.Conversation(ctx, id)
		if err != nil || cur.LastBuyerMessage() != forMessage {
			return err // a newer message came in: its own draft follows
		}
		if !force && !cur.NeedsDraft() {
			return nil // drafted meanwhile (another replica, a retry): one draft, one notice
		}
		saved = true
		return e.saveDraft(ctx, tx, cur, d)
	})
	return saved, err
}

// saveDraft gives a conversation its draft for the newest buyer message and
// tells staff it is ready.
func (e *Engine) saveDraft(ctx context.Context, tx Tx, c *Conversation, d Draft) error {
	var o *Order
	if c.Channel == ChannelAmazon && d.Text != "" {
		var err error
		if o, err = draftOrder(ctx, tx, c, nil); err != nil {
			return err
		}
	}
	ev := e.setDraft(c, d, o)
	if err := tx.SaveConversation(ctx, c); err != nil {
		return err
	}
	return tx.Enqueue(ctx, ev)
}

// setDraft makes d the conversation's draft for its newest buyer message
// (ForMessage 0 while that message is new: the store gives the draft the
// message's id) and returns the notice telling staff it is ready. o is the
// conversation's order as draftOrder finds it, for Amazon's rules.
func (e *Engine) setDraft(c *Conversation, d Draft, o *Order) Event {
	now := e.now()
	if c.Channel == ChannelAmazon && d.Text != "" {
		// A draft (a model's, say) that Send would refuse says so at once.
		if err := CheckAmazonReply(d.Text, o); err != nil {
			d.Note = strings.TrimSpace(d.Note + " Edit before sending: " + ErrorMessage(err))
		}
	}
	d.ForMessage, d.MadeAt = c.LastBuyerMessage(), now
	c.Draft, c.UpdatedAt = &d, now
	if d.Language != "" {
		c.Language = d.Language
	}
	text := fmt.Sprintf("Draft ready for %s (%s, %s).", c.ID, d.Intent, d.Language)
	if !d.NeedsResponse {
		text = fmt.Sprintf("%s looks like it needs no response (%s): confirm with noreply %s.", c.ID, d.Intent, c.ID)
	}
	return Event{Kind: EventDraftReady, ConversationID: c.ID, Channel: c.Channel, OrderID: c.OrderID, Text: text, At: now}
}

// InboxQuery turns an inbox list into a store query.
func (e *Engine) InboxQuery(f ConversationFilter, now time.Time) ConversationQuery {
	q := ConversationQuery{Waiting: true, Limit: 100}
	switch f {
	case InboxOverdue:
		q.DeadlineBefore = now
	case InboxDue:
		first := 12 * time.Hour
		if len(e.policy.ReminderPoints) > 0 {
			first = e.policy.ReminderPoints[0]
		}
		q.DeadlineBefore = now.Add(max(first, e.policy.sweepHorizon()))
	}
	return q
}

// readConversation serves inbox and show.
func (e *Engine) readConversation(ctx context.Context, tx Tx, cmd Command, res *Result) error {
	switch c := cmd.(type) {
	case ListInbox:
		list, err := tx.Conversations(ctx, e.InboxQuery(c.Filter, e.now()))
		if c.Filter == InboxDue {
			list = e.policy.dueSoon(list, e.now())
		}
		res.Conversations = list
		if err == nil && len(list) == 0 {
			res.Message = "Nothing waiting: every buyer has an answer."
		}
		return err
	case ShowConversation:
		conv, err := tx.Conversation(ctx, c.ConversationID)
		if err != nil {
			return err
		}
		res.Conversation = conv
		if conv.OrderID != "" {
			if o, err := tx.Order(ctx, conv.OrderID); err == nil {
				res.Order = o
			}
		}
	}
	return nil
}

// writeConversation serves reply and noreply inside the command's transaction.
func (e *Engine) writeConversation(ctx context.Context, tx Tx, req Request, res *Result) error {
	now := e.now()
	var id string
	switch c := req.Command.(type) {
	case SendReply:
		id = c.ConversationID
	case MarkNoReply:
		id = c.ConversationID
	}
	conv, err := tx.Conversation(ctx, id)
	if err != nil {
		return err
	}
	waiting := conv.Waiting()
	p := &Preview{Command: req.Command.String()}
	var reply string
	switch c := req.Command.(type) {
	case SendReply:
		reply = c.Text
		if reply == "" {
			if conv.Draft == nil || conv.Draft.Text == "" {
				return FieldErrorf(Conflict, "text", "%s has no draft to send — write the reply: reply %s <text>, or make one with draft %s.", conv.ID, conv.ID, conv.ID)
			}
			if conv.Draft.ForMessage != conv.LastBuyerMessage() {
				return FieldErrorf(Conflict, "text", "The buyer wrote again after the draft of %s was made — look at it (show %s) and redraft or write the reply.", conv.ID, conv.ID)
			}
			reply = conv.Draft.Text
		}
		if reply, err = cleanText(reply, "text"); err != nil {
			return err
		}
		if conv.Channel == ChannelAmazon {
			// Amazon's rules, checked here so that every desk's Send is
			// held to them and a refused reply is never queued.
			o, err := draftOrder(ctx, tx, conv, nil)
			if err != nil {
				return err
			}
			if err := CheckAmazonReply(reply, o); err != nil {
				return err
			}
		}
		p.Changes = append(p.Changes, fmt.Sprintf("Send to the buyer in %s: %q", conv.ID, clipText(reply, 200)))
		res.Message = fmt.Sprintf("Reply sent in %s.", conv.ID)
	case MarkNoReply:
		if len(waiting) == 0 {
			return FieldErrorf(Conflict, "conversation_id", "Nothing waits in %s: the buyer has an answer.", conv.ID)
		}
		p.Changes = append(p.Changes, fmt.Sprintf("Mark %d buyer message(s) in %s as needing no response; the buyer gets no message.", len(waiting), conv.ID))
		res.Message = fmt.Sprintf("%s marked no response needed.", conv.ID)
	}
	if conv.Deadline != nil {
		p.Changes = append(p.Changes, fmt.Sprintf("Clears the deadline %s.", e.policy.stamp(*conv.Deadline)))
	}
	res.Preview, res.Conversation = p, conv
	if req.DryRun {
		return nil
	}
	_, noReply := req.Command.(MarkNoReply)
	for i := range conv.Messages {
		if m := &conv.Messages[i]; m.From == FromBuyer && m.AnsweredAt == nil {
			t := now
			m.AnsweredAt, m.NoReply = &t, noReply
		}
	}
	if !noReply {
		conv.Messages = append(conv.Messages, Message{From: FromStaff, By: req.Actor.Name, Text: reply, At: now})
	}
	conv.Deadline, conv.RemindersSent, conv.Breached, conv.UpdatedAt = nil, 0, false, now
	if err := tx.SaveConversation(ctx, conv); err != nil {
		return err
	}
	if !noReply {
		// The reply itself goes to the buyer's channel through the outbox,
		// with the staff message's id: a mail's stable Message-ID is made
		// from it.
		msgID := conv.Messages[len(conv.Messages)-1].ID
		if err := tx.Enqueue(ctx, Event{Kind: EventReply, ConversationID: conv.ID, Channel: conv.Channel, OrderID: conv.OrderID, MessageID: msgID, Text: reply, At: now}); err != nil {
			return err
		}
	}
	return tx.AddAudit(ctx, auditOf(req.Actor, now, clipText(req.Command.String(), 500), conv.OrderID, conv.ID))
}

func clipText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// redraftCommand serves `draft <conversation-id>`: the drafter runs outside
// the transaction, like DraftPending.
func (e *Engine) redraftCommand(ctx context.Context, req Request, c Redraft) (*Result, error) {
	if e.drafter == nil {
		return nil, Errorf(Unavailable, "No drafter is configured, so sellerdesk can't draft replies.")
	}
	res := &Result{Command: c.String(), DryRun: req.DryRun}
	if req.DryRun {
		res.Preview = &Preview{Command: c.String(), Changes: []string{"Replace the draft of " + c.ConversationID + " with a new one."}}
		return res, nil
	}
	ok, err := e.redraft(ctx, c.ConversationID, true)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, FieldErrorf(Conflict, "conversation_id", "Nothing waits in %s, so there is nothing to draft.", c.ConversationID)
	}
	err = e.update(ctx, func(tx Tx) error {
		conv, err := tx.Conversation(ctx, c.ConversationID)
		res.Conversation = conv
		if err != nil {
			return err
		}
		return tx.AddAudit(ctx, auditOf(req.Actor, e.now(), c.String(), conv.OrderID, conv.ID))
	})
	res.Message = "New draft made for " + c.ConversationID + "."
	return res, err
}

// SweepConversations sends the reminders and breach alerts that are due;
// Sweep does too, with the order rules. A job runs it every minute or so,
// since a reminder is only as punctual as its check.
func (e *Engine) SweepConversations(ctx context.Context) (reminded, breached int, err error) {
	return e.sweepConversations(ctx, e.now())
}

// sweepConversations sends the notices of each wait's escalation plan
// (reminders, on-call and owner messages, see escalate.go) and the breach
// alert, once each, in the same transaction as the mark. A conversation is
// locked only when the list says something is due.
func (e *Engine) sweepConversations(ctx context.Context, now time.Time) (reminded, breached int, err error) {
	var list []Conversation
	err = e.store.View(ctx, func(tx Tx) error {
		var err error
		list, err = tx.Conversations(ctx, ConversationQuery{Waiting: true, DeadlineBefore: now.Add(e.policy.sweepHorizon() + time.Second)})
		return err
	})
	if err != nil {
		return 0, 0, err
	}
	for _, item := range list {
		if next, ok := e.policy.nextStepAt(&item); !ok || next.After(now) {
			continue
		}
		err := e.update(ctx, func(tx Tx) error {
			c, err := tx.Conversation(ctx, item.ID)
			if err != nil {
				return err
			}
			r, b, err := e.escalate(ctx, tx, c, now)
			if err == nil {
				reminded, breached = reminded+btoi(r), breached+btoi(b)
			}
			return err
		})
		if err != nil {
			return reminded, breached, err
		}
	}
	return reminded, breached, nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (e *Engine) firstReminder() time.Duration {
	if len(e.policy.ReminderPoints) == 0 {
		return 0
	}
	return e.policy.ReminderPoints[0]
}
