package core

import (
	"context"
	"regexp"
	"slices"
	"strings"
)

// orderIDInText is an order id as a buyer writes it in a message: the
// marketplace's 3-7-7 digits.
var orderIDInText = regexp.MustCompile(`\b\d{3}-\d{7}-\d{7}\b`)

// maxNamedOrders bounds the order ids a draft looks up from what the buyer
// wrote: a message pasting a list of ids is not read further.
const maxNamedOrders = 3

// draftOrder is the order a draft of c may be grounded in (and a reply to
// it checked against). It is the conversation's own order when it has one:
// the order a help-page buyer proved is theirs (a verified session), or the
// order Amazon's relay mail is about. Without one, on Amazon relay mail
// only, it is an order the buyer names in their messages (newest first)
// whose buyer is that relay address: Amazon gives each buyer their own
// relay address, so the channel vouches the order is theirs. No other
// channel grounds a draft in an order id the sender typed: a plain email
// or an unverified web buyer could name anyone's order, and a verified
// buyer naming another order gets their own order's facts only. own is
// the conversation's order if the caller already read it.
func draftOrder(ctx context.Context, tx Tx, c *Conversation, own *Order) (*Order, error) {
	if c.OrderID != "" {
		if own != nil && own.ID == c.OrderID {
			return own, nil
		}
		return orderOrNil(ctx, tx, c.OrderID)
	}
	if c.Channel != ChannelAmazon || c.BuyerKey == "" {
		return nil, nil
	}
	var tried []string
	for i := len(c.Messages) - 1; i >= 0 && len(tried) < maxNamedOrders; i-- {
		m := c.Messages[i]
		if m.From != FromBuyer {
			continue
		}
		for _, id := range orderIDInText.FindAllString(m.Text, maxNamedOrders) {
			if len(tried) == maxNamedOrders || slices.Contains(tried, id) {
				continue
			}
			tried = append(tried, id)
			o, err := orderOrNil(ctx, tx, id)
			if err != nil {
				return nil, err
			}
			if o != nil && o.Buyer.Email != "" && strings.EqualFold(strings.TrimSpace(o.Buyer.Email), c.BuyerKey) {
				return o, nil
			}
		}
	}
	return nil, nil
}
