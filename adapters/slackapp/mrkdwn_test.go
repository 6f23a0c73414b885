package slackapp

import (
	"testing"
	"time"
)

// Text that Slack would read as a mention, a link or an entity is escaped
// wherever it goes into mrkdwn: the help header's <command>, and words
// from outside (buyer name, SKU, title, buyer message) on cards, lists
// and conversations. The harness checks every mrkdwn text sent.
func TestHostileTextEscapedEverywhere(t *testing.T) {
	h := newHarness(t)
	o := order(orderID, time.Hour)
	o.Buyer.Name = "<!channel> Emma & co"
	o.Items[0].SKU, o.Items[0].Title = "MUG<!here>", "Mug <https://evil.example|free refund>"
	h.importOrders(o)
	_, help := h.inline(h.slash(agent, "help"))
	contains(t, "help", help, `/desk \u0026lt;command\u0026gt;`)
	for _, cmd := range []string{"order " + orderID, "orders", "inbox"} {
		h.inline(h.slash(agent, cmd))
	}
	h.prime()
	h.buyerSays("<!channel> & <@U123> see <https://evil.example|your order>")
	h.deliver()
	h.slash(agent, "nonsense <!channel>")
}
