package slackapp

import (
	"context"
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"github.com/sellerdesk/sellerdesk/core"
)

// TakesGroups makes the app a core.GroupSink: a burst of alerts of one
// kind comes as one digest, and a conversation's news waiting together as
// one update, so a busy desk makes a few Slack calls rather than one per
// outbox message (and stays clear of chat.postMessage's rate limit).
func (a *App) TakesGroups() bool { return true }

// digestChars bounds the alert lines of a digest: a few sections, far
// inside a message's limits, and short enough to read. The rest is
// counted ("and 212 more").
const digestChars = 4 * (maxSectionText - 10)

// digestMessage is one message for alerts of one kind.
func digestMessage(evs []core.Event) message {
	kind := evs[0].Kind
	what := fmt.Sprintf("%d %s alerts", len(evs), strings.ReplaceAll(string(kind), "_", " "))
	var lines []string
	used := 0
	for _, ev := range evs {
		l := "• " + escape(ev.Text)
		if used+len(l)+1 > digestChars {
			break
		}
		lines, used = append(lines, l), used+len(l)+1
	}
	if n := len(evs) - len(lines); n > 0 {
		lines = append(lines, fmt.Sprintf("… and %d more.", n))
	}
	blocks := append([]slack.Block{section(alertEmoji(kind) + " *" + what + "*")}, sections(lines)...)
	return message{Text: what, Blocks: capBlocks(blocks), Public: true}
}

// postBuyerMessages posts buyer messages (the outbox messages that
// announced them) into the conversation's thread: together, as few posts
// as Slack's block limit allows, every word of each. A message older than
// the thread was shown when the thread was posted. Each post is tagged
// with the outbox id of the first message it shows, so a takeover
// (maybeSent) finds it rather than posting it again.
func (a *App) postBuyerMessages(ctx context.Context, maybeSent bool, ref core.ChatRef, conv *core.Conversation, wrote []core.Event) error {
	var blocks []slack.Block
	var key core.Event
	post := func() error {
		if len(blocks) == 0 {
			return nil
		}
		m := message{Text: "New buyer message in " + conv.ID, Blocks: blocks}
		key.MaybeSent = maybeSent
		_, _, err := a.post(ctx, key, ref.Channel, ref.MessageID, m.options()...)
		blocks = nil
		return err
	}
	used := 0 // characters of buyer words in blocks, against Slack's budget per message
	for _, ev := range wrote {
		msg := buyerMessageAt(conv, ev)
		if msg == nil || !msg.At.After(ref.At) {
			continue
		}
		these, n := buyerWords(conv.ID, *msg, fmt.Sprintf("*Buyer wrote again* (%s):", a.stamp(msg.At)), threadWords)
		if len(blocks)+len(these) > maxBlocks || used+n > threadWords {
			if err := post(); err != nil {
				return err
			}
			used = 0
		}
		if len(blocks) == 0 {
			key = ev
		}
		blocks = append(blocks, these...)
		used += n
	}
	return post()
}

// buyerMessageAt finds the buyer message an outbox message announced.
func buyerMessageAt(conv *core.Conversation, ev core.Event) *core.Message {
	var msg *core.Message
	for i := range conv.Messages {
		if m := &conv.Messages[i]; m.From == core.FromBuyer && m.At.Equal(ev.At) {
			msg = m
		}
	}
	return msg
}
