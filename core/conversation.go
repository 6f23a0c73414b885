package core

import (
	"context"
	"time"
)

// ResponseWindow is how long a buyer may wait for an answer: marketplaces
// measure sellers on replying within 24 hours.
const ResponseWindow = 24 * time.Hour

// MaxMessageBytes bounds one buyer or staff message.
const MaxMessageBytes = 4096

// Sender says who wrote a message.
type Sender string

const (
	FromBuyer Sender = "buyer"
	FromStaff Sender = "staff"
)

// Message is one message of a conversation.
type Message struct {
	ID   int64     `json:"id"`
	From Sender    `json:"from"`
	By   string    `json:"by,omitempty"` // staff member's name
	Text string    `json:"text"`
	At   time.Time `json:"at"`
	// AnsweredAt is when a buyer message was answered (a reply or "no
	// response needed"); nil while it waits.
	AnsweredAt *time.Time `json:"answered_at,omitempty"`
	// NoReply marks the staff decision that a buyer message needs no answer.
	NoReply bool `json:"no_reply,omitempty"`
	// ExtID is a buyer mail's Message-ID (or a synthetic key for a mail
	// without one, see MailIn): the key that stores a mail once, and what
	// a later mail's In-Reply-To or References finds the thread by. Never
	// shown.
	ExtID string `json:"-"`
	// Attachments lists what came with a buyer mail, by name and size; the
	// files themselves stay in the mailbox.
	Attachments []Attachment `json:"attachments,omitempty"`
	// Undelivered is why a staff reply did not reach the buyer (a bounce,
	// Amazon's "message not delivered"); empty while nothing says so.
	Undelivered string `json:"undelivered,omitempty"`
}

// Attachment is a file that came with a buyer mail, as staff see it.
type Attachment struct {
	Name string `json:"name"`
	Size int64  `json:"size"` // bytes
	Type string `json:"type,omitempty"`
}

// Draft is a proposed answer staff check and send. Intent names are the
// drafter's (track_order, cancel_order, …).
type Draft struct {
	Text          string    `json:"text"`
	Language      string    `json:"language"`
	Intent        string    `json:"intent"`
	NeedsResponse bool      `json:"needs_response"`
	Drafter       string    `json:"drafter"`           // offline or llm
	Note          string    `json:"note,omitempty"`    // for staff: why a fallback, a language note
	Summary       string    `json:"summary,omitempty"` // one line in the staff language when languages differ
	MadeAt        time.Time `json:"made_at"`
	// ForMessage is the last buyer message the draft answers; a newer buyer
	// message makes the draft stale.
	ForMessage int64 `json:"for_message"`
	// Translation is the waiting buyer messages translated line by line
	// into the staff language, when the buyer writes another language and
	// a model is configured to translate (llm.translate); empty otherwise.
	Translation string `json:"translation,omitempty"`
}

// Conversation is a buyer's thread with the shop on one channel.
type Conversation struct {
	ID        string `json:"conversation_id"`
	Channel   string `json:"channel"` // web, discord, amazon, email
	BuyerKey  string `json:"-"`       // the buyer's identity on the channel; never shown
	BuyerName string `json:"buyer_name,omitempty"`
	OrderID   string `json:"order_id,omitempty"` // set once the buyer is verified
	Language  string `json:"language,omitempty"`
	// Subject is a mail conversation's subject line (empty on chat
	// channels).
	Subject  string    `json:"subject,omitempty"`
	Messages []Message `json:"messages"`
	Draft    *Draft    `json:"draft,omitempty"`
	// Deadline is the oldest unanswered buyer message + 24 h; nil when no
	// buyer message waits.
	Deadline *time.Time `json:"deadline,omitempty"`
	// RemindersSent counts the reminder points already sent for the current
	// wait; Breached is set once the breach alert went out.
	RemindersSent int       `json:"reminders_sent"`
	Breached      bool      `json:"breached"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
	Version       int64     `json:"version"`
}

// Waiting returns the buyer messages not yet answered, oldest first.
func (c *Conversation) Waiting() []Message {
	var out []Message
	for _, m := range c.Messages {
		if m.From == FromBuyer && m.AnsweredAt == nil {
			out = append(out, m)
		}
	}
	return out
}

// LastBuyerMessage is the id of the newest buyer message, or 0.
func (c *Conversation) LastBuyerMessage() int64 {
	for i := len(c.Messages) - 1; i >= 0; i-- {
		if c.Messages[i].From == FromBuyer {
			return c.Messages[i].ID
		}
	}
	return 0
}

// NeedsDraft reports whether a buyer message waits without a current draft.
func (c *Conversation) NeedsDraft() bool {
	if len(c.Waiting()) == 0 {
		return false
	}
	return c.Draft == nil || c.Draft.ForMessage != c.LastBuyerMessage()
}

// ConversationFilter names an inbox list.
type ConversationFilter string

const (
	InboxWaiting ConversationFilter = ""        // every conversation with a buyer waiting
	InboxOverdue ConversationFilter = "overdue" // past the 24-hour deadline
	InboxDue     ConversationFilter = "due"     // deadline within the first reminder point
)

// ConversationQuery selects conversations. Zero fields do not filter.
type ConversationQuery struct {
	Waiting        bool      // a buyer message is unanswered (Deadline set)
	DeadlineBefore time.Time // Deadline < DeadlineBefore
	NeedsDraft     bool      // waiting and the draft is missing or stale
	Channel        string
	BuyerKey       string
	OrderID        string
	Limit          int
	// Bare lists the conversations without their messages: for finding
	// one to read whole (and lock) next.
	Bare bool
}

// ResponseCounts are the numbers behind "answered within 24 h": buyer
// messages since a time that are answered or past their deadline, and how
// many of those were answered within 24 hours.
type ResponseCounts struct {
	Due      int `json:"due"`
	InWindow int `json:"in_window"`
}

// DraftRequest is what a drafter may know: the conversation, the buyer's
// own order (nil until the buyer is verified) and the time.
type DraftRequest struct {
	Conversation *Conversation
	Order        *Order
	Now          time.Time
}

// Drafter writes a draft answer. Implementations: core/drafter (offline,
// always available) and adapters/llm (falls back to the offline one).
type Drafter interface {
	Draft(ctx context.Context, req DraftRequest) (Draft, error)
}

// QuickDrafter is a Drafter that is local and takes microseconds (the
// offline one): it drafts inside the transaction that stores the buyer's
// message, so the message and its draft commit together and staff never
// see one without the other. Other drafters (a model over the network)
// draft afterwards, outside any transaction.
type QuickDrafter interface {
	Drafter
	Quick() bool
}

// Preparer is a drafter that can start on a buyer's message before the
// engine has read the conversation and the order (the engine asks only a
// drafter that drafts inline, see Engine.DraftsInline): most of a quick
// draft (the language, the intents) needs the text alone, so it runs while
// the store's round trips leave the CPU idle. A Draft whose waiting
// messages are that text uses it; anything else is drafted as usual.
type Preparer interface {
	Prepare(text string)
}
