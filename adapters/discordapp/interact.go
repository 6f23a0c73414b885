package discordapp

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/sellerdesk/sellerdesk/core"
)

// reply is what an interaction answers with, before it becomes a Discord
// response, an edit or a follow-up.
type reply struct {
	content    string
	embeds     []*discordgo.MessageEmbed
	components []discordgo.MessageComponent
	ephemeral  bool
	// update replaces the message the clicked component is on.
	update bool
	// more are messages that follow this one (follow-ups): the rest of a
	// long buyer message.
	more []reply
}

func (r reply) data() *discordgo.InteractionResponseData {
	d := &discordgo.InteractionResponseData{Content: core.Clip(r.content, 2000), Embeds: r.embeds, Components: r.components,
		AllowedMentions: &discordgo.MessageAllowedMentions{}}
	if d.Components == nil {
		d.Components = []discordgo.MessageComponent{} // an update clears old buttons
	}
	if r.ephemeral {
		d.Flags = discordgo.MessageFlagsEphemeral
	}
	return d
}

func (r reply) response() *discordgo.InteractionResponse {
	t := discordgo.InteractionResponseChannelMessageWithSource
	if r.update && !r.ephemeral {
		t = discordgo.InteractionResponseUpdateMessage
	}
	return &discordgo.InteractionResponse{Type: t, Data: r.data()}
}

// errReply shows an error to the person who caused it only. A usage
// mistake gets the command's help under it.
func (a *App) errReply(err error, command string) reply {
	msg := core.ErrorMessage(err)
	switch core.ErrorCode(err) {
	case core.Internal:
		a.log.Error("discord command failed", "command", command, "err", err)
	case core.Invalid:
		if command != "" && command != "help" {
			msg += "\n```\n" + core.Clip(core.HelpFor(command).String(), 1500) + "```"
		}
	}
	return reply{content: msg, ephemeral: true}
}

// interact answers one interaction, from HTTP or the gateway. after, when
// set, runs once the answer is sent (deferred work and follow-ups).
func (a *App) interact(ctx context.Context, i *discordgo.Interaction) (*discordgo.InteractionResponse, func(context.Context)) {
	switch i.Type {
	case discordgo.InteractionPing:
		return &discordgo.InteractionResponse{Type: discordgo.InteractionResponsePong}, nil
	}
	if a.elsewhere(i) {
		if i.Type == discordgo.InteractionApplicationCommandAutocomplete {
			return noChoices(), nil
		}
		return reply{content: elsewhereText, ephemeral: true}.response(), nil
	}
	if i.Type == discordgo.InteractionApplicationCommandAutocomplete {
		return a.autocomplete(ctx, i), nil
	}
	// The same interaction may arrive twice (gateway and HTTP both
	// configured, a retried delivery); act on it once.
	first, err := a.engine.FirstSeen(ctx, platform, i.ID)
	if err != nil {
		return a.errReply(err, "").response(), nil
	}
	if !first {
		return reply{content: "Already done: this request was handled before.", ephemeral: true}.response(), nil
	}
	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		return a.command(ctx, i)
	case discordgo.InteractionMessageComponent:
		return a.component(ctx, i)
	case discordgo.InteractionModalSubmit:
		return a.modalSubmit(ctx, i)
	}
	return reply{content: "sellerdesk does not know this kind of interaction.", ephemeral: true}.response(), nil
}

const elsewhereText = "sellerdesk works in its own Discord server only: use /" + CommandName + " there."

// elsewhere reports whether i comes from outside the desk's server when
// discord.guild_id is set: from another server, or from a DM unless it is
// a buyer verifying their order (buyers may write to the bot directly;
// staff work in the server, where /desk is registered).
func (a *App) elsewhere(i *discordgo.Interaction) bool {
	switch {
	case a.cfg.GuildID == "" || i.GuildID == a.cfg.GuildID:
		return false
	case i.GuildID != "":
		return true
	case i.Type == discordgo.InteractionMessageComponent:
		return i.MessageComponentData().CustomID != verifyButton
	case i.Type == discordgo.InteractionModalSubmit:
		verb, _, _ := strings.Cut(i.ModalSubmitData().CustomID, ":")
		return verb != verifyModalID
	}
	return true
}

// noChoices is an autocomplete answer that suggests nothing.
func noChoices() *discordgo.InteractionResponse {
	return &discordgo.InteractionResponse{Type: discordgo.InteractionApplicationCommandAutocompleteResult,
		Data: &discordgo.InteractionResponseData{Choices: []*discordgo.ApplicationCommandOptionChoice{}}}
}

// run does one command for actor and renders the result.
func (a *App) run(ctx context.Context, actor core.Actor, cmd core.Command) reply {
	res, err := a.engine.Do(ctx, core.Request{Actor: actor, Command: cmd})
	if err != nil {
		return a.errReply(err, cmd.Name())
	}
	return a.render(res)
}

// deferred acknowledges at once and does work afterwards, editing the
// answer (or, for an error, replacing it with one only the actor sees).
// Discord allows 3 seconds for the first answer; a draft may take longer.
func (a *App) deferred(i *discordgo.Interaction, update bool, work func(context.Context) reply) (*discordgo.InteractionResponse, func(context.Context)) {
	resp := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource}
	if update {
		resp.Type = discordgo.InteractionResponseDeferredMessageUpdate
	}
	return resp, func(ctx context.Context) { a.followUp(ctx, i, work(ctx), update) }
}

func (a *App) followUp(ctx context.Context, i *discordgo.Interaction, r reply, update bool) {
	opt := discordgo.WithContext(ctx)
	if r.ephemeral {
		if !update {
			// The "thinking…" placeholder is public; an error is not.
			if err := a.s.InteractionResponseDelete(i, opt); err != nil {
				a.log.Warn("discord deferred answer not removed", "interaction", i.ID, "err", err)
			}
		}
		a.postFollowUps(ctx, i, append([]reply{r}, r.more...))
		return
	}
	d := r.data()
	if _, err := a.s.InteractionResponseEdit(i, &discordgo.WebhookEdit{Content: &d.Content, Embeds: &d.Embeds, Components: &d.Components,
		AllowedMentions: d.AllowedMentions}, opt); err != nil {
		a.log.Warn("discord answer edit failed", "interaction", i.ID, "err", err)
		return
	}
	a.postFollowUps(ctx, i, r.more)
}

// postFollowUps posts messages after an interaction's answer, in order.
func (a *App) postFollowUps(ctx context.Context, i *discordgo.Interaction, rs []reply) {
	for _, r := range rs {
		d := r.data()
		p := &discordgo.WebhookParams{Content: d.Content, Embeds: d.Embeds, Components: d.Components, AllowedMentions: d.AllowedMentions}
		if r.ephemeral {
			p.Flags = discordgo.MessageFlagsEphemeral
		}
		if _, err := a.s.FollowupMessageCreate(i, true, p, discordgo.WithContext(ctx)); err != nil {
			a.log.Warn("discord follow-up failed", "interaction", i.ID, "err", err)
			return // the rest would read out of order
		}
	}
}

// answer is an immediate answer, with its follow-ups (r.more) sent once it
// has been seen.
func (a *App) answer(i *discordgo.Interaction, r reply) (*discordgo.InteractionResponse, func(context.Context)) {
	if len(r.more) == 0 {
		return r.response(), nil
	}
	return r.response(), func(ctx context.Context) { a.postFollowUps(ctx, i, r.more) }
}

// slow commands are answered with a deferred response: drafting may call a
// model, health reads a month of orders.
func slow(name string) bool { return name == "draft" || name == "health" }

// command serves /desk <subcommand>.
func (a *App) command(ctx context.Context, i *discordgo.Interaction) (*discordgo.InteractionResponse, func(context.Context)) {
	data := i.ApplicationCommandData()
	if data.Name != CommandName || len(data.Options) == 0 {
		return reply{content: "Unknown command: use /" + CommandName + ".", ephemeral: true}.response(), nil
	}
	sub := data.Options[0]
	actor := a.actor(i)
	cmd, err := buildCommand(sub.Name, options(sub.Options))
	if err != nil {
		return a.errReply(err, sub.Name).response(), nil
	}
	if slow(cmd.Name()) {
		return a.deferred(i, false, func(ctx context.Context) reply { return a.run(ctx, actor, cmd) })
	}
	return a.answer(i, a.run(ctx, actor, cmd))
}

// opts are a subcommand's options by name.
type opts map[string]*discordgo.ApplicationCommandInteractionDataOption

func options(list []*discordgo.ApplicationCommandInteractionDataOption) opts {
	m := opts{}
	for _, o := range list {
		m[o.Name] = o
	}
	return m
}

func (o opts) str(name string) string {
	if v, ok := o[name]; ok && v.Type == discordgo.ApplicationCommandOptionString {
		return strings.TrimSpace(v.StringValue())
	}
	return ""
}

func (o opts) int(name string) (int, bool) {
	if v, ok := o[name]; ok && v.Type == discordgo.ApplicationCommandOptionInteger {
		return int(v.IntValue()), true
	}
	return 0, false
}

// buildCommand turns a subcommand's typed options into a core command.
func buildCommand(name string, o opts) (core.Command, error) {
	var cmd core.Command
	switch name {
	case "order":
		cmd = core.GetOrder{OrderID: o.str("order_id")}
	case "orders":
		c := core.ListOrders{Filter: core.ListFilter(o.str("filter"))}
		if c.Filter == "all" {
			c.Filter = core.ListAll
		}
		c.Limit, _ = o.int("limit")
		if after := o.str("after"); after != "" {
			cur, err := core.ParseCursor(after, "after")
			if err != nil {
				return nil, err
			}
			c.After = cur
		}
		lc, err := check(c)
		if err != nil {
			return nil, err
		}
		return fitPage(lc.(core.ListOrders)), nil
	case "ship":
		c := core.ShipOrder{OrderID: o.str("order_id"), Carrier: core.Carrier(o.str("carrier")), CarrierName: o.str("carrier_name"), Tracking: o.str("tracking")}
		var err error
		if c.Items, err = parseItems(o.str("items")); err != nil {
			return nil, err
		}
		if c.Date, err = parseDate(o.str("date")); err != nil {
			return nil, err
		}
		cmd = c
	case "cancel":
		cmd = core.CancelOrder{OrderID: o.str("order_id"), Reason: core.CancelReason(o.str("reason")), Note: o.str("note")}
	case "delivered":
		d, err := parseDate(o.str("date"))
		if err != nil {
			return nil, err
		}
		cmd = core.MarkDelivered{OrderID: o.str("order_id"), Date: d}
	case "return":
		items, err := parseItems(o.str("items"))
		if err != nil {
			return nil, err
		}
		cmd = core.RequestReturn{OrderID: o.str("order_id"), Items: items, Reason: o.str("reason")}
	case "returns":
		s := core.ReturnStatus(o.str("status"))
		if s == "open" {
			s = core.ReturnRequested
		}
		cmd = core.ListReturns{Status: s}
	case "approve":
		cmd = core.ApproveReturn{ReturnID: strings.ToUpper(o.str("return_id"))}
	case "reject":
		cmd = core.RejectReturn{ReturnID: strings.ToUpper(o.str("return_id")), Reason: o.str("reason")}
	case "received":
		cmd = core.ReceiveReturn{ReturnID: strings.ToUpper(o.str("return_id"))}
	case "review":
		cmd = core.RequestReview{OrderID: o.str("order_id")}
	case "refund":
		amount := o.str("amount")
		c := core.IssueRefund{Target: o.str("target"), Reason: o.str("reason")}
		if strings.EqualFold(amount, "full") {
			c.Full = true
		} else {
			c.Amount = amount
		}
		cmd = c
	case "stock":
		c := core.AdjustStock{SKU: o.str("sku"), Op: core.StockOp(o.str("operation"))}
		n, ok := o.int("quantity")
		if c.Op != core.StockShow && !ok {
			// Let core say what is missing, as it does for typed commands.
			_, err := core.Parse("stock " + quote(c.SKU) + " " + string(c.Op))
			return nil, err
		}
		c.N = n
		cmd = c
	case "lowstock":
		cmd = core.ListLowStock{}
	case "health":
		cmd = core.ShowHealth{}
	case "audit":
		c := core.ShowAudit{OrderID: o.str("order_id")}
		c.Limit, _ = o.int("limit")
		cmd = c
	case "inbox":
		cmd = core.ListInbox{Filter: core.ConversationFilter(o.str("filter"))}
	case "show":
		cmd = core.ShowConversation{ConversationID: strings.ToUpper(o.str("conversation_id"))}
	case "reply":
		cmd = core.SendReply{ConversationID: strings.ToUpper(o.str("conversation_id")), Text: o.str("text")}
	case "draft":
		cmd = core.Redraft{ConversationID: strings.ToUpper(o.str("conversation_id"))}
	case "noreply":
		cmd = core.MarkNoReply{ConversationID: strings.ToUpper(o.str("conversation_id"))}
	case "help":
		cmd = core.Help{Topic: o.str("command")}
	default:
		return nil, core.FieldErrorf(core.Invalid, "command", "There is no command %q.", name)
	}
	return check(cmd)
}

// check runs a command built from typed values through core's own argument
// checks (id syntax, required reasons, quantities) by reading back its
// canonical form, so a slash command, a modal and a typed line are held to
// the same rules and get the same wording.
func check(cmd core.Command) (core.Command, error) {
	parsed, err := core.Parse(cmd.String())
	if err != nil {
		return nil, err
	}
	if r, ok := cmd.(core.SendReply); ok {
		return r, nil // the text as written, line breaks and all
	}
	return parsed, nil
}

// parseItems reads "SKU:qty SKU:qty" with core's grammar for items.
func parseItems(s string) ([]core.ItemQty, error) {
	if s == "" {
		return nil, nil
	}
	c, err := core.Parse("ship X ups T " + s)
	if err != nil {
		return nil, err
	}
	return c.(core.ShipOrder).Items, nil
}

// parseDate reads YYYY-MM-DD with core's grammar for dates.
func parseDate(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	c, err := core.Parse("ship X ups T date " + quote(s))
	if err != nil {
		return time.Time{}, err
	}
	return c.(core.ShipOrder).Date, nil
}

// quote makes s one word of the command language.
func quote(s string) string {
	if s == "" || !strings.ContainsAny(s, " \t\n\"'") {
		return s
	}
	return `"` + strings.NewReplacer(`"`, "", "“", "", "”", "").Replace(s) + `"`
}

// component serves a click on a button or a choice in a select menu.
// custom ids are "verb:arg[:arg…]". Changing commands are reviewed first
// (confirm.go); Send and No response needed act at once, the draft they
// send being on the message already.
func (a *App) component(ctx context.Context, i *discordgo.Interaction) (*discordgo.InteractionResponse, func(context.Context)) {
	data := i.MessageComponentData()
	verb, arg, _ := strings.Cut(data.CustomID, ":")
	if verb == verifyButton {
		return a.verifyModal(), nil
	}
	actor := a.actor(i)
	update := func(cmd core.Command) (*discordgo.InteractionResponse, func(context.Context)) {
		r := a.run(ctx, actor, cmd)
		r.update = true
		return r.response(), nil
	}
	review := func(cmd core.Command) (*discordgo.InteractionResponse, func(context.Context)) {
		return a.review(ctx, i, actor, cmd, cardOf(i), false), nil
	}
	switch verb {
	case confirmVerb:
		return a.confirm(ctx, i, actor, arg)
	case backOutVerb:
		return a.backOut(arg), nil
	case "ship":
		return a.formIfAllowed(ctx, actor, core.ShipOrder{OrderID: arg}, shipModal(arg)), nil
	case "cancel":
		if r, refused := a.refused(ctx, actor, core.CancelOrder{OrderID: arg}); refused {
			return r.response(), nil
		}
		return cancelMenu(arg, cardOf(i)).response(), nil
	case "cancelreason":
		if len(data.Values) == 0 {
			return reply{content: "Pick a reason.", ephemeral: true}.response(), nil
		}
		// The menu is on an ephemeral message; the card is named in its id.
		orderID, card, _ := strings.Cut(arg, ":")
		cmd, err := check(core.CancelOrder{OrderID: orderID, Reason: core.CancelReason(data.Values[0])})
		if err != nil {
			return a.errReply(err, "cancel").response(), nil
		}
		return a.review(ctx, i, actor, cmd, card, true), nil
	case "refund":
		return a.formIfAllowed(ctx, actor, core.IssueRefund{Target: arg}, refundModal(arg)), nil
	case "reject":
		return a.formIfAllowed(ctx, actor, core.RejectReturn{ReturnID: arg}, rejectModal(arg)), nil
	case "approve":
		return review(core.ApproveReturn{ReturnID: arg})
	case "received":
		return review(core.ReceiveReturn{ReturnID: arg})
	case "delivered":
		return review(core.MarkDelivered{OrderID: arg})
	case "orders":
		cmd, err := pageCommand(arg)
		if err != nil {
			return a.errReply(err, "orders").response(), nil
		}
		return update(cmd)
	case "send":
		return update(core.SendReply{ConversationID: arg})
	case "noreply":
		return update(core.MarkNoReply{ConversationID: arg})
	case "edit":
		if r, refused := a.refused(ctx, actor, core.SendReply{ConversationID: arg}); refused {
			return r.response(), nil
		}
		conv, _, err := a.engine.Conversation(ctx, arg)
		if err != nil {
			return a.errReply(err, "reply").response(), nil
		}
		return editModal(conv), nil
	case "redraft":
		return a.deferred(i, true, func(ctx context.Context) reply { return a.run(ctx, actor, core.Redraft{ConversationID: arg}) })
	case fullVerb:
		return a.fullMessage(ctx, i, actor, arg)
	}
	return reply{content: "This button is from an older version of sellerdesk; run the command again.", ephemeral: true}.response(), nil
}

// fullMessage serves Full message: every word of the buyer text the card
// shows, to the clicker only, in as many messages as it takes. Core decides
// who may read the conversation.
func (a *App) fullMessage(ctx context.Context, i *discordgo.Interaction, actor core.Actor, convID string) (*discordgo.InteractionResponse, func(context.Context)) {
	res, err := a.engine.Do(ctx, core.Request{Actor: actor, Command: core.ShowConversation{ConversationID: convID}})
	if err != nil {
		return a.errReply(err, "show").response(), nil
	}
	if res.Conversation == nil {
		return reply{content: "Nothing to show.", ephemeral: true}.response(), nil
	}
	parts := textMessages("Buyer message "+res.Conversation.ID+" in full", a.messageBlocks(shownMessages(res.Conversation)), true)
	if len(parts) == 0 {
		return reply{content: "The message has no text.", ephemeral: true}.response(), nil
	}
	first := parts[0]
	first.more = parts[1:]
	return a.answer(i, first)
}

// formIfAllowed opens a form only for someone core would let run its
// command; anyone else gets core's refusal instead of a form to fill in.
func (a *App) formIfAllowed(ctx context.Context, actor core.Actor, probe core.Command, form *discordgo.InteractionResponse) *discordgo.InteractionResponse {
	if r, refused := a.refused(ctx, actor, probe); refused {
		return r.response()
	}
	return form
}

// refused answers for core when someone who may not change anything opens
// a form: the refusal comes before the form, in core's words.
func (a *App) refused(ctx context.Context, actor core.Actor, cmd core.Command) (reply, bool) {
	if actor.Role == core.Owner || actor.Role == core.Agent {
		return reply{}, false
	}
	_, err := a.engine.Do(ctx, core.Request{Actor: actor, Command: cmd, DryRun: true})
	if err == nil {
		return reply{}, false
	}
	return a.errReply(err, ""), true
}

// pageCommand reads a Previous/Next button's command: the list command of
// that page, its cursor included. A value changed on the way is refused in
// core's words.
func pageCommand(arg string) (core.Command, error) {
	if !strings.HasPrefix(arg, "orders") {
		// "filter:limit:page", a button posted before lists paged by cursor.
		return nil, core.FieldErrorf(core.Invalid, "page", "This list's buttons are from an earlier version of sellerdesk: run /desk orders again to page it.")
	}
	cmd, err := core.Parse(arg)
	if err != nil {
		return nil, err
	}
	c, ok := cmd.(core.ListOrders)
	if !ok {
		return nil, core.FieldErrorf(core.Invalid, "command", "This button is not a list page: run /desk orders again.")
	}
	return fitPage(c), nil
}

// maxOrdersPerPage is the most orders one Discord message shows: a line
// is at most orderLineChars, and 25 of them stay under the 6,000
// characters a message's embeds may hold.
const maxOrdersPerPage = 25

// fitPage asks core for no more orders than one message shows, so that
// what core pages is what Discord shows and Next continues at the first
// order not shown.
func fitPage(c core.ListOrders) core.ListOrders {
	c.Limit = min(c.Limit, maxOrdersPerPage)
	return c
}

// modalSubmit serves a submitted form. Discord cannot mark a field in a
// submitted modal, so a mistake comes back as an ephemeral message that
// names the field (core's wording) and nothing changes.
func (a *App) modalSubmit(ctx context.Context, i *discordgo.Interaction) (*discordgo.InteractionResponse, func(context.Context)) {
	data := i.ModalSubmitData()
	verb, arg, _ := strings.Cut(data.CustomID, ":")
	f := formValues(data.Components)
	if verb == verifyModalID {
		return a.verifySubmit(ctx, i, f).response(), nil
	}
	actor := a.actor(i)
	var cmd core.Command
	var err error
	switch verb {
	case "mship":
		cmd, err = shipFromForm(arg, f)
	case "mrefund":
		c := core.IssueRefund{Target: arg, Reason: f["reason"]}
		if strings.EqualFold(f["amount"], "full") {
			c.Full = true
		} else {
			c.Amount = f["amount"]
		}
		cmd, err = check(c)
	case "mreject":
		cmd, err = check(core.RejectReturn{ReturnID: arg, Reason: f["reason"]})
	case "mreply":
		cmd, err = check(core.SendReply{ConversationID: arg, Text: f["text"]})
	default:
		return reply{content: "This form is from an older version of sellerdesk; open it again.", ephemeral: true}.response(), nil
	}
	name := map[string]string{"mship": "ship", "mrefund": "refund", "mreject": "reject", "mreply": "reply"}[verb]
	if err != nil {
		return a.errReply(err, name).response(), nil
	}
	if verb == "mreply" {
		// An edited reply is sent at once, as Send is: the text is the
		// staff member's own, just typed.
		r := a.run(ctx, actor, cmd)
		r.update = i.Message != nil
		return r.response(), nil
	}
	// Everything else is reviewed first; the card the form was opened from
	// is refreshed once confirmed.
	return a.review(ctx, i, actor, cmd, cardOf(i), false), nil
}

// shipFromForm builds a shipment from the Confirm shipment form: carrier,
// tracking, date and items are text there (modals hold only text inputs).
func shipFromForm(orderID string, f map[string]string) (core.Command, error) {
	word, name, _ := strings.Cut(f["carrier"], ":")
	carrier, ok := core.ParseCarrier(word)
	if !ok {
		// core's message, with its "did you mean".
		_, err := core.Parse("ship " + quote(orderID) + " " + quote(f["carrier"]) + " T")
		if err == nil {
			err = core.FieldErrorf(core.Invalid, "carrier", "Carrier %q is not one sellerdesk knows. Use ups, usps, fedex, dhl, or other.", f["carrier"])
		}
		return nil, err
	}
	c := core.ShipOrder{OrderID: orderID, Carrier: carrier, Tracking: f["tracking"], CarrierName: strings.TrimSpace(name)}
	if carrier == core.Other && f["carrier_name"] != "" {
		c.CarrierName = f["carrier_name"]
	}
	var err error
	if c.Items, err = parseItems(f["items"]); err != nil {
		return nil, err
	}
	if c.Date, err = parseDate(f["date"]); err != nil {
		return nil, err
	}
	return check(c)
}

// formValues reads a submitted modal's text inputs by custom id.
func formValues(rows []discordgo.MessageComponent) map[string]string {
	out := map[string]string{}
	for _, row := range rows {
		var list []discordgo.MessageComponent
		switch r := row.(type) {
		case *discordgo.ActionsRow:
			list = r.Components
		case discordgo.ActionsRow:
			list = r.Components
		}
		for _, c := range list {
			switch t := c.(type) {
			case *discordgo.TextInput:
				out[t.CustomID] = strings.TrimSpace(t.Value)
			case discordgo.TextInput:
				out[t.CustomID] = strings.TrimSpace(t.Value)
			}
		}
	}
	return out
}

// autocomplete suggests order ids (open orders first) and the order's SKUs.
// Suggestions are a convenience: anyone without a role gets none.
func (a *App) autocomplete(ctx context.Context, i *discordgo.Interaction) *discordgo.InteractionResponse {
	resp := noChoices()
	data := i.ApplicationCommandData()
	if len(data.Options) == 0 {
		return resp
	}
	sub := data.Options[0]
	o := options(sub.Options)
	var focused *discordgo.ApplicationCommandInteractionDataOption
	for _, opt := range sub.Options {
		if opt.Focused {
			focused = opt
		}
	}
	actor := a.actor(i)
	if focused == nil || actor.Role == "" {
		return resp
	}
	typed := strings.ToLower(strings.TrimSpace(fmt.Sprint(focused.Value)))
	add := func(name, value string) {
		if len(resp.Data.Choices) < 25 && strings.Contains(strings.ToLower(value), typed) {
			resp.Data.Choices = append(resp.Data.Choices, &discordgo.ApplicationCommandOptionChoice{Name: core.Clip(name, 100), Value: value})
		}
	}
	switch focused.Name {
	case "order_id", "target":
		res, err := a.engine.Do(ctx, core.Request{Actor: actor, Command: core.ListOrders{Filter: core.ListUnshipped, Limit: 100}})
		if err != nil {
			return resp
		}
		for _, ord := range res.Orders {
			add(fmt.Sprintf("%s · %s · ship by %s", ord.ID, statusWord(ord.Status), a.day(ord.ShipBy)), ord.ID)
		}
	case "items":
		id := o.str("order_id")
		if id == "" {
			return resp
		}
		res, err := a.engine.Do(ctx, core.Request{Actor: actor, Command: core.GetOrder{OrderID: id}})
		if err != nil {
			return resp
		}
		// Suggest what is left to do with the typed list so far kept.
		prefix, last := "", typed
		if k := strings.LastIndexAny(typed, " "); k >= 0 {
			prefix, last = fmt.Sprint(focused.Value)[:k+1], typed[k+1:]
		}
		for _, it := range res.Order.Items {
			n := it.Unshipped()
			if sub.Name == "return" {
				n = it.Shipped
			}
			if n > 0 && strings.Contains(strings.ToLower(it.SKU), strings.TrimSuffix(last, ":")) {
				v := fmt.Sprintf("%s%s:%d", prefix, it.SKU, n)
				if len(resp.Data.Choices) < 25 {
					resp.Data.Choices = append(resp.Data.Choices, &discordgo.ApplicationCommandOptionChoice{Name: core.Clip(v, 100), Value: v})
				}
			}
		}
	}
	return resp
}
