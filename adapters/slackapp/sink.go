package slackapp

import (
	"context"
	"errors"
	"fmt"
	"net"

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
	}
	return false
}

// Deliver posts one outbox message. Each conversation is one message in
// the support channel, kept up to date, with later buyer messages,
// reminders and the breach alert in its thread.
func (a *App) Deliver(ctx context.Context, ev core.Event) error {
	var err error
	switch ev.Kind {
	case core.EventBuyerMessage:
		err = a.deliverBuyerMessage(ctx, ev)
	case core.EventDraftReady:
		var ref core.ChatRef
		var created bool
		if ref, created, err = a.ensureThread(ctx, ev.ConversationID); err == nil && !created {
			err = a.updateParent(ctx, ref, ev.ConversationID)
		}
	case core.EventReminder, core.EventBreach:
		var ref core.ChatRef
		if ref, _, err = a.ensureThread(ctx, ev.ConversationID); err == nil {
			m := message{Text: ev.Text, Blocks: []slack.Block{section(alertEmoji(ev.Kind) + " " + escape(ev.Text))}}
			opts := append(m.options(), slack.MsgOptionTS(ref.MessageID))
			if ev.Kind == core.EventBreach {
				opts = append(opts, slack.MsgOptionBroadcast()) // a breach is everyone's business
			}
			_, _, err = a.api.PostMessageContext(ctx, ref.Channel, opts...)
		}
	case core.EventReply:
		// The reply reaches the buyer through their own channel's sink;
		// here the message only shows it was answered.
		ref, lerr := a.chatRef(ctx, ev.ConversationID)
		switch {
		case core.ErrorCode(lerr) == core.NotFound:
			return nil
		case lerr != nil:
			return lerr
		}
		err = a.updateParent(ctx, ref, ev.ConversationID)
	default:
		_, _, err = a.api.PostMessageContext(ctx, a.cfg.AlertsChannel, alertMessage(ev).options()...)
	}
	if err != nil {
		return deliveryError(err)
	}
	return nil
}

// deliverBuyerMessage posts a new conversation, or a later buyer message
// in its thread.
func (a *App) deliverBuyerMessage(ctx context.Context, ev core.Event) error {
	ref, created, err := a.ensureThread(ctx, ev.ConversationID)
	if err != nil || created {
		return err
	}
	conv, _, err := a.engine.Conversation(ctx, ev.ConversationID)
	if err != nil {
		return err
	}
	var msg *core.Message
	for i := range conv.Messages {
		if m := &conv.Messages[i]; m.From == core.FromBuyer && m.At.Equal(ev.At) {
			msg = m
		}
	}
	// A message older than the thread was shown when the thread was posted.
	if msg != nil && msg.At.After(ref.At) {
		text := fmt.Sprintf("*Buyer wrote again* (%s):\n%s", a.stamp(msg.At), quote(core.Clip(msg.Text, 2800)))
		m := message{Text: "New buyer message in " + conv.ID, Blocks: []slack.Block{section(text)}}
		if _, _, err := a.api.PostMessageContext(ctx, ref.Channel, append(m.options(), slack.MsgOptionTS(ref.MessageID))...); err != nil {
			return err
		}
	}
	return a.updateParent(ctx, ref, ev.ConversationID)
}

// ensureThread finds the conversation's message in the support channel,
// posting it if there is none yet.
func (a *App) ensureThread(ctx context.Context, convID string) (core.ChatRef, bool, error) {
	ref, err := a.chatRef(ctx, convID)
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
	channel, ts, err := a.api.PostMessageContext(ctx, a.cfg.SupportChannel, m.options()...)
	if err != nil {
		return ref, false, err
	}
	ref = core.ChatRef{Platform: platform, Key: convID, Channel: channel, MessageID: ts, At: a.now()}
	a.rememberRef(ctx, ref)
	return ref, true, nil
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
