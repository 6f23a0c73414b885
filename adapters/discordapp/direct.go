package discordapp

import (
	"context"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/sellerdesk/sellerdesk/core"
)

// partDirect is the nonce part of a direct message.
const partDirect = "d"

// directUser is the Discord user an EventDirect goes to, "" when it is for
// another platform (or a role, which can't be messaged).
func directUser(ev core.Event) string {
	u, ok := strings.CutPrefix(ev.To, platform+":")
	if !ok || !core.DirectIdentity(ev.To) {
		return ""
	}
	return u
}

// deliverDirect posts an EventDirect (on call, a breach for owners) to
// the person's DM channel: Discord's create DM returns the existing
// channel when there is one, and the message carries an enforced nonce
// like every other, so a repeat after a lost answer makes one message.
// Core writes the text without buyer personal data.
func (a *App) deliverDirect(ctx context.Context, ev core.Event) error {
	ch, err := a.s.UserChannelCreate(directUser(ev), discordgo.WithContext(ctx))
	if err != nil {
		return err
	}
	_, err = a.send(ctx, ch.ID, nonce(ev, partDirect), &discordgo.MessageSend{Content: alertIcon(ev.Kind) + " " + core.Clip(ev.Text, 1900),
		AllowedMentions: &discordgo.MessageAllowedMentions{}})
	return err
}
