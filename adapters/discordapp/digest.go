package discordapp

import (
	"context"
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/sellerdesk/sellerdesk/core"
)

// TakesGroups makes the app a core.GroupSink: a burst of alerts of one
// kind comes as one digest, and a conversation's news waiting together as
// one update, so a busy desk makes a few Discord calls rather than one per
// outbox message (and stays clear of the channel's rate limit).
func (a *App) TakesGroups() bool { return true }

// maxEmbedDescription is Discord's limit on an embed's description; the
// digest keeps a margin for its last line.
const maxEmbedDescription = 4096

// digestEmbed is one embed for alerts of one kind, its lines clipped to
// the description's limit with a count of the rest ("and 212 more").
func digestEmbed(evs []core.Event) *discordgo.MessageEmbed {
	kind := evs[0].Kind
	var lines []string
	used := 0
	for _, ev := range evs {
		l := "• " + core.Clip(ev.Text, 500)
		if used+len([]rune(l))+1 > maxEmbedDescription-40 {
			break
		}
		lines, used = append(lines, l), used+len([]rune(l))+1
	}
	if n := len(evs) - len(lines); n > 0 {
		lines = append(lines, fmt.Sprintf("… and %d more.", n))
	}
	return &discordgo.MessageEmbed{
		Type:        discordgo.EmbedTypeRich,
		Title:       fmt.Sprintf("%d %s alerts", len(evs), strings.ReplaceAll(string(kind), "_", " ")),
		Description: strings.Join(lines, "\n"),
	}
}

// postDigest posts a group of alerts of one kind as one message, with the
// nonce of its first outbox message.
func (a *App) postDigest(ctx context.Context, ev core.Event) error {
	evs := ev.Group.Events
	send := &discordgo.MessageSend{Content: fmt.Sprintf("%s %d alerts", alertIcon(ev.Kind), len(evs)),
		Embeds: []*discordgo.MessageEmbed{digestEmbed(evs)}, AllowedMentions: &discordgo.MessageAllowedMentions{}}
	_, err := a.send(ctx, a.cfg.StaffChannel, nonce(ev, partAlert), send)
	return err
}
