package sqlstore

import (
	"context"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// sqlLateResponses selects what sqlResponseCounts counts as due and not in
// the window: answered after 24 hours, or unanswered with the 24 hours over.
var sqlLateResponses = prepared(`SELECT at FROM messages
	WHERE sender = 'buyer' AND at >= ? AND at <= ?
	AND (answered_at IS NULL AND at <= ? OR answered_at - at > ?)
	ORDER BY at, id`)

// LateResponses lists when the buyer messages answered late (or never) in
// [since, now] were sent; see core.Tx.
func (t *Tx) LateResponses(ctx context.Context, since, now time.Time) ([]time.Time, error) {
	db := t.db
	rows, err := t.stmt(ctx, sqlLateResponses).QueryContext(ctx, db.tv(since), db.tv(now), db.tv(now.Add(-core.ResponseWindow)), db.dv(core.ResponseWindow))
	if err != nil {
		return nil, t.fail(err, "list late answers")
	}
	var out []time.Time
	err = eachRow(rows, func() error {
		var at time.Time
		err := rows.Scan(timeDest{&at})
		out = append(out, at)
		return err
	})
	if err != nil {
		return nil, t.fail(err, "list late answers")
	}
	return out, nil
}
