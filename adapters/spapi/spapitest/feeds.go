package spapitest

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sellerdesk/sellerdesk/adapters/spapi"
)

// The Feeds API of the fake: createFeedDocument hands out an upload URL on
// the fake itself, the upload is kept, createFeed checks the document (an
// order acknowledgement feed must have Amazon's OrderAcknowledgement shape)
// and queues the feed, getFeed and getFeeds report it, and ProcessFeeds
// plays Amazon's processing, leaving a processing report to download.

// DocPath is where the fake's presigned upload and download URLs live.
const DocPath = "/feed-documents/"

// FeedDoc is a feed document: its content type, what was uploaded, and
// whether it is a processing report the fake wrote.
type FeedDoc struct {
	ID          string
	ContentType string
	Body        []byte
	Uploaded    bool
}

// FakeFeed is a feed the fake holds.
type FakeFeed struct {
	Feed     spapi.Feed
	Document string // the input document id
	// Orders are the AmazonOrderIDs of an order acknowledgement feed.
	Orders []string
}

type feedState struct {
	docs    map[string]*FeedDoc
	feeds   []*FakeFeed
	refuse  map[string]string // order id → processing error
	lose    map[string]int    // op → answers to lose after acting
	created int
}

// RefuseCancel makes the processing of a later order acknowledgement for
// orderID end in an error with Amazon's message.
func (s *Server) RefuseCancel(orderID, message string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.feed.refuse == nil {
		s.feed.refuse = map[string]string{}
	}
	s.feed.refuse[orderID] = message
}

// LoseAnswers makes the next n calls of op (createFeed) act and then
// answer 500, as when a replica dies or the connection drops after
// Amazon did the work.
func (s *Server) LoseAnswers(op string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.feed.lose == nil {
		s.feed.lose = map[string]int{}
	}
	s.feed.lose[op] += n
}

// Feeds returns the feeds created so far, oldest first.
func (s *Server) Feeds() []FakeFeed {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]FakeFeed, len(s.feed.feeds))
	for i, f := range s.feed.feeds {
		out[i] = *f
		out[i].Orders = slices.Clone(f.Orders)
	}
	return out
}

// Document returns a feed document by id (nil when unknown).
func (s *Server) Document(id string) *FeedDoc {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.feed.docs[id]
	if d == nil {
		return nil
	}
	c := *d
	c.Body = slices.Clone(d.Body)
	return &c
}

// ProcessFeeds processes every queued feed: DONE with a processing report
// naming an error for each order RefuseCancel or the fake's orders refuse
// (an unknown order, an item not in it).
func (s *Server) ProcessFeeds() {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now().UTC().Format(time.RFC3339)
	for _, f := range s.feed.feeds {
		if f.Feed.ProcessingStatus != spapi.FeedInQueue {
			continue
		}
		var results []string
		ok := 0
		for i, id := range f.Orders {
			why := s.feed.refuse[id]
			if why == "" && !s.knowsOrder(id) {
				why = fmt.Sprintf("The order id %s was not found in our system.", id)
			}
			if why == "" {
				ok++
				continue
			}
			var b strings.Builder
			xml.EscapeText(&b, []byte(why))
			results = append(results, fmt.Sprintf("<Result><MessageID>%d</MessageID><ResultCode>Error</ResultCode><ResultMessageCode>18028</ResultMessageCode><ResultDescription>%s</ResultDescription></Result>", i+1, b.String()))
		}
		report := fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>
<AmazonEnvelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="amzn-envelope.xsd">
<Header><DocumentVersion>1.02</DocumentVersion><MerchantIdentifier>FAKE</MerchantIdentifier></Header>
<MessageType>ProcessingReport</MessageType>
<Message><MessageID>1</MessageID><ProcessingReport><DocumentTransactionID>%s</DocumentTransactionID><StatusCode>Complete</StatusCode>
<ProcessingSummary><MessagesProcessed>%d</MessagesProcessed><MessagesSuccessful>%d</MessagesSuccessful><MessagesWithError>%d</MessagesWithError><MessagesWithWarning>0</MessagesWithWarning></ProcessingSummary>
%s</ProcessingReport></Message>
</AmazonEnvelope>`, f.Feed.FeedID, len(f.Orders), ok, len(f.Orders)-ok, strings.Join(results, "\n"))
		s.feed.created++
		id := fmt.Sprintf("amzn1.tortuga.4.na.REPORT-%d", s.feed.created)
		s.feed.docs[id] = &FeedDoc{ID: id, ContentType: "text/xml", Body: []byte(report), Uploaded: true}
		f.Feed.ProcessingStatus, f.Feed.ProcessingStartTime, f.Feed.ProcessingEndTime, f.Feed.ResultFeedDocumentID = spapi.FeedDone, now, now, id
	}
}

func (s *Server) knowsOrder(id string) bool {
	for _, o := range s.orders {
		if o.OrderID == id {
			return true
		}
	}
	return false
}

// document serves the presigned URLs: PUT uploads a document's contents
// (with the content type it was made for), GET downloads one. No access
// token: the URL is its own authorisation.
func (s *Server) document(r *http.Request, c *Call) (int, map[string]string, string) {
	id, _ := url.PathUnescape(strings.TrimPrefix(r.URL.Path, DocPath))
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.feed.docs[id]
	switch {
	case d == nil || r.URL.Query().Get("sig") != sig(id):
		c.Op = "document"
		return 403, nil, "<Error><Code>AccessDenied</Code><Message>Request has expired or the signature does not match</Message></Error>"
	case r.Method == http.MethodPut:
		c.Op = "upload"
		if c.Token != "" {
			return 400, nil, "<Error><Code>InvalidArgument</Code><Message>Only one auth mechanism allowed; an x-amz-access-token header is not expected</Message></Error>"
		}
		if ct := r.Header.Get("Content-Type"); ct != d.ContentType {
			return 403, nil, fmt.Sprintf("<Error><Code>SignatureDoesNotMatch</Code><Message>Content-Type %q is not the document's %q</Message></Error>", ct, d.ContentType)
		}
		d.Body, d.Uploaded = slices.Clone(c.Body), true
		return 200, nil, ""
	case r.Method == http.MethodGet:
		c.Op = "download"
		return 200, map[string]string{"Content-Type": d.ContentType}, string(d.Body)
	}
	c.Op = "document"
	return 405, nil, ""
}

func sig(id string) string { return fmt.Sprintf("%x", len(id)*7919) }

// feeds answers the Feeds API operations (called with s.mu held, after
// the request passed the model's checks and auth).
func (s *Server) feeds(op string, r *http.Request, c *Call) (int, map[string]string, string) {
	if s.feed.docs == nil {
		s.feed.docs = map[string]*FeedDoc{}
	}
	last := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
	switch op {
	case spapi.OpCreateFeedDocument:
		var spec spapi.CreateFeedDocumentSpecification
		_ = json.Unmarshal(c.Body, &spec)
		s.feed.created++
		id := fmt.Sprintf("amzn1.tortuga.4.na.DOC-%d", s.feed.created)
		s.feed.docs[id] = &FeedDoc{ID: id, ContentType: spec.ContentType}
		u := s.URL + DocPath + url.PathEscape(id) + "?sig=" + sig(id)
		return jsonStatus(201, spapi.CreateFeedDocumentResponse{FeedDocumentID: id, URL: u})
	case spapi.OpCreateFeed:
		var spec spapi.CreateFeedSpecification
		_ = json.Unmarshal(c.Body, &spec)
		d := s.feed.docs[spec.InputFeedDocumentID]
		if d == nil || !d.Uploaded {
			return 400, nil, ErrorBody("InvalidInput", "inputFeedDocumentId "+spec.InputFeedDocumentID+" names no uploaded document.", "")
		}
		f := &FakeFeed{Document: d.ID}
		if spec.FeedType == spapi.FeedTypeOrderAcknowledgement {
			orders, errs := CheckOrderAcknowledgement(d.Body, d.ContentType)
			if len(errs) > 0 {
				return 400, nil, ErrorBody("InvalidInput", "The feed document does not match the OrderAcknowledgement schema: "+strings.Join(errs, "; "), "")
			}
			f.Orders = orders
		}
		s.feed.created++
		f.Feed = spapi.Feed{FeedID: strconv.Itoa(50000000000 + s.feed.created), FeedType: spec.FeedType, MarketplaceIDs: spec.MarketplaceIDs,
			CreatedTime: time.Now().UTC().Format(time.RFC3339), ProcessingStatus: spapi.FeedInQueue}
		s.feed.feeds = append(s.feed.feeds, f)
		if s.feed.lose[op] > 0 {
			s.feed.lose[op]--
			return 500, nil, ErrorBody("InternalFailure", "We encountered an internal error. Please try again.", "")
		}
		return jsonStatus(202, spapi.CreateFeedResponse{FeedID: f.Feed.FeedID})
	case spapi.OpGetFeed:
		for _, f := range s.feed.feeds {
			if f.Feed.FeedID == last {
				return jsonOK(f.Feed)
			}
		}
		return 404, nil, ErrorBody("NotFound", "Feed "+last+" not found.", "")
	case spapi.OpGetFeeds:
		q := r.URL.Query()
		if q.Has("nextToken") && len(q) > 1 {
			return 400, nil, ErrorBody("InvalidInput", "nextToken must be the only parameter.", "")
		}
		if q.Has("nextToken") {
			return 400, nil, ErrorBody("InvalidInput", "Invalid nextToken.", "") // the fake answers in one page
		}
		types := strings.Split(q.Get("feedTypes"), ",")
		if !q.Has("feedTypes") {
			return 400, nil, ErrorBody("InvalidInput", "feedTypes is required without nextToken.", "")
		}
		since := time.Now().Add(-90 * 24 * time.Hour)
		if v := q.Get("createdSince"); v != "" {
			since, _ = time.Parse(time.RFC3339, v)
		}
		out := spapi.GetFeedsResponse{Feeds: []spapi.Feed{}}
		for _, f := range s.feed.feeds {
			at, _ := time.Parse(time.RFC3339, f.Feed.CreatedTime)
			if slices.Contains(types, f.Feed.FeedType) && !at.Before(since) {
				out.Feeds = append(out.Feeds, f.Feed)
			}
		}
		return jsonOK(out)
	case spapi.OpGetFeedDocument:
		d := s.feed.docs[last]
		if d == nil {
			return 404, nil, ErrorBody("NotFound", "Document "+last+" not found.", "")
		}
		return jsonOK(spapi.FeedDocument{FeedDocumentID: d.ID, URL: s.URL + DocPath + url.PathEscape(d.ID) + "?sig=" + sig(d.ID)})
	}
	return 404, nil, ErrorBody("NotFound", "No such feeds operation "+op, "")
}

func jsonStatus(status int, v any) (int, map[string]string, string) {
	_, h, body := jsonOK(v)
	return status, h, body
}

// The OrderAcknowledgement feed's shape, from Amazon's amzn-envelope.xsd
// and OrderAcknowledgement.xsd: each element's children in sequence, with
// how many of each may appear.
type xchild struct {
	name     string
	min, max int // max 0: unbounded
}

var ackShape = map[string][]xchild{
	"AmazonEnvelope":       {{"Header", 1, 1}, {"MessageType", 1, 1}, {"PurgeAndReplace", 0, 1}, {"Message", 1, 0}},
	"Header":               {{"DocumentVersion", 1, 1}, {"MerchantIdentifier", 1, 1}},
	"Message":              {{"MessageID", 1, 1}, {"OperationType", 0, 1}, {"OrderAcknowledgement", 1, 1}},
	"OrderAcknowledgement": {{"AmazonOrderID", 1, 1}, {"MerchantOrderID", 0, 1}, {"StatusCode", 1, 1}, {"Item", 0, 0}},
	"Item":                 {{"AmazonOrderItemCode", 1, 1}, {"MerchantOrderItemID", 0, 1}, {"CancelReason", 0, 1}},
}

// AckCancelReasons are the CancelReason values OrderAcknowledgement.xsd
// allows.
var AckCancelReasons = []string{"NoInventory", "ShippingAddressUndeliverable", "CustomerExchange", "BuyerCanceled",
	"GeneralAdjustment", "CarrierCreditDecision", "RiskAssessmentInformationNotValid", "CarrierCoverageFailure",
	"CustomerReturn", "MerchandiseNotReceived", "PricingError"}

var amazonOrderID = regexp.MustCompile(`^\d{3}-\d{7}-\d{7}$`)

type xnode struct {
	XMLName xml.Name
	Nodes   []xnode `xml:",any"`
	Text    string  `xml:",chardata"`
}

// CheckOrderAcknowledgement checks an order acknowledgement feed
// document against Amazon's schema shape and returns its orders' ids and
// what is wrong.
func CheckOrderAcknowledgement(body []byte, contentType string) (orders []string, errs []string) {
	if !strings.HasPrefix(contentType, "text/xml") {
		errs = append(errs, fmt.Sprintf("an XML feed's document must be text/xml, not %q", contentType))
	}
	var root xnode
	if err := xml.Unmarshal(body, &root); err != nil {
		return nil, append(errs, "not XML: "+err.Error())
	}
	if root.XMLName.Local != "AmazonEnvelope" {
		return nil, append(errs, "the root element is "+root.XMLName.Local+", not AmazonEnvelope")
	}
	var walk func(at string, n xnode)
	walk = func(at string, n xnode) {
		shape, ok := ackShape[n.XMLName.Local]
		if !ok {
			return // a leaf
		}
		i := 0
		for _, want := range shape {
			count := 0
			for i < len(n.Nodes) && n.Nodes[i].XMLName.Local == want.name {
				walk(at+"/"+want.name, n.Nodes[i])
				count++
				i++
			}
			if count < want.min || (want.max > 0 && count > want.max) {
				errs = append(errs, fmt.Sprintf("%s has %d %s (expected %d to %s)", at, count, want.name, want.min, maxText(want.max)))
			}
		}
		if i < len(n.Nodes) {
			errs = append(errs, fmt.Sprintf("%s: unexpected element %s", at, n.Nodes[i].XMLName.Local))
		}
	}
	walk("AmazonEnvelope", root)
	leaf := func(n xnode, name string) (string, bool) {
		for _, c := range n.Nodes {
			if c.XMLName.Local == name {
				return strings.TrimSpace(c.Text), true
			}
		}
		return "", false
	}
	if mt, _ := leaf(root, "MessageType"); mt != "OrderAcknowledgement" {
		errs = append(errs, fmt.Sprintf("MessageType is %q, not OrderAcknowledgement", mt))
	}
	for _, m := range root.Nodes {
		if m.XMLName.Local == "Header" {
			for _, k := range []string{"DocumentVersion", "MerchantIdentifier"} {
				if v, _ := leaf(m, k); v == "" {
					errs = append(errs, "Header/"+k+" is empty")
				}
			}
		}
		if m.XMLName.Local != "Message" {
			continue
		}
		if v, _ := leaf(m, "MessageID"); !positive(v) {
			errs = append(errs, fmt.Sprintf("MessageID %q is not a positive integer", v))
		}
		for _, a := range m.Nodes {
			if a.XMLName.Local != "OrderAcknowledgement" {
				continue
			}
			id, _ := leaf(a, "AmazonOrderID")
			if !amazonOrderID.MatchString(id) {
				errs = append(errs, fmt.Sprintf("AmazonOrderID %q is not an Amazon order id (3-7-7 digits)", id))
			}
			orders = append(orders, id)
			status, _ := leaf(a, "StatusCode")
			if status != "Success" && status != "Failure" {
				errs = append(errs, fmt.Sprintf("StatusCode %q is neither Success nor Failure", status))
			}
			for _, it := range a.Nodes {
				if it.XMLName.Local != "Item" {
					continue
				}
				if code, _ := leaf(it, "AmazonOrderItemCode"); code == "" {
					errs = append(errs, "Item/AmazonOrderItemCode is empty")
				}
				if r, ok := leaf(it, "CancelReason"); ok && !slices.Contains(AckCancelReasons, r) {
					errs = append(errs, fmt.Sprintf("CancelReason %q is not one of %s", r, strings.Join(AckCancelReasons, ", ")))
				} else if ok && status != "Failure" {
					errs = append(errs, "a CancelReason in an acknowledgement whose StatusCode is not Failure")
				}
			}
		}
	}
	return orders, errs
}

func positive(s string) bool {
	n, err := strconv.Atoi(s)
	return err == nil && n > 0
}

func maxText(n int) string {
	if n == 0 {
		return "any"
	}
	return strconv.Itoa(n)
}
