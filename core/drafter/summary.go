package drafter

import (
	"fmt"
	"strings"
	"time"
)

// summary is the one line staff read when the buyer writes in another
// language. There is no translation offline, so it is built from what the
// drafter understood (the intent) and what the order says, e.g.
// "Buyer (zh) asks where order 113-… is; it shipped 2026-11-20 with UPS
// 1Z…. (track_order)". Staff reading Chinese, German, French, Italian,
// Spanish or Japanese get it in their language (summary_intl.go); any
// other staff language gets English.
func summary(staff, lang string, ins []Intent, f *facts) string {
	in := ins[0]
	also := ""
	for _, a := range ins[1:] {
		also += "+" + string(a)
	}
	if staff == "zh" {
		return summaryZH(lang, in, f, also)
	}
	if w, ok := staffWordsFor(staff); ok {
		return summaryIn(w, lang, ins, f)
	}
	order := "their order"
	if f.has {
		order = "order " + f.id
	}
	var gist string
	switch in {
	case TrackOrder:
		gist = "asks where " + order + " is"
	case DeliveryTime:
		gist = "asks when " + order + " will arrive"
	case CancelOrder:
		gist = "asks to cancel " + order
	case ChangeAddress:
		gist = "asks to change the shipping address of " + order
	case ReturnRequest:
		gist = "asks to return " + order + " or about returns"
	case RefundStatus:
		gist = "asks about the refund for " + order
	case DamagedOrWrongItem:
		gist = "reports a damaged, faulty or wrong item in " + order
	case Invoice:
		gist = "asks for an invoice for " + order
	case PaymentIssue:
		gist = "reports a payment problem with " + order
	case Complaint:
		gist = "complains about " + order + " or the service"
	case HumanAgent:
		gist = "asks to talk to a person"
	case NoResponseNeeded:
		gist = "thanks or acknowledges; no reply needed"
	default:
		gist = "writes about something the offline drafter did not recognise"
	}
	line := fmt.Sprintf("Buyer (%s) %s", lang, gist)
	if in == NoResponseNeeded {
		return line + ". (" + string(in) + ")"
	}
	if fact := factEN(f); fact != "" {
		line += "; " + fact
	} else if !f.has {
		line += "; no order given"
	}
	if also != "" {
		line += "; also " + strings.ReplaceAll(also[1:], "+", ", ")
	}
	return line + ". (" + string(in) + also + ")"
}

func iso(t time.Time) string { return t.Format(time.DateOnly) }

// factEN is the order's state in a few words, for staff.
func factEN(f *facts) string {
	switch f.stage() {
	case pending:
		return "it is pending payment verification"
	case unshipped:
		if f.late {
			return "it has not shipped and was due by " + iso(f.shipBy)
		}
		if !f.shipBy.IsZero() {
			return "it has not shipped, ship by " + iso(f.shipBy)
		}
		return "it has not shipped"
	case partial:
		return fmt.Sprintf("%d of %d units shipped, latest %s with %s", f.unitsShipped, f.unitsTotal, iso(f.shipDay), carrierTracking(f))
	case shipped:
		return fmt.Sprintf("it shipped %s with %s", iso(f.shipDay), carrierTracking(f))
	case delivered:
		if f.deliveredDay.IsZero() {
			return "it was delivered"
		}
		return "it was delivered " + iso(f.deliveredDay)
	case canceled:
		s := "it was cancelled"
		if !f.canceledDay.IsZero() {
			s += " " + iso(f.canceledDay)
		}
		if f.refundCount > 0 {
			s += ", refunded " + f.refundText
		}
		return s
	case unclear:
		return fmt.Sprintf("it is %s but no shipment is recorded", f.status)
	}
	return ""
}

func summaryZH(lang string, in Intent, f *facts, also string) string {
	order := "订单"
	if f.has {
		order = "订单 " + f.id + " "
	}
	var gist string
	switch in {
	case TrackOrder:
		gist = "询问" + order + "在哪里"
	case DeliveryTime:
		gist = "询问" + order + "何时送达"
	case CancelOrder:
		gist = "要求取消" + order
	case ChangeAddress:
		gist = "要求修改" + order + "的收货地址"
	case ReturnRequest:
		gist = "想退货或询问退货"
	case RefundStatus:
		gist = "询问" + order + "的退款"
	case DamagedOrWrongItem:
		gist = "反映" + order + "商品损坏、故障或发错"
	case Invoice:
		gist = "索要" + order + "的发票"
	case PaymentIssue:
		gist = "反映" + order + "的付款问题"
	case Complaint:
		gist = "投诉"
	case HumanAgent:
		gist = "要求人工回复"
	case NoResponseNeeded:
		gist = "致谢或确认，无需回复"
	default:
		gist = "的留言离线草稿未能识别"
	}
	line := fmt.Sprintf("买家（%s）%s", lang, gist)
	if in == NoResponseNeeded {
		return line + "。（" + string(in) + "）"
	}
	if fact := factZH(f); fact != "" {
		line += "；" + fact
	} else if !f.has {
		line += "；未提供订单"
	}
	if also != "" {
		line += "；另外还问到 " + strings.ReplaceAll(also[1:], "+", "、")
	}
	return line + "。（" + string(in) + also + "）"
}

func factZH(f *facts) string {
	switch f.stage() {
	case pending:
		return "订单等待付款验证"
	case unshipped:
		if f.late {
			return "尚未发货，已超过发货期限 " + iso(f.shipBy)
		}
		if !f.shipBy.IsZero() {
			return "尚未发货，发货期限 " + iso(f.shipBy)
		}
		return "尚未发货"
	case partial:
		return fmt.Sprintf("已发出 %d/%d 件，最近 %s %s", f.unitsShipped, f.unitsTotal, iso(f.shipDay), carrierTracking(f))
	case shipped:
		return fmt.Sprintf("已于 %s 通过 %s 发货", iso(f.shipDay), carrierTracking(f))
	case delivered:
		if f.deliveredDay.IsZero() {
			return "已签收"
		}
		return "已于 " + iso(f.deliveredDay) + " 签收"
	case canceled:
		s := "已取消"
		if !f.canceledDay.IsZero() {
			s = "已于 " + iso(f.canceledDay) + " 取消"
		}
		if f.refundCount > 0 {
			s += "，已退款 " + f.refundText
		}
		return s
	case unclear:
		return fmt.Sprintf("状态为 %s 但没有发货记录", f.status)
	}
	return ""
}
