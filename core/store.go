package core

import (
	"context"
	"time"
)

// Store keeps orders, stock, the audit log and the outbox. Every engine
// command runs inside one Update, so a rule is checked against the state it
// changes and a refused command leaves nothing behind.
//
// Implementations: adapters/sqlstore (SQLite and PostgreSQL). The contract
// they must meet is the test suite in adapters/sqlstore/storetest.
type Store interface {
	// View runs fn in a read-only transaction.
	View(ctx context.Context, fn func(Tx) error) error
	// Update runs fn in a read-write transaction. If fn returns an error the
	// transaction is rolled back and the error returned unchanged. A failed
	// write inside fn dooms the transaction even if fn ignores the error, so
	// half a change is never committed. View must not be called inside fn.
	Update(ctx context.Context, fn func(Tx) error) error
}

// Tx is the work a store can do inside one transaction.
//
// Errors: a missing row is an *Error with code NotFound; a save that lost a
// race (stale Version, duplicate insert, serialization failure) is Conflict;
// anything else is Internal.
type Tx interface {
	// Order returns one order with its items, shipments, returns and refunds.
	// Inside Update the order's row is locked until the transaction ends.
	Order(ctx context.Context, id string) (*Order, error)
	// OrdersByID returns the orders that exist among ids, keyed by id
	// (locked inside Update). Missing ids are simply absent.
	OrdersByID(ctx context.Context, ids []string) (map[string]*Order, error)
	// Orders lists orders matching q, with their children.
	Orders(ctx context.Context, q OrderQuery) ([]Order, error)
	// SaveOrders inserts orders with Version 0 and updates the others when
	// their Version still matches the stored one, writing items, shipments,
	// returns and refunds. On success each order's Version is the new one.
	SaveOrders(ctx context.Context, orders []*Order) error
	// ReturnOrderID returns the id of the order a return belongs to.
	ReturnOrderID(ctx context.Context, returnID string) (string, error)
	// Returns lists returns matching q, newest first.
	Returns(ctx context.Context, q ReturnQuery) ([]Return, error)
	// Shipments lists shipments whose ship date is in [Since, Until), oldest
	// first; a zero Until has no upper bound.
	Shipments(ctx context.Context, q ShipmentQuery) ([]OrderShipment, error)

	// Stocks returns the tracked SKUs among skus (all tracked SKUs when skus
	// is empty), keyed by SKU. Untracked SKUs are absent.
	Stocks(ctx context.Context, skus []string) (map[string]Stock, error)
	// LowStock lists tracked SKUs whose Available is below their Threshold.
	LowStock(ctx context.Context) ([]Stock, error)
	// SaveStocks inserts or replaces stock rows.
	SaveStocks(ctx context.Context, stocks []Stock) error

	// HealthCounts counts what account health is computed from.
	HealthCounts(ctx context.Context, w HealthWindows) (HealthCounts, error)

	// Conversation returns one conversation with its messages and draft.
	// Inside Update its row is locked until the transaction ends.
	Conversation(ctx context.Context, id string) (*Conversation, error)
	// Conversations lists conversations matching q: those with a deadline
	// first, soonest first, then the rest newest first.
	Conversations(ctx context.Context, q ConversationQuery) ([]Conversation, error)
	// SaveConversation inserts a conversation with Version 0 or updates one
	// whose Version still matches (else Conflict), with its draft. Messages
	// with ID 0 are inserted and given ids; known messages have AnsweredAt
	// and NoReply updated. A draft with ForMessage 0 while the newest buyer
	// message is new answers that message: it is saved with, and given,
	// the id the message gets (a message and its draft in one save). On
	// success Version is the new one.
	SaveConversation(ctx context.Context, c *Conversation) error
	// ResponseCounts counts buyer messages sent in [since, now] that are
	// answered or whose 24 hours are over, and how many of those were
	// answered within 24 hours.
	ResponseCounts(ctx context.Context, since, now time.Time) (ResponseCounts, error)

	// AddAudit appends to the audit log.
	AddAudit(ctx context.Context, e AuditEntry) error
	// Audit lists audit entries, newest first.
	Audit(ctx context.Context, q AuditQuery) ([]AuditEntry, error)
	// Enqueue writes a message to the outbox; adapters deliver it later.
	Enqueue(ctx context.Context, ev Event) error
	// Outbox lists outbox messages with ID > afterID, oldest first; limit 0
	// means no limit. Delivery is tracked per sink (SinkState), so every
	// sink sees every message.
	Outbox(ctx context.Context, afterID int64, limit int) ([]Event, error)
	// SinkState returns where a sink's delivery stands; inside Update its
	// row is locked, so one replica delivers for a sink at a time. A sink
	// seen for the first time starts after the newest message: it does not
	// replay history.
	SinkState(ctx context.Context, sink string) (SinkState, error)
	// SaveSinkState records a sink's progress.
	SaveSinkState(ctx context.Context, s SinkState) error

	// FirstSeen records an inbound platform event id (a Slack event_id, a
	// Discord interaction id) and reports whether this is its first
	// arrival, so retries are processed once, whichever replica gets them.
	FirstSeen(ctx context.Context, platform, id string, at time.Time) (bool, error)
	// ForgetInbound deletes inbound event ids recorded before a time and
	// says how many went.
	ForgetInbound(ctx context.Context, before time.Time) (int, error)

	// VerifyFailures counts the failed buyer verifications recorded for a
	// client key after a time, and returns the oldest of them (zero when
	// there are none). Inside Update the key is locked until the
	// transaction ends, so replicas count and record one client's tries
	// one at a time. Keys are at most MaxVerifyKeyBytes of plain text.
	VerifyFailures(ctx context.Context, key string, after time.Time) (n int, oldest time.Time, err error)
	// AddVerifyFailure records a failed buyer verification by a client key.
	AddVerifyFailure(ctx context.Context, key string, at time.Time) error
	// ForgetVerifyFailures deletes failed verifications recorded before a
	// time and says how many went.
	ForgetVerifyFailures(ctx context.Context, before time.Time) (int, error)

	// ChatRef returns where a platform message about key lives (the Slack
	// thread of a conversation), NotFound when there is none.
	ChatRef(ctx context.Context, platform, key string) (ChatRef, error)
	// SaveChatRef inserts or replaces a ChatRef.
	SaveChatRef(ctx context.Context, r ChatRef) error

	// ChatRefAt returns the ChatRef of a platform message by where it is
	// (a Slack channel and thread ts): what a message typed in a thread is
	// about. NotFound when no ref points there.
	ChatRefAt(ctx context.Context, platform, channel, messageID string) (ChatRef, error)

	// SaveBuyerSession inserts a buyer session; an id already taken is
	// Conflict. Ids are at most MaxSessionIDBytes of plain text.
	SaveBuyerSession(ctx context.Context, s BuyerSession) error
	// BuyerSession returns a session by id, NotFound when there is none
	// (an expired one is returned until it is forgotten; the engine
	// checks ExpiresAt).
	BuyerSession(ctx context.Context, id string) (*BuyerSession, error)
	// DeleteBuyerSession deletes a session and reports whether there was one.
	DeleteBuyerSession(ctx context.Context, id string) (bool, error)
	// ForgetBuyerSessions deletes sessions that expired before a time and
	// says how many went.
	ForgetBuyerSessions(ctx context.Context, before time.Time) (int, error)

	// ConversationByMessageExtID returns the id of the conversation on
	// channel ("" for any channel) holding a message whose ExtID is one of
	// ids (a mail's In-Reply-To and References); when several match, that
	// of the newest stored message. NotFound when none does.
	ConversationByMessageExtID(ctx context.Context, channel string, ids []string) (string, error)
	// Cursor returns where a message source has read up to (an IMAP
	// mailbox's "uidvalidity:lastuid"), NotFound when it has not saved one.
	Cursor(ctx context.Context, name string) (string, error)
	// SaveCursor inserts or replaces a source's cursor.
	SaveCursor(ctx context.Context, name, value string) error
	// TakeRateToken refills the token bucket named key (rate tokens a
	// second up to burst, full when new) to now and takes one token,
	// returning 0; with less than one token it takes nothing and returns
	// how long until one is there. Replicas share one bucket per key: the
	// read, refill and take happen under the key's row lock.
	TakeRateToken(ctx context.Context, key string, rate float64, burst int, now time.Time) (wait time.Duration, err error)
	// LateResponses counts, by when they were sent, the buyer messages sent
	// in [since, now] that were answered more than 24 hours later or not
	// answered with their 24 hours over (the misses ResponseCounts counts),
	// oldest first: health shows where in the week they cluster. An entry
	// stands for N messages sent at At or within the LateSlot after it, in
	// whichever grouping the store keeps.
	LateResponses(ctx context.Context, since, now time.Time) ([]LateCount, error)
}

// OrderSort is the order a list comes back in.
type OrderSort string

const (
	NewestFirst OrderSort = "newest"  // purchase date, newest first (default)
	ShipByFirst OrderSort = "ship_by" // ship-by date, soonest first
	// DeliveredFirst: delivery date, oldest first (the sweep's completion
	// step, in pages; orders without one are not listed).
	DeliveredFirst OrderSort = "delivered"
)

// OrderQuery selects orders. Zero fields do not filter.
type OrderQuery struct {
	Statuses []Status
	// AmazonCancel selects orders whose cancel sent to Amazon is in this
	// state.
	AmazonCancel    AmazonCancelState
	Fulfillment     Fulfillment
	ShipByBefore    time.Time // ship_by < ShipByBefore
	ShipByAfter     time.Time // ship_by >= ShipByAfter
	PurchasedBefore time.Time // purchase_date < PurchasedBefore
	Sort            OrderSort
	Limit           int // 0: no limit
	// Seek keeps only the orders after this key in Sort's order: the store
	// seeks to it in the sort's index (keyset paging; lists never skip
	// rows with an offset). With Backward, the orders before it instead,
	// nearest first.
	Seek            *OrderKey
	Backward        bool
	DeliveredAfter  time.Time // delivered_at >= DeliveredAfter
	DeliveredBefore time.Time // delivered_at < DeliveredBefore
	// ReviewUnrequested keeps only orders without a review request.
	ReviewUnrequested bool
	PurchasedAfter    time.Time // purchase_date >= PurchasedAfter
	// Undelivered keeps only orders with no delivery date.
	Undelivered bool
	// NoReturnIn leaves out orders with a return in one of these statuses.
	NoReturnIn []ReturnStatus
}

// ReturnQuery selects returns. Zero fields do not filter.
type ReturnQuery struct {
	Statuses []ReturnStatus
	OrderID  string
	Limit    int
}

// ShipmentQuery selects shipments by ship date.
type ShipmentQuery struct {
	Since, Until time.Time
}

// OrderShipment is a shipment with the order facts a shipping confirmation
// file needs.
type OrderShipment struct {
	OrderID  string
	Shipment Shipment
	// SalesChannel is the order's marketplace ("Amazon.co.jp"), whose
	// upload template the file must follow.
	SalesChannel string
}

// AuditQuery selects audit entries.
type AuditQuery struct {
	OrderID string
	Limit   int
}

// HealthWindows are the start times of the periods each rate looks at.
type HealthWindows struct {
	LateSince     time.Time // late shipment rate: shipments confirmed since
	CancelSince   time.Time // cancel rate: merchant orders purchased since
	TrackingSince time.Time // valid tracking rate: shipments confirmed since
}

// HealthCounts are the raw numbers behind account health, merchant-fulfilled
// orders only (the marketplace's own shipments don't count against a seller).
type HealthCounts struct {
	// ShippedOrders have a shipment with ship date since LateSince; LateOrders
	// are those among them with a late shipment.
	ShippedOrders int `json:"shipped_orders"`
	LateOrders    int `json:"late_orders"`
	// Orders purchased since CancelSince, and how many of them were cancelled
	// for each reason.
	Orders   int                  `json:"orders"`
	Canceled map[CancelReason]int `json:"canceled"`
	// Shipments since TrackingSince and how many had a valid tracking number.
	Shipments     int `json:"shipments"`
	ValidTracking int `json:"valid_tracking"`
	// Responses: buyer messages answered within 24 hours (from
	// ResponseCounts; the engine fills it in).
	Responses ResponseCounts `json:"responses"`
}

// AuditEntry records one staff action.
type AuditEntry struct {
	ID      int64     `json:"id"`
	At      time.Time `json:"at"`
	ActorID string    `json:"actor_id"`
	Actor   string    `json:"actor"`
	Role    Role      `json:"role"`
	Source  string    `json:"source"` // console, slack, discord, web, system
	Command string    `json:"command"`
	OrderID string    `json:"order_id,omitempty"`
	Detail  string    `json:"detail,omitempty"`
}

// EventKind names an outbox message.
type EventKind string

const (
	EventLowStock     EventKind = "low_stock"
	EventOutOfStock   EventKind = "out_of_stock"
	EventShipWarning  EventKind = "ship_warning" // 7 days left under the 30-day rule
	EventAutoCanceled EventKind = "auto_canceled"
	// EventBuyerCanceled tells staff a buyer cancelled their own order on
	// the help page, so nobody ships it.
	EventBuyerCanceled EventKind = "buyer_canceled"
	EventRefundDue     EventKind = "refund_due"
	// EventPastLimit tells staff an import brought orders already past the
	// limit that would have sellerdesk cancel them: the marketplace decides
	// those, and sellerdesk leaves them be.
	EventPastLimit EventKind = "past_limit"
	// Buyer conversations: a new buyer message, a draft ready for staff, a
	// reminder before the 24-hour deadline, the breach, and a staff reply
	// to deliver to the buyer's channel.
	EventBuyerMessage EventKind = "buyer_message"
	EventDraftReady   EventKind = "draft_ready"
	EventReminder     EventKind = "reminder"
	EventBreach       EventKind = "breach"
	EventReply        EventKind = "reply"
	// EventUndelivered tells staff a reply did not reach the buyer (a
	// bounce, Amazon's "message not delivered") and the buyer waits again.
	EventUndelivered EventKind = "reply_undelivered"
	// EventReviewRequest takes an order's review request to Amazon (the
	// amazon sink); no chat posts it.
	EventReviewRequest EventKind = "review_request"
	// EventAmazonShipment asks the amazon sink to confirm a shipment on
	// Amazon (confirmShipment); written with the shipment, in its
	// transaction. The sink confirms the order's shipments waiting for
	// Amazon, so a takeover or a second ship of the order sends none twice.
	EventAmazonShipment EventKind = "amazon_shipment"
	// EventAmazonRefused tells staff Amazon refused a shipment
	// confirmation, with Amazon's reason and how to correct it.
	EventAmazonRefused EventKind = "amazon_refused"
	// EventCancelRequested tells staff a buyer asked the marketplace to
	// cancel an order (once per request), with the one-step cancel.
	EventCancelRequested EventKind = "cancel_requested"
	// EventAmazonCancel asks the amazon sink to send a cancel made here to
	// Amazon (Order.AmazonCancel says what); it is for no chat.
	EventAmazonCancel EventKind = "amazon_cancel"
	// EventAmazonCancelFailed tells staff Amazon did not take a cancel
	// sent to it, so the order is cancelled here but not there.
	EventAmazonCancelFailed EventKind = "amazon_cancel_failed"
	// EventDirect is a message to one person's direct messages (Event.To):
	// the on-call person when nobody works, owners when a breach stays open.
	EventDirect EventKind = "direct"
)

// ForConversation reports whether a message is about a buyer conversation
// (chat adapters keep those together, e.g. in one thread).
func (k EventKind) ForConversation() bool {
	switch k {
	case EventBuyerMessage, EventDraftReady, EventReminder, EventBreach, EventReply, EventUndelivered:
		return true
	}
	return false
}

// IsAlert reports whether a message is a stock or order alert for staff.
func (k EventKind) IsAlert() bool {
	switch k {
	case EventLowStock, EventOutOfStock, EventShipWarning, EventAutoCanceled, EventBuyerCanceled, EventRefundDue, EventPastLimit,
		EventAmazonRefused,
		EventCancelRequested, EventAmazonCancelFailed:
		return true
	}
	return false
}

// Event is an outbox message for staff channels. Text is plain language
// without buyer personal data, so any adapter may post it as it is.
type Event struct {
	ID      int64     `json:"id"`
	Kind    EventKind `json:"kind"`
	OrderID string    `json:"order_id,omitempty"`
	SKU     string    `json:"sku,omitempty"`
	// ConversationID and Channel route conversation events (a reply goes
	// back to the buyer's channel).
	ConversationID string `json:"conversation_id,omitempty"`
	Channel        string `json:"channel,omitempty"`
	// MessageID is the staff message an EventReply delivers: the mail sink
	// makes the reply's stable Message-ID from it (conversation id and
	// message id), so a retried send is recognised.
	MessageID int64     `json:"message_id,omitempty"`
	Text      string    `json:"text"`
	At        time.Time `json:"at"`
	// Group, when set, holds the outbox messages this one stands for: a
	// digest of alerts of one kind, or the news of one conversation, handed
	// to a GroupSink as one post. Set by Engine.Deliver, never stored. (A
	// pointer, so that Events stay comparable.)
	Group *EventGroup `json:"-"`
	// MaybeSent marks the first message of a delivery round whose previous
	// try has no clean record: a replica died while posting it, or the post
	// failed in a way that may still have reached the platform. The sink
	// should look for it there before posting again. Set by Engine.Deliver,
	// never stored.
	MaybeSent bool `json:"-"`
	// To is the chat identity an EventDirect goes to (slack:U024BE7LH,
	// discord:80351110224678912); a sink delivers only its platform's.
	To string `json:"to,omitempty"`
}

// EventGroup is the outbox messages one post stands for, oldest first;
// the Event carrying it is the first of them.
type EventGroup struct {
	Events []Event
}

// SinkState is a sink's place in the outbox: every message up to AfterID
// is delivered (or skipped); the next one has failed Attempts times and is
// retried at NextAttempt.
type SinkState struct {
	Sink        string    `json:"sink"`
	AfterID     int64     `json:"after_id"`
	Attempts    int       `json:"attempts"`
	NextAttempt time.Time `json:"next_attempt"`
	LastError   string    `json:"last_error,omitempty"`
	// GroupTo, when after AfterID, is the id of the last outbox message of
	// the group (Event.Group) being posted as one: recorded before the post,
	// so a takeover forms the same group again, never a grown one.
	GroupTo int64 `json:"group_to,omitempty"`
}

// ChatRef ties something of ours (a conversation id) to a message on a
// chat platform, so later posts thread under it and it can be updated.
type ChatRef struct {
	Platform  string    `json:"platform"`   // slack, discord
	Key       string    `json:"key"`        // e.g. a conversation id
	Channel   string    `json:"channel"`    // platform channel id
	MessageID string    `json:"message_id"` // Slack ts, Discord message id
	At        time.Time `json:"at"`
}
