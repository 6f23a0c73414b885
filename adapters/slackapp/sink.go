package slackapp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/slack-go/slack"

	"github.com/sellerdesk/sellerdesk/core"
)

// platform names this app's chat refs and dedupe ids in the store.
const platform = "slack"

// Name is the app's place in the outbox.
func (a *App) Name() string { return platform }

// Wants picks the outbox messages Slack shows: buyer conversations in the
// support channel, alerts in the alerts channel.
func (a *App) Wants(ev core.Event) bool {
	switch {
	case ev.Kind.ForConversation():
		return a.cfg.SupportChannel != "" && ev.ConversationID != ""
	case ev.Kind.IsAlert():
		return a.cfg.AlertsChannel != ""
	case ev.Kind == core.EventDirect:
		return directUser(ev) != ""
	}
	return false
}

// Deliver posts one outbox message, or a group of them as one (see
// TakesGroups). Each conversation is one message in the support channel,
// kept up to date, with later buyer messages, reminders and the breach
// alert in its thread.
func (a *App) Deliver(ctx context.Context, ev core.Event) error {
	var err error
	switch {
	case ev.Kind.ForConversation():
		err = a.deliverConversation(ctx, ev, members(ev))
	case ev.Kind == core.EventDirect:
		err = a.deliverDirect(ctx, ev)
	case ev.Group != nil:
		_, _, err = a.post(ctx, ev, a.cfg.AlertsChannel, "", digestMessage(ev.Group.Events).options()...)
	default:
		_, _, err = a.post(ctx, ev, a.cfg.AlertsChannel, "", alertMessage(ev).options()...)
	}
	if err != nil {
		return deliveryError(err)
	}
	return nil
}

// deliverConversation brings a conversation's message up to date with
// news (ev, or the group ev stands for): new buyer messages go into its
// thread together, a reminder or the breach as a reply of its own, and
// the message itself is redrawn once.
func (a *App) deliverConversation(ctx context.Context, ev core.Event, news []core.Event) error {
	redraw, opens := false, false
	for _, m := range news {
		// A reply reaches the buyer through their own channel's sink;
		// here it only redraws the message, and never opens a thread.
		opens = opens || m.Kind != core.EventReply
		redraw = redraw || m.Kind != core.EventReminder && m.Kind != core.EventBreach
	}
	var ref core.ChatRef
	var created bool
	var err error
	if opens {
		ref, created, err = a.ensureThread(ctx, ev)
	} else if ref, err = a.chatRef(ctx, ev.ConversationID); core.ErrorCode(err) == core.NotFound {
		return nil
	}
	if err != nil {
		return err
	}
	conv, _, err := a.engine.Conversation(ctx, ev.ConversationID)
	if err != nil {
		return err
	}
	var wrote []core.Event // buyer messages not posted yet, in news
	flush := func() error {
		if err := a.postBuyerMessages(ctx, ev.MaybeSent, ref, conv, wrote); err != nil {
			return err
		}
		wrote = nil
		return nil
	}
	for _, m := range news {
		switch m.Kind {
		case core.EventBuyerMessage:
			// A new thread shows every message so far.
			if !created {
				wrote = append(wrote, m)
			}
		case core.EventReminder, core.EventBreach, core.EventUndelivered:
			if err := flush(); err != nil {
				return err
			}
			msg := message{Text: m.Text, Blocks: []slack.Block{section(alertEmoji(m.Kind) + " " + escape(m.Text))}}
			opts := msg.options()
			if m.Kind == core.EventBreach || m.Kind == core.EventUndelivered {
				// A breach is everyone's business; so is a reply the
				// buyer never got: the buyer waits again.
				opts = append(opts, slack.MsgOptionBroadcast())
			}
			m.MaybeSent = ev.MaybeSent
			if _, _, err := a.post(ctx, m, ref.Channel, ref.MessageID, opts...); err != nil {
				return err
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	if created || !redraw {
		return nil
	}
	return a.updateParent(ctx, ref, ev.ConversationID)
}

// members are the outbox messages ev stands for.
func members(ev core.Event) []core.Event {
	if ev.Group == nil {
		return []core.Event{ev}
	}
	return ev.Group.Events
}

// ensureThread finds the message of ev's conversation in the support
// channel, posting it if there is none yet (created).
func (a *App) ensureThread(ctx context.Context, ev core.Event) (ref core.ChatRef, created bool, err error) {
	convID := ev.ConversationID
	ref, err = a.chatRef(ctx, convID)
	if err == nil {
		return ref, false, nil
	}
	if core.ErrorCode(err) != core.NotFound {
		return ref, false, err
	}
	conv, order, err := a.engine.Conversation(ctx, convID)
	if err != nil {
		return ref, false, err
	}
	m := a.parentMessage(conv, order)
	channel, ts, found, err := a.postOnce(ctx, ev, a.cfg.SupportChannel, "", m.options()...)
	if err != nil {
		return ref, false, err
	}
	// At says which buyer messages the posted message shows. One found
	// was drawn at a time we don't know, after ev was written: from ev.At
	// on, a later buyer message is shown in the thread again rather than
	// missed.
	at := a.now()
	if found {
		at = ev.At
	}
	ref = core.ChatRef{Platform: platform, Key: convID, Channel: channel, MessageID: ts, At: at}
	a.rememberRef(ctx, ref)
	return ref, true, nil
}

// outboxEventType names our posts' Slack message metadata, which carries
// the outbox id of the message each was posted for.
const outboxEventType = "sellerdesk_outbox"

// post posts a message for outbox message ev to channel, in the thread
// of thread when it is not "", tagged with ev's outbox id. When ev may
// have been posted already it returns the earlier post instead.
func (a *App) post(ctx context.Context, ev core.Event, channel, thread string, opts ...slack.MsgOption) (string, string, error) {
	ch, ts, _, err := a.postOnce(ctx, ev, channel, thread, opts...)
	return ch, ts, err
}

// postOnce is post, also saying whether it found the message posted.
//
// Only a round taking over from a replica that died mid-post (or after a
// post that failed) marks ev MaybeSent, so the lookup costs one
// conversations.history or .replies call on a takeover, not one per post.
func (a *App) postOnce(ctx context.Context, ev core.Event, channel, thread string, opts ...slack.MsgOption) (ch, ts string, found bool, err error) {
	if ev.MaybeSent {
		ts, err := a.findPosted(ctx, ev, channel, thread)
		switch {
		case err == nil && ts != "":
			a.log.Info("slack message found already posted; not posting it again", "message_id", ev.ID, "channel", channel, "ts", ts)
			return channel, ts, true, nil
		case err != nil && lookupRetryable(err):
			return "", "", false, err
		case err != nil:
			// A lookup Slack refuses (a missing scope) must not hold up
			// delivery for good: post, at the risk of posting twice.
			a.log.Warn("slack lookup of a message that may be posted failed; posting it", "message_id", ev.ID, "channel", channel, "err", err)
		}
	}
	opts = append(opts, slack.MsgOptionMetadata(slack.SlackMetadata{EventType: outboxEventType,
		EventPayload: map[string]any{"outbox_id": ev.ID}}))
	if thread != "" {
		opts = append(opts, slack.MsgOptionTS(thread))
	}
	ch, ts, err = a.api.PostMessageContext(ctx, channel, opts...)
	return ch, ts, false, err
}

const (
	// lookupSkew is how much earlier than ev.At the lookup starts, for
	// the difference between our clock and Slack's.
	lookupSkew = 5 * time.Minute
	// lookupLimit and lookupPages bound the lookup: a post made after ev
	// was written sits among the channel's newest messages.
	lookupLimit = 50
	lookupPages = 4
)

// findPosted looks for ev's post in channel (thread ""), or among the
// replies to thread, by the outbox id in its metadata; "" if none.
func (a *App) findPosted(ctx context.Context, ev core.Event, channel, thread string) (string, error) {
	var oldest string
	if !ev.At.IsZero() {
		from := ev.At.Add(-lookupSkew)
		oldest = fmt.Sprintf("%d.%06d", from.Unix(), from.Nanosecond()/1000)
	}
	cursor := ""
	for range lookupPages {
		var msgs []slack.Message
		var err error
		if thread == "" {
			var h *slack.GetConversationHistoryResponse
			h, err = a.api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: channel,
				Oldest: oldest, Limit: lookupLimit, Cursor: cursor, IncludeAllMetadata: true})
			if h != nil {
				msgs, cursor = h.Messages, h.ResponseMetaData.NextCursor
			}
		} else {
			msgs, _, cursor, err = a.api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{ChannelID: channel,
				Timestamp: thread, Oldest: oldest, Limit: lookupLimit, Cursor: cursor, IncludeAllMetadata: true})
		}
		if err != nil {
			return "", err
		}
		for _, m := range msgs {
			// history lists top-level messages and thread broadcasts;
			// replies lists the thread's parent too. Only the kind
			// posted counts.
			if thread == "" && m.ThreadTimestamp != "" && m.ThreadTimestamp != m.Timestamp ||
				thread != "" && m.Timestamp == thread {
				continue
			}
			if m.Metadata.EventType == outboxEventType && outboxID(m.Metadata.EventPayload["outbox_id"]) == ev.ID {
				return m.Timestamp, nil
			}
		}
		if cursor == "" {
			break
		}
	}
	return "", nil
}

// outboxID reads the outbox id from decoded metadata (a JSON number).
func outboxID(v any) int64 {
	switch n := v.(type) {
	case float64:
		return int64(n)
	case json.Number:
		i, _ := n.Int64()
		return i
	case string:
		i, _ := strconv.ParseInt(n, 10, 64)
		return i
	}
	return 0
}

// lookupRetryable reports whether a failed lookup is worth retrying
// rather than posting without it: Slack's rate limit, a network or server
// failure. A refusal (missing scope, no such channel) will not change.
func lookupRetryable(err error) bool {
	var se slack.SlackErrorResponse
	return !errors.As(err, &se) || se.Err == "internal_error" || se.Err == "fatal_error" || se.Err == "ratelimited"
}

// refreshConversation redraws a conversation's message after staff acted
// on it from Slack, so the channel shows the answer before the outbox
// catches up.
func (a *App) refreshConversation(ctx context.Context, convID string) {
	ref, err := a.chatRef(ctx, convID)
	if err != nil {
		if core.ErrorCode(err) != core.NotFound {
			a.log.Warn("slack conversation lookup failed", "conversation", convID, "err", err)
		}
		return
	}
	if err := a.updateParent(ctx, ref, convID); err != nil {
		a.log.Warn("slack conversation update failed", "conversation", convID, "err", err)
	}
}

func (a *App) updateParent(ctx context.Context, ref core.ChatRef, convID string) error {
	conv, order, err := a.engine.Conversation(ctx, convID)
	if err != nil {
		return err
	}
	_, _, _, err = a.api.UpdateMessageContext(ctx, ref.Channel, ref.MessageID, a.parentMessage(conv, order).options()...)
	return err
}

func (a *App) parentMessage(conv *core.Conversation, order *core.Order) message {
	text := "Buyer message " + conv.ID
	if conv.OrderID != "" {
		text += " about order " + conv.OrderID
	}
	return message{Text: text, Blocks: a.conversationBlocks(conv, order, true)}
}

func (a *App) chatRef(ctx context.Context, convID string) (core.ChatRef, error) {
	return a.refs.Get(ctx, convID)
}

// rememberRef saves where a conversation's message is; a store failure is
// logged and the ref kept in memory (core.RefBook).
func (a *App) rememberRef(ctx context.Context, ref core.ChatRef) {
	if err := a.refs.Remember(ctx, ref); err != nil {
		a.log.Warn("slack chat ref not saved; kept in memory", "conversation", ref.Key, "err", err)
	}
}

// permanent are Web API errors a retry will not fix.
var permanent = map[string]bool{
	"channel_not_found": true, "not_in_channel": true, "is_archived": true, "invalid_auth": true,
	"account_inactive": true, "token_revoked": true, "token_expired": true, "not_authed": true,
	"missing_scope": true, "invalid_blocks": true, "msg_too_long": true, "no_text": true,
	"message_not_found": true, "cant_update_message": true, "edit_window_closed": true,
}

// deliveryError maps Slack's answers onto what the outbox understands: a
// rate limit says when to come back, a refusal that will never change is
// Invalid (skipped after a few tries), anything else is retried.
func deliveryError(err error) error {
	var ce *core.Error
	if errors.As(err, &ce) { // from the store, not from Slack
		if ce.Code == core.NotFound {
			return &core.Error{Code: core.Invalid, Message: "The conversation or order of this message no longer exists", Err: err}
		}
		return err
	}
	var rl *slack.RateLimitedError
	if errors.As(err, &rl) {
		return &core.RetryAfter{Wait: rl.RetryAfter, Err: err}
	}
	var se slack.SlackErrorResponse
	if errors.As(err, &se) && permanent[se.Err] {
		return &core.Error{Code: core.Invalid, Message: "Slack refused the message: " + se.Err + hint(se.Err), Err: err}
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return fmt.Errorf("slack unreachable: %w", err)
	}
	return fmt.Errorf("slack: %w", err)
}

func hint(code string) string {
	switch code {
	case "channel_not_found", "not_in_channel":
		return " — check slack.support_channel / slack.alerts_channel and invite the app to the channel (/invite @sellerdesk)"
	case "invalid_auth", "token_revoked", "token_expired", "not_authed", "account_inactive":
		return " — check slack.bot_token"
	case "missing_scope":
		return " — add the scopes from the app manifest and reinstall the app"
	}
	return ""
}
