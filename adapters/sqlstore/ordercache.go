package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"sync"

	"github.com/sellerdesk/sellerdesk/core"
)

// sqlOrderVersion is the cache's check: one index probe instead of the
// order statement's four child aggregates.
var sqlOrderVersion = prepared(`SELECT version FROM orders WHERE id = ?`)

// orderCacheSize bounds the cache: a few thousand orders of a few
// kilobytes each.
const orderCacheSize = 4096

// orderCache keeps orders as read, each at the version it was read at.
//
// It is correct across transactions and replicas because every change to
// an order or to any of its children goes through SaveOrders, which bumps
// orders.version in the same transaction (and nothing else writes those
// tables): an order whose stored version equals a cached order's version
// is that cached order. A read checks the version first, in its own
// snapshot, and reads the whole order again when it differs.
type orderCache struct {
	mu sync.Mutex
	m  map[string]*core.Order
}

// get returns a copy of the cached order id, or nil.
func (c *orderCache) get(id string) *core.Order {
	c.mu.Lock()
	o := c.m[id]
	c.mu.Unlock()
	if o == nil {
		return nil
	}
	return o.Clone()
}

// put keeps a copy of o, replacing an older version; when the cache is
// full it drops some order (maps iterate from a random point).
func (c *orderCache) put(o *core.Order) {
	o = o.Clone()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[string]*core.Order, orderCacheSize)
	}
	if old, ok := c.m[o.ID]; ok && old.Version > o.Version {
		return // a read in an older snapshot finished last
	}
	if _, ok := c.m[o.ID]; !ok && len(c.m) >= orderCacheSize {
		for id := range c.m {
			delete(c.m, id)
			break
		}
	}
	c.m[o.ID] = o
}

// cachedOrder returns the cached order id if the store still holds that
// version, or nil. Its probe does not count as ViewOne's one statement:
// what it returns is a whole order read by one statement, at the version
// this read's snapshot holds.
func (t *Tx) cachedOrder(ctx context.Context, id string) (*core.Order, error) {
	o := t.db.orders.get(id)
	if o == nil {
		return nil, nil
	}
	var v int64
	var err error
	if t.tx == nil {
		err = t.stmts[sqlOrderVersion.idx].QueryRowContext(ctx, id).Scan(&v)
	} else {
		err = t.stmt(ctx, sqlOrderVersion).QueryRowContext(ctx, id).Scan(&v)
	}
	if errors.Is(err, sql.ErrNoRows) || err == nil && v != o.Version {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return o, nil
}
