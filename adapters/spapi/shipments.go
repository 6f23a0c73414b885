package spapi

// Shipments out: a shipment confirmed on any desk reaches Amazon as
// confirmShipment (Orders v0), exactly once.
//
// Exactly once rests on the shipment's Amazon state in the store and on
// Amazon's own record. A shipment is sent while it is waiting for Amazon;
// Amazon's answer is recorded on it (confirmed, or refused with Amazon's
// reason), so a later delivery of the order sends it no more. A round
// that takes over from a replica that died mid-call, or follows a call
// that failed in a way that may still have reached Amazon (core marks
// the event MaybeSent), first reads the order's packages (getOrder,
// includedData PACKAGES) and does not confirm a shipment whose tracking
// number Amazon already has.

import (
	"context"
	"hash/fnv"
	"strconv"
	"strings"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// salesChannel is an order's sales channel as the order reports write it
// ("Amazon.de"): the model's channelName is only AMAZON or NON_AMAZON,
// and a shipment confirmation needs the marketplace.
func salesChannel(c SalesChannel) string {
	switch {
	case c.MarketplaceName != "":
		return c.MarketplaceName
	case marketplaceName(c.MarketplaceID) != "":
		return marketplaceName(c.MarketplaceID)
	}
	return c.ChannelName
}

// ConfirmShipmentFor is the confirmShipment body of a shipment of an
// order sold on marketplace: only the shipment's own lines and units (a
// partial shipment confirms only what it carried).
func ConfirmShipmentFor(s core.Shipment, marketplace string) ConfirmShipmentRequest {
	d := PackageDetail{
		PackageReferenceID: packageReference(s.ID),
		// Amazon's carrier codes for the carriers sellerdesk knows; any
		// other goes as "Other" with the name staff gave.
		CarrierCode:    s.Carrier.AmazonCode(),
		TrackingNumber: s.Tracking,
		ShipDate:       s.ShipDate.UTC().Format(time.RFC3339),
	}
	if s.Carrier == core.Other {
		d.CarrierName = s.CarrierName
	}
	for _, l := range s.Lines {
		d.OrderItems = append(d.OrderItems, ConfirmShipmentOrderItem{OrderItemID: l.OrderItemID, Quantity: l.Quantity})
	}
	return ConfirmShipmentRequest{PackageDetail: d, MarketplaceID: marketplace}
}

// packageReference is the packageReferenceId of a shipment: a positive
// number (all Amazon takes) unique within the order, the same for every
// try, made from the shipment's id.
func packageReference(shipmentID string) string {
	h := fnv.New32a()
	h.Write([]byte(shipmentID))
	return strconv.FormatUint(uint64(h.Sum32())+1, 10)
}

// deliverShipment confirms on Amazon the order's shipments waiting for it
// (the one ev was written for, and any shipped since), oldest first.
func (s *Sink) deliverShipment(ctx context.Context, ev core.Event) error {
	o, waiting, err := s.engine.ShipmentsForAmazon(ctx, ev.OrderID)
	if core.ErrorCode(err) == core.NotFound {
		return &core.Error{Code: core.Invalid, Message: "The order of this shipment confirmation no longer exists: " + ev.OrderID, Err: err}
	}
	if err != nil {
		return err
	}
	var onAmazon []OrderPackage
	looked := !ev.MaybeSent
	for _, sh := range waiting {
		out := core.AmazonOutcome{OrderID: o.ID, ShipmentID: sh.ID, Tracking: sh.Tracking}
		mkt, ok := MarketplaceID(o.SalesChannel)
		if !ok {
			out.Refusal = "sellerdesk does not know the Amazon marketplace of sales channel \"" + o.SalesChannel +
				"\", so it cannot confirm the shipment there; confirm it in Seller Central."
			if err := s.engine.RecordAmazon(ctx, out); err != nil {
				return err
			}
			continue
		}
		if !looked {
			// A try before this one may have reached Amazon.
			a, err := s.client.GetOrder(ctx, o.ID, []string{IncludePackages})
			switch {
			case err == nil:
				onAmazon = a.Packages
			case core.ErrorCode(err) != core.NotFound: // unknown there: confirmShipment says so
				return err
			}
			looked = true
		}
		if hasTracking(onAmazon, sh.Tracking) {
			s.log.Info("amazon: the shipment is on Amazon already; not confirming it again", "outbox_id", ev.ID, "order", o.ID, "shipment", sh.ID)
			out.Confirmed = true
			if err := s.engine.RecordAmazon(ctx, out); err != nil {
				return err
			}
			continue
		}
		err := s.client.ConfirmShipment(ctx, o.ID, ConfirmShipmentFor(sh, mkt))
		if r, ok := refusal(err); ok {
			// Amazon will refuse it again as it is: staff correct it.
			s.log.Warn("amazon: shipment confirmation refused", "outbox_id", ev.ID, "order", o.ID, "shipment", sh.ID, "status", r.Status, "reason", r.Message)
			out.Refusal = r.Message
		} else if err != nil {
			return err // temporary (or the credentials): the outbox retries
		} else {
			out.Confirmed = true
			s.log.Info("amazon: shipment confirmed", "outbox_id", ev.ID, "order", o.ID, "shipment", sh.ID)
		}
		if err := s.engine.RecordAmazon(ctx, out); err != nil {
			// Amazon has answered: the retry looks there before sending.
			return err
		}
	}
	return nil
}

// hasTracking reports whether one of Amazon's packages carries the
// tracking number (as carriers print them: case and spaces aside).
func hasTracking(packages []OrderPackage, tracking string) bool {
	norm := func(s string) string { return strings.ToUpper(strings.Join(strings.Fields(s), "")) }
	want := norm(tracking)
	for _, p := range packages {
		if want != "" && norm(p.TrackingNumber) == want {
			return true
		}
	}
	return false
}
