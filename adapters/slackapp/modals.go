package slackapp

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/sellerdesk/sellerdesk/core"
)

// Modal callback ids. A form collects a command's values; its submission
// is checked by a dry run and answered with the confirm view, which shows
// core's preview; submitting that runs the command.
const (
	cbFormPrefix = "form:" // form:ship, form:cancel, …
	cbConfirm    = "confirm"
	cbEdit       = "conv.edit"
	cbInfo       = "info"
)

// Block ids of form inputs; core's error fields map onto them.
const (
	blkCarrier     = "carrier"
	blkCarrierName = "carrier_name"
	blkTracking    = "tracking"
	blkDate        = "date"
	blkQtyPrefix   = "qty:" // qty:<SKU>
	blkReason      = "reason"
	blkNote        = "note"
	blkAmount      = "amount"
	blkFull        = "full"
	blkText        = "text"
	actValue       = "value" // the one element of every input block
)

// maxMetadata keeps private_metadata under Slack's 3000 characters.
const maxMetadata = 2900

// meta travels in a modal's private_metadata.
type meta struct {
	ID   string `json:"id,omitempty"`   // order, return or conversation id
	Cmd  string `json:"cmd,omitempty"`  // confirm: the command, as typed in the command language
	URL  string `json:"url,omitempty"`  // response_url of the message with the button
	Conv string `json:"conv,omitempty"` // conversation to redraw after
	// Reason is the cancel reason the cancel form starts with (an alert's
	// buyer cancellation request: buyer_canceled).
	Reason core.CancelReason `json:"reason,omitempty"`
}

func (m meta) encode() string {
	b, _ := json.Marshal(m)
	return string(b)
}

func decodeMeta(s string) meta {
	var m meta
	_ = json.Unmarshal([]byte(s), &m) // a view we did not make has no meta
	return m
}

func modal(callback, title, submit string, m meta, blocks []slack.Block) slack.ModalViewRequest {
	v := slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: callback, Title: plain(title, 24), Close: plain("Close", 24),
		Blocks: slack.Blocks{BlockSet: blocks}, PrivateMetadata: m.encode(),
	}
	if submit != "" {
		v.Submit = plain(submit, 24)
	}
	return v
}

func input(blockID, label string, el slack.BlockElement, optional bool, hint string) *slack.InputBlock {
	var h *slack.TextBlockObject
	if hint != "" {
		h = plain(hint, 2000)
	}
	b := slack.NewInputBlock(blockID, plain(label, 2000), h, el)
	b.Optional = optional
	return b
}

func textInput(multiline bool, initial string) *slack.PlainTextInputBlockElement {
	el := slack.NewPlainTextInputBlockElement(nil, actValue)
	el.Multiline, el.MaxLength = multiline, maxInputText
	el.InitialValue = core.Clip(initial, maxInputText)
	return el
}

func datePicker(initial time.Time) *slack.DatePickerBlockElement {
	el := slack.NewDatePickerBlockElement(actValue)
	el.InitialDate = initial.Format(time.DateOnly)
	return el
}

func option(value, text string) *slack.OptionBlockObject {
	return slack.NewOptionBlockObject(value, plain(text, 75), nil)
}

// skuQty is a SKU with the most units a form offers for it.
type skuQty struct {
	SKU, Title string
	Max        int
}

// unshippedBySKU lists what is left to ship, per SKU in order-line order.
func unshippedBySKU(o *core.Order) []skuQty {
	return bySKU(o, func(it core.Item) int { return it.Unshipped() })
}

// shippedBySKU lists what has shipped, per SKU (the most a return can hold).
func shippedBySKU(o *core.Order) []skuQty {
	return bySKU(o, func(it core.Item) int { return it.Shipped })
}

func bySKU(o *core.Order, n func(core.Item) int) []skuQty {
	var out []skuQty
	for _, it := range o.Items {
		k := slices.IndexFunc(out, func(s skuQty) bool { return s.SKU == it.SKU })
		if k < 0 {
			out = append(out, skuQty{SKU: it.SKU, Title: it.Title})
			k = len(out) - 1
		}
		out[k].Max += n(it)
	}
	return slices.DeleteFunc(out, func(s skuQty) bool { return s.Max <= 0 })
}

// qtyInputs are one number input per SKU, prefilled with the most, so a
// partial shipment (or return) is a matter of lowering numbers.
func qtyInputs(list []skuQty, verb, hint string) []slack.Block {
	var blocks []slack.Block
	for i, s := range list {
		el := slack.NewNumberInputBlockElement(nil, actValue, false)
		el.InitialValue, el.MinValue, el.MaxValue = strconv.Itoa(s.Max), "0", strconv.Itoa(s.Max)
		label := s.SKU
		if s.Title != "" {
			label += " — " + s.Title
		}
		label = fmt.Sprintf("%s (%d to %s)", core.Clip(label, 120), s.Max, verb)
		h := ""
		if i == 0 {
			h = hint
		}
		blocks = append(blocks, input(blkQtyPrefix+s.SKU, label, el, false, h))
	}
	return blocks
}

// shipForm asks for carrier, tracking, date and, when there is more than
// one unit to ship, the quantities.
func (a *App) shipForm(o *core.Order, m meta) slack.ModalViewRequest {
	left := unshippedBySKU(o)
	var parts []core.ItemQty
	units := 0
	for _, s := range left {
		parts = append(parts, core.ItemQty{SKU: s.SKU, Quantity: s.Max})
		units += s.Max
	}
	var opts []*slack.OptionBlockObject
	for _, c := range core.Carriers() {
		text := c.DisplayName()
		if c == core.Other {
			text = "Other (name it below)"
		}
		opts = append(opts, option(string(c), text))
	}
	blocks := []slack.Block{
		section(fmt.Sprintf("*Order %s* · ship by %s\nTo ship: %s", escape(o.ID), a.shipByText(o), escape(core.DescribeItems(parts)))),
		input(blkCarrier, "Carrier", slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Choose a carrier", 150), actValue, opts...), false, ""),
		input(blkCarrierName, "Carrier name", textInput(false, ""), true, "Only for Other, e.g. Royal Mail"),
		input(blkTracking, "Tracking number", textInput(false, ""), false, ""),
		input(blkDate, "Ship date", datePicker(a.now().In(a.loc())), true, "The day it left; not in the future."),
	}
	if units > 1 {
		blocks = append(blocks, qtyInputs(left, "ship", "Lower a number to ship part of the order; 0 leaves that SKU out.")...)
	}
	return modal(cbFormPrefix+"ship", "Confirm shipment", "Review", m, blocks)
}

func (a *App) cancelForm(o *core.Order, m meta) slack.ModalViewRequest {
	var opts []*slack.OptionBlockObject
	for _, r := range core.CancelReasons() {
		opts = append(opts, option(string(r), strings.ReplaceAll(string(r), "_", " ")))
	}
	sel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Choose a reason", 150), actValue, opts...)
	if m.Reason != "" {
		sel.InitialOption = option(string(m.Reason), strings.ReplaceAll(string(m.Reason), "_", " "))
	}
	blocks := []slack.Block{
		section(fmt.Sprintf("*Order %s* · %s · %s", escape(o.ID), statusText(o), escape(core.DescribeItems(orderItems(o))))),
		input(blkReason, "Reason", sel, false, ""),
		input(blkNote, "Note", textInput(false, ""), true, "For the audit log."),
	}
	return modal(cbFormPrefix+"cancel", "Cancel order", "Review", m, blocks)
}

func (a *App) refundForm(o *core.Order, m meta) slack.ModalViewRequest {
	left := core.FormatAmount(o.Refundable(), o.Currency)
	full := slack.NewCheckboxGroupsBlockElement(actValue, option("full", "Refund everything still refundable ("+left+")"))
	blocks := []slack.Block{
		section(escape(fmt.Sprintf("*Order %s* · paid %s · refunded %s · refundable %s", o.ID, core.FormatAmount(o.Paid(), o.Currency), core.FormatAmount(o.Refunded(), o.Currency), left))),
		input(blkAmount, "Amount ("+o.Currency+")", textInput(false, ""), true, "e.g. 12.50 — or tick full refund below."),
		input(blkFull, "Full refund", full, true, ""),
		input(blkReason, "Reason", textInput(false, ""), false, ""),
	}
	return modal(cbFormPrefix+"refund", "Refund", "Review", m, blocks)
}

func (a *App) deliveredForm(o *core.Order, m meta) slack.ModalViewRequest {
	blocks := []slack.Block{
		section(fmt.Sprintf("*Order %s* · %s", escape(o.ID), statusText(o))),
		input(blkDate, "Delivered on", datePicker(a.now().In(a.loc())), true, "Starts the return window."),
	}
	return modal(cbFormPrefix+"delivered", "Mark delivered", "Review", m, blocks)
}

func (a *App) returnForm(o *core.Order, m meta) slack.ModalViewRequest {
	blocks := []slack.Block{
		section(fmt.Sprintf("*Order %s* · %s", escape(o.ID), statusText(o))),
		input(blkReason, "The buyer's reason", textInput(false, ""), false, ""),
	}
	blocks = append(blocks, qtyInputs(shippedBySKU(o), "return", "Lower a number when only some units come back; 0 leaves that SKU out.")...)
	return modal(cbFormPrefix+"return", "Record a return", "Review", m, blocks)
}

func (a *App) rejectForm(r *core.Return, m meta) slack.ModalViewRequest {
	blocks := []slack.Block{
		section(fmt.Sprintf("*Return %s* of order %s · %s: %s", escape(r.ID), escape(r.OrderID), escape(core.DescribeItems(r.Items)), escape(core.Clip(r.Reason, 500)))),
		input(blkReason, "Reason (the buyer will see it)", textInput(true, ""), false, ""),
	}
	return modal(cbFormPrefix+"reject", "Reject return", "Review", m, blocks)
}

// editForm shows the draft in a text box; submitting sends it.
func (a *App) editForm(c *core.Conversation, m meta) slack.ModalViewRequest {
	var blocks []slack.Block
	for _, msg := range lastN(c.Waiting(), 2) {
		blocks = append(blocks, section(fmt.Sprintf("*Buyer wrote* (%s):\n%s", a.stamp(msg.At), quote(core.Clip(core.StaffText(msg.Text), 1500)))))
	}
	draft := ""
	if c.Draft != nil && !c.NeedsDraft() && c.Draft.NeedsResponse {
		draft = c.Draft.Text
	}
	blocks = append(blocks, input(blkText, "Reply to the buyer", textInput(true, draft), false, "This is sent to the buyer as it is."))
	return modal(cbEdit, "Reply to "+c.ID, "Send", m, blocks)
}

func lastN(ms []core.Message, n int) []core.Message {
	if len(ms) > n {
		return ms[len(ms)-n:]
	}
	return ms
}

// confirmView shows what the command will do, as core previews it.
func confirmView(p *core.Preview, m meta) slack.ModalViewRequest {
	lines := []string{"*This will:*"}
	for _, c := range p.Changes {
		lines = append(lines, "• "+escape(c))
	}
	blocks := sections(lines)
	for _, h := range p.Health {
		blocks = append(blocks, contextText(healthMark(h)+" "+escape(h.Text)))
	}
	blocks = append(blocks, contextText("`"+escape(core.Clip(p.Command, 500))+"`"))
	return modal(cbConfirm, "Check and confirm", "Confirm", m, blocks)
}

// doneView closes the flow with core's message.
func doneView(res *core.Result) slack.ModalViewRequest {
	msg := res.Message
	if msg == "" {
		msg = "Done."
	}
	blocks := []slack.Block{section(":white_check_mark: " + escape(msg))}
	if res.Preview != nil {
		for _, h := range res.Preview.Health {
			blocks = append(blocks, contextText(healthMark(h)+" "+escape(h.Text)))
		}
	}
	for _, ev := range res.Events {
		blocks = append(blocks, contextText(alertEmoji(ev.Kind)+" "+escape(ev.Text)))
	}
	return modal("done", "Done", "", meta{}, blocks)
}

// errorView replaces a view that has no input to pin an error on.
func errorView(err error) slack.ModalViewRequest {
	return modal("error", "Not done", "", meta{}, []slack.Block{section(":warning: " + escape(core.ErrorMessage(err)))})
}

// buyerView shows buyer contact details and the shipping address to the
// person who asked, in a modal nobody else sees.
func buyerView(o *core.Order) slack.ModalViewRequest {
	b, s := o.Buyer, o.ShipTo
	lines := []string{
		fmt.Sprintf("*Order %s*", escape(o.ID)),
		"*Buyer:* " + untrusted(orDash(b.Name)),
		"*Email:* " + escape(orDash(b.Email)),
		"*Phone:* " + escape(orDash(b.Phone)),
		"*Ship to:*",
	}
	for _, l := range []string{s.Name, s.Line1, s.Line2, s.Line3, strings.TrimSpace(strings.Join([]string{s.City, s.State, s.PostalCode}, " ")), s.Country, s.Phone} {
		if strings.TrimSpace(l) != "" {
			lines = append(lines, escape(l))
		}
	}
	blocks := sections(lines)
	blocks = append(blocks, contextText("Buyer personal data, shown only to you. Don't paste it into channels."))
	return modal(cbInfo, "Buyer details", "", meta{}, blocks)
}

// formValues reads a submitted view's inputs by block id.
type formValues map[string]slack.BlockAction

func valuesOf(v slack.View) formValues {
	out := formValues{}
	if v.State == nil {
		return out
	}
	for block, acts := range v.State.Values {
		if act, ok := acts[actValue]; ok {
			out[block] = act
		}
	}
	return out
}

func (f formValues) text(block string) string { return strings.TrimSpace(f[block].Value) }

// day reads a date picker; Slack sends YYYY-MM-DD. An empty picker is the
// zero time (core's default, today).
func (f formValues) day(block string) time.Time {
	d, _ := time.Parse(time.DateOnly, f[block].SelectedDate)
	return d
}

// quantities reads the qty:<SKU> inputs. When every SKU keeps its full
// number the list is empty, which core reads as "everything". A number
// Slack should never send (not an integer) goes to core as -1 so that core
// refuses it in its own words; so does an all-zero form.
func (f formValues) quantities(list []skuQty) []core.ItemQty {
	var items []core.ItemQty
	all := true
	for _, s := range list {
		raw, ok := f[blkQtyPrefix+s.SKU]
		if !ok {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(raw.Value))
		if err != nil {
			n = -1
		}
		if n != s.Max {
			all = false
		}
		if n != 0 {
			items = append(items, core.ItemQty{SKU: s.SKU, Quantity: n})
		}
	}
	if all {
		return nil
	}
	if len(items) == 0 && len(list) > 0 {
		items = []core.ItemQty{{SKU: list[0].SKU, Quantity: 0}}
	}
	return items
}

// formCommand builds the command a submitted form stands for. The order
// (or return) is read again so the quantities match what the form showed.
func formCommand(kind string, m meta, f formValues, o *core.Order) core.Command {
	switch kind {
	case "ship":
		c := core.ShipOrder{OrderID: m.ID, Carrier: core.Carrier(f[blkCarrier].SelectedOption.Value), Tracking: f.text(blkTracking), Date: f.day(blkDate)}
		if c.Carrier == core.Other {
			c.CarrierName = f.text(blkCarrierName)
		}
		if o != nil {
			c.Items = f.quantities(unshippedBySKU(o))
		}
		return c
	case "cancel":
		return core.CancelOrder{OrderID: m.ID, Reason: core.CancelReason(f[blkReason].SelectedOption.Value), Note: f.text(blkNote)}
	case "refund":
		full := slices.ContainsFunc(f[blkFull].SelectedOptions, func(o slack.OptionBlockObject) bool { return o.Value == "full" })
		return core.IssueRefund{Target: m.ID, Full: full, Amount: f.text(blkAmount), Reason: f.text(blkReason)}
	case "delivered":
		return core.MarkDelivered{OrderID: m.ID, Date: f.day(blkDate)}
	case "return":
		c := core.RequestReturn{OrderID: m.ID, Reason: f.text(blkReason)}
		if o != nil {
			c.Items = f.quantities(shippedBySKU(o))
		}
		return c
	case "reject":
		return core.RejectReturn{ReturnID: m.ID, Reason: f.text(blkReason)}
	}
	return nil
}

// fieldBlock is the form block that shows an error about a core field.
func fieldBlock(field string, v slack.View) string {
	var inputs []string
	for _, b := range v.Blocks.BlockSet {
		if in, ok := b.(*slack.InputBlock); ok {
			inputs = append(inputs, in.BlockID)
		}
	}
	want := ""
	switch field {
	case "tracking":
		want = blkTracking
	case "carrier":
		want = blkCarrier
	case "date":
		want = blkDate
	case "amount":
		want = blkAmount
	case "reason":
		want = blkReason
	case "text":
		want = blkText
	case "items", "quantity", "sku":
		for _, id := range inputs {
			if strings.HasPrefix(id, blkQtyPrefix) {
				want = id
				break
			}
		}
	}
	if want != "" && slices.Contains(inputs, want) {
		return want
	}
	if len(inputs) > 0 {
		return inputs[0]
	}
	return ""
}
