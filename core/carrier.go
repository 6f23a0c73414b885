package core

import "strings"

// Carrier is a shipping carrier as staff name it in a ship command.
type Carrier string

const (
	UPS   Carrier = "ups"
	USPS  Carrier = "usps"
	FedEx Carrier = "fedex"
	DHL   Carrier = "dhl"
	Other Carrier = "other" // any carrier not listed; needs a carrier name
)

// Carriers lists the carriers sellerdesk knows, in the order help shows them.
func Carriers() []Carrier { return []Carrier{UPS, USPS, FedEx, DHL, Other} }

// AmazonCode is the carrier-code Seller Central's shipping confirmation
// upload expects; "Other" goes with a carrier-name column.
func (c Carrier) AmazonCode() string {
	switch c {
	case UPS:
		return "UPS"
	case USPS:
		return "USPS"
	case FedEx:
		return "FedEx"
	case DHL:
		return "DHL"
	}
	return "Other"
}

// DisplayName is how a carrier is written to a person.
func (c Carrier) DisplayName() string {
	if c == Other {
		return "Other"
	}
	return c.AmazonCode()
}

// ParseCarrier reads a carrier name case-insensitively ("UPS", "Fedex").
func ParseCarrier(s string) (Carrier, bool) {
	c := Carrier(strings.ToLower(strings.TrimSpace(s)))
	for _, k := range Carriers() {
		if c == k {
			return c, true
		}
	}
	return "", false
}
