package sqlstore

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/sellerdesk/sellerdesk/core"
)

// An optimistic Update (PostgreSQL) runs fn's reads as statements of their
// own, outside any transaction, and keeps its writes: one conversation save
// adding one message, and outbox messages. It then writes them in one
// statement, which commits them together (no BEGIN, no COMMIT: a statement
// outside a transaction is one). The save is checked by the conversation's
// Version inside that statement, and everything else the statement writes
// hangs on the save, so a save that lost a race writes nothing; fn then
// runs again in an ordinary Update, with its locks. So does any fn that
// writes anything else, or more.
//
// A buyer's message to the help page takes three round trips this way
// (look for the conversation, read the order, write) instead of six; each
// is an exchange with a PostgreSQL backend that has to wake up, most of
// the message's latency at a help page's pace.

// errNeedsTx stops an optimistic fn that writes what only an Update can.
var errNeedsTx = core.Errorf(core.Internal, "sqlstore: this change needs a transaction")

// pendingSave is the conversation save an optimistic Update keeps until
// its one statement.
type pendingSave struct {
	c      *core.Conversation
	added  int  // index of the message the save adds
	insert bool // a new conversation
	args   []any
	// draftNew: the draft answers the added message, whose id the
	// statement makes.
	draftNew bool
}

// The statement's parts. The message's id is taken from the sequence first
// (newid), so that the conversation row can point at it, and the message is
// inserted only from the row the save wrote (FROM c): a stale Version
// leaves c, and so everything after it, empty.
const (
	optimisticNextID  = `newid AS (SELECT nextval(pg_get_serial_sequence('messages', 'id')) AS id)`
	optimisticMessage = `m AS (INSERT INTO messages (id, conversation_id, sender, by_name, text, at, answered_at, no_reply,
		ext_id, attachments, undelivered) OVERRIDING SYSTEM VALUE
		SELECT (SELECT id FROM newid), ?::text, ?::text, ?::text, ?::text, ?::timestamptz, ?::timestamptz, ?::boolean, ?::text, ?::text, ?::text
		FROM c RETURNING id)`
	// saved is the filter of every later write: the message went in.
	optimisticSaved = `EXISTS (SELECT 1 FROM m)`
)

// optimisticSetExprs is convSetWithMessage with the message's id from newid.
var optimisticSetExprs = func() []string {
	out := slices.Clone(convSetWithMessage)
	for i, e := range out {
		out[i] = strings.ReplaceAll(e, "(SELECT id FROM m)", "(SELECT id FROM newid)")
	}
	return out
}()

var (
	optimisticInsert = `WITH ` + optimisticNextID + `,
		c AS (INSERT INTO conversations (` + convCols + `) VALUES (?, ` + strings.Join(optimisticSetExprs, ", ") + `, 1)
			ON CONFLICT (id) DO NOTHING RETURNING id),
		` + optimisticMessage
	optimisticUpdate = `WITH ` + optimisticNextID + `,
		c AS (UPDATE conversations SET ` + assignExprs(convSet, optimisticSetExprs) + `, version = version + 1
			WHERE id = ? AND version = ? RETURNING id),
		` + optimisticMessage
	// The tail: the counters and the outbox, as flushOutbox writes them
	// (the outbox lock first), only once the message is in; then the
	// message's id (NULL: nothing was written) and the notifications.
	optimisticTail = `, ` + counterCTEs("outbox_lock() AND "+optimisticSaved) + `, ` +
		outboxInsertMany("outbox_lock() AND "+optimisticSaved) + notifyMsg + `
	SELECT (SELECT id FROM m), (SELECT count(*) FROM (SELECT ` + notifyCall + ` FROM msg) AS sent)`

	sqlOptimisticInsert = preparedPG(optimisticInsert + optimisticTail)
	sqlOptimisticUpdate = preparedPG(optimisticUpdate + optimisticTail)
)

// UpdateOptimistic runs fn as Update does, optimistically on PostgreSQL
// (see above); on SQLite it is Update: one writer in process, no round
// trips to save. fn must be safe to run twice, as every Update's may.
func (db *DB) UpdateOptimistic(ctx context.Context, fn func(core.Tx) error) error {
	if db.dialect != postgresDialect {
		return db.Update(ctx, fn)
	}
	t := &Tx{db: db, stmts: db.wstmts, write: true, optimistic: true}
	err := fn(t)
	if errors.Is(t.failed, errNeedsTx) {
		return db.Update(ctx, fn)
	}
	if err != nil {
		return err
	}
	if t.failed != nil {
		return t.failed
	}
	written, err := t.writeOptimistic(ctx)
	if err != nil {
		return err
	}
	if !written {
		return db.Update(ctx, fn) // the save lost a race: again, with locks
	}
	return nil
}

// needsTx dooms an optimistic fn (and makes UpdateOptimistic run it in an
// Update); it returns the error fn sees.
func (t *Tx) needsTx() error {
	if t.failed == nil {
		t.failed = errNeedsTx
	}
	return t.failed
}

// writeOptimistic writes what an optimistic fn kept in one statement. It
// reports false when the conversation's save lost a race: then nothing
// was written.
func (t *Tx) writeOptimistic(ctx context.Context) (bool, error) {
	p := t.pending
	if p == nil {
		if len(t.outbox) > 0 || len(t.health) > 0 || len(t.responses) > 0 {
			return false, nil // nothing to hang them on: Update writes them
		}
		return true, nil // fn wrote nothing
	}
	if len(t.outbox) > maxArrayRows {
		return false, nil
	}
	counters, err := counterArrays(t.counterRowSets())
	if err != nil {
		return false, t.fail(err, "save a conversation")
	}
	arrays, err := t.db.outboxArrays(t.outbox)
	if err != nil {
		return false, t.fail(err, "save a conversation")
	}
	st := sqlOptimisticUpdate
	if p.insert {
		st = sqlOptimisticInsert
	}
	var (
		id   *int64
		sent int64
	)
	if err := t.stmt(ctx, st).QueryRowContext(ctx, slices.Concat(p.args, counters, arrays, []any{t.db.channel})...).Scan(&id, &sent); err != nil {
		return false, t.fail(err, "save a conversation")
	}
	if id == nil {
		return false, nil
	}
	c := p.c
	c.Messages[p.added].ID = *id
	if p.draftNew {
		c.Draft.ForMessage = *id
	}
	t.outbox, t.pending = nil, nil
	t.countersWritten()
	return true, nil
}
