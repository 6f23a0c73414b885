package spapi

import "strings"

// marketplaces maps a sales channel as Amazon's order reports and the
// Orders API (marketplaceName) write it to the marketplace id the SP-API
// takes.
func marketplaces() map[string]string {
	return map[string]string{
		"amazon.com":    "ATVPDKIKX0DER",
		"amazon.ca":     "A2EUQ1WTGCTBG2",
		"amazon.com.mx": "A1AM78C64UM0Y8",
		"amazon.com.br": "A2Q3Y263D00KWC",
		"amazon.co.uk":  "A1F83G8C2ARO7P",
		"amazon.ie":     "A28R8C7NBKEWEA",
		"amazon.de":     "A1PA6795UKMFR9",
		"amazon.fr":     "A13V1IB3VIYZZH",
		"amazon.it":     "APJ6JRA9NG5V4",
		"amazon.es":     "A1RKKUPIHCS9HS",
		"amazon.nl":     "A1805IZSGTT6HS",
		"amazon.se":     "A2NODRKZP88ZB9",
		"amazon.pl":     "A1C3SOZRARQ6R3",
		"amazon.com.be": "AMEN7PMS3EDWL",
		"amazon.com.tr": "A33AVAJ2PDY3EV",
		"amazon.ae":     "A2VIGQ35RCS4UG",
		"amazon.sa":     "A17E79C6D8DWNP",
		"amazon.eg":     "ARBP9OOSHTCHU",
		"amazon.in":     "A21TJRUUN4KGV",
		"amazon.co.za":  "AE08WJ6YKNBMC",
		"amazon.co.jp":  "A1VC38T7YXB528",
		"amazon.com.au": "A39IBJ37TRP1C6",
		"amazon.sg":     "A19VAU5U5O7RUS",
	}
}

// MarketplaceID is the SP-API marketplace id of a sales channel
// ("Amazon.co.uk"), false when sellerdesk does not know it.
func MarketplaceID(salesChannel string) (string, bool) {
	id, ok := marketplaces()[strings.ToLower(strings.TrimSpace(salesChannel))]
	return id, ok
}

// marketplaceName is the sales channel of a marketplace id ("Amazon.de"),
// "" when unknown.
func marketplaceName(id string) string {
	for name, mid := range marketplaces() {
		if mid == id {
			return "Amazon." + strings.TrimPrefix(name, "amazon.")
		}
	}
	return ""
}

// MarketplaceFor is the marketplace id of an order's sales channel: the
// one Amazon documents for it, or else the only one configured (an order
// without a known channel can only be from there). ok is false when
// neither says.
func MarketplaceFor(salesChannel string, configured []string) (id string, ok bool) {
	if id, ok := MarketplaceID(salesChannel); ok {
		return id, true
	}
	if len(configured) == 1 {
		return configured[0], true
	}
	return "", false
}
