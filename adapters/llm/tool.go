package llm

import (
	"encoding/json"
	"time"

	"github.com/sashabaranov/go-openai"

	"github.com/sellerdesk/sellerdesk/core"
)

const getOrderName = "get_order"

// getOrderTool is the model's only tool. It takes an order_id because models
// like to pass one, but the id is ignored: the answer is always the
// conversation's own order, so no buyer can read another's by naming it.
var getOrderTool = openai.Tool{
	Type: openai.ToolTypeFunction,
	Function: &openai.FunctionDefinition{
		Name: getOrderName,
		Description: "Read the facts of this buyer's own order: status, dates, items, shipments with tracking, " +
			"returns, refunds and the return window. Read-only. It can only ever return this buyer's order; " +
			"any order_id given is ignored.",
		Parameters: json.RawMessage(`{"type":"object","properties":{"order_id":{"type":"string","description":"Ignored: the buyer's own order is always returned."}},"additionalProperties":false}`),
	},
}

// noOrder is get_order's answer before the buyer has verified an order.
const noOrder = `{"error":"the buyer has not verified an order"}`

// runTool answers one tool call. Anything but get_order is refused.
func (d *Drafter) runTool(call openai.ToolCall, req core.DraftRequest) string {
	if call.Function.Name != getOrderName {
		return `{"error":"unknown tool; the only tool is get_order"}`
	}
	if req.Order == nil {
		return noOrder
	}
	b, err := json.Marshal(orderFacts(req.Order, d.policy, req.Now))
	if err != nil { // plain strings and numbers: cannot happen
		return `{"error":"order facts unavailable"}`
	}
	return string(b)
}

// facts is what a reply may use from an order. It leaves out everything
// personal — the buyer's name, email and phone, the ship-to address — and
// staff-internal text (refund and rejection reasons): the model needs none of
// it to answer, and what it never sees it cannot repeat.
type facts struct {
	OrderID          string          `json:"order_id"`
	Status           core.Status     `json:"status"`
	Fulfillment      string          `json:"fulfillment"`
	PurchaseDate     string          `json:"purchase_date"`
	ShipBy           string          `json:"ship_by,omitempty"`
	ShipServiceLevel string          `json:"ship_service_level,omitempty"`
	Items            []itemFacts     `json:"items"`
	Shipments        []shipmentFacts `json:"shipments,omitempty"`
	DeliveredAt      string          `json:"delivered_at,omitempty"`
	CanceledAt       string          `json:"canceled_at,omitempty"`
	Paid             string          `json:"paid"`
	Returns          []returnFacts   `json:"returns,omitempty"`
	Refunds          []refundFacts   `json:"refunds,omitempty"`
	RefundedTotal    string          `json:"refunded_total,omitempty"`
	// ReturnWindowLastDay is the last day a return may be requested (from
	// delivery, or the last shipment while delivery is unknown).
	ReturnWindowLastDay string `json:"return_window_last_day,omitempty"`
	ReturnAllowedNow    bool   `json:"return_allowed_now"`
}

type itemFacts struct {
	SKU      string `json:"sku"`
	Title    string `json:"title,omitempty"`
	Quantity int    `json:"quantity"`
	Shipped  int    `json:"shipped"`
}

type shipmentFacts struct {
	Carrier  string `json:"carrier"`
	Tracking string `json:"tracking"`
	ShipDate string `json:"ship_date"`
	Units    int    `json:"units"`
}

type returnFacts struct {
	Status      core.ReturnStatus `json:"status"`
	Items       []core.ItemQty    `json:"items"`
	RequestedAt string            `json:"requested_at"`
	ReceivedAt  string            `json:"received_at,omitempty"`
	RefundDueBy string            `json:"refund_due_by,omitempty"`
}

type refundFacts struct {
	Amount string `json:"amount"`
	Date   string `json:"date"`
}

func orderFacts(o *core.Order, p core.Policy, now time.Time) facts {
	day := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(p.Location).Format(time.DateOnly)
	}
	dayp := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return day(*t)
	}
	f := facts{
		OrderID:          o.ID,
		Status:           o.Status,
		Fulfillment:      string(o.Fulfillment),
		PurchaseDate:     day(o.PurchaseDate),
		ShipBy:           day(o.ShipBy),
		ShipServiceLevel: o.ShipServiceLevel,
		DeliveredAt:      dayp(o.DeliveredAt),
		CanceledAt:       dayp(o.CanceledAt),
		Paid:             core.FormatAmount(o.Paid(), o.Currency),
		Items:            []itemFacts{},
	}
	for _, it := range o.Items {
		f.Items = append(f.Items, itemFacts{SKU: it.SKU, Title: it.Title, Quantity: it.Quantity, Shipped: it.Shipped})
	}
	for _, s := range o.Shipments {
		carrier := s.Carrier.DisplayName()
		if s.Carrier == core.Other && s.CarrierName != "" {
			carrier = s.CarrierName
		}
		units := 0
		for _, l := range s.Lines {
			units += l.Quantity
		}
		f.Shipments = append(f.Shipments, shipmentFacts{Carrier: carrier, Tracking: s.Tracking, ShipDate: day(s.ShipDate), Units: units})
	}
	for _, r := range o.Returns {
		f.Returns = append(f.Returns, returnFacts{
			Status: r.Status, Items: r.Items, RequestedAt: day(r.RequestedAt),
			ReceivedAt: dayp(r.ReceivedAt), RefundDueBy: dayp(r.RefundBy),
		})
	}
	for _, r := range o.Refunds {
		f.Refunds = append(f.Refunds, refundFacts{Amount: core.FormatAmount(r.Amount, o.Currency), Date: day(r.CreatedAt)})
	}
	if len(o.Refunds) > 0 {
		f.RefundedTotal = core.FormatAmount(o.Refunded(), o.Currency)
	}
	if !p.ReturnWindowEnd(o).IsZero() {
		f.ReturnWindowLastDay = p.LastReturnDay(o).Format(time.DateOnly)
	}
	f.ReturnAllowedNow = p.ReturnEligible(o, now) == nil
	return f
}
