package discordapp

import (
	"github.com/bwmarrin/discordgo"

	"github.com/sellerdesk/sellerdesk/core"
)

// CommandName is the one application command; the command language's
// words are its subcommands.
const CommandName = "desk"

// Commands is the /desk definition registered with Discord. Descriptions
// come from core's command table so Discord's help matches every other
// desk's.
func Commands() []*discordgo.ApplicationCommand {
	str := func(name, desc string, required bool) *discordgo.ApplicationCommandOption {
		return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: name, Description: desc, Required: required}
	}
	auto := func(o *discordgo.ApplicationCommandOption) *discordgo.ApplicationCommandOption {
		o.Autocomplete = true
		return o
	}
	integer := func(name, desc string, lo, hi float64) *discordgo.ApplicationCommandOption {
		return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionInteger, Name: name, Description: desc, MinValue: &lo, MaxValue: hi}
	}
	choices := func(o *discordgo.ApplicationCommandOption, values ...string) *discordgo.ApplicationCommandOption {
		for _, v := range values {
			o.Choices = append(o.Choices, &discordgo.ApplicationCommandOptionChoice{Name: v, Value: v})
		}
		return o
	}
	orderID := func() *discordgo.ApplicationCommandOption {
		return auto(str("order_id", "the order id, e.g. 902-3159896-1390916", true))
	}
	returnID := func() *discordgo.ApplicationCommandOption {
		return str("return_id", "the return id, e.g. R-7KQ2M9XH", true)
	}
	convID := func() *discordgo.ApplicationCommandOption {
		return str("conversation_id", "the conversation id, e.g. C-7KQ2M9XH", true)
	}

	var carriers, reasons, filters, commands []string
	for _, c := range core.Carriers() {
		carriers = append(carriers, string(c))
	}
	for _, r := range core.CancelReasons() {
		reasons = append(reasons, string(r))
	}
	filters = []string{"all", string(core.ListPending), string(core.ListUnshipped), string(core.ListLate), string(core.ListDue), string(core.ListShipped), string(core.ListCanceled)}
	commands = core.CommandNames()

	opts := map[string][]*discordgo.ApplicationCommandOption{
		"order":  {orderID()},
		"orders": {choices(str("filter", "which orders", false), filters...), integer("limit", "orders per page (default 20; Discord shows 25 at most)", 1, 500), str("after", "the cursor a list's Next page line shows: the list goes on after it", false)},
		"ship": {orderID(), choices(str("carrier", "the carrier; other needs carrier_name", true), carriers...),
			str("tracking", "the tracking number", true), str("carrier_name", "for carrier other, e.g. Royal Mail", false),
			auto(str("items", "SKU:qty … for a partial shipment (default: everything unshipped)", false)),
			str("date", "ship date YYYY-MM-DD (default today)", false)},
		"cancel":    {orderID(), choices(str("reason", "why; all but buyer_canceled count against the cancel rate", true), reasons...), str("note", "a note for the audit log", false)},
		"delivered": {orderID(), str("date", "delivery date YYYY-MM-DD (default today)", false)},
		"return":    {orderID(), str("reason", "the buyer's reason", true), auto(str("items", "SKU:qty … (default: every shipped unit)", false))},
		"returns":   {choices(str("status", "which returns", false), "open", "approved", "received", "rejected", "refunded")},
		"approve":   {returnID()},
		"reject":    {returnID(), str("reason", "the reason the buyer will see", true)},
		"received":  {returnID()},
		"review":    {orderID()},
		"refund": {auto(str("target", "an order id or a return id", true)), str("amount", "an amount like 12.50, or full", true),
			str("reason", "why", true)},
		"stock": {str("sku", "the SKU", true), choices(str("operation", "what to do (none: show)", false), "set", "add", "remove", "threshold"),
			integer("quantity", "units", 0, 1_000_000)},
		"audit":   {auto(str("order_id", "only this order", false)), integer("limit", "entries (default 20)", 1, 500)},
		"inbox":   {choices(str("filter", "overdue or due soon", false), string(core.InboxOverdue), string(core.InboxDue))},
		"show":    {convID()},
		"reply":   {convID(), str("text", "your reply (default: send the draft)", false)},
		"draft":   {convID()},
		"noreply": {convID()},
		"help":    {choices(str("command", "a command", false), commands...)},
	}
	desk := &discordgo.ApplicationCommand{Name: CommandName, Description: "Work orders, returns, stock and buyer messages", Type: discordgo.ChatApplicationCommand}
	for _, name := range commands {
		h := core.HelpFor(name)
		desk.Options = append(desk.Options, &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionSubCommand,
			Name: name, Description: core.Clip(h.Summary, 100), Options: opts[name]})
	}
	return []*discordgo.ApplicationCommand{desk}
}

// Modals hold text inputs (five at most), each in a Label, the layout
// Discord documents now (components.go); choices such as the carrier are
// typed there and checked by core.

func modal(id, title string, inputs ...discordgo.TextInput) *discordgo.InteractionResponse {
	var rows []discordgo.MessageComponent
	for _, in := range inputs {
		rows = append(rows, label{Label: in.Label, Component: textInput(in)})
	}
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseModal,
		Data: &discordgo.InteractionResponseData{CustomID: id, Title: core.Clip(title, 45), Components: rows}}
}

func shipModal(orderID string) *discordgo.InteractionResponse {
	return modal("mship:"+orderID, "Confirm shipment "+orderID,
		discordgo.TextInput{CustomID: "carrier", Label: "Carrier: ups, usps, fedex, dhl or other", Style: discordgo.TextInputShort, Required: true, MaxLength: 60, Placeholder: "ups"},
		discordgo.TextInput{CustomID: "tracking", Label: "Tracking number", Style: discordgo.TextInputShort, Required: true, MaxLength: 60},
		discordgo.TextInput{CustomID: "date", Label: "Ship date YYYY-MM-DD (empty: today)", Style: discordgo.TextInputShort, MaxLength: 10},
		discordgo.TextInput{CustomID: "carrier_name", Label: "Carrier name (for other)", Style: discordgo.TextInputShort, MaxLength: 60},
		discordgo.TextInput{CustomID: "items", Label: "Items SKU:qty … (empty: all unshipped)", Style: discordgo.TextInputShort, MaxLength: 400},
	)
}

func refundModal(target string) *discordgo.InteractionResponse {
	return modal("mrefund:"+target, "Refund "+target,
		discordgo.TextInput{CustomID: "amount", Label: "Amount (e.g. 12.50) or full", Style: discordgo.TextInputShort, Required: true, MaxLength: 20},
		discordgo.TextInput{CustomID: "reason", Label: "Reason", Style: discordgo.TextInputParagraph, Required: true, MaxLength: 500},
	)
}

func rejectModal(returnID string) *discordgo.InteractionResponse {
	return modal("mreject:"+returnID, "Reject return "+returnID,
		discordgo.TextInput{CustomID: "reason", Label: "Reason the buyer will see", Style: discordgo.TextInputParagraph, Required: true, MaxLength: 500},
	)
}

func editModal(conv *core.Conversation) *discordgo.InteractionResponse {
	text := ""
	if conv.Draft != nil {
		text = core.Clip(conv.Draft.Text, 4000)
	}
	return modal("mreply:"+conv.ID, "Reply in "+conv.ID,
		discordgo.TextInput{CustomID: "text", Label: "Reply to the buyer", Style: discordgo.TextInputParagraph, Required: true, MaxLength: 4000, Value: text},
	)
}

// cancelMenu asks for a cancel reason, visible to the clicker only. card is
// the order card to refresh once the cancel is confirmed.
func cancelMenu(orderID, card string) reply {
	var options []discordgo.SelectMenuOption
	for _, r := range core.CancelReasons() {
		desc := "counts against the pre-fulfilment cancel rate"
		if !r.SellerCaused() {
			desc = "does not count against the cancel rate"
		}
		options = append(options, discordgo.SelectMenuOption{Label: string(r), Value: string(r), Description: desc})
	}
	return reply{content: "Cancel order " + orderID + " and restock its units — why?", ephemeral: true,
		components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.SelectMenu{CustomID: "cancelreason:" + orderID + ":" + card, Placeholder: "Cancel reason", Options: options},
		}}}}
}
