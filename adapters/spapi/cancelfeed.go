package spapi

import (
	"context"
	"encoding/xml"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// Cancels made in sellerdesk reach Amazon as an order acknowledgement feed
// (Feeds API 2021-06-30, feed type POST_ORDER_ACKNOWLEDGEMENT_DATA): an
// OrderAcknowledgement with StatusCode Failure and, per line cancelled, its
// AmazonOrderItemCode and a CancelReason. Amazon's current models offer no
// cancel operation: Orders API 2026-01-01 only reads, and Orders v0 has
// confirmShipment and updateShipmentStatus but nothing that cancels. The
// acknowledgement feed is what Seller Central's own "Cancel order" files for
// a merchant-fulfilled order, and the path Amazon documents for cancelling
// one through the API.
//
// One cancel is one feed, in three calls: createFeedDocument, an upload of
// the XML to the presigned URL it returns, createFeed. The feed's id is
// recorded on the order ("cancel sent to Amazon"); Check reads each sent
// feed's processing later with getFeed and its processing report, and
// records "processed" or "failed: <Amazon's reason>" (which alerts staff).

// FeedTypeOrderAcknowledgement is the order acknowledgement feed.
const FeedTypeOrderAcknowledgement = "POST_ORDER_ACKNOWLEDGEMENT_DATA"

// cancelContentType is the content type of an XML feed document.
const cancelContentType = "text/xml; charset=UTF-8"

// feedClockSkew is how much earlier than our clock's DocumentAt a feed
// may carry Amazon's createdTime: the look for a feed a cut-short try may
// have created starts that much before.
const feedClockSkew = 5 * time.Minute

// maxReport bounds a processing report read: one message's report is a
// few hundred bytes.
const maxReport = 1 << 20

// CancelFeed sends the cancels made in sellerdesk to Amazon: the amazon
// outbox sink hands it the EventAmazonCancel messages (Deliver), and a
// periodic job reads Amazon's answers (Check).
type CancelFeed struct {
	Client *Client
	// MarketplaceIDs are the seller's marketplaces (spapi.marketplace_ids);
	// a feed names the order's own when its sales channel says which.
	MarketplaceIDs []string
}

// Deliver sends one order's cancel to Amazon, exactly once across
// crashes and replicas. The feed document's id is recorded on the order
// before the feed is created; a try that finds one recorded without a feed
// (a replica died, or createFeed's answer was lost) looks for the feed
// among those Amazon lists since the document was made before making
// another. A feed Amazon refuses is recorded as failed and staff alerted:
// it is not retried, as nothing here would change Amazon's answer.
func (f *CancelFeed) Deliver(ctx context.Context, ev core.Event) error {
	e := f.Client.cfg.Engine
	o, err := e.OrderForDelivery(ctx, ev.OrderID)
	if err != nil {
		if core.ErrorCode(err) == core.NotFound {
			return core.Errorf(core.Invalid, "The cancel for Amazon names order %s, which is not in the store.", ev.OrderID)
		}
		return err
	}
	ac := o.AmazonCancel
	if ac == nil || ac.State != core.AmazonCancelQueued || ac.FeedID != "" {
		return nil // nothing to send, or sent by an earlier try
	}
	if ac.FeedDocumentID != "" {
		feedID, err := f.findFeed(ctx, ac)
		if err != nil {
			return err
		}
		if feedID != "" {
			f.Client.cfg.Log.Info("spapi cancel: found the feed an earlier try created", "order", o.ID, "feed", feedID)
			return f.recordSent(ctx, o.ID, feedID)
		}
	}
	body, err := OrderAcknowledgementXML(f.Client.cfg.Seller, o)
	if err != nil {
		return err
	}
	doc, err := f.Client.CreateFeedDocument(ctx, cancelContentType)
	if err != nil {
		return f.refused(ctx, o.ID, err)
	}
	now := e.Now()
	err = e.RecordAmazonCancel(ctx, o.ID, func(a *core.AmazonCancel) error {
		a.FeedDocumentID, a.DocumentAt = doc.FeedDocumentID, now
		return nil
	})
	if err != nil {
		return err
	}
	if err := f.Client.UploadFeedDocument(ctx, doc.URL, cancelContentType, body); err != nil {
		return err
	}
	feedID, err := f.Client.CreateFeed(ctx, CreateFeedSpecification{
		FeedType: FeedTypeOrderAcknowledgement, MarketplaceIDs: f.marketplaces(o), InputFeedDocumentID: doc.FeedDocumentID,
	})
	if err != nil {
		return f.refused(ctx, o.ID, err)
	}
	return f.recordSent(ctx, o.ID, feedID)
}

// refused records a call Amazon refused (Invalid: a 4xx with its
// message) as the cancel's failure; other errors go back for a retry.
func (f *CancelFeed) refused(ctx context.Context, orderID string, err error) error {
	if core.ErrorCode(err) != core.Invalid {
		return err
	}
	msg := core.ErrorMessage(err)
	return f.Client.cfg.Engine.RecordAmazonCancel(ctx, orderID, func(a *core.AmazonCancel) error {
		a.State, a.Error = core.AmazonCancelFailed, msg
		return nil
	})
}

func (f *CancelFeed) recordSent(ctx context.Context, orderID, feedID string) error {
	now := f.Client.cfg.Engine.Now()
	return f.Client.cfg.Engine.RecordAmazonCancel(ctx, orderID, func(a *core.AmazonCancel) error {
		a.State, a.FeedID, a.SentAt, a.Error = core.AmazonCancelSent, feedID, &now, ""
		return nil
	})
}

// findFeed looks for the feed a cut-short try of ac created: an order
// acknowledgement feed created since its document was made that is not
// the last one recorded on an order (nor older than that one). The amazon
// sink sends one message at a time, so at most one feed can be created and
// not recorded, and it is the newest; this assumes nothing else files
// order acknowledgement feeds for the seller (Seller Central's cancel
// button does not use the API).
func (f *CancelFeed) findFeed(ctx context.Context, ac *core.AmazonCancel) (string, error) {
	feeds, err := f.Client.GetFeeds(ctx, FeedTypeOrderAcknowledgement, ac.DocumentAt.Add(-feedClockSkew))
	if err != nil {
		return "", err
	}
	last, err := f.Client.cfg.Engine.Cursor(ctx, core.LastAmazonFeedCursor)
	if err != nil {
		return "", err
	}
	var after time.Time // feeds older than the last recorded one are not ours
	for _, fd := range feeds {
		if fd.FeedID == last {
			after = feedTime(fd)
		}
	}
	var found string
	var at time.Time
	for _, fd := range feeds {
		t := feedTime(fd)
		if fd.FeedID == last || fd.FeedType != FeedTypeOrderAcknowledgement || t.Before(after) {
			continue
		}
		if found == "" || t.After(at) {
			found, at = fd.FeedID, t
		}
	}
	return found, nil
}

// marketplaces names the feed's marketplace: the order's own when it is
// one of the seller's, else all of them (Amazon finds the order by id).
func (f *CancelFeed) marketplaces(o *core.Order) []string {
	if id, ok := MarketplaceID(o.SalesChannel); ok && slices.Contains(f.MarketplaceIDs, id) {
		return []string{id}
	}
	return f.MarketplaceIDs
}

// AmazonCancelReason is the OrderAcknowledgement CancelReason for a
// cancel reason; the system's own reasons (and "other") are a general
// adjustment.
func AmazonCancelReason(r core.CancelReason) string {
	switch r {
	case core.NoInventory:
		return "NoInventory"
	case core.BuyerCanceled:
		return "BuyerCanceled"
	case core.AddressUndeliverable:
		return "ShippingAddressUndeliverable"
	case core.PricingError:
		return "PricingError"
	}
	return "GeneralAdjustment"
}

// The OrderAcknowledgement feed, as Amazon's amzn-envelope.xsd and
// OrderAcknowledgement.xsd lay it out.
type ackEnvelope struct {
	XMLName     xml.Name     `xml:"AmazonEnvelope"`
	XSI         string       `xml:"xmlns:xsi,attr"`
	Schema      string       `xml:"xsi:noNamespaceSchemaLocation,attr"`
	Header      ackHeader    `xml:"Header"`
	MessageType string       `xml:"MessageType"`
	Messages    []ackMessage `xml:"Message"`
}

type ackHeader struct {
	DocumentVersion    string `xml:"DocumentVersion"`
	MerchantIdentifier string `xml:"MerchantIdentifier"`
}

type ackMessage struct {
	MessageID int      `xml:"MessageID"`
	Ack       orderAck `xml:"OrderAcknowledgement"`
}

type orderAck struct {
	AmazonOrderID string    `xml:"AmazonOrderID"`
	StatusCode    string    `xml:"StatusCode"`
	Items         []ackItem `xml:"Item"`
}

type ackItem struct {
	AmazonOrderItemCode string `xml:"AmazonOrderItemCode"`
	CancelReason        string `xml:"CancelReason"`
}

// OrderAcknowledgementXML is the feed that cancels o's lines recorded in
// its AmazonCancel (all of them when none is recorded: the whole order),
// each with the cancel's reason. merchant is the seller id (the envelope's
// MerchantIdentifier).
func OrderAcknowledgementXML(merchant string, o *core.Order) ([]byte, error) {
	ac := o.AmazonCancel
	if ac == nil {
		return nil, core.Errorf(core.Internal, "Order %s has no cancel for Amazon.", o.ID)
	}
	ack := orderAck{AmazonOrderID: o.ID, StatusCode: "Failure"}
	for _, l := range ac.Lines {
		ack.Items = append(ack.Items, ackItem{AmazonOrderItemCode: l.OrderItemID, CancelReason: AmazonCancelReason(ac.Reason)})
	}
	env := ackEnvelope{
		XSI: "http://www.w3.org/2001/XMLSchema-instance", Schema: "amzn-envelope.xsd",
		Header:      ackHeader{DocumentVersion: "1.01", MerchantIdentifier: merchant},
		MessageType: "OrderAcknowledgement",
		Messages:    []ackMessage{{MessageID: 1, Ack: ack}},
	}
	b, err := xml.MarshalIndent(env, "", "  ")
	if err != nil {
		return nil, core.Errorf(core.Internal, "Could not write the cancel feed of order %s: %v", o.ID, err)
	}
	return append([]byte(xml.Header), b...), nil
}

// processingReport is the part of a feed's processing report Check reads.
type processingReport struct {
	Messages []struct {
		Report struct {
			StatusCode string `xml:"StatusCode"`
			Summary    struct {
				Processed int `xml:"MessagesProcessed"`
				Succeeded int `xml:"MessagesSuccessful"`
				Errors    int `xml:"MessagesWithError"`
			} `xml:"ProcessingSummary"`
			Results []struct {
				Code        string `xml:"ResultCode"`
				MessageCode string `xml:"ResultMessageCode"`
				Description string `xml:"ResultDescription"`
			} `xml:"Result"`
		} `xml:"ProcessingReport"`
	} `xml:"Message"`
}

// CheckStats counts what a Check found.
type CheckStats struct {
	Checked   int `json:"checked"`
	Processed int `json:"processed"`
	Failed    int `json:"failed"`
	Waiting   int `json:"waiting"`
}

// Check reads Amazon's processing of the cancels sent and not yet
// answered (getFeed, then the processing report of a finished feed) and
// records each answer on its order. A feed still queued or in progress
// is left for the next check.
func (f *CancelFeed) Check(ctx context.Context) (CheckStats, error) {
	var st CheckStats
	e := f.Client.cfg.Engine
	orders, err := e.AmazonCancelsIn(ctx, core.AmazonCancelSent, 100)
	if err != nil {
		return st, err
	}
	for _, o := range orders {
		st.Checked++
		fd, err := f.Client.GetFeed(ctx, o.AmazonCancel.FeedID)
		if err != nil {
			return st, err
		}
		var fail string
		switch fd.ProcessingStatus {
		case FeedInQueue, FeedInProgress:
			st.Waiting++
			continue
		case FeedCancelled:
			fail = "the feed was cancelled before Amazon processed it"
		case FeedFatal:
			fail = "Amazon could not process the feed"
			if fd.ResultFeedDocumentID != "" {
				if why, err := f.reportErrors(ctx, fd.ResultFeedDocumentID); err == nil && why != "" {
					fail += ": " + why
				}
			}
		case FeedDone:
			why, err := f.reportErrors(ctx, fd.ResultFeedDocumentID)
			if err != nil {
				return st, err
			}
			fail = why
		default:
			return st, core.Errorf(core.Unavailable, "Amazon's feed %s has an unknown processing status %q.", fd.FeedID, fd.ProcessingStatus)
		}
		err = e.RecordAmazonCancel(ctx, o.ID, func(a *core.AmazonCancel) error {
			if a.State != core.AmazonCancelSent || a.FeedID != fd.FeedID {
				return nil // answered meanwhile
			}
			a.State = core.AmazonCancelProcessed
			if fail != "" {
				a.State, a.Error = core.AmazonCancelFailed, fail
			}
			return nil
		})
		if err != nil {
			return st, err
		}
		if fail != "" {
			st.Failed++
		} else {
			st.Processed++
		}
	}
	return st, nil
}

// reportErrors reads a processing report and returns Amazon's errors in
// it, "" when every message was processed without one.
func (f *CancelFeed) reportErrors(ctx context.Context, documentID string) (string, error) {
	if documentID == "" {
		return "", core.Errorf(core.Unavailable, "Amazon finished the feed without a processing report.")
	}
	doc, err := f.Client.GetFeedDocument(ctx, documentID)
	if err != nil {
		return "", err
	}
	b, err := f.Client.DownloadFeedDocument(ctx, doc, maxReport)
	if err != nil {
		return "", err
	}
	var r processingReport
	if err := xml.Unmarshal(b, &r); err != nil || len(r.Messages) == 0 {
		return "", core.Errorf(core.Unavailable, "Amazon's processing report could not be read.")
	}
	var errs []string
	for _, m := range r.Messages {
		for _, res := range m.Report.Results {
			if strings.EqualFold(res.Code, "Error") {
				errs = append(errs, strings.TrimSpace(fmt.Sprintf("%s (%s)", res.Description, res.MessageCode)))
			}
		}
		if m.Report.Summary.Errors > 0 && len(errs) == 0 {
			errs = append(errs, fmt.Sprintf("%d message(s) with errors", m.Report.Summary.Errors))
		}
	}
	return strings.Join(errs, "; "), nil
}
