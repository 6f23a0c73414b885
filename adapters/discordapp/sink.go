package discordapp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/sellerdesk/sellerdesk/core"
)

// Name is the app's place in the outbox.
func (a *App) Name() string { return platform }

// Wants picks the outbox messages Discord shows: buyer conversations and
// alerts in the staff channel, and staff replies to buyers who wrote on
// Discord.
func (a *App) Wants(ev core.Event) bool {
	switch {
	case ev.Kind == core.EventReply: // also goes back to a buyer who wrote on Discord
		return ev.Channel == platform || a.cfg.StaffChannel != "" && ev.ConversationID != ""
	case ev.Kind.ForConversation():
		return a.cfg.StaffChannel != "" && ev.ConversationID != ""
	case ev.Kind.IsAlert():
		return a.cfg.StaffChannel != ""
	case ev.Kind == core.EventDirect:
		return directUser(ev) != ""
	}
	return false
}

// Deliver posts one outbox message, or a group of them as one (see
// TakesGroups). Each conversation is one message in the staff channel,
// kept up to date; reminders and the breach reply to it.
func (a *App) Deliver(ctx context.Context, ev core.Event) error {
	var err error
	switch {
	case ev.Kind.ForConversation():
		err = a.deliverConversation(ctx, ev, members(ev))
	case ev.Kind == core.EventDirect:
		err = a.deliverDirect(ctx, ev)
	case ev.Group != nil:
		err = a.postDigest(ctx, ev)
	default:
		err = a.postAlert(ctx, ev, "")
	}
	return deliveryError(err)
}

// deliverConversation brings a conversation up to date with news (ev, or
// the group ev stands for): each staff reply goes to a Discord buyer, each
// reminder or breach replies to the conversation's message, and the
// message is drawn once for all the buyer messages and drafts.
func (a *App) deliverConversation(ctx context.Context, ev core.Event, news []core.Event) error {
	show, replied := false, false
	for _, m := range news {
		switch m.Kind {
		case core.EventBuyerMessage, core.EventDraftReady:
			show = true
		case core.EventReminder, core.EventBreach, core.EventUndelivered:
			if show { // the reminder replies to the message: draw it first
				if err := a.showConversation(ctx, ev); err != nil {
					return err
				}
				show = false
			}
			if err := a.postAlert(ctx, m, m.ConversationID); err != nil {
				return err
			}
			// An undelivered reply changes the conversation (the buyer
			// waits again): its message is drawn anew after the alert.
			show = show || m.Kind == core.EventUndelivered
		case core.EventReply:
			if err := a.replyToBuyer(ctx, m); err != nil {
				return err
			}
			replied = true
		}
	}
	switch {
	case show:
		return a.showConversation(ctx, ev)
	case replied:
		a.redrawAnswered(ctx, ev)
	}
	return nil
}

// members are the outbox messages ev stands for.
func members(ev core.Event) []core.Event {
	if ev.Group == nil {
		return []core.Event{ev}
	}
	return ev.Group.Events
}

// showConversation posts the message of ev's conversation to the staff
// channel, or redraws it when it is there already.
func (a *App) showConversation(ctx context.Context, ev core.Event) error {
	convID := ev.ConversationID
	conv, order, err := a.engine.Conversation(ctx, convID)
	if err != nil {
		return err
	}
	embeds, comps := a.conversationMessage(conv, order)
	if comps == nil {
		comps = []discordgo.MessageComponent{}
	}
	ref, err := a.chatRef(ctx, convID)
	switch {
	case err == nil:
		_, err = a.s.ChannelMessageEditComplex(&discordgo.MessageEdit{ID: ref.MessageID, Channel: ref.Channel, Embeds: &embeds, Components: &comps},
			discordgo.WithContext(ctx))
		if !unknownMessage(err) {
			return err
		}
		// Someone deleted it: post it again below.
	case core.ErrorCode(err) != core.NotFound:
		return err
	}
	content := "New buyer message " + conv.ID
	msg, err := a.send(ctx, a.cfg.StaffChannel, nonce(ev, partConversation), &discordgo.MessageSend{Content: content, Embeds: embeds, Components: comps,
		AllowedMentions: &discordgo.MessageAllowedMentions{}})
	if err != nil {
		return err
	}
	a.rememberRef(ctx, core.ChatRef{Key: convID, Channel: msg.ChannelID, MessageID: msg.ID})
	return nil
}

// postAlert posts an event's text (core writes it without personal data)
// to the staff channel, as a reply to the conversation's message if any.
func (a *App) postAlert(ctx context.Context, ev core.Event, convID string) error {
	send := &discordgo.MessageSend{Content: alertIcon(ev.Kind) + " " + core.Clip(ev.Text, 1900), AllowedMentions: &discordgo.MessageAllowedMentions{}}
	if convID != "" {
		if ref, err := a.chatRef(ctx, convID); err == nil {
			send.Reference = &discordgo.MessageReference{MessageID: ref.MessageID, ChannelID: ref.Channel, FailIfNotExists: new(false)}
		}
	}
	_, err := a.send(ctx, a.cfg.StaffChannel, nonce(ev, partAlert), send)
	return err
}

// Which of an outbox message's Discord messages a nonce is for: one event
// can make two (a reply to the buyer, then the staff message again if it
// was deleted).
const (
	partConversation = "c"
	partAlert        = "a"
	partReply        = "r"
)

// nonce names one Discord message of outbox message ev (at most 22 of the
// 25 characters Discord allows).
func nonce(ev core.Event, part string) string {
	return "sd" + strconv.FormatInt(ev.ID, 10) + part
}

// messageCreate is discordgo's MessageSend with the fields it lacks (v0.29).
type messageCreate struct {
	*discordgo.MessageSend
	Nonce        string `json:"nonce,omitempty"`
	EnforceNonce bool   `json:"enforce_nonce,omitempty"`
}

// send creates a message with an enforced nonce: for a few minutes
// Discord answers a repeat with the message it created the first time
// instead of a second one. So a replica that takes over from one killed
// mid-post (core's delivery lease, far shorter than those minutes) posts
// nothing twice, with no lookup. It is ChannelMessageSendComplex with the
// nonce (no files), through the same per-route rate-limit bucket.
func (a *App) send(ctx context.Context, channel, nonce string, data *discordgo.MessageSend) (*discordgo.Message, error) {
	for _, e := range data.Embeds {
		if e.Type == "" {
			e.Type = discordgo.EmbedTypeRich
		}
	}
	endpoint := discordgo.EndpointChannelMessages(channel)
	body, err := a.s.RequestWithBucketID(http.MethodPost, endpoint, messageCreate{MessageSend: data, Nonce: nonce, EnforceNonce: true},
		endpoint, discordgo.WithContext(ctx))
	if err != nil {
		return nil, err
	}
	var m discordgo.Message
	if err := discordgo.Unmarshal(body, &m); err != nil {
		return nil, fmt.Errorf("discord: reading the created message: %w", err)
	}
	return &m, nil
}

func alertIcon(k core.EventKind) string {
	switch k {
	case core.EventBreach, core.EventOutOfStock, core.EventAutoCanceled, core.EventBuyerCanceled, core.EventUndelivered, core.EventAmazonRefused, core.EventAmazonCancelFailed:
		return "🚨"
	case core.EventCancelRequested:
		return "🙋"
	case core.EventReminder, core.EventLowStock, core.EventShipWarning, core.EventRefundDue:
		return "⏰"
	}
	return "ℹ️"
}

// replyToBuyer posts a staff reply to a Discord buyer where they last
// wrote (a reply to their message); replies to buyers elsewhere go
// through their own channel.
func (a *App) replyToBuyer(ctx context.Context, ev core.Event) error {
	if ev.Channel == platform {
		where, err := a.chatRef(ctx, buyerWhereKey(ev.ConversationID))
		if err != nil {
			if core.ErrorCode(err) == core.NotFound {
				return core.Errorf(core.Invalid, "No Discord channel is known for the buyer of %s.", ev.ConversationID)
			}
			return err
		}
		_, err = a.send(ctx, where.Channel, nonce(ev, partReply), &discordgo.MessageSend{Content: core.Clip(ev.Text, 2000),
			Reference:       &discordgo.MessageReference{MessageID: where.MessageID, ChannelID: where.Channel, FailIfNotExists: new(false)},
			AllowedMentions: &discordgo.MessageAllowedMentions{}})
		if err != nil {
			return err
		}
	}
	return nil
}

// redrawAnswered redraws the staff message of a conversation staff
// replied to, if it is shown in Discord. The reply is out; a failed
// redraw must not send it again, so it is only logged.
func (a *App) redrawAnswered(ctx context.Context, ev core.Event) {
	if a.cfg.StaffChannel == "" {
		return
	}
	if _, err := a.chatRef(ctx, ev.ConversationID); err != nil {
		return // never shown in Discord: nothing to redraw
	}
	if err := a.showConversation(ctx, ev); err != nil {
		a.log.Warn("discord conversation redraw failed", "conversation", ev.ConversationID, "err", err)
	}
}

func unknownMessage(err error) bool {
	var re *discordgo.RESTError
	return errors.As(err, &re) && re.Response != nil && re.Response.StatusCode == http.StatusNotFound
}

// deliveryError maps Discord's answers to what the outbox does next: wait
// as long as a rate limit says (per route or global), retry server
// failures and network errors with backoff, and give up on what will never
// work (no access to the channel, an unknown channel, a refused payload).
func deliveryError(err error) error {
	if err == nil {
		return nil
	}
	var rl *discordgo.RateLimitError
	if errors.As(err, &rl) && rl.RateLimit != nil && rl.TooManyRequests != nil {
		return &core.RetryAfter{Wait: max(rl.RetryAfter, time.Second), Err: err}
	}
	var re *discordgo.RESTError
	if !errors.As(err, &re) || re.Response == nil {
		return err // network, store: try again later
	}
	code := re.Response.StatusCode
	switch {
	case code == http.StatusTooManyRequests:
		return &core.RetryAfter{Wait: retryAfter(re), Err: err}
	case code >= 500, code == http.StatusUnauthorized:
		// A bad token is fixed in config, then delivery resumes.
		return err
	case code == http.StatusForbidden || code == http.StatusNotFound || code == http.StatusBadRequest:
		msg := "Discord refused the message"
		if re.Message != nil && re.Message.Message != "" {
			msg += ": " + re.Message.Message
		}
		return &core.Error{Code: core.Invalid, Message: fmt.Sprintf("%s (HTTP %d). Check discord.staff_channel and that the bot can post there.", msg, code), Err: err}
	}
	return err
}

// retryAfter reads a 429's wait from its body (seconds, fractional) or
// Retry-After header.
func retryAfter(re *discordgo.RESTError) time.Duration {
	var body struct {
		RetryAfter float64 `json:"retry_after"`
	}
	if json.Unmarshal(re.ResponseBody, &body) == nil && body.RetryAfter > 0 {
		return max(time.Duration(body.RetryAfter*float64(time.Second)), time.Second)
	}
	if s, err := strconv.ParseFloat(re.Response.Header.Get("Retry-After"), 64); err == nil && s > 0 {
		return max(time.Duration(s*float64(time.Second)), time.Second)
	}
	return 5 * time.Second
}
