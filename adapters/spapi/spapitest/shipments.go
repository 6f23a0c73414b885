package spapitest

// Shipments the fake has been told of: each confirmShipment it accepts
// becomes a package of its order, shown by getOrder and searchOrders with
// includedData PACKAGES (as the 2026-01-01 model has them), so a client
// can look for a shipment it may have confirmed already. A confirmation
// can be held: done at Amazon, its answer not sent (a caller killed
// mid-call).

import (
	"context"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/sellerdesk/sellerdesk/adapters/spapi"
)

// shipped is the fake's record of confirmed shipments; guarded by Server.mu.
type shipped struct {
	packages map[string][]spapi.OrderPackage // by order id, oldest first
	hold     *Hold                           // the next confirmation to hold, once
}

// Hold is a confirmShipment whose answer the fake holds back.
type Hold struct {
	arrived chan struct{}
	release chan struct{}
	taken   bool
	once    sync.Once
}

// HoldNextConfirm makes the next confirmShipment that the fake accepts
// take effect (its package recorded, the call counted) with its answer
// held until Release, or until the caller goes away.
func (s *Server) HoldNextConfirm() *Hold {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := &Hold{arrived: make(chan struct{}), release: make(chan struct{})}
	s.shipped.hold = h
	return h
}

// Arrived is closed when the held confirmation has arrived.
func (h *Hold) Arrived() <-chan struct{} { return h.arrived }

// Release sends the held answer (to a caller still there).
func (h *Hold) Release() { h.once.Do(func() { close(h.release) }) }

// holdFor returns the hold a call is to wait on, nil for none. s.mu is held.
func (s *Server) holdFor(c Call) *Hold {
	h := s.shipped.hold
	if h == nil || h.taken || c.Op != spapi.OpConfirmShipment || c.Status != 204 {
		return nil
	}
	h.taken = true
	close(h.arrived)
	return h
}

// await waits for a held answer's release or its caller's leaving.
func (s *Server) await(ctx context.Context, h *Hold) {
	if h == nil {
		return
	}
	select {
	case <-h.release:
	case <-ctx.Done():
	}
}

// confirm records a confirmed shipment as a package of its order. The
// request has passed the model's checks. s.mu is held.
func (s *Server) confirm(path string, body []byte) (int, map[string]string, string) {
	// /orders/v0/orders/{orderId}/shipmentConfirmation
	id, _ := url.PathUnescape(strings.TrimSuffix(strings.TrimPrefix(path, "/orders/v0/orders/"), "/shipmentConfirmation"))
	var req spapi.ConfirmShipmentRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return 400, nil, ErrorBody("InvalidInput", "The request body could not be read.", "")
	}
	d := req.PackageDetail
	carrier := d.CarrierCode
	if carrier == "Other" {
		carrier = d.CarrierName
	}
	p := spapi.OrderPackage{PackageReferenceID: d.PackageReferenceID, CreatedTime: s.now().UTC().Format(time.RFC3339),
		Carrier: carrier, ShipTime: d.ShipDate, ShippingService: d.ShippingMethod, TrackingNumber: d.TrackingNumber}
	for _, it := range d.OrderItems {
		p.PackageItems = append(p.PackageItems, spapi.PackageItem{OrderItemID: it.OrderItemID, Quantity: it.Quantity})
	}
	if s.shipped.packages == nil {
		s.shipped.packages = map[string][]spapi.OrderPackage{}
	}
	s.shipped.packages[id] = append(s.shipped.packages[id], p)
	return 204, nil, ""
}

// withPackages is o with the packages confirmed for it. s.mu is held.
func (s *Server) withPackages(o spapi.Order) spapi.Order {
	if ps := s.shipped.packages[o.OrderID]; len(ps) > 0 {
		o.Packages = append(slices.Clone(o.Packages), ps...)
	}
	return o
}

// Packages returns the packages confirmed for an order, oldest first.
func (s *Server) Packages(orderID string) []spapi.OrderPackage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.shipped.packages[orderID])
}
