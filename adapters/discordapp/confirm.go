package discordapp

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/sellerdesk/sellerdesk/core"
)

// Changing commands started from a button, a select menu or a form are
// reviewed first: core runs them as a dry run, the clicker sees core's
// Preview with Confirm and Back out, and Confirm runs the same command.
// Slash commands stay direct: typing the command is the confirmation.

const (
	// confirmTTL is how long a Confirm button stays good.
	confirmTTL = 15 * time.Minute
	// maxPending bounds the commands kept in memory for Confirm buttons
	// whose command line does not fit in the custom id.
	maxPending = 256
	// maxCustomID is Discord's limit on a component's custom id.
	maxCustomID = 100

	confirmVerb = "ok"
	backOutVerb = "no"

	expiredText = "This confirmation expired — start again from the card or the command."
)

// pendingCmd is a reviewed command waiting for its Confirm click.
type pendingCmd struct {
	cmd core.Command
	at  time.Time
}

// pendingCmds holds reviewed commands too long for a custom id, by token.
// Lost on restart: the Confirm then says it expired.
type pendingCmds struct {
	mu sync.Mutex
	m  map[string]pendingCmd
}

func (p *pendingCmds) put(token string, c pendingCmd, now time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.m == nil {
		p.m = map[string]pendingCmd{}
	}
	for k, v := range p.m {
		if now.Sub(v.at) > confirmTTL {
			delete(p.m, k)
		}
	}
	for len(p.m) >= maxPending {
		oldest := ""
		for k, v := range p.m {
			if oldest == "" || v.at.Before(p.m[oldest].at) {
				oldest = k
			}
		}
		delete(p.m, oldest)
	}
	p.m[token] = c
}

// take removes and returns the command for token, if still good.
func (p *pendingCmds) take(token string, now time.Time) (core.Command, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	c, ok := p.m[token]
	delete(p.m, token)
	if !ok || now.Sub(c.at) > confirmTTL {
		return nil, false
	}
	return c.cmd, true
}

func (p *pendingCmds) drop(token string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.m, token)
}

func newToken() string {
	var b [5]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	return strings.ToLower(base32.StdEncoding.EncodeToString(b[:]))
}

// encID writes a Discord id compactly: a snowflake in base 36, anything
// else as "=" and the id.
func encID(id string) string {
	if id == "" {
		return ""
	}
	if n, err := strconv.ParseUint(id, 10, 64); err == nil && strconv.FormatUint(n, 10) == id {
		return strconv.FormatUint(n, 36)
	}
	return "=" + id
}

func decID(s string) string {
	if s == "" {
		return ""
	}
	if raw, ok := strings.CutPrefix(s, "="); ok {
		return raw
	}
	n, err := strconv.ParseUint(s, 36, 64)
	if err != nil {
		return ""
	}
	return strconv.FormatUint(n, 10)
}

// confirmID builds the Confirm button's custom id:
//
//	ok:<token>:<issued, unix s base 36>:<user>:<card message>:<command line>
//
// The command line is left empty, and the command kept in memory under the
// token, when it does not fit or does not read back as the same command.
func (a *App) confirmID(cmd core.Command, user, card string) (id, token string) {
	token = newToken()
	now := a.now()
	head := confirmVerb + ":" + token + ":" + strconv.FormatInt(now.Unix(), 36) + ":" + encID(user) + ":" + encID(card) + ":"
	line := cmd.String()
	if utf8.RuneCountInString(head)+utf8.RuneCountInString(line) <= maxCustomID {
		if parsed, err := core.Parse(line); err == nil && reflect.DeepEqual(parsed, cmd) {
			return head + line, token
		}
	}
	a.pending.put(token, pendingCmd{cmd: cmd, at: now}, now)
	return head, token
}

// review dry-runs cmd for the clicker and answers with core's preview and
// Confirm / Back out, visible to the clicker only. card is the public
// message to refresh once confirmed ("" for none); update replaces the
// (ephemeral) message the click came from instead of adding one.
func (a *App) review(ctx context.Context, i *discordgo.Interaction, actor core.Actor, cmd core.Command, card string, update bool) *discordgo.InteractionResponse {
	res, err := a.engine.Do(ctx, core.Request{Actor: actor, Command: cmd, DryRun: true})
	if err != nil {
		return a.errReply(err, cmd.Name()).response()
	}
	u, _ := interactionUser(i)
	if u == nil {
		return reply{content: "sellerdesk could not tell who asked; run the command again.", ephemeral: true}.response()
	}
	p := res.Preview
	if p == nil {
		p = &core.Preview{Command: cmd.String()}
	}
	id, token := a.confirmID(cmd, u.ID, card)
	r := reply{content: "Check what this will do, then confirm. Nothing has changed yet.", ephemeral: true,
		embeds: []*discordgo.MessageEmbed{previewEmbed(p)},
		components: rows([]discordgo.MessageComponent{
			button("Confirm", id, confirmStyle(cmd)),
			button("Back out", backOutVerb+":"+token, discordgo.SecondaryButton),
		})}
	if update {
		return updateOwn(r)
	}
	return r.response()
}

// updateOwn replaces the ephemeral message a component is on.
func updateOwn(r reply) *discordgo.InteractionResponse {
	r.ephemeral = false // flags cannot change on an update; it stays ephemeral
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseUpdateMessage, Data: r.data()}
}

func confirmStyle(cmd core.Command) discordgo.ButtonStyle {
	switch cmd.(type) {
	case core.CancelOrder, core.RejectReturn, core.IssueRefund:
		return discordgo.DangerButton
	}
	return discordgo.SuccessButton
}

// previewEmbed shows core's Preview: each change, each effect on account
// health (⚠️ when it would be outside the target), and the command.
func previewEmbed(p *core.Preview) *discordgo.MessageEmbed {
	e := &discordgo.MessageEmbed{Title: "Check and confirm", Color: colorInfo}
	var d strings.Builder
	d.WriteString("**This will:**\n")
	for _, c := range p.Changes {
		d.WriteString("• " + c + "\n")
	}
	if len(p.Health) > 0 {
		d.WriteString("\n**Account health:**\n")
	}
	for _, h := range p.Health {
		mark := "✅"
		if !h.OK {
			mark, e.Color = "⚠️", colorWarn
		}
		d.WriteString(mark + " " + h.Text + "\n")
	}
	e.Description = core.Clip(d.String(), 4000)
	e.Fields = []*discordgo.MessageEmbedField{{Name: "Command", Value: "`" + core.Clip(strings.ReplaceAll(p.Command, "`", "'"), 1000) + "`"}}
	return e
}

// confirm serves a Confirm click: only the person who asked, once, within
// confirmTTL, runs the reviewed command, then the card it came from is
// refreshed.
func (a *App) confirm(ctx context.Context, i *discordgo.Interaction, actor core.Actor, arg string) (*discordgo.InteractionResponse, func(context.Context)) {
	parts := strings.SplitN(arg, ":", 5)
	if len(parts) != 5 {
		return reply{content: "This button is from an older version of sellerdesk; run the command again.", ephemeral: true}.response(), nil
	}
	token, issuedS, user, card, line := parts[0], parts[1], parts[2], decID(parts[3]), parts[4]
	issued, err := strconv.ParseInt(issuedS, 36, 64)
	if err != nil || a.now().Sub(time.Unix(issued, 0)) > confirmTTL {
		a.pending.drop(token)
		return reply{content: expiredText, ephemeral: true}.response(), nil
	}
	if u, _ := interactionUser(i); u == nil || encID(u.ID) != user {
		return reply{content: "Only the person who asked can confirm this. Start your own from the card or with /" + CommandName + ".", ephemeral: true}.response(), nil
	}
	// A double click, or a retried Confirm, acts once.
	first, err := a.engine.FirstSeen(ctx, platform, "confirm:"+token)
	if err != nil {
		return a.errReply(err, "").response(), nil
	}
	if !first {
		return reply{content: "Already done: this confirmation was used before.", ephemeral: true}.response(), nil
	}
	var cmd core.Command
	if line != "" {
		if cmd, err = core.Parse(line); err != nil {
			return a.errReply(err, "").response(), nil
		}
	} else if cmd, _ = a.pending.take(token, a.now()); cmd == nil {
		return reply{content: expiredText, ephemeral: true}.response(), nil
	}
	res, err := a.engine.Do(ctx, core.Request{Actor: actor, Command: cmd})
	if err != nil {
		return updateOwn(a.errReply(err, cmd.Name())), nil
	}
	msg := res.Message
	if msg == "" {
		msg = "Done."
	}
	resp := updateOwn(reply{content: "✅ " + msg})
	if card == "" || res.Order == nil || i.ChannelID == "" {
		return resp, nil
	}
	embeds := []*discordgo.MessageEmbed{a.orderEmbed(res.Order)}
	comps := orderButtons(res.Order, res.Actions)
	if comps == nil {
		comps = []discordgo.MessageComponent{}
	}
	channel := i.ChannelID
	return resp, func(ctx context.Context) {
		if _, err := a.s.ChannelMessageEditComplex(&discordgo.MessageEdit{ID: card, Channel: channel, Embeds: &embeds, Components: &comps,
			AllowedMentions: &discordgo.MessageAllowedMentions{}}, discordgo.WithContext(ctx)); err != nil {
			a.log.Warn("discord order card not refreshed", "message", card, "err", err)
		}
	}
}

// backOut serves Back out: nothing runs, the Confirm button goes away.
func (a *App) backOut(token string) *discordgo.InteractionResponse {
	a.pending.drop(token)
	return updateOwn(reply{content: "Backed out — nothing changed."})
}

// cardOf is the message a component was on, or a form was opened from.
func cardOf(i *discordgo.Interaction) string {
	if i.Message != nil {
		return i.Message.ID
	}
	return ""
}
