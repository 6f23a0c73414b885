package slackapp

import (
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/sellerdesk/sellerdesk/core"
)

// Block Kit limits this package keeps to.
const (
	maxSectionText = 3000
	maxHeaderText  = 150
	maxButtonText  = 75
	maxInputText   = 3000 // plain_text_input max_length
	maxBlocks      = 50   // per message
	maxActions     = 25   // elements per actions block
)

// message is a rendered answer: Blocks for Slack, Text for notifications
// and clients that can't show blocks (plain: it is escaped when sent, as
// Slack reads it as mrkdwn too). Public marks a message that may be
// shown to the whole channel: it carries no buyer contact data.
type message struct {
	Text   string
	Blocks []slack.Block
	Public bool
}

func (m message) webhook(replace bool) *slack.WebhookMessage {
	w := &slack.WebhookMessage{Text: escape(m.Text), ResponseType: slack.ResponseTypeEphemeral, ReplaceOriginal: replace}
	if m.Public {
		w.ResponseType = slack.ResponseTypeInChannel
	}
	if len(m.Blocks) > 0 {
		w.Blocks = &slack.Blocks{BlockSet: m.Blocks}
	}
	return w
}

// inline is m as the answer in a slash command's HTTP response (or its
// Socket Mode ack).
func (m message) inline() *inlineMessage {
	w := &inlineMessage{Text: escape(m.Text), Blocks: m.Blocks, ResponseType: slack.ResponseTypeEphemeral}
	if m.Public {
		w.ResponseType = slack.ResponseTypeInChannel
	}
	return w
}

// inlineMessage encodes as slack.WebhookMessage does, but with the blocks
// as a plain slice: slack.Blocks' MarshalJSON hands encoding/json the
// whole array as bytes, which it then scans and compacts again — most of
// the cost of encoding a card.
type inlineMessage struct {
	Text         string        `json:"text,omitempty"`
	Blocks       []slack.Block `json:"blocks,omitempty"`
	ResponseType string        `json:"response_type"`
}

func (m message) options() []slack.MsgOption {
	opts := []slack.MsgOption{slack.MsgOptionText(escape(m.Text), false), slack.MsgOptionDisableLinkUnfurl()}
	if len(m.Blocks) > 0 {
		opts = append(opts, slack.MsgOptionBlocks(m.Blocks...))
	}
	return opts
}

// escape makes text safe inside mrkdwn: Slack reads <…> as links and
// mentions (<!channel>) and & as an entity, so text we did not write —
// buyers' words, product titles — can't ping a channel or fake a link.
func escape(s string) string {
	if !strings.ContainsAny(s, "&<>") {
		return s // most text: no copy
	}
	return mrkdwnEscaper.Replace(s)
}

// mrkdwnEscaper is built once: a Replacer prepares its tables on first use.
var mrkdwnEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// quote writes text as a mrkdwn block quote.
func quote(s string) string {
	lines := strings.Split(escape(s), "\n")
	for i, l := range lines {
		lines[i] = "> " + l
	}
	return strings.Join(lines, "\n")
}

func mrkdwn(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, core.Clip(s, maxSectionText), false, false)
}

func plain(s string, n int) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, core.Clip(s, n), true, false)
}

func section(text string) *slack.SectionBlock {
	return slack.NewSectionBlock(mrkdwn(text), nil, nil)
}

func header(text string) *slack.HeaderBlock {
	return slack.NewHeaderBlock(plain(text, maxHeaderText))
}

func contextText(text string) *slack.ContextBlock {
	return slack.NewContextBlock("", mrkdwn(text))
}

type buttonStyle = slack.Style

func button(actionID, value, text string, style buttonStyle) *slack.ButtonBlockElement {
	b := slack.NewButtonBlockElement(actionID, value, plain(text, maxButtonText))
	if style != "" {
		b.Style = style
	}
	return b
}

// actions puts buttons in actions blocks of at most 25.
func actions(buttons []*slack.ButtonBlockElement) []slack.Block {
	var out []slack.Block
	for len(buttons) > 0 {
		n := min(len(buttons), maxActions)
		els := make([]slack.BlockElement, n)
		for i, b := range buttons[:n] {
			els[i] = b
		}
		out = append(out, slack.NewActionBlock("", els...))
		buttons = buttons[n:]
	}
	return out
}

// sections splits lines into section blocks under the text limit.
func sections(lines []string) []slack.Block {
	var out []slack.Block
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			out = append(out, section(b.String()))
			b.Reset()
		}
	}
	for _, l := range lines {
		l = core.Clip(l, maxSectionText-10)
		if b.Len()+len(l)+1 > maxSectionText-10 {
			flush()
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(l)
	}
	flush()
	return out
}

// capBlocks keeps a message under Slack's block limit.
func capBlocks(blocks []slack.Block) []slack.Block {
	if len(blocks) <= maxBlocks {
		return blocks
	}
	out := append(blocks[:maxBlocks-1:maxBlocks-1], contextText("… more than fits in one message; narrow the list or lower its limit."))
	return out
}

func (a *App) day(t time.Time) string   { return t.In(a.loc()).Format("Mon 2 Jan 2006") }
func (a *App) stamp(t time.Time) string { return t.In(a.loc()).Format("Mon 2 Jan 15:04 MST") }
