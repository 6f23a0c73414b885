package sqlstore_test

import (
	"bufio"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/sellerdesk/sellerdesk/adapters/sqlstore"
	"github.com/sellerdesk/sellerdesk/adapters/sqlstore/storetest"
	"github.com/sellerdesk/sellerdesk/core"
	"github.com/sellerdesk/sellerdesk/core/drafter"
)

// A buyer message to its stored draft on PostgreSQL costs three round
// trips, counted at the wire: the buyer's conversation, the order, and one
// statement that writes and commits the conversation with its message and
// draft, the counters and the outbox messages (UpdateOptimistic: no BEGIN,
// no COMMIT; it was six in a transaction). A returning buyer's
// conversation is then read with its messages, in one statement: one more. Issue 16's draft
// latency is mostly round trips and the commit. A count, not a timing.
func TestBuyerMessageRoundTripsPostgres(t *testing.T) {
	u := storetest.PostgresURL(t)
	wire := countWire(t, u)
	db, err := sqlstore.Open(context.Background(), wire.url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ctx := context.Background()
	o := benchOrder("902-0000001-0000001")
	if err := db.Update(ctx, func(tx core.Tx) error { return tx.SaveOrders(ctx, []*core.Order{o}) }); err != nil {
		t.Fatal(err)
	}
	p := core.DefaultPolicy()
	e := core.NewEngine(db, core.Options{Policy: &p, Drafter: drafter.Offline{D: drafter.New(drafter.Shop{Name: "Acme Mugs", Policy: p})}})
	send := func(i int) {
		t.Helper()
		c, err := e.BuyerMessage(ctx, core.BuyerMessageIn{Channel: "web", BuyerKey: fmt.Sprintf("buyer-%d", i), BuyerName: "Jane",
			OrderID: o.ID, Text: "Where is my order? It has not arrived."})
		if err != nil {
			t.Fatal(err)
		}
		if c.Draft == nil || c.NeedsDraft() {
			t.Fatalf("message %d: no current draft", i)
		}
	}
	// The first messages prepare the statements on their connection.
	for i := range 3 {
		send(i)
	}
	const n = 5
	for _, c := range []struct {
		name string
		each int
	}{{"new buyers", 3}, {"returning buyers", 4}} {
		wire.reset()
		for i := range n {
			send(100 + i)
		}
		got := wire.reset()
		total := 0
		for _, k := range got {
			total += k
		}
		if total > c.each*n {
			t.Errorf("%d messages of %s took %d round trips, want at most %d each: %v", n, c.name, total, c.each, got)
		}
	}
}

// wireCounter is a TCP proxy in front of PostgreSQL counting what the
// client waits for: simple queries (BEGIN, COMMIT) and extended-protocol
// executions (Bind … Sync), by statement text; a Sync without a Bind is a
// statement being prepared, which is not counted.
type wireCounter struct {
	url string
	mu  sync.Mutex
	n   map[string]int
}

func (w *wireCounter) reset() map[string]int {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := w.n
	w.n = map[string]int{}
	return n
}

func (w *wireCounter) count(what string) {
	w.mu.Lock()
	w.n[what]++
	w.mu.Unlock()
}

func countWire(t *testing.T, dbURL string) *wireCounter {
	t.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	upstream := u.Host
	u.Host = ln.Addr().String()
	w := &wireCounter{url: u.String(), n: map[string]int{}}
	var conns sync.WaitGroup
	t.Cleanup(func() { ln.Close(); conns.Wait() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Go(func() { w.relay(c, upstream) })
		}
	}()
	return w
}

func (w *wireCounter) relay(c net.Conn, upstream string) {
	defer c.Close()
	s, err := net.Dial("tcp", upstream)
	if err != nil {
		return
	}
	defer s.Close()
	go func() { io.Copy(c, s); c.Close() }()
	r := bufio.NewReader(c)
	// The startup message has a length but no type byte.
	var head [5]byte
	if _, err := io.ReadFull(r, head[:4]); err != nil {
		return
	}
	body := make([]byte, binary.BigEndian.Uint32(head[:4])-4)
	if _, err := io.ReadFull(r, body); err != nil {
		return
	}
	s.Write(append(head[:4:4], body...))
	parsed := map[string]string{} // prepared statement name → text
	var lastParse, bound string
	for {
		if _, err := io.ReadFull(r, head[:]); err != nil {
			return
		}
		body := make([]byte, binary.BigEndian.Uint32(head[1:])-4)
		if _, err := io.ReadFull(r, body); err != nil {
			return
		}
		fields := strings.SplitN(string(body), "\x00", 3)
		switch head[0] {
		case 'Q':
			w.count(strings.TrimRight(string(body), "\x00"))
		case 'P': // name, text
			lastParse, parsed[fields[0]] = fields[1], fields[1]
		case 'B': // portal, statement name
			if bound = parsed[fields[1]]; fields[1] == "" {
				bound = lastParse
			}
		case 'S':
			if bound != "" {
				w.count(strings.Join(strings.Fields(bound), " "))
			}
			bound = ""
		}
		if _, err := s.Write(append(head[:], body...)); err != nil {
			return
		}
	}
}
