package core

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
)

// Command is a parsed request of the command language. Every adapter builds
// one of the types below, typed or from a form, and hands it to the engine.
type Command interface {
	// Name is the command word, e.g. "ship".
	Name() string
	// String is the command in canonical command-language form, as it is
	// written to the audit log.
	String() string
}

// GetOrder: order <order-id>
type GetOrder struct{ OrderID string }

// ListFilter names a list of orders.
type ListFilter string

const (
	ListAll       ListFilter = ""
	ListPending   ListFilter = "pending"
	ListUnshipped ListFilter = "unshipped" // unshipped and partially shipped
	ListLate      ListFilter = "late"      // open, ship-by passed
	ListDue       ListFilter = "due"       // open, ship-by within a day
	ListShipped   ListFilter = "shipped"
	ListCanceled  ListFilter = "canceled"
)

// listFilters are the named lists; append only, since cursors number them
// (cursorLists).
func listFilters() []ListFilter {
	return []ListFilter{ListPending, ListUnshipped, ListLate, ListDue, ListShipped, ListCanceled}
}

// ListOrders: orders [filter] [limit N] [after|before <cursor>]
type ListOrders struct {
	Filter ListFilter
	Limit  int
	// After continues the list past this cursor (Next); Before reads the
	// page that ends just before it (Previous). At most one is set; none
	// is the first page.
	After, Before Cursor
}

// ShipOrder: ship <order-id> <carrier> <tracking> [SKU:qty ...] [date YYYY-MM-DD]
type ShipOrder struct {
	OrderID     string
	Carrier     Carrier
	CarrierName string // for Other
	Tracking    string
	Items       []ItemQty // empty: everything still unshipped
	Date        time.Time // zero: today
}

// CancelOrder: cancel <order-id> <reason> [note]
type CancelOrder struct {
	OrderID string
	Reason  CancelReason
	Note    string
}

// MarkDelivered: delivered <order-id> [date YYYY-MM-DD]
type MarkDelivered struct {
	OrderID string
	Date    time.Time
}

// RequestReturn: return <order-id> [SKU:qty ...] <reason>
type RequestReturn struct {
	OrderID string
	Items   []ItemQty // empty: every shipped unit not yet returned
	Reason  string
}

// ListReturns: returns [open|approved|received]
type ListReturns struct{ Status ReturnStatus }

// ApproveReturn: approve <return-id>
type ApproveReturn struct{ ReturnID string }

// RejectReturn: reject <return-id> <reason>
type RejectReturn struct {
	ReturnID string
	Reason   string
}

// ReceiveReturn: received <return-id>
type ReceiveReturn struct{ ReturnID string }

// IssueRefund: refund <order-id|return-id> <amount|full> <reason>
type IssueRefund struct {
	Target string // an order id or a return id
	Full   bool
	Amount string // decimal in the order's currency; parsed by the engine, which knows it
	Reason string
}

// StockOp is what a stock command does.
type StockOp string

const (
	StockShow      StockOp = ""
	StockSet       StockOp = "set"
	StockAdd       StockOp = "add"
	StockRemove    StockOp = "remove"
	StockThreshold StockOp = "threshold"
)

// AdjustStock: stock <sku> [set|add|remove|threshold N]
type AdjustStock struct {
	SKU string
	Op  StockOp
	N   int
}

// ListLowStock: lowstock
type ListLowStock struct{}

// ShowHealth: health
type ShowHealth struct{}

// ShowAudit: audit [order-id] [limit N]
type ShowAudit struct {
	OrderID string
	Limit   int
}

// Help: help [command]
type Help struct{ Topic string }

// ListInbox: inbox [overdue|due]
type ListInbox struct{ Filter ConversationFilter }

// ShowConversation: show <conversation-id>
type ShowConversation struct{ ConversationID string }

// SendReply: reply <conversation-id> [text] — without text, the current draft.
type SendReply struct {
	ConversationID string
	Text           string
}

// Redraft: draft <conversation-id>
type Redraft struct{ ConversationID string }

// MarkNoReply: noreply <conversation-id>
type MarkNoReply struct{ ConversationID string }

func (ListInbox) Name() string        { return "inbox" }
func (ShowConversation) Name() string { return "show" }
func (SendReply) Name() string        { return "reply" }
func (Redraft) Name() string          { return "draft" }
func (MarkNoReply) Name() string      { return "noreply" }

func (c ListInbox) String() string        { return joinWords("inbox", string(c.Filter)) }
func (c ShowConversation) String() string { return "show " + c.ConversationID }
func (c SendReply) String() string        { return joinWords("reply", c.ConversationID, c.Text) }
func (c Redraft) String() string          { return "draft " + c.ConversationID }
func (c MarkNoReply) String() string      { return "noreply " + c.ConversationID }

func (GetOrder) Name() string      { return "order" }
func (ListOrders) Name() string    { return "orders" }
func (ShipOrder) Name() string     { return "ship" }
func (CancelOrder) Name() string   { return "cancel" }
func (MarkDelivered) Name() string { return "delivered" }
func (RequestReturn) Name() string { return "return" }
func (ListReturns) Name() string   { return "returns" }
func (ApproveReturn) Name() string { return "approve" }
func (RejectReturn) Name() string  { return "reject" }
func (ReceiveReturn) Name() string { return "received" }
func (IssueRefund) Name() string   { return "refund" }
func (AdjustStock) Name() string   { return "stock" }
func (ListLowStock) Name() string  { return "lowstock" }
func (ShowHealth) Name() string    { return "health" }
func (ShowAudit) Name() string     { return "audit" }
func (Help) Name() string          { return "help" }

func (c GetOrder) String() string { return "order " + c.OrderID }
func (c ListOrders) String() string {
	return joinWords("orders", string(c.Filter), optInt("limit", c.Limit), optWord("after", c.After.String()), optWord("before", c.Before.String()))
}
func (c ShipOrder) String() string {
	carrier := string(c.Carrier)
	if c.Carrier == Other {
		carrier = "other:" + quoteWord(c.CarrierName)
	}
	parts := []string{"ship", c.OrderID, carrier, quoteWord(c.Tracking)}
	for _, it := range c.Items {
		parts = append(parts, fmt.Sprintf("%s:%d", quoteWord(it.SKU), it.Quantity))
	}
	if !c.Date.IsZero() {
		parts = append(parts, "date", c.Date.Format(time.DateOnly))
	}
	return joinWords(parts...)
}
func (c CancelOrder) String() string {
	return joinWords("cancel", c.OrderID, string(c.Reason), quoteWord(c.Note))
}
func (c MarkDelivered) String() string {
	d := ""
	if !c.Date.IsZero() {
		d = "date " + c.Date.Format(time.DateOnly)
	}
	return joinWords("delivered", c.OrderID, d)
}
func (c RequestReturn) String() string {
	parts := []string{"return", c.OrderID}
	for _, it := range c.Items {
		parts = append(parts, fmt.Sprintf("%s:%d", quoteWord(it.SKU), it.Quantity))
	}
	// A reason whose first word reads as SKU:qty (or is "--") is marked off.
	if words, err := Tokenize(quoteWord(c.Reason)); err == nil && len(words) > 0 {
		if _, isItem, err := parseItemQty(words[0]); isItem || err != nil || words[0] == "--" {
			parts = append(parts, "--")
		}
	}
	return joinWords(append(parts, quoteWord(c.Reason))...)
}
func (c ListReturns) String() string {
	s := string(c.Status)
	if c.Status == ReturnRequested {
		s = "open"
	}
	return joinWords("returns", s)
}
func (c ApproveReturn) String() string { return "approve " + c.ReturnID }
func (c RejectReturn) String() string  { return joinWords("reject", c.ReturnID, quoteWord(c.Reason)) }
func (c ReceiveReturn) String() string { return "received " + c.ReturnID }
func (c IssueRefund) String() string {
	amt := c.Amount
	if c.Full {
		amt = "full"
	}
	return joinWords("refund", c.Target, amt, quoteWord(c.Reason))
}
func (c AdjustStock) String() string {
	if c.Op == StockShow {
		return "stock " + quoteWord(c.SKU)
	}
	return joinWords("stock", quoteWord(c.SKU), string(c.Op), strconv.Itoa(c.N))
}
func (ListLowStock) String() string { return "lowstock" }
func (ShowHealth) String() string   { return "health" }
func (c ShowAudit) String() string {
	return joinWords("audit", c.OrderID, optInt("limit", c.Limit))
}
func (c Help) String() string { return joinWords("help", c.Topic) }

func joinWords(parts ...string) string {
	out := parts[:0:0]
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, " ")
}

func optInt(word string, n int) string {
	if n == 0 {
		return ""
	}
	return word + " " + strconv.Itoa(n)
}

func optWord(word, value string) string {
	if value == "" {
		return ""
	}
	return word + " " + value
}

// quoteWord quotes s when it would not survive tokenizing as one word,
// choosing a quote family s does not contain.
func quoteWord(s string) string {
	const doubles, singles = `"“”„`, "'‘’"
	if s == "" || !strings.ContainsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || strings.ContainsRune(doubles+singles, r) }) {
		return s
	}
	switch {
	case !strings.ContainsAny(s, doubles):
		return `"` + s + `"`
	case !strings.ContainsAny(s, singles):
		return "'" + s + "'"
	}
	// Both families inside: the double quotes become single ones so the
	// text still reads back as one word.
	return `"` + strings.Map(func(r rune) rune {
		if strings.ContainsRune(doubles, r) {
			return '\''
		}
		return r
	}, s) + `"`
}

// spec is one row of the command table: the grammar, help and parser of a
// command live together so every adapter's help says the same thing.
type spec struct {
	name    string
	args    string // usage after the name
	summary string
	detail  string // longer help, with an example
	write   bool   // changes something: agents and owners only
	parse   func(args []string) (Command, error)
}

// commands is the command table, built once on first use and never
// changed: a constant in all but syntax (rebuilding it at every look-up
// cost 1.6% of a Slack lookup's CPU). Callers must not modify it.
var commands = sync.OnceValue(commandTable)

func commandTable() []spec {
	return []spec{
		{name: "order", args: "<order-id>", summary: "show one order: status, items, dates, shipments, returns",
			detail: "Example: order 902-3159896-1390916", parse: parseGetOrder},
		{name: "orders", args: "[pending|unshipped|late|due|shipped|canceled] [limit N] [after|before <cursor>]", summary: "list orders",
			detail: "late: not shipped and past ship-by. due: ship-by within the next 24 hours. unshipped includes partially shipped. Pending orders (payment not verified) are listed apart. A list longer than its limit ends with a cursor: after <cursor> shows the next page (the Next button), before <cursor> the page before it.\nExample: orders late limit 10\nExample: orders late after E4CZ8cqFrrAGOTAyLTMxNTk4OTYtMTM5MDkxNljh1u8",
			parse:  parseListOrders},
		{name: "ship", args: "<order-id> <carrier> <tracking> [SKU:qty ...] [date YYYY-MM-DD]", summary: "confirm a shipment", write: true,
			detail: "Carriers: ups, usps, fedex, dhl, or other:\"Carrier Name\". Without SKU:qty every unshipped unit ships; with them, a partial shipment. The date defaults to today and may be neither in the future nor before the purchase.\nExample: ship 902-3159896-1390916 ups 1Z999AA10123456784\nExample: ship 902-3159896-1390916 other:\"Royal Mail\" AB123456789GB MUG-01:1 date 2026-11-20",
			parse:  parseShip},
		{name: "cancel", args: "<order-id> <reason> [note]", summary: "cancel an order and restock its units", write: true,
			detail: "Reasons: no_inventory, buyer_canceled, address_undeliverable, pricing_error, other. All but buyer_canceled count against the pre-fulfilment cancel rate.\nExample: cancel 902-3159896-1390916 buyer_canceled",
			parse:  parseCancel},
		{name: "delivered", args: "<order-id> [date YYYY-MM-DD]", summary: "record that a shipped order was delivered (starts the return window)", write: true,
			detail: "Example: delivered 902-3159896-1390916 date 2026-11-21", parse: parseDelivered},
		{name: "return", args: "<order-id> [SKU:qty ...] <reason>", summary: "record a buyer's return request", write: true,
			detail: "Only inside the return window. Without SKU:qty every shipped unit is returned.\nExample: return 902-3159896-1390916 MUG-01:1 arrived cracked",
			parse:  parseReturn},
		{name: "returns", args: "[open|approved|received]", summary: "list returns", detail: "Example: returns open", parse: parseListReturns},
		{name: "approve", args: "<return-id>", summary: "approve a return request", write: true, detail: "Example: approve R-7KQ2M9XH", parse: parseOneID("return_id", func(id string) Command { return ApproveReturn{id} })},
		{name: "reject", args: "<return-id> <reason>", summary: "reject a return request (a reason is required)", write: true,
			detail: "Example: reject R-7KQ2M9XH outside the return window", parse: parseReject},
		{name: "received", args: "<return-id>", summary: "record that returned units arrived; refund within 2 business days", write: true,
			detail: "Example: received R-7KQ2M9XH", parse: parseOneID("return_id", func(id string) Command { return ReceiveReturn{id} })},
		{name: "refund", args: "<order-id|return-id> <amount|full> <reason>", summary: "refund the buyer in full or in part", write: true,
			detail: "Never more than was paid less earlier refunds. Large refunds need an owner.\nExample: refund 902-3159896-1390916 12.50 late delivery\nExample: refund R-7KQ2M9XH full return received",
			parse:  parseRefund},
		{name: "review", args: "<order-id>", summary: "ask Amazon to send the buyer its request for a review and seller feedback", write: true,
			detail: "Amazon orders only, once per order, 5 to 30 days after delivery (Amazon's window); needs the Amazon connection. Amazon sends its own standard message; the order card shows waiting, sent or Amazon's refusal.\nExample: review 902-3159896-1390916",
			parse:  parseReview},
		{name: "stock", args: "<sku> [set|add|remove|threshold N]", summary: "show or change a SKU's stock", write: false,
			detail: "Without an operation it shows the SKU. threshold sets the low-stock alert level.\nExample: stock MUG-01 add 24", parse: parseStock},
		{name: "lowstock", summary: "list SKUs under their low-stock threshold", parse: noArgs(ListLowStock{})},
		{name: "health", summary: "account health: late shipment, cancel and valid tracking rates", parse: noArgs(ShowHealth{})},
		{name: "inbox", args: "[overdue|due]", summary: "buyer conversations waiting for an answer, deadline first",
			detail: "overdue: past the 24-hour deadline. due: inside the first reminder point (12 hours by default).\nExample: inbox due", parse: parseInbox},
		{name: "show", args: "<conversation-id>", summary: "one conversation: messages, order, deadline and the draft",
			detail: "Example: show C-7KQ2M9XH", parse: parseOneID("conversation_id", func(id string) Command { return ShowConversation{id} })},
		{name: "reply", args: "<conversation-id> [text]", summary: "send a reply to the buyer; without text, send the current draft", write: true,
			detail: "Example: reply C-7KQ2M9XH\nExample: reply C-7KQ2M9XH Your parcel left today with UPS.", parse: parseReply},
		{name: "draft", args: "<conversation-id>", summary: "make a new draft for a conversation", write: true,
			detail: "Example: draft C-7KQ2M9XH", parse: parseOneID("conversation_id", func(id string) Command { return Redraft{id} })},
		{name: "noreply", args: "<conversation-id>", summary: "mark a conversation as needing no response (clears its deadline)", write: true,
			detail: "Example: noreply C-7KQ2M9XH", parse: parseOneID("conversation_id", func(id string) Command { return MarkNoReply{id} })},
		{name: "audit", args: "[order-id] [limit N]", summary: "who did what, newest first", detail: "Example: audit 902-3159896-1390916", parse: parseAudit},
		{name: "help", args: "[command]", summary: "this list, or help for one command", parse: parseHelp},
	}
}

func findSpec(name string) (spec, bool) {
	for _, s := range commands() {
		if s.name == name {
			return s, true
		}
	}
	return spec{}, false
}

// IsWrite reports whether a command changes anything. stock is a write only
// with an operation.
func IsWrite(c Command) bool {
	if s, ok := c.(AdjustStock); ok {
		return s.Op != StockShow
	}
	sp, _ := findSpec(c.Name())
	return sp.write
}

// Usage returns "name args" for a command word, for help and error messages.
func Usage(name string) string {
	sp, ok := findSpec(name)
	if !ok {
		return ""
	}
	return joinWords(sp.name, sp.args)
}

// CommandNames lists the command words in help order.
func CommandNames() []string {
	var names []string
	for _, s := range commands() {
		names = append(names, s.name)
	}
	return names
}

// Parse reads one line of the command language. A leading "/desk" or "desk"
// is ignored so text pasted from chat works in the console.
func Parse(line string) (Command, error) {
	if c, ok, err := parseReplyLine(line); ok {
		return c, err
	}
	words, err := Tokenize(line)
	if err != nil {
		return nil, err
	}
	if len(words) > 0 && (words[0] == "/desk" || strings.EqualFold(words[0], "desk")) {
		words = words[1:]
	}
	if len(words) == 0 {
		return Help{}, nil
	}
	name := strings.ToLower(words[0])
	sp, ok := findSpec(name)
	if !ok {
		return nil, noCommand(words[0], " Type help for the list.")
	}
	cmd, err := sp.parse(words[1:])
	if h, ok := cmd.(Help); ok && h.Topic != "" {
		if _, known := findSpec(h.Topic); !known {
			err = noCommand(words[1], "") // help's one argument
		}
	}
	if err != nil {
		var e *Error
		if asError(err, &e) && e.Code == Invalid {
			e.Message += "\nUsage: " + joinWords(sp.name, sp.args)
		}
		return nil, err
	}
	return cmd, nil
}

// Tokenize splits a line into words like a shell: "double" and 'single'
// quotes group words, and so do the curly quotes chat apps substitute
// (“ ” ‘ ’). A single quote opens only at the start of a word, so free
// text like "buyer's fault" needs no quoting.
func Tokenize(line string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	var closers string // the quote characters that end the open quote
	for _, r := range line {
		switch {
		case closers != "":
			if strings.ContainsRune(closers, r) {
				closers = ""
			} else {
				cur.WriteRune(r)
			}
		case strings.ContainsRune(`"“”„`, r):
			closers, inWord = `"“”`, true
		case (r == '\'' || r == '‘') && !inWord:
			closers, inWord = "'’", true
		case unicode.IsSpace(r):
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if closers != "" {
		return nil, FieldErrorf(Invalid, "command", "A quote is not closed — close it or leave the quotes out.")
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

// DidYouMean returns the candidate closest to s when it is close enough to
// be a typo, else "".
func DidYouMean(s string, candidates []string) string {
	best, bestD := "", 1<<30
	for _, c := range candidates {
		d := editDistance(strings.ToLower(s), strings.ToLower(c))
		// On a tie, a candidate that starts with what was typed is the likelier
		// meaning ("usp" is usps cut short more often than ups mistyped).
		if d < bestD || d == bestD && strings.HasPrefix(strings.ToLower(c), strings.ToLower(s)) && !strings.HasPrefix(strings.ToLower(best), strings.ToLower(s)) {
			best, bestD = c, d
		}
	}
	limit := 2
	if len([]rune(s)) <= 4 {
		limit = 1
	}
	if bestD <= limit || (bestD > 0 && strings.HasPrefix(strings.ToLower(best), strings.ToLower(s)) && len(s) >= 3) {
		return best
	}
	return ""
}

// editDistance is the Damerau (optimal string alignment) distance, so a
// swapped pair of letters ("shpi") counts as one typo.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range rb {
		d[0][j+1] = j + 1
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}

func need(args []string, n int, what string) error {
	if len(args) < n {
		return FieldErrorf(Invalid, what, "The %s is missing.", strings.ReplaceAll(what, "_", " "))
	}
	return nil
}

// checkID refuses ids with characters no marketplace uses, so a pasted
// sentence never reaches the store as an id.
func checkID(s, field string) error {
	if s == "" || len(s) > 64 {
		return FieldErrorf(Invalid, field, "The %s %q is not valid.", strings.ReplaceAll(field, "_", " "), s)
	}
	for _, r := range s {
		if !(r == '-' || r == '_' || r == '.' || unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return FieldErrorf(Invalid, field, "The %s %q has a character ids never have (%q).", strings.ReplaceAll(field, "_", " "), s, r)
		}
	}
	return nil
}

func parseGetOrder(args []string) (Command, error) {
	if err := need(args, 1, "order_id"); err != nil {
		return nil, err
	}
	if err := extra(args, 1); err != nil {
		return nil, err
	}
	return GetOrder{OrderID: args[0]}, checkID(args[0], "order_id")
}

func extra(args []string, n int) error {
	if len(args) > n {
		return FieldErrorf(Invalid, "command", "Unexpected %q at the end.", strings.Join(args[n:], " "))
	}
	return nil
}

func parseListOrders(args []string) (Command, error) {
	var c ListOrders
	for i := 0; i < len(args); i++ {
		w := strings.ToLower(args[i])
		switch {
		case w == "limit":
			if i+1 >= len(args) {
				return nil, FieldErrorf(Invalid, w, "limit needs a number, e.g. limit 20.")
			}
			n, err := strconv.Atoi(args[i+1])
			if err != nil || n < 1 || n > 500 {
				return nil, FieldErrorf(Invalid, w, "limit %q must be a whole number from 1 to 500.", args[i+1])
			}
			c.Limit = n
			i++
		case w == "after" || w == "before":
			if i+1 >= len(args) {
				return nil, FieldErrorf(Invalid, w, "%s needs the cursor a list's last line shows, e.g. orders late %s <cursor>.", w, w)
			}
			if !c.After.IsZero() || !c.Before.IsZero() {
				return nil, FieldErrorf(Invalid, w, "Give one cursor, after or before, not two.")
			}
			cur, err := ParseCursor(args[i+1], w)
			if err != nil {
				return nil, err
			}
			if w == "after" {
				c.After = cur
			} else {
				c.Before = cur
			}
			i++
		case w == "page":
			// Page numbers are gone, not emulated: page N by cursor would
			// read the N-1 pages before it (what OFFSET did, 1,000 orders
			// for page 50 of 20), and under concurrent changes "page 3" is
			// a different page each time it is asked for. The cursor names
			// a place in the list that stays put.
			return nil, FieldErrorf(Invalid, "page", "Lists no longer take page numbers: press Next under a list, or type the cursor its last line shows, e.g. orders late after <cursor>.")
		case w == "all":
		default:
			names := make([]string, 0, 6)
			for _, f := range listFilters() {
				names = append(names, string(f))
			}
			if slices.Contains(names, w) {
				c.Filter = ListFilter(w)
				continue
			}
			msg := fmt.Sprintf("%q is not a list. Lists: %s.", args[i], strings.Join(names, ", "))
			if s := DidYouMean(w, names); s != "" {
				msg = fmt.Sprintf("%q is not a list — did you mean %q?", args[i], s)
			}
			return nil, FieldErrorf(Invalid, "filter", "%s", msg)
		}
	}
	if _, _, err := c.start(); err != nil {
		return nil, err
	}
	return c, nil
}

// start is where c's page starts and whether it reads back from there. A
// cursor of another list is refused: its key sorts by another column, or
// would page a list the person did not ask for.
func (c ListOrders) start() (Cursor, bool, error) {
	cur, back, field := c.After, false, "after"
	switch {
	case !c.After.IsZero() && !c.Before.IsZero():
		return Cursor{}, false, FieldErrorf(Invalid, "before", "Give one cursor, after or before, not two.")
	case !c.Before.IsZero():
		cur, back, field = c.Before, true, "before"
	}
	if !cur.IsZero() && cur.List != c.Filter {
		return Cursor{}, false, FieldErrorf(Invalid, field, "That cursor pages %s, not %s: write %s %s %s, or leave out %s to see %s from the start.",
			listName(cur.List), listName(c.Filter), listName(cur.List), field, cur, field, listName(c.Filter))
	}
	return cur, back, nil
}

// parseItemQty reads SKU:qty. SKUs may themselves contain colons, so the
// quantity is what follows the last one.
func parseItemQty(w string) (ItemQty, bool, error) {
	i := strings.LastIndexByte(w, ':')
	if i <= 0 {
		return ItemQty{}, false, nil
	}
	n, err := strconv.Atoi(w[i+1:])
	if err != nil {
		return ItemQty{}, false, nil
	}
	if n < 1 {
		return ItemQty{}, true, FieldErrorf(Invalid, "items", "Quantity in %q must be at least 1.", w)
	}
	return ItemQty{SKU: w[:i], Quantity: n}, true, nil
}

func parseDate(s string) (time.Time, error) {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, FieldErrorf(Invalid, "date", "Date %q is not a date — write it as YYYY-MM-DD, e.g. 2026-11-20.", s)
	}
	return d, nil
}

func parseShip(args []string) (Command, error) {
	if err := need(args, 1, "order_id"); err != nil {
		return nil, err
	}
	if err := need(args, 2, "carrier"); err != nil {
		return nil, err
	}
	if err := need(args, 3, "tracking"); err != nil {
		return nil, err
	}
	c := ShipOrder{OrderID: args[0], Tracking: strings.TrimSpace(args[2])}
	if c.Tracking == "" {
		// A quoted "" is a word to the tokenizer but no tracking number.
		return nil, FieldErrorf(Invalid, "tracking", "The tracking number is empty. Write the carrier's tracking number, e.g. ship %s ups 1Z999AA10123456784.", args[0])
	}
	if err := checkID(c.OrderID, "order_id"); err != nil {
		return nil, err
	}
	carrier, name, _ := strings.Cut(args[1], ":")
	k, ok := ParseCarrier(carrier)
	if !ok {
		names := make([]string, 0, 5)
		for _, k := range Carriers() {
			names = append(names, string(k))
		}
		msg := fmt.Sprintf("Carrier %q is not one sellerdesk knows. Use ups, usps, fedex, dhl, or other:\"Carrier Name\".", args[1])
		if s := DidYouMean(carrier, names); s != "" {
			msg = fmt.Sprintf("Carrier %q is not one sellerdesk knows — did you mean %q? For another carrier write other:\"Carrier Name\".", args[1], s)
		}
		return nil, FieldErrorf(Invalid, "carrier", "%s", msg)
	}
	c.Carrier = k
	if k == Other {
		c.CarrierName = strings.TrimSpace(name)
	} else if name != "" {
		return nil, FieldErrorf(Invalid, "carrier", "Only other takes a carrier name: write %s, or other:%q.", k, name)
	}
	rest := args[3:]
	for i := 0; i < len(rest); i++ {
		if strings.EqualFold(rest[i], "date") {
			if i+1 >= len(rest) {
				return nil, FieldErrorf(Invalid, "date", "date needs a value, e.g. date 2026-11-20.")
			}
			d, err := parseDate(rest[i+1])
			if err != nil {
				return nil, err
			}
			c.Date = d
			i++
			continue
		}
		it, ok, err := parseItemQty(rest[i])
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, FieldErrorf(Invalid, "items", "%q is neither SKU:qty nor date YYYY-MM-DD.", rest[i])
		}
		c.Items = append(c.Items, it)
	}
	return c, nil
}

func parseCancel(args []string) (Command, error) {
	if err := need(args, 1, "order_id"); err != nil {
		return nil, err
	}
	if err := checkID(args[0], "order_id"); err != nil {
		return nil, err
	}
	names := make([]string, 0, 5)
	for _, r := range CancelReasons() {
		names = append(names, string(r))
	}
	if len(args) < 2 {
		return nil, FieldErrorf(Invalid, "reason", "A cancel needs a reason: %s.", strings.Join(names, ", "))
	}
	r := strings.ToLower(args[1])
	if !slices.Contains(names, r) {
		msg := fmt.Sprintf("%q is not a cancel reason. Reasons: %s.", args[1], strings.Join(names, ", "))
		if s := DidYouMean(r, names); s != "" {
			msg = fmt.Sprintf("%q is not a cancel reason — did you mean %q?", args[1], s)
		}
		return nil, FieldErrorf(Invalid, "reason", "%s", msg)
	}
	return CancelOrder{OrderID: args[0], Reason: CancelReason(r), Note: strings.Join(args[2:], " ")}, nil
}

func parseDelivered(args []string) (Command, error) {
	if err := need(args, 1, "order_id"); err != nil {
		return nil, err
	}
	c := MarkDelivered{OrderID: args[0]}
	if err := checkID(c.OrderID, "order_id"); err != nil {
		return nil, err
	}
	switch {
	case len(args) == 1:
	case len(args) == 3 && strings.EqualFold(args[1], "date"):
		d, err := parseDate(args[2])
		if err != nil {
			return nil, err
		}
		c.Date = d
	default:
		return nil, FieldErrorf(Invalid, "date", "Unexpected %q — write delivered <order-id> [date YYYY-MM-DD].", strings.Join(args[1:], " "))
	}
	return c, nil
}

func parseReturn(args []string) (Command, error) {
	if err := need(args, 1, "order_id"); err != nil {
		return nil, err
	}
	c := RequestReturn{OrderID: args[0]}
	if err := checkID(c.OrderID, "order_id"); err != nil {
		return nil, err
	}
	i := 1
	for ; i < len(args); i++ {
		if args[i] == "--" { // ends the items: a reason that looks like SKU:qty follows
			i++
			break
		}
		it, ok, err := parseItemQty(args[i])
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		c.Items = append(c.Items, it)
	}
	c.Reason = strings.TrimSpace(strings.Join(args[i:], " "))
	if c.Reason == "" {
		return nil, FieldErrorf(Invalid, "reason", "A return needs the buyer's reason, e.g. return %s arrived damaged.", c.OrderID)
	}
	return c, nil
}

func parseListReturns(args []string) (Command, error) {
	if err := extra(args, 1); err != nil {
		return nil, err
	}
	if len(args) == 0 {
		return ListReturns{}, nil
	}
	names := []string{"open", "approved", "received", "rejected", "refunded"}
	w := strings.ToLower(args[0])
	switch w {
	case "open", "requested":
		return ListReturns{Status: ReturnRequested}, nil
	case "approved", "received", "rejected", "refunded":
		return ListReturns{Status: ReturnStatus(w)}, nil
	}
	msg := fmt.Sprintf("%q is not a return list. Lists: open, approved, received.", args[0])
	if s := DidYouMean(w, names); s != "" {
		msg = fmt.Sprintf("%q is not a return list — did you mean %q?", args[0], s)
	}
	return nil, FieldErrorf(Invalid, "filter", "%s", msg)
}

// parseOneID reads a command whose only argument is an id (return or
// conversation ids, written upper-case as sellerdesk makes them).
func parseOneID(field string, mk func(string) Command) func([]string) (Command, error) {
	return func(args []string) (Command, error) {
		if err := need(args, 1, field); err != nil {
			return nil, err
		}
		if err := extra(args, 1); err != nil {
			return nil, err
		}
		if err := checkID(args[0], field); err != nil {
			return nil, err
		}
		return mk(strings.ToUpper(args[0])), nil
	}
}

func parseReject(args []string) (Command, error) {
	if err := need(args, 1, "return_id"); err != nil {
		return nil, err
	}
	if err := checkID(args[0], "return_id"); err != nil {
		return nil, err
	}
	reason := strings.TrimSpace(strings.Join(args[1:], " "))
	if reason == "" {
		return nil, FieldErrorf(Invalid, "reason", "Rejecting a return needs a reason the buyer will see.")
	}
	return RejectReturn{ReturnID: strings.ToUpper(args[0]), Reason: reason}, nil
}

func parseRefund(args []string) (Command, error) {
	if err := need(args, 1, "order_id"); err != nil {
		return nil, err
	}
	if err := checkID(args[0], "order_id"); err != nil {
		return nil, err
	}
	if err := need(args, 2, "amount"); err != nil {
		return nil, err
	}
	c := IssueRefund{Target: args[0], Reason: strings.TrimSpace(strings.Join(args[2:], " "))}
	if strings.EqualFold(args[1], "full") {
		c.Full = true
	} else {
		// The order's currency is known only in the engine, which parses the
		// amount fully; here a quoted blank or a word with no digit is refused
		// before it can print back as a different command.
		if !strings.ContainsAny(args[1], "0123456789") || strings.ContainsFunc(args[1], unicode.IsSpace) {
			return nil, FieldErrorf(Invalid, "amount", "Refund amount %q is not an amount: write it like 12.50, or full for the whole order or return.", args[1])
		}
		c.Amount = args[1]
	}
	if c.Reason == "" {
		return nil, FieldErrorf(Invalid, "reason", "A refund needs a reason, e.g. refund %s %s late delivery.", args[0], args[1])
	}
	return c, nil
}

func parseStock(args []string) (Command, error) {
	if err := need(args, 1, "sku"); err != nil {
		return nil, err
	}
	c := AdjustStock{SKU: args[0]}
	if len(args) == 1 {
		return c, nil
	}
	ops := []string{"set", "add", "remove", "threshold"}
	op := strings.ToLower(args[1])
	if !slices.Contains(ops, op) {
		msg := fmt.Sprintf("%q is not a stock operation. Use set, add, remove or threshold.", args[1])
		if s := DidYouMean(op, ops); s != "" {
			msg = fmt.Sprintf("%q is not a stock operation — did you mean %q?", args[1], s)
		}
		return nil, FieldErrorf(Invalid, "operation", "%s", msg)
	}
	if len(args) < 3 {
		return nil, FieldErrorf(Invalid, "quantity", "stock %s needs a number, e.g. stock %s %s 10.", op, c.SKU, op)
	}
	if err := extra(args, 3); err != nil {
		return nil, err
	}
	n, err := strconv.Atoi(args[2])
	if err != nil || n < 0 || n > 1_000_000 {
		return nil, FieldErrorf(Invalid, "quantity", "Quantity %q must be a whole number from 0 to 1000000.", args[2])
	}
	if n == 0 && (op == "add" || op == "remove") {
		return nil, FieldErrorf(Invalid, "quantity", "stock %s 0 changes nothing — give a number of units.", op)
	}
	c.Op, c.N = StockOp(op), n
	return c, nil
}

func noArgs(c Command) func([]string) (Command, error) {
	return func(args []string) (Command, error) {
		if err := extra(args, 0); err != nil {
			return nil, err
		}
		return c, nil
	}
}

func parseAudit(args []string) (Command, error) {
	var c ShowAudit
	for i := 0; i < len(args); i++ {
		if strings.EqualFold(args[i], "limit") && i+1 < len(args) {
			n, err := strconv.Atoi(args[i+1])
			if err != nil || n < 1 || n > 500 {
				return nil, FieldErrorf(Invalid, "limit", "limit %q must be a whole number from 1 to 500.", args[i+1])
			}
			c.Limit = n
			i++
			continue
		}
		if c.OrderID != "" {
			return nil, extra(args, i)
		}
		if err := checkID(args[i], "order_id"); err != nil {
			return nil, err
		}
		c.OrderID = args[i]
	}
	return c, nil
}

func parseHelp(args []string) (Command, error) {
	if err := extra(args, 1); err != nil {
		return nil, err
	}
	if len(args) == 0 {
		return Help{}, nil
	}
	// Parse checks the topic names a command: the table can't be looked up
	// from inside itself.
	return Help{Topic: strings.ToLower(strings.TrimPrefix(args[0], "/"))}, nil
}

// noCommand refuses a word that names no command, suggesting the nearest.
func noCommand(word, after string) error {
	msg := fmt.Sprintf("There is no command %q.", word)
	if s := DidYouMean(strings.ToLower(strings.TrimPrefix(word, "/")), CommandNames()); s != "" {
		msg += fmt.Sprintf(" Did you mean %q?", s)
	}
	return FieldErrorf(Invalid, "command", "%s%s", msg, after)
}

// HelpText is the help for the whole language or one command.
type HelpText struct {
	Command string      `json:"command,omitempty"`
	Usage   string      `json:"usage,omitempty"`
	Summary string      `json:"summary,omitempty"`
	Detail  string      `json:"detail,omitempty"`
	Write   bool        `json:"write,omitempty"`
	All     []HelpEntry `json:"commands,omitempty"`
}

// HelpEntry is one line of the command list.
type HelpEntry struct {
	Usage   string `json:"usage"`
	Summary string `json:"summary"`
}

// HelpFor returns help for a command word, or the whole list for "".
func HelpFor(topic string) HelpText {
	if sp, ok := findSpec(topic); ok {
		return HelpText{Command: sp.name, Usage: joinWords(sp.name, sp.args), Summary: sp.summary, Detail: sp.detail, Write: sp.write}
	}
	var h HelpText
	for _, sp := range commands() {
		h.All = append(h.All, HelpEntry{Usage: joinWords(sp.name, sp.args), Summary: sp.summary})
	}
	return h
}

// String renders help as plain text; adapters may format HelpText their own way.
func (h HelpText) String() string {
	var b strings.Builder
	if h.Command != "" {
		fmt.Fprintf(&b, "%s\n  %s\n", h.Usage, h.Summary)
		if h.Detail != "" {
			for _, l := range strings.Split(h.Detail, "\n") {
				fmt.Fprintf(&b, "  %s\n", l)
			}
		}
		return b.String()
	}
	b.WriteString("Commands:\n")
	for _, e := range h.All {
		fmt.Fprintf(&b, "  %-58s %s\n", e.Usage, e.Summary)
	}
	b.WriteString("Type help <command> for details and examples.\n")
	return b.String()
}

func parseInbox(args []string) (Command, error) {
	if err := extra(args, 1); err != nil {
		return nil, err
	}
	if len(args) == 0 {
		return ListInbox{}, nil
	}
	w := strings.ToLower(args[0])
	switch ConversationFilter(w) {
	case InboxOverdue, InboxDue:
		return ListInbox{Filter: ConversationFilter(w)}, nil
	}
	msg := fmt.Sprintf("%q is not an inbox list. Lists: overdue, due.", args[0])
	if s := DidYouMean(w, []string{"overdue", "due"}); s != "" {
		msg = fmt.Sprintf("%q is not an inbox list — did you mean %q?", args[0], s)
	}
	return nil, FieldErrorf(Invalid, "filter", "%s", msg)
}

func parseReply(args []string) (Command, error) {
	if err := need(args, 1, "conversation_id"); err != nil {
		return nil, err
	}
	if err := checkID(args[0], "conversation_id"); err != nil {
		return nil, err
	}
	return SendReply{ConversationID: strings.ToUpper(args[0]), Text: strings.Join(args[1:], " ")}, nil
}

// parseReplyLine reads a reply with its text exactly as typed: a message to
// a buyer keeps its quotes, apostrophes and line breaks.
func parseReplyLine(line string) (Command, bool, error) {
	rest := strings.TrimLeftFunc(line, unicode.IsSpace)
	word := func() string {
		i := strings.IndexFunc(rest, unicode.IsSpace)
		if i < 0 {
			i = len(rest)
		}
		w := rest[:i]
		rest = strings.TrimLeftFunc(rest[i:], unicode.IsSpace)
		return w
	}
	w := word()
	if w == "/desk" || strings.EqualFold(w, "desk") {
		w = word()
	}
	if !strings.EqualFold(w, "reply") {
		return nil, false, nil
	}
	id := word()
	c, err := parseReply([]string{id})
	if id == "" {
		c, err = parseReply(nil)
	}
	if err != nil {
		var e *Error
		if asError(err, &e) {
			e.Message += "\nUsage: " + Usage("reply")
		}
		return nil, true, err
	}
	r := c.(SendReply)
	r.Text = strings.TrimSpace(rest)
	return r, true, nil
}
