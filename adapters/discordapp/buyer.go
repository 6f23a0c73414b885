package discordapp

import (
	"context"

	"github.com/bwmarrin/discordgo"

	"github.com/sellerdesk/sellerdesk/core"
)

// The buyer help channel on Discord: buyers write in the help channel or
// DM the bot; each buyer's messages form conversations like the web help
// page's. Buyer text is only ever stored and shown to staff: it never
// becomes a command.

const (
	verifyButton  = "verify"
	verifyModalID = "mverify"
)

// Chat ref keys for buyers. The store's chat refs are the one place every
// replica can read, so a reply reaches the buyer whichever replica posts it.
func buyerWhereKey(convID string) string    { return "buyer:" + convID }       // where to answer: channel, message
func buyerConvKey(userID string) string     { return "buyer-conv:" + userID }  // MessageID: their open conversation
func buyerVerifiedKey(userID string) string { return "buyer-order:" + userID } // MessageID: their verified order

// OnMessage handles MESSAGE_CREATE from the gateway: a message in the help
// channel or a DM from someone not on the staff list opens or continues
// their conversation.
func (a *App) OnMessage(s *discordgo.Session, m *discordgo.MessageCreate) {
	if m == nil || m.Message == nil || m.Author == nil || m.Author.Bot {
		return
	}
	dm := m.GuildID == ""
	if !dm && (a.cfg.HelpChannel == "" || m.ChannelID != a.cfg.HelpChannel) {
		return
	}
	var roles []string
	if m.Member != nil {
		roles = m.Member.Roles
	}
	if a.actorFor(m.Author, roles, m.Member).Role != "" {
		return // staff talking in the help channel is not a buyer question
	}
	ctx := context.Background()
	a.buyerMessage(ctx, m.Message)
}

func (a *App) buyerMessage(ctx context.Context, m *discordgo.Message) {
	key := platform + ":" + m.Author.ID
	in := core.BuyerMessageIn{Channel: platform, BuyerKey: key, BuyerName: buyerName(m.Author, m.Member), Text: m.Content}
	verified := ""
	if ref, err := a.chatRef(ctx, buyerVerifiedKey(m.Author.ID)); err == nil {
		verified = ref.MessageID
	}
	in.OrderID = verified
	if ref, err := a.chatRef(ctx, buyerConvKey(m.Author.ID)); err == nil {
		in.ConversationID = ref.MessageID
	}
	conv, err := a.engine.BuyerMessage(ctx, in)
	if err != nil && in.ConversationID != "" && core.ErrorCode(err) == core.NotFound {
		in.ConversationID = ""
		conv, err = a.engine.BuyerMessage(ctx, in)
	}
	if err != nil {
		if core.ErrorCode(err) == core.Internal {
			a.log.Error("discord buyer message not stored", "err", err)
		}
		a.answerBuyer(ctx, m, reply{content: core.ErrorMessage(err)})
		return
	}
	a.rememberRef(ctx, core.ChatRef{Key: buyerConvKey(m.Author.ID), Channel: m.ChannelID, MessageID: conv.ID})
	a.rememberRef(ctx, core.ChatRef{Key: buyerWhereKey(conv.ID), Channel: m.ChannelID, MessageID: m.ID})
	ack := reply{content: "Thanks — we have your message and will answer here within 24 hours."}
	if verified == "" && conv.OrderID == "" {
		ack.content += " If it is about an order, verify it so we can look it up (only you see what you type there)."
		ack.components = rows([]discordgo.MessageComponent{button("Verify my order", verifyButton, discordgo.PrimaryButton)})
	}
	a.answerBuyer(ctx, m, ack)
}

// answerBuyer replies to a buyer's message where they wrote it.
func (a *App) answerBuyer(ctx context.Context, m *discordgo.Message, r reply) {
	_, err := a.s.ChannelMessageSendComplex(m.ChannelID, &discordgo.MessageSend{Content: r.content, Components: r.components,
		Reference:       &discordgo.MessageReference{MessageID: m.ID, ChannelID: m.ChannelID, GuildID: m.GuildID, FailIfNotExists: new(false)},
		AllowedMentions: &discordgo.MessageAllowedMentions{}}, discordgo.WithContext(ctx))
	if err != nil {
		a.log.Warn("discord buyer acknowledgement failed", "channel", m.ChannelID, "err", err)
	}
}

func buyerName(u *discordgo.User, m *discordgo.Member) string {
	switch {
	case m != nil && m.Nick != "":
		return m.Nick
	case u.GlobalName != "":
		return u.GlobalName
	}
	return u.Username
}

// verifyModal asks for the order id and the email (or postal code) on it.
// A modal is private to the buyer, unlike the channel.
func (a *App) verifyModal() *discordgo.InteractionResponse {
	return modal(verifyModalID, "Verify your order",
		discordgo.TextInput{CustomID: "order_id", Label: "Order id", Style: discordgo.TextInputShort, Required: true, MaxLength: 64, Placeholder: "902-3159896-1390916"},
		discordgo.TextInput{CustomID: "secret", Label: "Email on the order (or postal code)", Style: discordgo.TextInputShort, Required: true, MaxLength: 200},
	)
}

// verifySubmit checks the buyer's proof with core and ties the buyer's
// conversation to the order. The answer is ephemeral: it names the order.
func (a *App) verifySubmit(ctx context.Context, i *discordgo.Interaction, f map[string]string) reply {
	u, _ := interactionUser(i)
	if u == nil {
		return reply{content: "Verify from a Discord account.", ephemeral: true}
	}
	// The engine limits failed tries per Discord user, as it does per web
	// address; a refusal says how long to wait.
	o, err := a.engine.VerifyBuyer(ctx, platform+":"+u.ID, f["order_id"], f["secret"])
	if err != nil {
		if core.ErrorCode(err) == core.Internal {
			a.log.Error("discord buyer verification failed", "err", err)
		}
		return reply{content: core.ErrorMessage(err), ephemeral: true}
	}
	a.rememberRef(ctx, core.ChatRef{Key: buyerVerifiedKey(u.ID), Channel: i.ChannelID, MessageID: o.ID})
	return reply{content: "Thanks, order " + o.ID + " is verified. We will use it to answer you; your next message here is tied to it.", ephemeral: true}
}
