package slackapp

import (
	"context"
	"strings"

	"github.com/slack-go/slack"

	"github.com/sellerdesk/sellerdesk/core"
)

// directUser is the Slack user an EventDirect goes to, "" when it is for
// another platform.
func directUser(ev core.Event) string {
	u, ok := strings.CutPrefix(ev.To, platform+":")
	if !ok || u == "" {
		return ""
	}
	return u
}

// deliverDirect posts an EventDirect (on call, a breach for owners) to
// the person's direct messages: conversations.open gives the DM channel,
// idempotent on Slack's side, then the post is tagged with the outbox id
// like every other, so a takeover finds it instead of posting again.
// Core writes the text without buyer personal data.
func (a *App) deliverDirect(ctx context.Context, ev core.Event) error {
	ch, _, _, err := a.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{directUser(ev)}})
	if err != nil {
		return err
	}
	msg := message{Text: ev.Text, Blocks: []slack.Block{section(alertEmoji(ev.Kind) + " " + escape(ev.Text))}}
	_, _, err = a.post(ctx, ev, ch.ID, "", msg.options()...)
	return err
}
