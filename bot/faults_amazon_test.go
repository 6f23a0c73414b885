//go:build faults

package main

// Shipments out's fault test (issue 13): the replica calling Amazon's
// confirmShipment is killed with SIGKILL mid-call, after Amazon took the
// shipment and before its answer came back; the other replica takes the
// amazon sink over after the delivery lease, finds the shipment among the
// order's packages (getOrder) and does not confirm it again. Real `bot
// serve` processes on PostgreSQL, the fake SP-API in this process.

import (
	"context"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/adapters/spapi"
	"github.com/sellerdesk/sellerdesk/adapters/spapi/spapitest"
	"github.com/sellerdesk/sellerdesk/adapters/sqlstore"
	"github.com/sellerdesk/sellerdesk/core"
)

// spapiFront is the fake SP-API seen through one reverse proxy per
// replica, so the test knows which replica made a call; a caller that
// goes away cancels its call at the fake. It is the amazon sink's
// chatFake: the confirmation to hold is the fake's HoldNextConfirm.
type spapiFront struct {
	fake *spapitest.Server
	hold *spapitest.Hold
	lns  []net.Listener

	mu       sync.Mutex
	called   map[int]bool // replicas that have called Amazon
	confirms []int        // the replica of each confirmShipment, in order
}

func newSPAPIFront(t *testing.T, fake *spapitest.Server, replicas int) *spapiFront {
	t.Helper()
	u, err := url.Parse(fake.URL)
	if err != nil {
		t.Fatal(err)
	}
	f := &spapiFront{fake: fake, hold: fake.HoldNextConfirm(), called: map[int]bool{}}
	for i := range replicas {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		proxy := httputil.NewSingleHostReverseProxy(u)
		proxy.ErrorLog = log.New(io.Discard, "", 0) // a killed caller's call ends in "context canceled"
		srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			f.mu.Lock()
			f.called[i] = true
			if strings.HasSuffix(r.URL.Path, "/shipmentConfirmation") {
				f.confirms = append(f.confirms, i)
			}
			f.mu.Unlock()
			proxy.ServeHTTP(w, r)
		})}
		go srv.Serve(ln)
		t.Cleanup(func() { srv.Close() })
		f.lns = append(f.lns, ln)
	}
	t.Cleanup(f.hold.Release)
	return f
}

func (f *spapiFront) replicaEnv(i int) (string, []string) {
	base := "http://" + f.lns[i].Addr().String()
	return "spapi-" + string(rune('a'+i)), []string{"SELLERDESK_SPAPI_ENDPOINT=" + base, "SELLERDESK_SPAPI_TOKEN_URL=" + base + spapitest.TokenPath}
}

// started says the replica named has called Amazon.
func (f *spapiFront) started(name string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.called[int(name[len(name)-1]-'a')]
}

// heldBy names the replica whose confirmShipment is held.
func (f *spapiFront) heldBy() string {
	select {
	case <-f.hold.Arrived():
	default:
		return ""
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.confirms) == 0 {
		return ""
	}
	return "spapi-" + string(rune('a'+f.confirms[0]))
}

func (f *spapiFront) arrived() <-chan struct{} { return f.hold.Arrived() }

// TestFaultKillDuringAmazonConfirm: the replica confirming a shipment on
// Amazon is killed with SIGKILL while the fake holds its call (Amazon has
// the shipment, the answer never comes); the other replica takes the
// amazon sink over after the lease, looks on Amazon, and Amazon records
// exactly one confirmShipment for the shipment, which reads confirmed.
func TestFaultKillDuringAmazonConfirm(t *testing.T) {
	fake := spapitest.New(t, "../adapters/spapi/testdata/models")
	front := newSPAPIFront(t, fake, 2)
	db := newFaultDB(t)
	set := newReplicas(t, db, front, "SELLERDESK_SPAPI_CLIENT_ID="+spapitest.ClientID,
		"SELLERDESK_SPAPI_CLIENT_SECRET="+spapitest.ClientSecret, "SELLERDESK_SPAPI_REFRESH_TOKEN="+spapitest.RefreshToken,
		"SELLERDESK_SPAPI_MARKETPLACE_IDS=ATVPDKIKX0DER", "SELLERDESK_JOBS_DELIVERY_LEASE=10s", "SELLERDESK_JOBS_OUTBOX_CHECK=1s")
	for i := range 2 {
		set.start(i)
	}
	if !await(30*time.Second, func() bool {
		for _, p := range set.procs {
			if code, _, err := getHealth(context.Background(), p.addr); err != nil || code != http.StatusOK {
				return false
			}
		}
		return true
	}) {
		t.Fatal("the replicas did not both serve in 30 s")
	}
	db.awaitSink(t, "amazon")

	// Staff ship an order synced from Amazon: an engine of the test's own
	// with Amazon confirmations on, as the replicas have.
	store, err := sqlstore.Open(context.Background(), db.url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	engine := core.NewEngine(store, core.Options{AmazonConnected: true})
	ctx := context.Background()
	a := fakeAmazonOrders(1)[0]
	a.OrderID = "114-7000000-0000001"
	a.OrderItems[0].OrderItemID = a.OrderID + "-1"
	fake.AddOrders(a)
	o, err := spapi.ToCoreOrder(a)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := engine.Import(ctx, []core.Order{o}); err != nil {
		t.Fatal(err)
	}
	res, err := engine.RunLine(ctx, core.Actor{ID: "console:t", Name: "t", Role: core.Owner, Source: "console"}, "ship "+o.ID+" ups 1Z999AA10123456784", false)
	if err != nil {
		t.Fatal(err)
	}
	shipment := res.Order.Shipments[0]
	outboxID := db.count(t, `SELECT max(id) FROM $schema.outbox WHERE order_id = $1 AND kind = $2`, o.ID, string(core.EventAmazonShipment))

	select {
	case <-front.arrived():
	case <-time.After(60 * time.Second):
		t.Fatal("no replica confirmed the shipment on Amazon")
	}
	victimIdx := int(front.heldBy()[len("spapi-")] - 'a')
	victim, survivor := set.procs[victimIdx], set.procs[1-victimIdx]
	if err := victim.cmd.Process.Kill(); err != nil { // kill -9
		t.Fatal(err)
	}
	<-victim.done
	killed := time.Now()
	t.Logf("replica %d (pid %d) killed mid-confirmShipment of %s %s (outbox id %d)", victimIdx, victim.cmd.Process.Pid, o.ID, shipment.ID, outboxID)
	if after, next, _ := db.sinkState(t, "amazon"); after >= outboxID || !next.Valid {
		t.Fatalf("after the kill: after_id %d (confirmation %d), lease %v; want it in flight, leased", after, outboxID, next)
	}

	db.awaitDelivered(t, "amazon", 90*time.Second, survivor)
	t.Logf("the surviving replica delivered %s after the kill (lease 10 s)", time.Since(killed).Round(100*time.Millisecond))
	confirms := fake.Calls(spapi.OpConfirmShipment)
	looks := fake.Calls(spapi.OpGetOrder)
	t.Logf("Amazon saw %d confirmShipment and %d getOrder calls; %d packages on the order", len(confirms), len(looks), len(fake.Packages(o.ID)))
	if len(confirms) != 1 || len(fake.Packages(o.ID)) != 1 {
		t.Errorf("Amazon had the shipment confirmed %d times (%d packages), want exactly once", len(confirms), len(fake.Packages(o.ID)))
	}
	if len(looks) == 0 || !strings.Contains(survivor.stderr.String(), "on Amazon already; not confirming it again") {
		t.Errorf("the surviving replica did not look on Amazon before confirming")
	}
	got, err := engine.RunLine(ctx, core.Actor{ID: "console:t", Name: "t", Role: core.Owner, Source: "console"}, "order "+o.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	if s := got.Order.Shipments[0]; s.Amazon != core.AmazonConfirmed {
		t.Errorf("the shipment reads %q, want confirmed on Amazon", s.AmazonText())
	}
	checkNoSecrets(t, set.all)
	for _, p := range set.all {
		for _, secret := range []string{spapitest.ClientSecret, spapitest.RefreshToken, "Atza|"} {
			if strings.Contains(p.stderr.String(), secret) {
				t.Errorf("an Amazon secret (%.8s…) reached a replica's log", secret)
			}
		}
	}
}
