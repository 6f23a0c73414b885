package spapi

import "strings"

// marketplaceID is Amazon's marketplace id of a sales channel as order
// reports and the Orders API name it ("Amazon.de"), lower-cased; from
// Amazon's "Marketplace IDs" page of the SP-API documentation.
func marketplaceID(channel string) string {
	switch channel {
	case "amazon.ca":
		return "A2EUQ1WTGCTBG2"
	case "amazon.com":
		return "ATVPDKIKX0DER"
	case "amazon.com.mx":
		return "A1AM78C64UM0Y8"
	case "amazon.com.br":
		return "A2Q3Y263D00KWC"
	case "amazon.ie":
		return "A28R8C7NBKEWEA"
	case "amazon.es":
		return "A1RKKUPIHCS9HS"
	case "amazon.co.uk":
		return "A1F83G8C2ARO7P"
	case "amazon.fr":
		return "A13V1IB3VIYZZH"
	case "amazon.com.be":
		return "AMEN7PMS3EDWL"
	case "amazon.nl":
		return "A1805IZSGTT6HS"
	case "amazon.de":
		return "A1PA6795UKMFR9"
	case "amazon.it":
		return "APJ6JRA9NG5V4"
	case "amazon.se":
		return "A2NODRKZP88ZB9"
	case "amazon.co.za":
		return "AE08WJ6YKNBMC"
	case "amazon.pl":
		return "A1C3SOZRARQ6R3"
	case "amazon.eg":
		return "ARBP9OOSHTCHU"
	case "amazon.com.tr":
		return "A33AVAJ2PDY3EV"
	case "amazon.sa":
		return "A17E79C6D8DWNP"
	case "amazon.ae":
		return "A2VIGQ35RCS4UG"
	case "amazon.in":
		return "A21TJRUUN4KGV"
	case "amazon.sg":
		return "A19VAU5U5O7RUS"
	case "amazon.com.au":
		return "A39IBJ37TRP1C6"
	case "amazon.co.jp":
		return "A1VC38T7YXB528"
	}
	return ""
}

// MarketplaceFor is the marketplace id of an order's sales channel: the
// one Amazon documents for it, or else the only one configured (an order
// without a known channel can only be from there). ok is false when
// neither says.
func MarketplaceFor(salesChannel string, configured []string) (id string, ok bool) {
	if id := marketplaceID(strings.ToLower(strings.TrimSpace(salesChannel))); id != "" {
		return id, true
	}
	if len(configured) == 1 {
		return configured[0], true
	}
	return "", false
}
