package sqlstore

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sellerdesk/sellerdesk/core"
)

// convSet is every conversations column SaveConversation writes but id and
// version, in its argument order. last_buyer_message_id and
// draft_for_message are written, never read: they exist so that
// Conversations can tell "needs a draft" from the row alone.
const convSet = `channel, buyer_key, buyer_name, order_id, language, deadline, reminders_sent, breached,
	last_buyer_message_id, draft_for_message, draft, created_at, updated_at, subject`

const (
	convCols     = `id, ` + convSet + `, version`
	convReadCols = `id, channel, buyer_key, buyer_name, order_id, language, deadline, reminders_sent, breached,
	draft, created_at, updated_at, version, subject`
	messageCols = `id, conversation_id, sender, by_name, text, at, answered_at, no_reply, ext_id, attachments, undelivered`
)

// insertMessage inserts a message (messageArgs) and returns its id.
const insertMessage = `INSERT INTO messages (conversation_id, sender, by_name, text, at, answered_at, no_reply,
	ext_id, attachments, undelivered) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`

// convSetWithMessage is what a save adding one message (the CTE m) writes
// in each column of convSet: the newest buyer message and the draft's
// message may be the new one, and a draft made for it has the id put into
// its JSON between the two halves Go wrote (splitDraft).
var convSetWithMessage = []string{"?", "?", "?", "?", "?", "?", "?", "?",
	"CASE WHEN ? THEN (SELECT id FROM m) ELSE ? END",
	"CASE WHEN ? THEN (SELECT id FROM m) ELSE ? END",
	"CASE WHEN ? THEN ?::text || (SELECT id FROM m) || ?::text ELSE ? END",
	"?", "?", "?"}

// needsDraft is core.Conversation.NeedsDraft on the row: a buyer waits and
// the draft is missing or answers an older message.
const needsDraft = `deadline IS NOT NULL AND (draft_for_message IS NULL OR draft_for_message <> last_buyer_message_id)`

var (
	sqlConversationWithMessages = prepared(`SELECT ` + qualified("c", convReadCols) + `, ` + qualified("m", "id, sender, by_name, text, at, answered_at, no_reply, ext_id, attachments, undelivered") + `
		FROM conversations c LEFT JOIN messages m ON m.conversation_id = c.id WHERE c.id = ? ORDER BY m.id`)
	sqlConversationLock = prepared(`SELECT ` + convReadCols + ` FROM conversations WHERE id = ? FOR UPDATE`)

	// As for orders: an insert meeting an existing id returns nothing, and
	// so does an update based on a stale read (the optimistic lock).
	sqlInsertConversation = prepared(`INSERT INTO conversations (` + convCols + `) VALUES ` +
		placeholders(strings.Count(convCols, ",")+1) + ` ON CONFLICT (id) DO NOTHING RETURNING id`)
	sqlUpdateConversation = prepared(`UPDATE conversations SET ` + assignParams(convSet) + `, version = version + 1
		WHERE id = ? AND version = ? RETURNING id`)
	// The pointers to a message this save inserted: the newest buyer
	// message, and the one a draft made with it answers (see SaveConversation).
	sqlSetLastBuyerMessage = prepared(`UPDATE conversations SET last_buyer_message_id = ? WHERE id = ?`)
	sqlSetNewDraft         = prepared(`UPDATE conversations SET last_buyer_message_id = ?, draft_for_message = ?, draft = ? WHERE id = ?`)
	// PostgreSQL: a save that adds one message (a buyer's, with its draft
	// when one is made at once; a staff reply) writes the conversation's
	// row and the message in one statement (a data-modifying CTE, whose
	// foreign key check runs at the statement's end, when the row exists).
	sqlInsertConversationMessage = preparedPG(`WITH m AS (` + insertMessage + `),
		c AS (INSERT INTO conversations (` + convCols + `) VALUES (?, ` + strings.Join(convSetWithMessage, ", ") + `, 1)
			ON CONFLICT (id) DO NOTHING RETURNING id)
		SELECT (SELECT id FROM m), (SELECT COUNT(*) FROM c)`)
	sqlUpdateConversationMessage = preparedPG(`WITH m AS (` + insertMessage + `),
		c AS (UPDATE conversations SET ` + assignExprs(convSet, convSetWithMessage) + `, version = version + 1
			WHERE id = ? AND version = ? RETURNING id)
		SELECT (SELECT id FROM m), (SELECT COUNT(*) FROM c)`)

	sqlMessages   = prepared(`SELECT ` + messageCols + ` FROM messages WHERE conversation_id = ? ORDER BY id`)
	sqlMessagesOf = prepared(`SELECT ` + messageCols + ` FROM messages WHERE conversation_id = ANY(?) ORDER BY conversation_id, id`)
	// One row per statement, also on PostgreSQL: the generated id must go
	// back to the right message, and a save rarely adds more than one.
	sqlInsertMessage = prepared(insertMessage)
	// Only the answer (and a reply's delivery) changes once a message is
	// stored. The conversation id keeps a save from touching another
	// conversation's messages. On PostgreSQL each returns what
	// response_slots counts of the message as it was: the self-join (o)
	// reads the row as the statement found it, the same as this
	// transaction would read it first, since it holds the conversation's
	// row (written first), without which nobody writes its messages.
	sqlAnswerMessage = preparedSQLite(`UPDATE messages SET answered_at = ?, no_reply = ?, undelivered = ?
		WHERE id = ? AND conversation_id = ? RETURNING id`)
	sqlAnswerMessagePG = preparedPG(`UPDATE messages AS m SET answered_at = ?, no_reply = ?, undelivered = ?
		FROM messages AS o WHERE o.id = m.id AND m.id = ? AND m.conversation_id = ? RETURNING m.id, m.sender, m.at, o.answered_at`)
	sqlAnswerMessages = preparedPG(`UPDATE messages AS m SET answered_at = v.answered_at, no_reply = v.no_reply, undelivered = v.undelivered
		FROM unnest(?::bigint[], ?::timestamptz[], ?::boolean[], ?::text[]) AS v (id, answered_at, no_reply, undelivered)
		JOIN messages AS o ON o.id = v.id
		WHERE m.id = v.id AND m.conversation_id = ? RETURNING m.id, m.sender, m.at, o.answered_at`)
	// SQLite returns a row's new values only (and none of a FROM table's):
	// there, a conversation not read in the transaction has its messages'
	// answers read before they are written, in process.
	sqlMessageAnswers = preparedSQLite(`SELECT id, sender, at, answered_at FROM messages WHERE conversation_id = ?`)

	// The thread a mail belongs to: the conversation of the newest message
	// it names. An empty channel matches every channel.
	sqlConversationByExtID = prepared(`SELECT m.conversation_id FROM messages m JOIN conversations c ON c.id = m.conversation_id
		WHERE m.ext_id = ANY(?) AND m.ext_id <> '' AND (? = '' OR c.channel = ?) ORDER BY m.id DESC LIMIT 1`)
)

func scanConversations(rows *sql.Rows) ([]core.Conversation, error) {
	var out []core.Conversation
	err := eachRow(rows, func() error {
		c, err := scanConversation(rows)
		out = append(out, c)
		return err
	})
	return out, err
}

// scanConversation reads a row of convReadCols, then any extra columns
// into extra.
func scanConversation(rows *sql.Rows, extra ...any) (core.Conversation, error) {
	var (
		c     core.Conversation
		draft sql.NullString
	)
	err := rows.Scan(append([]any{&c.ID, &c.Channel, &c.BuyerKey, &c.BuyerName, &c.OrderID, &c.Language,
		nullTimeDest{&c.Deadline}, &c.RemindersSent, &c.Breached, &draft,
		timeDest{&c.CreatedAt}, timeDest{&c.UpdatedAt}, &c.Version, &c.Subject}, extra...)...)
	if err != nil {
		return c, err
	}
	if draft.Valid {
		c.Draft = new(core.Draft)
		if err := json.Unmarshal([]byte(draft.String), c.Draft); err != nil {
			return c, fmt.Errorf("conversation %s: draft: %w", c.ID, err)
		}
	}
	return c, nil
}

// conversationWithMessages reads a conversation and its messages in one
// statement, one snapshot (one row per message; the conversation's
// columns repeat). Only an unlocked read uses it: a row lock that waited
// for another writer would return that writer's row with the messages of
// the statement's older snapshot, so a locked read reads the messages
// after the lock, in a statement of their own.
func (t *Tx) conversationWithMessages(ctx context.Context, id string) (*core.Conversation, error) {
	rows, err := t.query(ctx, sqlConversationWithMessages, id)
	if err != nil {
		return nil, err
	}
	var c *core.Conversation
	err = eachRow(rows, func() error {
		var (
			mid                      sql.NullInt64
			from, by, text, ext, att sql.NullString
			undelivered              sql.NullString
			noReply                  sql.NullBool
			at                       *time.Time
			m                        core.Message
		)
		row, err := scanConversation(rows, &mid, &from, &by, &text, nullTimeDest{&at}, nullTimeDest{&m.AnsweredAt}, &noReply, &ext, &att, &undelivered)
		if err != nil {
			return err
		}
		if c == nil {
			c = &row
		}
		if !mid.Valid || at == nil {
			return nil // no messages
		}
		m.At = *at
		m.ID, m.From, m.By, m.Text, m.NoReply, m.ExtID, m.Undelivered = mid.Int64, core.Sender(from.String), by.String, text.String, noReply.Bool, ext.String, undelivered.String
		if err := decodeAttachments(&m, att.String); err != nil {
			return err
		}
		c.Messages = append(c.Messages, m)
		return nil
	})
	return c, err
}

// decodeAttachments reads a message's attachments column (” for none).
func decodeAttachments(m *core.Message, attachments string) error {
	if attachments == "" {
		return nil
	}
	if err := json.Unmarshal([]byte(attachments), &m.Attachments); err != nil {
		return fmt.Errorf("message %d: attachments: %w", m.ID, err)
	}
	return nil
}

// Conversation returns one conversation with its messages and draft; inside
// Update its row stays locked until the transaction ends.
func (t *Tx) Conversation(ctx context.Context, id string) (*core.Conversation, error) {
	var c *core.Conversation
	if t.locks() {
		rows, err := t.query(ctx, sqlConversationLock, id)
		if err != nil {
			return nil, t.fail(err, "read a conversation")
		}
		convs, err := scanConversations(rows)
		if err != nil {
			return nil, t.fail(err, "read a conversation")
		}
		if len(convs) > 0 {
			c = &convs[0]
			if err := t.messages(ctx, []*core.Conversation{c}); err != nil {
				return nil, err
			}
		}
	} else {
		var err error
		if c, err = t.conversationWithMessages(ctx, id); err != nil {
			return nil, t.fail(err, "read a conversation")
		}
	}
	if c == nil {
		return nil, core.Errorf(core.NotFound, "No conversation %s — check the conversation id.", id)
	}
	t.rememberConversation(c)
	return c, nil
}

// Conversations lists conversations matching q: those with a deadline
// first, soonest first, then the rest most recently updated first.
func (t *Tx) Conversations(ctx context.Context, q core.ConversationQuery) ([]core.Conversation, error) {
	if q.Limit < 0 {
		return nil, core.FieldErrorf(core.Invalid, "limit", "A list limit must be a positive number")
	}
	text, args := t.db.conversationsSQL(q)
	var (
		rows *sql.Rows
		err  error
	)
	if s := preparedList(text); s != nil {
		rows, err = t.query(ctx, s, args...)
	} else {
		rows, err = t.queryText(ctx, text, args...)
	}
	if err != nil {
		return nil, t.fail(err, "list conversations")
	}
	convs, err := scanConversations(rows)
	if err != nil {
		return nil, t.fail(err, "list conversations")
	}
	if q.Bare {
		return convs, nil
	}
	ptrs := make([]*core.Conversation, len(convs))
	for i := range convs {
		ptrs[i] = &convs[i]
	}
	if err := t.messages(ctx, ptrs); err != nil {
		return nil, err
	}
	return convs, nil
}

// messages loads the messages of convs, oldest first: one query for the lot.
func (t *Tx) messages(ctx context.Context, convs []*core.Conversation) error {
	var (
		rows *sql.Rows
		err  error
	)
	byID := make(map[string]*core.Conversation, len(convs))
	switch len(convs) {
	case 0:
		return nil
	case 1:
		byID[convs[0].ID] = convs[0]
		rows, err = t.query(ctx, sqlMessages, convs[0].ID)
	default:
		ids := make([]string, len(convs))
		for i, c := range convs {
			byID[c.ID] = c
			ids[i] = c.ID
		}
		rows, err = t.query(ctx, sqlMessagesOf, t.db.list(ids))
	}
	if err != nil {
		return t.fail(err, "read conversation messages")
	}
	err = eachRow(rows, func() error {
		var (
			cid, attachments string
			m                core.Message
		)
		if err := rows.Scan(&m.ID, &cid, (*string)(&m.From), &m.By, &m.Text, timeDest{&m.At}, nullTimeDest{&m.AnsweredAt}, &m.NoReply,
			&m.ExtID, &attachments, &m.Undelivered); err != nil {
			return err
		}
		if err := decodeAttachments(&m, attachments); err != nil {
			return err
		}
		if c := byID[cid]; c != nil {
			c.Messages = append(c.Messages, m)
		}
		return nil
	})
	if err != nil {
		return t.fail(err, "read conversation messages")
	}
	return nil
}

func (t *Tx) rememberConversation(c *core.Conversation) {
	if !t.write {
		return
	}
	if t.convs == nil {
		t.convs = make(map[string]*core.Conversation)
	}
	if len(t.convs) >= maxRemembered {
		if _, ok := t.convs[c.ID]; !ok {
			return
		}
	}
	t.convs[c.ID] = cloneConversation(c)
}

// SaveConversation inserts a conversation with Version 0 or updates one
// whose Version is still the stored one, with its draft and messages; see
// core.Tx.
//
// A save adding one message is one statement on PostgreSQL (row and
// message); otherwise the row is written, then each new message, then the
// row's pointers to the new newest buyer message and the draft made for it.
func (t *Tx) SaveConversation(ctx context.Context, c *core.Conversation) error {
	if err := t.writable("SaveConversation"); err != nil {
		return err
	}
	if err := checkConversation(c); err != nil {
		return err
	}
	db := t.db
	lastIdx := lastBuyerIndex(c.Messages)
	newLast := lastIdx >= 0 && c.Messages[lastIdx].ID == 0
	// draftNew: the draft answers the newest buyer message, which this save
	// inserts, so its id is known only then (see core.Tx).
	draftNew := newLast && c.Draft != nil && c.Draft.ForMessage == 0
	var (
		draft, draftFor any    // NULL without a draft
		before, after   string // draftNew: the draft's JSON around its for_message
	)
	if c.Draft != nil {
		d := *c.Draft
		d.MadeAt = d.MadeAt.UTC().Truncate(time.Microsecond) // as every other stored time
		b, err := json.Marshal(d)
		if err != nil {
			return core.WrapInternal(err, "save a conversation's draft")
		}
		draft, draftFor = string(b), d.ForMessage
		if draftNew {
			if before, after, err = splitDraft(b); err != nil {
				return err
			}
		}
	}
	lastBuyer := c.LastBuyerMessage() // 0 if the newest buyer message is new

	// Messages: new ones are inserted; of the known ones only those whose
	// answer differs from what this transaction read are written (all of
	// them when the conversation was not read here).
	prev := t.convs[c.ID]
	if prev != nil && prev.Version != c.Version {
		prev = nil
	}
	var read map[int64]*core.Message
	if prev != nil {
		read = make(map[int64]*core.Message, len(prev.Messages))
		for i := range prev.Messages {
			read[prev.Messages[i].ID] = &prev.Messages[i]
		}
	}
	ids := make([]int64, len(c.Messages)) // given to c only once everything is written
	var (
		added   []int           // indexes of the new messages
		answers []*core.Message // known messages whose answer is written
	)
	for i := range c.Messages {
		m := &c.Messages[i]
		if m.ID == 0 {
			added = append(added, i)
			continue
		}
		if p := read[m.ID]; p == nil || p.NoReply != m.NoReply || !sameTime(p.AnsweredAt, m.AnsweredAt) || p.Undelivered != m.Undelivered {
			answers = append(answers, m)
		}
		ids[i] = m.ID
	}

	var (
		saved bool
		err   error
	)
	// One statement: PostgreSQL, one new message, and (for a new
	// conversation) no known message, which could belong to another one.
	one := db.dialect == postgresDialect && len(added) == 1 && (c.Version > 0 || len(c.Messages) == 1)
	if t.optimistic && (!one || len(answers) > 0 || t.pending != nil) {
		return t.needsTx() // more than UpdateOptimistic's one statement writes
	}
	if one {
		i := added[0]
		args, err := t.messageArgs(c.ID, &c.Messages[i])
		if err != nil {
			return err
		}
		set := []any{c.Channel, c.BuyerKey, c.BuyerName, c.OrderID, c.Language, db.ntv(c.Deadline), int64(c.RemindersSent), c.Breached,
			i == lastIdx, lastBuyer, draftNew, draftFor, draftNew, before, after, draft, db.tv(c.CreatedAt), db.tv(c.UpdatedAt), c.Subject}
		if t.optimistic {
			// Written by writeOptimistic, with the conversation's row first.
			row := append(set, c.ID, c.Version)
			if c.Version == 0 {
				row = append([]any{c.ID}, set...)
			}
			t.pending = &pendingSave{c: c, added: i, insert: c.Version == 0, args: append(row, args...), draftNew: draftNew}
			saved = true
		} else {
			st := sqlUpdateConversationMessage
			if c.Version == 0 {
				st, args = sqlInsertConversationMessage, append(append(args, c.ID), set...)
			} else {
				args = append(append(args, set...), c.ID, c.Version)
			}
			var n int64
			if err := t.stmt(ctx, st).QueryRowContext(ctx, args...).Scan(&ids[i], &n); err != nil {
				return t.fail(err, "save a conversation")
			}
			saved = n == 1
		}
	} else {
		// The conversation's row first: once this transaction has written
		// (so locked) it, nobody else can be writing its messages.
		set := []any{c.Channel, c.BuyerKey, c.BuyerName, c.OrderID, c.Language, db.ntv(c.Deadline),
			int64(c.RemindersSent), c.Breached, lastBuyer, draftFor, draft, db.tv(c.CreatedAt), db.tv(c.UpdatedAt), c.Subject}
		var rows *sql.Rows
		if c.Version == 0 {
			rows, err = t.query(ctx, sqlInsertConversation, append(append([]any{c.ID}, set...), int64(1))...)
		} else {
			rows, err = t.query(ctx, sqlUpdateConversation, append(set, c.ID, c.Version)...)
		}
		if err == nil {
			err = returned(rows, func(string) { saved = true })
		}
		if err != nil {
			return t.fail(err, "save a conversation")
		}
	}
	if !saved {
		if c.Version == 0 {
			err = core.Errorf(core.Conflict, "Conversation %s was added by someone else at the same moment — look at it again and retry", c.ID)
		} else {
			err = core.Errorf(core.Conflict, "Conversation %s was changed by someone else at the same moment — look at it again and retry", c.ID)
		}
		t.failed = err
		return err
	}
	if !one {
		for _, i := range added {
			args, err := t.messageArgs(c.ID, &c.Messages[i])
			if err != nil {
				return err
			}
			if err := t.stmt(ctx, sqlInsertMessage).QueryRowContext(ctx, args...).Scan(&ids[i]); err != nil {
				return t.fail(err, "save a conversation's messages")
			}
		}
		switch {
		case draftNew:
			id := ids[lastIdx]
			_, err = t.exec(ctx, sqlSetNewDraft, id, id, before+strconv.FormatInt(id, 10)+after, c.ID)
		case newLast:
			_, err = t.exec(ctx, sqlSetLastBuyerMessage, ids[lastIdx], c.ID)
		}
		if err != nil {
			return t.fail(err, "save a conversation")
		}
	}
	if err := t.answerMessages(ctx, c.ID, answers, read); err != nil {
		return err
	}
	for _, i := range added {
		if m := &c.Messages[i]; m.From == core.FromBuyer {
			t.countResponse(m.At, 1, nil, m.AnsweredAt)
		}
	}

	for i := range c.Messages {
		c.Messages[i].ID = ids[i]
	}
	if draftNew {
		c.Draft.ForMessage = ids[lastIdx]
	}
	if c.Version == 0 {
		c.Version = 1
	} else {
		c.Version++
	}
	// What was just written is what is stored: a second save in this
	// transaction writes only what changes.
	t.rememberConversation(c)
	return nil
}

// messageArgs are insertMessage's arguments for m, a message of conversation id.
func (t *Tx) messageArgs(id string, m *core.Message) ([]any, error) {
	attachments := ""
	if len(m.Attachments) > 0 {
		b, err := json.Marshal(m.Attachments)
		if err != nil {
			return nil, core.WrapInternal(err, "save a message's attachments")
		}
		attachments = string(b)
	}
	db := t.db
	return []any{id, string(m.From), m.By, m.Text, db.tv(m.At), db.ntv(m.AnsweredAt), m.NoReply, m.ExtID, attachments, m.Undelivered}, nil
}

// splitDraft cuts a draft's JSON (ForMessage 0) around its for_message
// value, so that the id of a message not yet inserted can go between the
// halves. The key occurs once, and never inside a string, where every
// quote is escaped.
func splitDraft(b []byte) (before, after string, err error) {
	const key = `"for_message":0`
	i := bytes.Index(b, []byte(key))
	if i < 0 {
		return "", "", core.WrapInternal(fmt.Errorf("sqlstore: no for_message in a draft's JSON"), "save a conversation's draft")
	}
	i += len(key) - 1
	return string(b[:i]), string(b[i+1:]), nil
}

// answerMessages writes answered_at, no_reply and undelivered of known
// messages, all of which must be the conversation's own, and counts what
// a buyer message's new answer changes in response_slots. read holds the
// messages as this transaction read them, nil if it did not.
func (t *Tx) answerMessages(ctx context.Context, convID string, ms []*core.Message, read map[int64]*core.Message) error {
	if len(ms) == 0 {
		return nil
	}
	db := t.db
	was := make(map[int64]*core.Message, len(ms)) // as stored before: sender, time, answer
	var err error
	switch {
	case db.dialect == sqliteDialect:
		err = t.answerSQLite(ctx, convID, ms, read, was)
	case len(ms) == 1:
		m := ms[0]
		var rows *sql.Rows
		if rows, err = t.query(ctx, sqlAnswerMessagePG, db.ntv(m.AnsweredAt), m.NoReply, m.Undelivered, m.ID, convID); err == nil {
			err = scanAnswers(rows, was)
		}
	default:
		args := make([]any, 0, 4*len(ms))
		for _, m := range ms {
			args = append(args, m.ID, db.ntv(m.AnsweredAt), m.NoReply, m.Undelivered)
		}
		var arrays []any
		if arrays, err = pgArrays(args, 4); err == nil {
			var rows *sql.Rows
			if rows, err = t.query(ctx, sqlAnswerMessages, append(arrays, convID)...); err == nil {
				err = scanAnswers(rows, was)
			}
		}
	}
	if err != nil {
		return t.fail(err, "save a conversation's messages")
	}
	for _, m := range ms {
		w := was[m.ID]
		if w == nil {
			// Core never moves a message between conversations: a bug, not
			// something to tell a seller.
			err := core.WrapInternal(fmt.Errorf("sqlstore: message %d is not one of conversation %s's", m.ID, convID), "save a conversation's messages")
			t.failed = err
			return err
		}
		if w.From == core.FromBuyer {
			t.countResponse(w.At, 0, w.AnsweredAt, m.AnsweredAt)
		}
	}
	return nil
}

// answerSQLite is answerMessages on SQLite: each written message's stored
// answer comes from read or, for those not read here, from one read of
// the conversation's messages; was gets those the update found.
func (t *Tx) answerSQLite(ctx context.Context, convID string, ms []*core.Message, read, was map[int64]*core.Message) error {
	stored := read
	if slices.ContainsFunc(ms, func(m *core.Message) bool { return read[m.ID] == nil }) {
		rows, err := t.query(ctx, sqlMessageAnswers, convID)
		if err != nil {
			return err
		}
		stored = make(map[int64]*core.Message)
		if err := scanAnswers(rows, stored); err != nil {
			return err
		}
	}
	st := t.stmt(ctx, sqlAnswerMessage)
	for _, m := range ms {
		err := run(ctx, st, []any{t.db.ntv(m.AnsweredAt), m.NoReply, m.Undelivered, m.ID, convID}, func(string) { was[m.ID] = stored[m.ID] })
		if err != nil {
			return err
		}
	}
	return nil
}

// scanAnswers reads rows of (id, sender, at, answered_at) into a map by id.
func scanAnswers(rows *sql.Rows, into map[int64]*core.Message) error {
	return eachRow(rows, func() error {
		m := new(core.Message)
		if err := rows.Scan(&m.ID, (*string)(&m.From), timeDest{&m.At}, nullTimeDest{&m.AnsweredAt}); err != nil {
			return err
		}
		into[m.ID] = m
		return nil
	})
}

// lastBuyerIndex is the index of the newest buyer message, or -1 (see
// core.Conversation.LastBuyerMessage).
func lastBuyerIndex(ms []core.Message) int {
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i].From == core.FromBuyer {
			return i
		}
	}
	return -1
}

// checkConversation refuses what the database would refuse less clearly,
// or on one database only: PostgreSQL's text cannot hold NUL or invalid
// UTF-8, which SQLite would keep.
func checkConversation(c *core.Conversation) error {
	if c == nil {
		return core.WrapInternal(fmt.Errorf("sqlstore: nil conversation"), "save a conversation")
	}
	if c.ID == "" {
		return core.FieldErrorf(core.Invalid, "conversation_id", "A conversation without a conversation id cannot be saved")
	}
	if c.Version < 0 {
		return core.Errorf(core.Invalid, "Conversation %s has a negative version", c.ID)
	}
	for _, f := range []struct{ name, s string }{{"conversation id", c.ID}, {"channel", c.Channel},
		{"buyer", c.BuyerKey}, {"buyer name", c.BuyerName}, {"order id", c.OrderID}, {"language", c.Language}, {"subject", c.Subject}} {
		if !storable(f.s) {
			return core.Errorf(core.Invalid, "Conversation %s: the %s is not valid UTF-8 text (or holds a NUL character)", c.ID, f.name)
		}
	}
	seen := make(map[int64]bool, len(c.Messages))
	for i, m := range c.Messages {
		switch {
		case m.From != core.FromBuyer && m.From != core.FromStaff:
			return core.Errorf(core.Invalid, "Conversation %s: message %d is from %q; a message is from %q or %q", c.ID, i+1, m.From, core.FromBuyer, core.FromStaff)
		case !storable(m.Text) || !storable(m.By) || !storable(m.ExtID) || !storable(m.Undelivered):
			return core.Errorf(core.Invalid, "Conversation %s: message %d is not valid UTF-8 text (or holds a NUL character)", c.ID, i+1)
		case m.ID < 0 || m.ID != 0 && seen[m.ID]:
			return core.Errorf(core.Invalid, "Conversation %s lists message id %d twice (or a negative one)", c.ID, m.ID)
		}
		seen[m.ID] = true
	}
	return nil
}

func storable(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

func cloneConversation(c *core.Conversation) *core.Conversation {
	cp := *c
	cp.Messages = slices.Clone(c.Messages)
	for i := range cp.Messages {
		cp.Messages[i].AnsweredAt = cloneTime(cp.Messages[i].AnsweredAt)
		cp.Messages[i].Attachments = slices.Clone(cp.Messages[i].Attachments)
	}
	if c.Draft != nil {
		d := *c.Draft
		cp.Draft = &d
	}
	cp.Deadline = cloneTime(c.Deadline)
	return &cp
}

// ConversationByMessageExtID returns the conversation on channel ("" for
// any) holding the newest message whose ext_id is one of ids; see core.Tx.
func (t *Tx) ConversationByMessageExtID(ctx context.Context, channel string, ids []string) (string, error) {
	var keys []string
	for _, id := range ids {
		if id != "" && storable(id) {
			keys = append(keys, id)
		}
	}
	if len(keys) == 0 {
		return "", core.Errorf(core.NotFound, "No conversation holds any of those messages.")
	}
	var id string
	err := t.stmt(ctx, sqlConversationByExtID).QueryRowContext(ctx, t.db.list(keys), channel, channel).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", core.Errorf(core.NotFound, "No conversation holds any of those messages.")
	}
	if err != nil {
		return "", t.fail(err, "find a mail's conversation")
	}
	return id, nil
}

// A buyer's every message looks up their conversation (buyerConversation
// in core): that list runs as a prepared statement, parsed and planned once
// per connection. Its text is conversationsSQL's own for the same query.
var (
	sqlBuyerConversations      = prepared(conversationsText(core.ConversationQuery{Channel: "-", BuyerKey: "-", Limit: 1}))
	sqlBuyerOrderConversations = prepared(conversationsText(core.ConversationQuery{Channel: "-", BuyerKey: "-", OrderID: "-", Limit: 1}))
)

// preparedList is the prepared statement of a list's text, or nil.
func preparedList(text string) *stmtDef {
	for _, s := range []*stmtDef{sqlBuyerConversations, sqlBuyerOrderConversations} {
		if s.text == text {
			return s
		}
	}
	return nil
}

func conversationsText(q core.ConversationQuery) string {
	text, _ := (*DB)(nil).conversationsSQL(q) // no time in q: db is not used
	return text
}

// conversationsSQL is Conversations' statement for q and its arguments:
// fixed fragments only, every value a parameter.
func (db *DB) conversationsSQL(q core.ConversationQuery) (string, []any) {
	var b strings.Builder
	var args []any
	b.WriteString(`SELECT ` + convReadCols + ` FROM conversations WHERE TRUE`)
	switch {
	case q.NeedsDraft:
		b.WriteString(` AND ` + needsDraft)
	case q.Waiting:
		b.WriteString(` AND deadline IS NOT NULL`)
	}
	if !q.DeadlineBefore.IsZero() {
		b.WriteString(` AND deadline < ?`)
		args = append(args, db.tv(q.DeadlineBefore))
	}
	if q.Channel != "" {
		b.WriteString(` AND channel = ?`)
		args = append(args, q.Channel)
	}
	if q.BuyerKey != "" {
		b.WriteString(` AND buyer_key = ?`)
		args = append(args, q.BuyerKey)
	}
	if q.OrderID != "" {
		b.WriteString(` AND order_id = ?`)
		args = append(args, q.OrderID)
	}
	b.WriteString(` ORDER BY deadline NULLS LAST, updated_at DESC, id LIMIT ?`)
	args = append(args, limitOrAll(q.Limit))
	return b.String(), args
}
