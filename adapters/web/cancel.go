package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// The buyer's own cancel. Whether it is offered, until when, and whether
// it is allowed are the engine's to say; the page shows the offer, asks for
// a confirmation and runs the cancel as the session's buyer.

// cancelView is the order-state box above the conversation.
type cancelView struct {
	Open       bool   // the cancel form is shown
	Until      string // end of the buyer's window, in the shop's time zone
	UntilISO   string
	Canceled   bool
	CanceledAt string
}

const (
	stampLayout = "Mon 2 Jan 2006, 15:04 MST"
	msgConfirm  = "Tick “Yes, cancel this order” to confirm. Nothing was cancelled."
)

// cancelViewOf turns the engine's offer into what the page shows.
func cancelViewOf(of core.BuyerCancelOffer) *cancelView {
	v := &cancelView{Open: of.Open, Canceled: of.Status == core.Canceled}
	if of.Open {
		v.Until, v.UntilISO = of.Until.Format(stampLayout), of.Until.Format(time.RFC3339)
	}
	if v.Canceled && of.CanceledAt != nil {
		v.CanceledAt = of.CanceledAt.Format(stampLayout)
	}
	return v
}

// orderState reads the cancel offer for the verified order. A failure
// leaves the box out: the conversation matters more than the box.
func (s *Server) orderState(r *http.Request, orderID string) *cancelView {
	of, err := s.engine.BuyerCancelOffer(r.Context(), orderID)
	if err != nil {
		s.log.Warn("help page: read the cancel offer", "err", err)
		return nil
	}
	return cancelViewOf(of)
}

// cancelJSON answers a client that asks for JSON.
type cancelJSON struct {
	OrderID string      `json:"order_id"`
	Status  core.Status `json:"status"`
	Already bool        `json:"already"`
	Message string      `json:"message"`
}

func (s *Server) handleCancel(w http.ResponseWriter, r *http.Request) {
	if !s.smallForm(w, r) {
		return
	}
	se, ok := s.session(r)
	if !ok {
		s.refuseNoSession(w, r)
		return
	}
	if !s.checkCSRF(r, sessionBinding(se)) {
		s.refuse(w, r, http.StatusForbidden, "", msgCSRF, pageData{})
		return
	}
	// The form names its order, so a page left open for another order can
	// never cancel this one.
	if got := strings.TrimSpace(r.PostFormValue("order_id")); got != se.OrderID {
		msg := "This form was for another order; you are signed in for order " + se.OrderID + " now. Nothing was cancelled. Reload the page to see it."
		if got == "" {
			msg = msgBadForm
		}
		s.refuse(w, r, http.StatusConflict, "order_id", msg, pageData{CancelError: true})
		return
	}
	if r.PostFormValue("confirm") != "yes" {
		s.refuse(w, r, http.StatusBadRequest, "confirm", msgConfirm, pageData{CancelError: true})
		return
	}
	res, err := s.engine.BuyerCancel(r.Context(), core.BuyerActor(Channel, se.OrderID), se.OrderID)
	if err != nil {
		s.refuse(w, r, statusFor(err), core.ErrorField(err), s.buyerMessage(r, "buyer cancel", err), pageData{CancelError: true})
		return
	}
	if wantsJSON(r) {
		writeJSON(w, http.StatusOK, cancelJSON{OrderID: res.Offer.OrderID, Status: res.Offer.Status, Already: res.Already, Message: res.Message})
		return
	}
	// A redirect, so a reload doesn't post again; the page shows the
	// cancelled state, the same after a repeated submission.
	http.Redirect(w, r, "/#order-state", http.StatusSeeOther)
}
