package drafter

import (
	"fmt"

	"github.com/sellerdesk/sellerdesk/core"
)

// zh returns the paragraphs of a Chinese reply; it mirrors en case by case.
func (w *writer) zh(in Intent) []string {
	f := w.f
	p := w.shop.Policy
	st := f.stage()
	s := func(sentences ...string) string { return para("", sentences...) }
	askID := "请把您的订单号发给我，订单确认邮件里可以找到。"

	switch in {
	case TrackOrder:
		if st == noOrder {
			return []string{s("我很乐意帮您查询订单。", askID)}
		}
		var extra string
		switch st {
		case shipped, partial:
			if f.tracking != "" && f.carrier != core.Other.DisplayName() {
				extra = fmt.Sprintf("您可以用这个单号在 %s 官网查询物流进度。", f.carrier)
			}
		case delivered:
			extra = "如果没有找到包裹，请先问问邻居、看看常用的收货位置，然后告诉我们，我们会协助您。"
		case canceled:
			extra = w.zhRefund()
		}
		return []string{s(w.zhStatus(), extra)}

	case DeliveryTime:
		switch st {
		case noOrder:
			return []string{s(fmt.Sprintf("我们会在下单后%d个工作日内发货，之后的配送时间取决于您下单时选择的配送方式。", p.HandlingDays),
				"如果您把订单号发给我，我可以帮您查一下。")}
		case shipped, partial:
			return []string{s(w.zhStatus(), "承运商的物流页面会显示预计送达日期。")}
		case unshipped:
			return []string{s(w.zhStatus(), "发货后的配送时间取决于您下单时选择的配送方式。")}
		case canceled:
			return []string{s(w.zhStatus(), w.zhRefund())}
		}
		return []string{w.zhStatus()}

	case CancelOrder:
		switch st {
		case noOrder:
			return []string{s("可以的。", "请把您想取消的订单号发给我。订单在发货前都可以取消。")}
		case pending:
			self := ""
			if f.buyerMayCancel() {
				self = fmt.Sprintf("您也可以在下单后%d分钟内，在平台账户里自行取消。", p.BuyerCancelMinutes)
			}
			return []string{s(fmt.Sprintf("您的订单 %s 还在等待付款验证，我们这边暂时无法取消。", f.id),
				"一旦可以取消，我们的团队会马上处理，并在这里向您确认。", self)}
		case unshipped:
			if f.marketplace {
				return []string{s(fmt.Sprintf("您的订单 %s 由平台的物流服务配送，取消需要在平台上申请：请在平台的订单详情中选择取消。", f.id))}
			}
			return []string{s(fmt.Sprintf("您的订单 %s 还没有发货，所以仍然可以取消。", f.id),
				"我们的团队会为您处理，办好后在这里向您确认。")}
		case partial:
			who := "我们的团队会查看您的请求，并在这里向您确认。"
			if f.marketplace {
				who = "这个订单由平台配送，请在平台的订单详情中申请取消。"
			}
			return []string{s(fmt.Sprintf("您的订单 %s 已有部分商品发出（共%d件中的%d件；%s），只有尚未发出的商品还可以取消。", f.id, f.unitsTotal, f.unitsShipped, w.zhCarrier()),
				who, "已发出的商品收到后可以退货。")}
		case shipped:
			return []string{s(fmt.Sprintf("您的订单 %s 已于%s发货（%s），所以无法再取消。", f.id, dateZH(f.shipDay), w.zhCarrier()),
				fmt.Sprintf("收到商品后，您可以在签收后%d天内申请退货。", p.ReturnWindowDays))}
		case delivered:
			return []string{s(w.zhDelivered("所以无法再取消"), w.zhReturnWindow())}
		case canceled:
			since := ""
			if !f.canceledDay.IsZero() {
				since = "（" + dateZH(f.canceledDay) + "取消）"
			}
			return []string{s(fmt.Sprintf("您的订单 %s 已经取消%s，无需再做任何操作。", f.id, since), w.zhRefund())}
		}
		return []string{w.zhStatus()}

	case ChangeAddress:
		rule := "订单一旦提交，收货地址就无法修改，包裹也不能改寄：只能寄往订单上的地址。"
		switch st {
		case noOrder:
			return []string{rule, s("如果您的订单还没有发货，解决办法是取消该订单，再用正确的地址重新下单。",
				"请把订单号发给我，我帮您查一下。")}
		case pending:
			return []string{rule, s(fmt.Sprintf("您的订单 %s 还没有发货（付款仍在验证中），解决办法是取消该订单，再用正确的地址重新下单。", f.id),
				"如果您同意，请回复确认，我们的团队会尽快为您取消。")}
		case unshipped:
			if f.marketplace {
				return []string{rule, s(fmt.Sprintf("您的订单 %s 还没有发货，您可以在平台的订单详情中取消，再用正确的地址重新下单。", f.id))}
			}
			return []string{rule, s(fmt.Sprintf("您的订单 %s 还没有发货，解决办法是取消该订单，再用正确的地址重新下单。", f.id),
				"如果您同意，请回复确认，我们的团队会为您取消。")}
		case partial:
			return []string{rule, s(fmt.Sprintf("您的订单 %s 已有部分商品发出（%s）。", f.id, w.zhCarrier()),
				"尚未发出的商品可以取消，您再用正确的地址重新下单：请回复确认，我们的团队会为您处理。")}
		case shipped:
			return []string{s(fmt.Sprintf("您的订单 %s 已于%s发货（%s），收货地址已无法修改。", f.id, dateZH(f.shipDay), w.zhCarrier()),
				"如果包裹无法投递，请告诉我们，我们会协助您。")}
		case delivered:
			return []string{s(w.zhDelivered(""), "如果寄错了地址，请告诉我们具体情况，我们的团队会协助您。")}
		case canceled:
			return []string{s(fmt.Sprintf("您的订单 %s 已取消，不会寄往该地址。", f.id),
				"欢迎您用正确的地址重新下单。", w.zhRefund())}
		}
		return []string{rule, w.zhStatus()}

	case ReturnRequest:
		if st == noOrder {
			return []string{s(fmt.Sprintf("商品可以在签收后%d天内退货。", p.ReturnWindowDays),
				"请把订单号发给我，并告诉我想退哪件商品、原因是什么，我帮您查一下。")}
		}
		if f.ret != nil {
			if t := w.zhReturnStatus(); t != "" {
				return []string{t}
			}
		}
		switch {
		case f.returnOK:
			return []string{s(fmt.Sprintf("您的订单 %s 可以在%s之前申请退货（%s后%d天内）。", f.id, dateZH(f.lastReturn), zhFrom(f.windowFrom), p.ReturnWindowDays),
				"请告诉我们想退哪件商品以及原因，我们的团队审核后会把退货说明发给您。", w.zhRefund())}
		case f.windowClosed:
			return []string{s(fmt.Sprintf("您的订单 %s 的退货期已于%s结束（%s后%d天），无法再办理普通退货。", f.id, dateZH(f.lastReturn), zhFrom(f.windowFrom), p.ReturnWindowDays),
				"如果商品有问题，请告诉我们具体情况，我们的团队会查看。", w.zhRefund())}
		case st == pending || st == unshipped:
			if f.marketplace {
				return []string{s(fmt.Sprintf("您的订单 %s 还没有发货，所以不需要退货。", f.id),
					"如果您不想要了，可以在平台的订单详情中取消。")}
			}
			return []string{s(fmt.Sprintf("您的订单 %s 还没有发货，所以不需要退货。", f.id),
				"如果您不想要了，我们可以为您取消订单：请回复确认。")}
		case st == canceled:
			return []string{s(w.zhCanceled("，且从未发货，所以不需要退货"), w.zhRefund())}
		}
		return []string{w.zhStatus()}

	case RefundStatus:
		if st == noOrder {
			return []string{s("我来帮您查一下退款。", "请把您的订单号发给我。")}
		}
		if f.refundCount > 0 {
			return []string{s(w.zhRefundDone(), "根据银行或卡的不同，退款可能需要几个工作日才会显示在账单上。")}
		}
		if f.ret != nil {
			if t := w.zhReturnStatus(); t != "" {
				return []string{t}
			}
		}
		switch {
		case st == canceled:
			return []string{s(w.zhCanceled(""), "目前还没有这笔订单的退款记录，我们的团队会核实后在这里回复您。")}
		case f.returnOK:
			return []string{s(fmt.Sprintf("您的订单 %s 目前还没有退款。", f.id),
				fmt.Sprintf("退款需要先退货，您可以在%s之前申请：告诉我们想退哪件商品及原因，我们的团队会审核。", dateZH(f.lastReturn)))}
		case f.windowClosed:
			return []string{s(fmt.Sprintf("您的订单 %s 没有退款记录，退货期已于%s结束。", f.id, dateZH(f.lastReturn)),
				"如果商品有问题，请告诉我们具体情况，我们的团队会查看。")}
		case st == pending || st == unshipped:
			return []string{s(fmt.Sprintf("您的订单 %s 还没有发货，所以没有退款。", f.id),
				"如果您想取消订单，请回复确认。")}
		}
		return []string{s(fmt.Sprintf("您的订单 %s 目前还没有退款。", f.id), "我们的团队会核实后在这里回复您。")}

	case DamagedOrWrongItem:
		photos := "能否发一张商品和包装的照片给我们？我们的团队审核后会告诉您可以怎么处理。"
		if w.photos {
			photos = "感谢您发来的照片，我们的团队审核后会告诉您可以怎么处理。"
		}
		switch {
		case st == noOrder:
			if w.photos {
				return []string{s("很抱歉商品出现了这样的问题，感谢您发来的照片。", "请把订单号发给我，我们的团队审核后会告诉您可以怎么处理。")}
			}
			return []string{s("很抱歉商品出现了这样的问题。", "请把订单号以及商品和包装的照片发给我，我们的团队审核后会告诉您可以怎么处理。")}
		case f.shipped || st == delivered:
			window := ""
			switch {
			case w.also(ReturnRequest):
			case f.returnOK:
				window = fmt.Sprintf("您的订单仍在退货期内（%s之前）。", dateZH(f.lastReturn))
			case f.windowClosed && w.photos:
				window = fmt.Sprintf("虽然退货期已于%s结束，我们的团队仍会查看。", dateZH(f.lastReturn))
			case f.windowClosed:
				window = fmt.Sprintf("虽然退货期已于%s结束，还是请把照片发给我们，我们的团队会查看。", dateZH(f.lastReturn))
			}
			return []string{s(fmt.Sprintf("很抱歉您的订单 %s 出现了问题。", f.id), photos, window)}
		}
		return []string{s("很抱歉听到这个情况。", fmt.Sprintf("我们的记录显示订单 %s 还没有发货，能否确认一下这件商品来自哪个订单，并把那个订单号发给我？", f.id))}

	case Invoice:
		switch st {
		case noOrder:
			return []string{s("请把需要开发票的订单号发给我。", "如果发票上需要公司名称或税号，也请一并告诉我。")}
		case canceled:
			return []string{s(w.zhCanceled(""), w.zhRefund(), "如果您仍需要相关凭证，请告诉我们用途，我们的团队会协助您。")}
		}
		return []string{s(fmt.Sprintf("我们的团队会为您的订单 %s 准备发票，并在这里发给您。", f.id),
			"如果发票上需要公司名称或税号，请回复告诉我们。")}

	case PaymentIssue:
		hold := "下单时，平台会先在您的卡上做一笔临时预授权，等订单发货时才正式扣款；没有用到的预授权会自动释放，通常在几个工作日内，具体取决于您的银行。"
		still := fmt.Sprintf("如果%d天后账单上仍有这笔订单的两笔扣款，请把每笔的日期和金额发给我们（请勿发送卡号），我们的团队会与平台核实。", duplicateChargeDays)
		other := "如果是其他问题，例如银行卡被拒或金额不对，请具体说明一下。"
		switch st {
		case noOrder:
			return []string{s("很抱歉付款遇到了问题。", "如果您看到同一订单有两笔扣款：", hold), "请把订单号发给我，并说明您看到的情况，我们的团队会跟进。"}
		case pending:
			return []string{s(fmt.Sprintf("您的订单 %s 的付款还在验证中。", f.id),
				fmt.Sprintf("验证最多可能需要%d天；如果无法验证，订单会自动取消。", p.PendingDays),
				"订单发货时才会正式扣款，所以您现在看到的金额是临时预授权。",
				"如果银行卡被拒或已更换，请在平台账户中更新付款方式。")}
		case unshipped:
			return []string{s(fmt.Sprintf("您的订单 %s 的付款已经确认。订单还没有发货，所以尚未正式扣款：您看到的是临时预授权，发货时才会扣款。", f.id),
				"如果出现第二笔预授权，通常会在几个工作日内自动释放，具体取决于您的银行。"), s(still, other)}
		case partial:
			return []string{s(fmt.Sprintf("您的订单 %s 分批发货，每批发出时分别扣款，所以您可能会看到几笔扣款，合计为订单总额。", f.id), hold),
				s(still, other, w.zhRefund())}
		case shipped, delivered:
			return []string{s(fmt.Sprintf("您的订单 %s 的款项已在%s发货时扣除。", f.id, dateZH(f.shipDay)),
				"如果您看到同一订单还有第二笔金额，多半是下单时的临时预授权，通常会在几个工作日内自动释放，具体取决于您的银行。"),
				s(still, other, w.zhRefund())}
		case canceled:
			return []string{s(w.zhCanceled(""), w.zhRefund(), "如果您仍看到这笔订单的金额，多半是下单时的临时预授权，银行通常会在几个工作日内释放。"),
				fmt.Sprintf("如果%d天后仍未释放，请把日期和金额发给我们（请勿发送卡号），我们的团队会跟进。", duplicateChargeDays)}
		}
		return []string{s(fmt.Sprintf("感谢您告诉我们订单 %s 的付款情况。", f.id), hold), s(still, other)}

	case Complaint:
		about := ""
		if f.has {
			about = fmt.Sprintf("订单 %s ", f.id)
		}
		return []string{s(fmt.Sprintf("很抱歉%s给您带来了不好的体验，感谢您告诉我们。", about),
			"我们的团队成员会亲自阅读您的留言，并在这里回复您。"), w.zhStatus()}

	case HumanAgent:
		if !f.has {
			return []string{"您正在与我们的团队沟通：这里的每一条回复都由真人撰写或审核。",
				"请问有什么可以帮您？如果与订单有关，请附上订单号。"}
		}
		return []string{"您正在与我们的团队沟通：这里的每一条回复都由真人撰写或审核。", w.zhStatus(), "请问有什么可以帮您？"}
	}

	if !f.has {
		return []string{s("感谢您的留言，我们的团队会查看您的问题并在这里回复。", "如果与订单有关，请附上订单号。")}
	}
	return []string{s(fmt.Sprintf("感谢您关于订单 %s 的留言。", f.id), "我们的团队会查看您的问题并在这里回复。")}
}

func zhFrom(from string) string {
	if from == "delivery" {
		return "签收"
	}
	return "发货"
}

func (w *writer) zhStatus() string {
	f := w.f
	switch f.stage() {
	case pending:
		return fmt.Sprintf("您的订单 %s 正在等待付款验证，付款确认后我们会尽快安排发货。", f.id)
	case unshipped:
		by := ""
		if !f.shipBy.IsZero() {
			by = dateZH(f.shipBy)
		}
		switch {
		case f.marketplace:
			s := fmt.Sprintf("您的订单 %s 由平台的物流服务配送", f.id)
			if by != "" {
				s += "，预计在" + by + "前发出"
			}
			return s + "；发货后可在平台的订单详情中查看物流单号。"
		case f.late && by != "":
			return fmt.Sprintf("您的订单 %s 还没有发货，原定在%s前发出，很抱歉耽误了。发货后我们会第一时间把物流单号发给您。", f.id, by)
		case by != "":
			return fmt.Sprintf("您的订单 %s 还没有发货，预计在%s前发出。发货后我们会第一时间把物流单号发给您。", f.id, by)
		}
		return fmt.Sprintf("您的订单 %s 还没有发货。发货后我们会第一时间把物流单号发给您。", f.id)
	case partial:
		rest := ""
		if !f.shipBy.IsZero() {
			if f.late {
				rest = fmt.Sprintf("其余商品原定在%s前发出，很抱歉耽误了。", dateZH(f.shipBy))
			} else {
				rest = fmt.Sprintf("其余商品预计在%s前发出。", dateZH(f.shipBy))
			}
		}
		return fmt.Sprintf("您的订单 %s 已部分发货：共%d件中已发出%d件，最近一次于%s发出（%s）。%s", f.id, f.unitsTotal, f.unitsShipped, dateZH(f.shipDay), w.zhCarrier(), rest)
	case shipped:
		if f.shipments > 1 {
			return fmt.Sprintf("您的订单 %s 分%d个包裹发出，最后一个包裹于%s发货（%s）。", f.id, f.shipments, dateZH(f.shipDay), w.zhCarrier())
		}
		if f.tracking != "" {
			return fmt.Sprintf("您的订单 %s 已于%s通过 %s 发货，物流单号为 %s。", f.id, dateZH(f.shipDay), f.carrier, f.tracking)
		}
		return fmt.Sprintf("您的订单 %s 已于%s通过 %s 发货。", f.id, dateZH(f.shipDay), f.carrier)
	case delivered:
		return w.zhDelivered("")
	case canceled:
		if f.shipped {
			return w.zhCanceled(fmt.Sprintf("，取消前已有部分商品发出（%s）", w.zhCarrier()))
		}
		return w.zhCanceled("，不会再发货")
	case unclear:
		return fmt.Sprintf("我们的团队会核实订单 %s 的发货信息，并在这里回复您。", f.id)
	}
	return ""
}

func (w *writer) zhCarrier() string {
	if w.f.tracking == "" {
		return w.f.carrier
	}
	return fmt.Sprintf("%s，物流单号 %s", w.f.carrier, w.f.tracking)
}

func (w *writer) zhDelivered(so string) string {
	f := w.f
	s := fmt.Sprintf("您的订单 %s 已签收", f.id)
	if !f.deliveredDay.IsZero() {
		s = fmt.Sprintf("您的订单 %s 已于%s签收", f.id, dateZH(f.deliveredDay))
	}
	if f.shipped {
		s += "（" + w.zhCarrier() + "）"
	}
	if so != "" {
		s += "，" + so
	}
	return s + "。"
}

func (w *writer) zhCanceled(tail string) string {
	f := w.f
	s := fmt.Sprintf("您的订单 %s ", f.id)
	if f.paymentFailed {
		s += "因付款未能验证，"
	}
	if !f.canceledDay.IsZero() {
		s += "已于" + dateZH(f.canceledDay) + "取消"
	} else {
		s += "已取消"
	}
	return s + tail + "。"
}

func (w *writer) zhReturnWindow() string {
	f := w.f
	switch {
	case f.returnOK:
		return fmt.Sprintf("您仍可在%s之前申请退货。", dateZH(f.lastReturn))
	case f.windowClosed:
		return fmt.Sprintf("该订单的退货期已于%s结束。", dateZH(f.lastReturn))
	}
	return ""
}

func (w *writer) zhRefund() string {
	if w.f.refundCount == 0 {
		return ""
	}
	if w.f.refundCount == 1 {
		return fmt.Sprintf("我们已于%s为您退款 %s。", dateZH(w.f.refundDay), w.f.refundText)
	}
	return fmt.Sprintf("我们已为您累计退款 %s，最近一笔于%s退出。", w.f.refundText, dateZH(w.f.refundDay))
}

func (w *writer) zhRefundDone() string {
	f := w.f
	if f.refundCount == 1 {
		return fmt.Sprintf("我们已于%s为您的订单 %s 退款 %s。", dateZH(f.refundDay), f.id, f.refundText)
	}
	return fmt.Sprintf("我们已为您的订单 %s 累计退款 %s，最近一笔于%s退出。", f.id, f.refundText, dateZH(f.refundDay))
}

func (w *writer) zhReturnStatus() string {
	f := w.f
	p := w.shop.Policy
	switch f.ret.Status {
	case core.ReturnRequested:
		return fmt.Sprintf("我们已收到您订单 %s 的退货申请，团队正在审核，下一步会在这里向您确认。", f.id)
	case core.ReturnApproved:
		return fmt.Sprintf("您订单 %s 的退货已获批准。请把商品寄回；我们收到后%d个工作日内退款。", f.id, p.RefundDays)
	case core.ReturnReceived:
		got := fmt.Sprintf("我们已收到您订单 %s 的退货。", f.id)
		if d := f.returnReceivedDay(); !d.IsZero() {
			got = fmt.Sprintf("我们已于%s收到您订单 %s 的退货。", dateZH(d), f.id)
		}
		if f.refundCount > 0 {
			return got + w.zhRefund()
		}
		if by := f.refundBy(); !by.IsZero() {
			return got + fmt.Sprintf("退款将在%s之前完成，办好后会在这里向您确认。", dateZH(by))
		}
		return got + fmt.Sprintf("退款将在%d个工作日内完成，办好后会在这里向您确认。", p.RefundDays)
	case core.ReturnRefunded:
		if f.refundCount > 0 {
			return fmt.Sprintf("您订单 %s 的退货已完成。", f.id) + w.zhRefund()
		}
		return fmt.Sprintf("我们的团队会核实您订单 %s 退货的退款情况，并在这里回复您。", f.id)
	case core.ReturnRejected:
		return fmt.Sprintf("您订单 %s 的退货申请未获批准。如果您有更多细节或照片，请发给我们，我们的团队会再看一下。", f.id)
	}
	return ""
}

func (w *writer) zhConfirm(in Intent) string {
	f := w.f
	order := "订单"
	if f.has {
		order = "订单 " + f.id + " "
	}
	var q string
	switch in {
	case CancelOrder:
		q = "请问您是想取消" + order + "吗？"
	case ChangeAddress:
		q = "请问您的留言是关于" + order + "的收货地址吗？"
	case ReturnRequest:
		q = "请问您是想退回" + order + "中的商品吗？"
	default:
		q = "请问您的留言是关于" + order + "的退款吗？"
	}
	ask := "请回复确认，我们会告诉您可以怎么办理。"
	if !f.has {
		ask = "如果是，请把订单号发给我，我们会告诉您可以怎么办理。"
	}
	return "为了准确理解您的需求，想跟您确认一下：" + q + ask
}
