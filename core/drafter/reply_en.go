package drafter

import (
	"fmt"
	"strings"

	"github.com/sellerdesk/sellerdesk/core"
)

// en returns the paragraphs of an English reply.
func (w *writer) en(in Intent) []string {
	f := w.f
	p := w.shop.Policy
	st := f.stage()
	s := func(sentences ...string) string { return para(" ", sentences...) }
	askID := "Could you send me your order number? You'll find it in your order confirmation email."

	switch in {
	case TrackOrder:
		if st == noOrder {
			return []string{s("I'd be glad to check on your order.", askID)}
		}
		var extra string
		switch st {
		case shipped, partial:
			if f.tracking != "" && f.carrier != core.Other.DisplayName() {
				extra = fmt.Sprintf("You can follow the parcel on %s's website with that number.", f.carrier)
			}
		case delivered:
			extra = "If you can't find the parcel, please check with neighbours and around your delivery spot, then let us know and we'll help."
		case canceled:
			extra = w.enRefund()
		}
		return []string{s(w.enStatus(), extra)}

	case DeliveryTime:
		switch st {
		case noOrder:
			return []string{s(fmt.Sprintf("We ship orders within %d business days of purchase; after that, the delivery time depends on the shipping option chosen at checkout.", p.HandlingDays),
				"If you send me your order number, I can check yours.")}
		case shipped, partial:
			return []string{s(w.enStatus(), "The carrier's tracking page shows the expected delivery date.")}
		case unshipped:
			return []string{s(w.enStatus(), "Once it ships, the delivery time depends on the shipping option chosen at checkout.")}
		case canceled:
			return []string{s(w.enStatus(), w.enRefund())}
		}
		return []string{w.enStatus()}

	case CancelOrder:
		switch st {
		case noOrder:
			return []string{s("I can help with that.", "Could you send me the number of the order you'd like to cancel? An order can be cancelled until it ships.")}
		case pending:
			self := ""
			if f.buyerMayCancel() {
				self = fmt.Sprintf("You can also cancel it yourself in your marketplace account within %d minutes of ordering.", p.BuyerCancelMinutes)
			}
			return []string{s(fmt.Sprintf("Your order %s is still waiting for payment verification, so it can't be cancelled from our side just yet.", f.id),
				"Our team will cancel it as soon as that's possible and confirm here.", self)}
		case unshipped:
			if f.marketplace {
				return []string{s(fmt.Sprintf("Your order %s is shipped by the marketplace's fulfilment service, so a cancellation has to be requested there: please use the cancel option in your order details on the marketplace.", f.id))}
			}
			return []string{s(fmt.Sprintf("Your order %s hasn't shipped yet, so it can still be cancelled.", f.id),
				"Our team will take care of it and confirm here once it's done.")}
		case partial:
			who := "Our team will look at your request and confirm here."
			if f.marketplace {
				who = "Please request the cancellation in your order details on the marketplace, which ships this order."
			}
			return []string{s(fmt.Sprintf("Part of your order %s has already shipped (%d of %d items; %s), so only the items that haven't shipped can still be cancelled.", f.id, f.unitsShipped, f.unitsTotal, w.enCarrier()),
				who, "The shipped items can be returned once they arrive.")}
		case shipped:
			return []string{s(fmt.Sprintf("Your order %s already shipped on %s (%s), so it can no longer be cancelled.", f.id, dateEN(f.shipDay), w.enCarrier()),
				fmt.Sprintf("Once it arrives, you can return it within %d days of delivery.", p.ReturnWindowDays))}
		case delivered:
			return []string{s(w.enDelivered("so it can no longer be cancelled"), w.enReturnWindow())}
		case canceled:
			since := ""
			if !f.canceledDay.IsZero() {
				since = " (since " + dateEN(f.canceledDay) + ")"
			}
			return []string{s(fmt.Sprintf("Your order %s is already cancelled%s, so nothing more needs to be done.", f.id, since), w.enRefund())}
		}
		return []string{w.enStatus()}

	case ChangeAddress:
		rule := "Once an order is placed, its shipping address can't be changed and the parcel can't be redirected: it can only go to the address on the order."
		switch st {
		case noOrder:
			return []string{rule, s("If your order hasn't shipped yet, the way to fix this is to cancel it and place a new order with the correct address.",
				"Could you send me your order number so I can check?")}
		case pending:
			return []string{rule, s(fmt.Sprintf("Your order %s hasn't shipped yet (its payment is still being verified), so the way to fix this is to cancel it and place a new order with the correct address.", f.id),
				"If you'd like that, just reply to confirm and our team will cancel it as soon as possible.")}
		case unshipped:
			if f.marketplace {
				return []string{rule, s(fmt.Sprintf("Your order %s hasn't shipped yet, so you can cancel it in your order details on the marketplace and place a new order with the correct address.", f.id))}
			}
			return []string{rule, s(fmt.Sprintf("Your order %s hasn't shipped yet, so the way to fix this is to cancel it and place a new order with the correct address.", f.id),
				"If you'd like that, just reply to confirm and our team will cancel it.")}
		case partial:
			return []string{rule, s(fmt.Sprintf("Part of your order %s has already shipped (%s).", f.id, w.enCarrier()),
				"The items that haven't shipped can be cancelled so you can order them again with the correct address: reply to confirm and our team will take care of it.")}
		case shipped:
			return []string{s(fmt.Sprintf("Your order %s already shipped on %s (%s), so its address can no longer be changed.", f.id, dateEN(f.shipDay), w.enCarrier()),
				"If the parcel can't be delivered, please let us know and we'll help.")}
		case delivered:
			return []string{s(w.enDelivered(""), "If it went to the wrong address, please tell us what happened and our team will help.")}
		case canceled:
			return []string{s(fmt.Sprintf("Your order %s is cancelled, so nothing will ship to that address.", f.id),
				"You're welcome to place a new order with the correct address.", w.enRefund())}
		}
		return []string{rule, w.enStatus()}

	case ReturnRequest:
		if st == noOrder {
			return []string{s(fmt.Sprintf("Items can be returned within %d days of delivery.", p.ReturnWindowDays),
				"Could you send me your order number and tell me which item you'd like to return and why? Then I can check it for you.")}
		}
		if f.ret != nil {
			if t := w.enReturnStatus(); t != "" {
				return []string{t}
			}
		}
		switch {
		case f.returnOK:
			return []string{s(fmt.Sprintf("Your order %s can be returned until %s (%d days after %s).", f.id, dateEN(f.lastReturn), p.ReturnWindowDays, f.windowFrom),
				"Please tell us which item(s) you'd like to return and why, and our team will review the request and send you the return instructions.", w.enRefund())}
		case f.windowClosed:
			return []string{s(fmt.Sprintf("The return window for your order %s closed on %s (%d days after %s), so a standard return is no longer possible.", f.id, dateEN(f.lastReturn), p.ReturnWindowDays, f.windowFrom),
				"If something is wrong with the item, please tell us what happened and our team will take a look.", w.enRefund())}
		case st == pending || st == unshipped:
			if f.marketplace {
				return []string{s(fmt.Sprintf("Your order %s hasn't shipped yet, so there's nothing to return.", f.id),
					"If you don't want it anymore, you can cancel it in your order details on the marketplace.")}
			}
			return []string{s(fmt.Sprintf("Your order %s hasn't shipped yet, so there's nothing to return.", f.id),
				"If you don't want it anymore, we can cancel it instead: just reply to confirm.")}
		case st == canceled:
			return []string{s(w.enCanceled(" and never shipped, so there's nothing to return"), w.enRefund())}
		}
		return []string{w.enStatus()}

	case RefundStatus:
		if st == noOrder {
			return []string{s("I'll check on your refund.", "Could you send me your order number?")}
		}
		if f.refundCount > 0 {
			return []string{s(w.enRefundDone(), "Depending on your bank or card, it can take a few business days to show on your statement.")}
		}
		if f.ret != nil {
			if t := w.enReturnStatus(); t != "" {
				return []string{t}
			}
		}
		switch {
		case st == canceled:
			return []string{s(w.enCanceled(""), "There's no refund recorded on it yet; our team will check and reply here.")}
		case f.returnOK:
			return []string{s(fmt.Sprintf("There's no refund on your order %s yet.", f.id),
				fmt.Sprintf("Refunds follow a return, which you can request until %s: tell us which item(s) and why, and our team will review it.", dateEN(f.lastReturn)))}
		case f.windowClosed:
			return []string{s(fmt.Sprintf("There's no refund on your order %s, and its return window closed on %s.", f.id, dateEN(f.lastReturn)),
				"If something is wrong with the item, please tell us what happened and our team will take a look.")}
		case st == pending || st == unshipped:
			return []string{s(fmt.Sprintf("There's no refund on your order %s: it hasn't shipped yet.", f.id),
				"If you'd rather cancel it, just reply to confirm.")}
		}
		return []string{s(fmt.Sprintf("There's no refund on your order %s yet.", f.id), "Our team will check and reply here.")}

	case DamagedOrWrongItem:
		photos := "Could you send us a photo of the item and its packaging? Our team will review it and get back to you with the options."
		if w.photos {
			photos = "Thank you for the photos. Our team will review them and get back to you with the options."
		}
		switch {
		case st == noOrder:
			if w.photos {
				return []string{s("I'm sorry your item arrived like this, and thank you for the photos.", "Could you send me your order number? Our team will then review it and get back to you with the options.")}
			}
			return []string{s("I'm sorry your item arrived like this.", "Could you send me your order number and a photo of the item and its packaging? Our team will review it and get back to you with the options.")}
		case f.shipped || st == delivered:
			window := ""
			switch {
			case w.also(ReturnRequest):
				// the return paragraph gives the window
			case f.returnOK:
				window = fmt.Sprintf("You're within the return window (until %s).", dateEN(f.lastReturn))
			case f.windowClosed && w.photos:
				window = fmt.Sprintf("The return window closed on %s, but our team will take a look all the same.", dateEN(f.lastReturn))
			case f.windowClosed:
				window = fmt.Sprintf("The return window closed on %s, but please send the photos anyway and our team will take a look.", dateEN(f.lastReturn))
			}
			return []string{s(fmt.Sprintf("I'm sorry about the problem with your order %s.", f.id), photos, window)}
		}
		return []string{s("I'm sorry to hear that.", fmt.Sprintf("Our records show your order %s hasn't shipped, so could you check which order the item came with and send me that order number?", f.id))}

	case Invoice:
		switch st {
		case noOrder:
			return []string{s("Could you send me the number of the order you need an invoice for?", "If it should show a company name or VAT number, please include those too.")}
		case canceled:
			return []string{s(w.enCanceled(""), w.enRefund(), "If you still need a document for it, please tell us what it's for and our team will help.")}
		}
		return []string{s(fmt.Sprintf("Our team will prepare the invoice for your order %s and send it to you here.", f.id),
			"If it should show a company name or VAT number, please reply with those details.")}

	case PaymentIssue:
		// A double charge is the commonest payment question: the answer
		// explains hold versus charge with what the order shows.
		hold := "When you order, the marketplace places a temporary hold (an authorisation) on your card and only charges it when the order ships; a hold that isn't used drops off on its own, usually within a few business days depending on your bank."
		still := fmt.Sprintf("If two charges for this order are still on your statement after %d days, please send us the date and amount of each (no card numbers, please) and our team will look into it with the marketplace.", duplicateChargeDays)
		other := "If it's about something else, such as a declined card or a wrong amount, please tell us a little more."
		switch st {
		case noOrder:
			return []string{s("I'm sorry about the trouble with your payment.", "If you see two charges for one order: "+lowerFirst(hold)),
				s("Could you send me your order number and tell me what you see? Our team will look into it.")}
		case pending:
			return []string{s(fmt.Sprintf("The payment for your order %s is still being verified.", f.id),
				fmt.Sprintf("Verification can take up to %d days; if it can't be verified, the order is cancelled automatically.", p.PendingDays),
				"You're only charged once the order ships, so an amount you see for it now is a temporary hold.",
				"If your card was declined or has changed, please update the payment method in your marketplace account.")}
		case unshipped:
			return []string{s(fmt.Sprintf("The payment for your order %s has been confirmed, and as it hasn't shipped yet, your card hasn't been charged: what you see is a temporary hold (an authorisation), and the charge is made when the order ships.", f.id),
				"If a second hold shows, it usually drops off within a few business days, depending on your bank."), s(still, other)}
		case partial:
			return []string{s(fmt.Sprintf("Your order %s ships in parts, and each shipment is charged when it leaves, so you may see several charges that together make up the order total.", f.id), hold),
				s(still, other, w.enRefund())}
		case shipped, delivered:
			return []string{s(fmt.Sprintf("The payment for your order %s was taken when it shipped on %s.", f.id, dateEN(f.shipDay)),
				"If you see a second amount for the same order, it's most likely the temporary hold placed when you ordered; it drops off on its own, usually within a few business days depending on your bank."),
				s(still, other, w.enRefund())}
		case canceled:
			return []string{s(w.enCanceled(""), w.enRefund(),
				"If you still see an amount for it, it's most likely the temporary hold placed when you ordered, which your bank releases within a few business days."),
				s(fmt.Sprintf("If it's still there after %d days, please send us the date and amount (no card numbers, please) and our team will look into it.", duplicateChargeDays))}
		}
		return []string{s(fmt.Sprintf("Thanks for letting us know about the payment for your order %s.", f.id), hold), s(still, other)}

	case Complaint:
		about := ""
		if f.has {
			about = fmt.Sprintf(" with your order %s", f.id)
		}
		return []string{s(fmt.Sprintf("I'm sorry about your experience%s, and thank you for telling us.", about),
			"A member of our team will read your message personally and reply here."), w.enStatus()}

	case HumanAgent:
		if !f.has {
			return []string{"You're talking to our team: every reply here is written or checked by a person.",
				"How can we help? If it's about an order, please include the order number."}
		}
		return []string{s("You're talking to our team: every reply here is written or checked by a person."), w.enStatus(), "How can we help?"}
	}

	if !f.has {
		return []string{s("Thanks for your message. Our team will look at your question and reply here.", "If it's about an order, please include the order number.")}
	}
	return []string{s(fmt.Sprintf("Thanks for your message about your order %s.", f.id), "Our team will look at your question and reply here.")}
}

// enStatus is one or two sentences on where the order stands.
func (w *writer) enStatus() string {
	f := w.f
	switch f.stage() {
	case pending:
		return fmt.Sprintf("Your order %s is waiting for payment verification; we'll prepare it for shipping as soon as the payment clears.", f.id)
	case unshipped:
		by := ""
		if !f.shipBy.IsZero() {
			by = dateEN(f.shipBy)
		}
		switch {
		case f.marketplace:
			s := fmt.Sprintf("Your order %s is shipped by the marketplace's fulfilment service", f.id)
			if by != "" {
				s += " and is due to ship by " + by
			}
			return s + "; the tracking number will show in your order details there once it ships."
		case f.late && by != "":
			return fmt.Sprintf("Your order %s hasn't shipped yet. It was due to ship by %s, and we're sorry for the delay. We'll send you the tracking number as soon as it ships.", f.id, by)
		case by != "":
			return fmt.Sprintf("Your order %s hasn't shipped yet; it is due to ship by %s. We'll send you the tracking number as soon as it ships.", f.id, by)
		}
		return fmt.Sprintf("Your order %s hasn't shipped yet. We'll send you the tracking number as soon as it ships.", f.id)
	case partial:
		rest := ""
		if !f.shipBy.IsZero() {
			if f.late {
				rest = fmt.Sprintf(" The rest was due to ship by %s, and we're sorry for the delay.", dateEN(f.shipBy))
			} else {
				rest = fmt.Sprintf(" The rest is due to ship by %s.", dateEN(f.shipBy))
			}
		}
		return fmt.Sprintf("Part of your order %s has shipped: %d of %d items so far, the latest on %s (%s).%s", f.id, f.unitsShipped, f.unitsTotal, dateEN(f.shipDay), w.enCarrier(), rest)
	case shipped:
		if f.shipments > 1 {
			return fmt.Sprintf("Your order %s has shipped in %d parcels; the last one left on %s (%s).", f.id, f.shipments, dateEN(f.shipDay), w.enCarrier())
		}
		if f.tracking != "" {
			return fmt.Sprintf("Your order %s shipped on %s with %s; the tracking number is %s.", f.id, dateEN(f.shipDay), f.carrier, f.tracking)
		}
		return fmt.Sprintf("Your order %s shipped on %s with %s.", f.id, dateEN(f.shipDay), f.carrier)
	case delivered:
		return w.enDelivered("")
	case canceled:
		if f.shipped {
			return w.enCanceled(fmt.Sprintf(" after part of it had shipped (%s)", w.enCarrier()))
		}
		return w.enCanceled(", so it won't ship")
	case unclear:
		return fmt.Sprintf("Our team will check the shipping details of your order %s and reply here.", f.id)
	}
	return ""
}

// enCarrier is "UPS, tracking number 1Z…" for the latest shipment.
func (w *writer) enCarrier() string {
	if w.f.tracking == "" {
		return w.f.carrier
	}
	return fmt.Sprintf("%s, tracking number %s", w.f.carrier, w.f.tracking)
}

// enDelivered says the order was delivered, with how, and an optional
// consequence ("so it can no longer be cancelled").
func (w *writer) enDelivered(so string) string {
	f := w.f
	s := fmt.Sprintf("Your order %s has been delivered", f.id)
	if !f.deliveredDay.IsZero() {
		s = fmt.Sprintf("Your order %s was delivered on %s", f.id, dateEN(f.deliveredDay))
	}
	if f.shipped {
		s += " (" + w.enCarrier() + ")"
	}
	if so != "" {
		s += ", " + so
	}
	return s + "."
}

// enCanceled says the order was cancelled, when and (if payment failed)
// why; tail follows with its own punctuation (", so it won't ship").
func (w *writer) enCanceled(tail string) string {
	f := w.f
	s := fmt.Sprintf("Your order %s was cancelled", f.id)
	if !f.canceledDay.IsZero() {
		s += " on " + dateEN(f.canceledDay)
	}
	if f.paymentFailed {
		s += " because the payment could not be verified"
	}
	return s + tail + "."
}

// enReturnWindow says until when a delivered order can be returned.
func (w *writer) enReturnWindow() string {
	f := w.f
	switch {
	case f.returnOK:
		return fmt.Sprintf("You can still return it until %s.", dateEN(f.lastReturn))
	case f.windowClosed:
		return fmt.Sprintf("Its return window closed on %s.", dateEN(f.lastReturn))
	}
	return ""
}

// enRefund mentions refunds only when one exists.
func (w *writer) enRefund() string {
	if w.f.refundCount == 0 {
		return ""
	}
	if w.f.refundCount == 1 {
		return fmt.Sprintf("A refund of %s was issued on %s.", w.f.refundText, dateEN(w.f.refundDay))
	}
	return fmt.Sprintf("Refunds of %s in total have been issued, the latest on %s.", w.f.refundText, dateEN(w.f.refundDay))
}

func (w *writer) enRefundDone() string {
	f := w.f
	if f.refundCount == 1 {
		return fmt.Sprintf("We refunded %s for your order %s on %s.", f.refundText, f.id, dateEN(f.refundDay))
	}
	return fmt.Sprintf("We have refunded %s in total for your order %s; the latest refund was issued on %s.", f.refundText, f.id, dateEN(f.refundDay))
}

// enReturnStatus describes the latest return request, or "" when it says
// nothing a draft should lead with.
func (w *writer) enReturnStatus() string {
	f := w.f
	p := w.shop.Policy
	switch f.ret.Status {
	case core.ReturnRequested:
		return fmt.Sprintf("We have your return request for order %s, and our team is reviewing it. We'll confirm the next steps here.", f.id)
	case core.ReturnApproved:
		return fmt.Sprintf("Your return for order %s has been approved. Please send the item(s) back; the refund follows within %d business days of us receiving them.", f.id, p.RefundDays)
	case core.ReturnReceived:
		got := fmt.Sprintf("We've received your return for order %s.", f.id)
		if d := f.returnReceivedDay(); !d.IsZero() {
			got = fmt.Sprintf("We received your return for order %s on %s.", f.id, dateEN(d))
		}
		if f.refundCount > 0 {
			return para(" ", got, w.enRefund())
		}
		if by := f.refundBy(); !by.IsZero() {
			return para(" ", got, fmt.Sprintf("The refund is due by %s; we'll confirm here once it's issued.", dateEN(by)))
		}
		return para(" ", got, fmt.Sprintf("The refund follows within %d business days; we'll confirm here once it's issued.", p.RefundDays))
	case core.ReturnRefunded:
		if f.refundCount > 0 {
			return para(" ", fmt.Sprintf("Your return for order %s is complete.", f.id), w.enRefund())
		}
		return fmt.Sprintf("Our team will check the refund for your return on order %s and reply here.", f.id)
	case core.ReturnRejected:
		return fmt.Sprintf("Your return request for order %s was not approved. If you have more details or photos, please send them and our team will take another look.", f.id)
	}
	return ""
}

// enConfirm asks the buyer whether they want an action the model is not
// sure they asked for; it offers nothing.
func (w *writer) enConfirm(in Intent) string {
	f := w.f
	order := "an order"
	if f.has {
		order = "your order " + f.id
	}
	var q string
	switch in {
	case CancelOrder:
		q = fmt.Sprintf("Would you like to cancel %s?", order)
	case ChangeAddress:
		q = fmt.Sprintf("Is your message about the delivery address of %s?", order)
	case ReturnRequest:
		q = fmt.Sprintf("Would you like to return an item from %s?", order)
	default:
		q = fmt.Sprintf("Is your message about a refund for %s?", order)
	}
	ask := "Please reply to confirm, and we'll let you know what's possible."
	if !f.has {
		ask = "If so, please send me the order number and we'll let you know what's possible."
	}
	return para(" ", "I want to be sure I understand your request.", q, ask)
}

// lowerFirst lower-cases the first letter, to continue a sentence.
func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
