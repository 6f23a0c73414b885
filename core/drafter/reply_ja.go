package drafter

import (
	"fmt"

	"github.com/sellerdesk/sellerdesk/core"
)

// ja returns the paragraphs of a Japanese reply; it mirrors en case by
// case, in the です・ます form with the humble and honorific keigo Japanese
// shops use with customers.
func (w *writer) ja(in Intent) []string {
	f := w.f
	p := w.shop.Policy
	st := f.stage()
	s := func(sentences ...string) string { return para("", sentences...) }
	askID := "お手数ですが、注文番号をお知らせいただけますでしょうか。注文番号はご注文確認メールに記載されております。"

	switch in {
	case TrackOrder:
		if st == noOrder {
			return []string{s("ご注文の状況をお調べいたします。", askID)}
		}
		var extra string
		switch st {
		case shipped, partial:
			if f.tracking != "" && f.carrier != core.Other.DisplayName() {
				extra = fmt.Sprintf("こちらのお問い合わせ番号で、%sのウェブサイトより配送状況をご確認いただけます。", f.carrier)
			}
		case delivered:
			extra = "お荷物が見当たらない場合は、恐れ入りますがご近所の方や宅配ボックス、置き配場所などをご確認のうえ、改めてご連絡ください。確認のお手伝いをいたします。"
		case canceled:
			extra = w.jaRefund()
		}
		return []string{s(w.jaStatus(), extra)}

	case DeliveryTime:
		switch st {
		case noOrder:
			return []string{s(fmt.Sprintf("ご注文は、ご購入から%d営業日以内に発送しております。発送後のお届け日数は、ご注文時に選択された配送方法により異なります。", p.HandlingDays),
				"注文番号をお知らせいただければ、お客様のご注文をお調べいたします。")}
		case shipped, partial:
			return []string{s(w.jaStatus(), "お届け予定日は、配送業者の追跡ページでご確認いただけます。")}
		case unshipped:
			return []string{s(w.jaStatus(), "発送後のお届け日数は、ご注文時に選択された配送方法により異なります。")}
		case canceled:
			return []string{s(w.jaStatus(), w.jaRefund())}
		}
		return []string{w.jaStatus()}

	case CancelOrder:
		switch st {
		case noOrder:
			return []string{s("キャンセルについて承知いたしました。", "お手数ですが、キャンセルをご希望のご注文の注文番号をお知らせいただけますでしょうか。ご注文は発送前であればキャンセルが可能です。")}
		case pending:
			self := ""
			if f.buyerMayCancel() {
				self = fmt.Sprintf("なお、ご注文から%d分以内であれば、%sからお客様ご自身でキャンセルいただくことも可能です。", p.BuyerCancelMinutes, w.jaOrdersPage())
			}
			return []string{s(fmt.Sprintf("ご注文（注文番号：%s）は現在お支払いの確認中のため、当店からはまだキャンセルの手続きができません。", f.id),
				"手続きが可能になり次第、担当者がキャンセルし、こちらでご連絡いたします。", self)}
		case unshipped:
			if f.marketplace {
				return []string{s(fmt.Sprintf("ご注文（注文番号：%s）は%sため、キャンセルは%sの注文詳細からお手続きをお願いいたします。", f.id, w.jaFBA(), w.jaOrdersPage()))}
			}
			return []string{s(fmt.Sprintf("ご注文（注文番号：%s）はまだ発送前のため、キャンセルが可能です。", f.id),
				"担当者がお手続きを行い、完了しましたらこちらでご連絡いたします。")}
		case partial:
			who := "担当者がご依頼内容を確認し、こちらでご連絡いたします。"
			if f.marketplace {
				who = fmt.Sprintf("本ご注文は%sため、キャンセルは%sの注文詳細からお手続きをお願いいたします。", w.jaFBA(), w.jaOrdersPage())
			}
			return []string{s(fmt.Sprintf("ご注文（注文番号：%s）は一部の商品がすでに発送済みです（%d点中%d点、%s）。そのため、キャンセルできるのは未発送の商品のみとなります。", f.id, f.unitsTotal, f.unitsShipped, w.jaCarrier()),
				who, "発送済みの商品は、お受け取り後に返品いただけます。")}
		case shipped:
			return []string{s(fmt.Sprintf("ご注文（注文番号：%s）は%sにすでに発送しております（%s）。そのため、誠に恐れ入りますがキャンセルは承れません。", f.id, dateJA(f.shipDay), w.jaCarrier()),
				fmt.Sprintf("お受け取り後、お届けから%d日以内であれば返品を承ります。", p.ReturnWindowDays))}
		case delivered:
			return []string{s(w.jaDelivered("ため、キャンセルは承れません"), w.jaReturnWindow())}
		case canceled:
			when := "すでに"
			if !f.canceledDay.IsZero() {
				when = dateJA(f.canceledDay) + "に"
			}
			return []string{s(fmt.Sprintf("ご注文（注文番号：%s）は%sキャンセル済みです。お客様のほうでお手続きいただくことはございません。", f.id, when), w.jaRefund())}
		}
		return []string{w.jaStatus()}

	case ChangeAddress:
		rule := "誠に恐れ入りますが、ご注文確定後はお届け先の変更や転送はできず、ご注文時のお届け先にのみお届けとなります。"
		switch st {
		case noOrder:
			return []string{rule, s("ご注文がまだ発送前であれば、一度キャンセルのうえ、正しいお届け先で改めてご注文いただく方法がございます。",
				"確認いたしますので、注文番号をお知らせいただけますでしょうか。")}
		case pending:
			return []string{rule, s(fmt.Sprintf("ご注文（注文番号：%s）はまだ発送前（お支払いの確認中）のため、一度キャンセルのうえ、正しいお届け先で改めてご注文いただく方法がございます。", f.id),
				"ご希望の場合は、その旨をご返信ください。担当者ができるだけ早くキャンセルいたします。")}
		case unshipped:
			if f.marketplace {
				return []string{rule, s(fmt.Sprintf("ご注文（注文番号：%s）はまだ発送前のため、%sの注文詳細からキャンセルのうえ、正しいお届け先で改めてご注文いただけます。", f.id, w.jaOrdersPage()))}
			}
			return []string{rule, s(fmt.Sprintf("ご注文（注文番号：%s）はまだ発送前のため、一度キャンセルのうえ、正しいお届け先で改めてご注文いただく方法がございます。", f.id),
				"ご希望の場合は、その旨をご返信ください。担当者がキャンセルいたします。")}
		case partial:
			return []string{rule, s(fmt.Sprintf("ご注文（注文番号：%s）は一部の商品がすでに発送済みです（%s）。", f.id, w.jaCarrier()),
				"未発送の商品はキャンセルのうえ、正しいお届け先で改めてご注文いただけます。ご希望の場合はその旨をご返信ください。担当者が対応いたします。")}
		case shipped:
			return []string{s(fmt.Sprintf("ご注文（注文番号：%s）は%sにすでに発送しております（%s）。そのため、お届け先の変更は承れません。", f.id, dateJA(f.shipDay), w.jaCarrier()),
				"万一お届けできなかった場合は、ご連絡ください。対応いたします。")}
		case delivered:
			return []string{s(w.jaDelivered(""), "誤ったお届け先に配達された場合は、状況をお知らせください。担当者が対応いたします。")}
		case canceled:
			return []string{s(fmt.Sprintf("ご注文（注文番号：%s）はキャンセル済みのため、そちらのお届け先に商品が発送されることはございません。", f.id),
				"正しいお届け先で改めてご注文いただけますと幸いです。", w.jaRefund())}
		}
		return []string{rule, w.jaStatus()}

	case ReturnRequest:
		if st == noOrder {
			return []string{s(fmt.Sprintf("商品はお届けから%d日以内であれば返品を承っております。", p.ReturnWindowDays),
				"お手数ですが、注文番号と、返品をご希望の商品およびその理由をお知らせいただけますでしょうか。確認のうえご案内いたします。")}
		}
		if f.ret != nil {
			if t := w.jaReturnStatus(); t != "" {
				return []string{t}
			}
		}
		switch {
		case f.returnOK:
			return []string{s(fmt.Sprintf("ご注文（注文番号：%s）は%sまで返品を承ります（%sから%d日間）。", f.id, dateJA(f.lastReturn), jaFrom(f.windowFrom), p.ReturnWindowDays),
				"返品をご希望の商品とその理由をお知らせください。担当者が確認のうえ、返品方法をご案内いたします。", w.jaRefund())}
		case f.windowClosed:
			return []string{s(fmt.Sprintf("ご注文（注文番号：%s）の返品受付期間は%sに終了しております（%sから%d日間）。そのため、誠に恐れ入りますが通常の返品は承れません。", f.id, dateJA(f.lastReturn), jaFrom(f.windowFrom), p.ReturnWindowDays),
				"商品に不具合がございましたら、状況をお知らせください。担当者が確認いたします。", w.jaRefund())}
		case st == pending || st == unshipped:
			if f.marketplace {
				return []string{s(fmt.Sprintf("ご注文（注文番号：%s）はまだ発送前のため、返品のお手続きは不要です。", f.id),
					fmt.Sprintf("ご不要になった場合は、%sの注文詳細からキャンセルいただけます。", w.jaOrdersPage()))}
			}
			return []string{s(fmt.Sprintf("ご注文（注文番号：%s）はまだ発送前のため、返品のお手続きは不要です。", f.id),
				"ご不要になった場合は、代わりにキャンセルも可能ですので、その旨をご返信ください。")}
		case st == canceled:
			return []string{s(w.jaCanceled("。商品は発送されていないため、返品のお手続きは不要です"), w.jaRefund())}
		}
		return []string{w.jaStatus()}

	case RefundStatus:
		if st == noOrder {
			return []string{s("ご返金の状況をお調べいたします。", "お手数ですが、注文番号をお知らせいただけますでしょうか。")}
		}
		if f.refundCount > 0 {
			return []string{s(w.jaRefundDone(), "ご利用の銀行やカード会社によっては、明細に反映されるまで数営業日かかる場合がございます。")}
		}
		if f.ret != nil {
			if t := w.jaReturnStatus(); t != "" {
				return []string{t}
			}
		}
		switch {
		case st == canceled:
			return []string{s(w.jaCanceled(""), "本ご注文のご返金記録はまだございません。担当者が確認のうえ、こちらでご連絡いたします。")}
		case f.returnOK:
			return []string{s(fmt.Sprintf("ご注文（注文番号：%s）のご返金はまだ行われておりません。", f.id),
				fmt.Sprintf("ご返金は返品後のお手続きとなり、返品は%sまで承ります。返品をご希望の商品とその理由をお知らせいただければ、担当者が確認いたします。", dateJA(f.lastReturn)))}
		case f.windowClosed:
			return []string{s(fmt.Sprintf("ご注文（注文番号：%s）のご返金記録はなく、返品受付期間は%sに終了しております。", f.id, dateJA(f.lastReturn)),
				"商品に不具合がございましたら、状況をお知らせください。担当者が確認いたします。")}
		case st == pending || st == unshipped:
			return []string{s(fmt.Sprintf("ご注文（注文番号：%s）はまだ発送前のため、ご返金は発生しておりません。", f.id),
				"キャンセルをご希望の場合は、その旨をご返信ください。")}
		}
		return []string{s(fmt.Sprintf("ご注文（注文番号：%s）のご返金はまだ行われておりません。", f.id), "担当者が確認のうえ、こちらでご連絡いたします。")}

	case DamagedOrWrongItem:
		photos := "お手数ですが、商品と梱包の状態がわかる写真をお送りいただけますでしょうか。担当者が確認のうえ、対応方法をご案内いたします。"
		if w.photos {
			photos = "写真をお送りいただき、ありがとうございます。担当者が確認のうえ、対応方法をご案内いたします。"
		}
		switch {
		case st == noOrder:
			if w.photos {
				return []string{s("商品がこのような状態で届き、大変申し訳ございません。写真をお送りいただき、ありがとうございます。", "お手数ですが、注文番号をお知らせいただけますでしょうか。担当者が確認のうえ、対応方法をご案内いたします。")}
			}
			return []string{s("商品がこのような状態で届き、大変申し訳ございません。", "お手数ですが、注文番号と、商品および梱包の状態がわかる写真をお送りいただけますでしょうか。担当者が確認のうえ、対応方法をご案内いたします。")}
		case f.shipped || st == delivered:
			window := ""
			switch {
			case w.also(ReturnRequest):
			case f.returnOK:
				window = fmt.Sprintf("なお、返品受付期間内（%sまで）でございます。", dateJA(f.lastReturn))
			case f.windowClosed && w.photos:
				window = fmt.Sprintf("返品受付期間は%sに終了しておりますが、担当者が確認いたします。", dateJA(f.lastReturn))
			case f.windowClosed:
				window = fmt.Sprintf("返品受付期間は%sに終了しておりますが、写真をお送りいただければ担当者が確認いたします。", dateJA(f.lastReturn))
			}
			return []string{s(fmt.Sprintf("ご注文（注文番号：%s）の商品に不具合があり、大変申し訳ございません。", f.id), photos, window)}
		}
		return []string{s("ご不便をおかけし、申し訳ございません。", fmt.Sprintf("当店の記録では、ご注文（注文番号：%s）はまだ発送前となっております。恐れ入りますが、お手元の商品がどのご注文のものかご確認のうえ、その注文番号をお知らせいただけますでしょうか。", f.id))}

	case Invoice:
		switch st {
		case noOrder:
			return []string{s("お手数ですが、領収書・請求書が必要なご注文の注文番号をお知らせいただけますでしょうか。", "宛名（会社名など）や登録番号の記載が必要な場合は、あわせてお知らせください。")}
		case canceled:
			return []string{s(w.jaCanceled(""), w.jaRefund(), "それでも書類が必要な場合は、ご用途をお知らせください。担当者が対応いたします。")}
		}
		return []string{s(fmt.Sprintf("ご注文（注文番号：%s）の請求書は、担当者が作成のうえ、こちらでお送りいたします。", f.id),
			"宛名（会社名など）や登録番号の記載が必要な場合は、ご返信にてお知らせください。")}

	case PaymentIssue:
		hold := "ご注文時には、カードに金額の「仮押さえ（与信枠の確保）」が行われ、実際の請求は商品の発送時に行われます。使われなかった仮押さえは、通常数営業日で自動的に解除されます（カード会社により異なります）。"
		still := fmt.Sprintf("%d日たっても同じご注文で2件の請求が明細に残っている場合は、それぞれの日付と金額をお知らせください（カード番号はお送りいただかないようお願いいたします）。担当者がマーケットプレイスと確認いたします。", duplicateChargeDays)
		other := "カードが利用できない、金額が違うなど別のお困りごとでしたら、詳しい状況をお知らせください。"
		switch st {
		case noOrder:
			return []string{s("お支払いの件でご不便をおかけし、申し訳ございません。", "同じご注文で2件の請求が表示されている場合について、ご説明いたします。", hold),
				"お手数ですが、注文番号と、表示されている内容をお知らせいただけますでしょうか。担当者が確認いたします。"}
		case pending:
			return []string{s(fmt.Sprintf("ご注文（注文番号：%s）のお支払いは、現在確認中でございます。", f.id),
				fmt.Sprintf("確認には最長%d日かかる場合があり、確認が取れない場合はご注文が自動的にキャンセルされます。", p.PendingDays),
				"実際の請求は発送時に行われるため、現在表示されている金額は仮押さえでございます。",
				"カードが利用できなかった場合や変更された場合は、アカウントのお支払い方法を更新してください。")}
		case unshipped:
			return []string{s(fmt.Sprintf("ご注文（注文番号：%s）のお支払いは確認済みです。まだ発送前のため、カードへの請求は行われておらず、表示されているのは仮押さえです。実際の請求は発送時に行われます。", f.id),
				"仮押さえが2件表示されている場合も、通常は数営業日で自動的に解除されます（カード会社により異なります）。"), s(still, other)}
		case partial:
			return []string{s(fmt.Sprintf("ご注文（注文番号：%s）は複数回に分けて発送しており、発送ごとに請求が行われます。そのため、合計するとご注文金額になる複数の請求が表示される場合がございます。", f.id), hold),
				s(still, other, w.jaRefund())}
		case shipped, delivered:
			return []string{s(fmt.Sprintf("ご注文（注文番号：%s）のご請求は、%sの発送時に行われております。", f.id, dateJA(f.shipDay)),
				"同じご注文でもう1件の金額が表示されている場合、多くはご注文時の仮押さえで、通常は数営業日で自動的に解除されます（カード会社により異なります）。"),
				s(still, other, w.jaRefund())}
		case canceled:
			return []string{s(w.jaCanceled(""), w.jaRefund(), "本ご注文の金額がまだ表示されている場合、多くはご注文時の仮押さえで、通常は数営業日でカード会社により解除されます。"),
				fmt.Sprintf("%d日たっても表示が残っている場合は、日付と金額をお知らせください（カード番号はお送りいただかないようお願いいたします）。担当者が確認いたします。", duplicateChargeDays)}
		}
		return []string{s(fmt.Sprintf("ご注文（注文番号：%s）のお支払いについてお知らせいただき、ありがとうございます。", f.id), hold), s(still, other)}

	case Complaint:
		about := ""
		if f.has {
			about = fmt.Sprintf("ご注文（注文番号：%s）につきまして、", f.id)
		}
		return []string{s(fmt.Sprintf("%sご不快な思いをおかけし、誠に申し訳ございません。貴重なご意見をお寄せいただき、ありがとうございます。", about),
			"担当者が直接メッセージを拝見し、こちらでご返信いたします。"), w.jaStatus()}

	case HumanAgent:
		intro := "こちらは当店のスタッフが対応しております。返信はすべてスタッフが作成または確認しております。"
		if !f.has {
			return []string{intro, "どのようなご用件でしょうか。ご注文に関するお問い合わせの場合は、注文番号もお知らせください。"}
		}
		return []string{intro, w.jaStatus(), "どのようなご用件でしょうか。"}
	}

	if !f.has {
		return []string{s("お問い合わせいただき、ありがとうございます。担当者が内容を確認し、こちらでご返信いたします。", "ご注文に関するお問い合わせの場合は、注文番号もお知らせください。")}
	}
	return []string{s(fmt.Sprintf("ご注文（注文番号：%s）についてお問い合わせいただき、ありがとうございます。", f.id), "担当者が内容を確認し、こちらでご返信いたします。")}
}

func jaFrom(from string) string {
	if from == "delivery" {
		return "お届け日"
	}
	return "発送日"
}

func (w *writer) jaOrdersPage() string {
	if w.f.amazon {
		return "Amazonアカウントの「注文履歴」"
	}
	return "マーケットプレイスのアカウント"
}

// jaFBA continues "ご注文は…ため": who ships a marketplace order.
func (w *writer) jaFBA() string {
	if w.f.amazon {
		return "Amazonから発送される（フルフィルメント by Amazon）"
	}
	return "マーケットプレイスの配送サービスから発送される"
}

func (w *writer) jaStatus() string {
	f := w.f
	switch f.stage() {
	case pending:
		return fmt.Sprintf("ご注文（注文番号：%s）は現在お支払いの確認中でございます。確認が取れ次第、発送の準備をいたします。", f.id)
	case unshipped:
		by := ""
		if !f.shipBy.IsZero() {
			by = dateJA(f.shipBy)
		}
		switch {
		case f.marketplace:
			ships := "マーケットプレイスの配送サービスより発送されます。"
			if f.amazon {
				ships = "Amazonより発送されます（フルフィルメント by Amazon）。"
			}
			s := fmt.Sprintf("ご注文（注文番号：%s）は%s", f.id, ships)
			if by != "" {
				s += by + "までに発送予定です。"
			}
			return s + fmt.Sprintf("発送後、お問い合わせ番号は%sの注文詳細でご確認いただけます。", w.jaOrdersPage())
		case f.late && by != "":
			return fmt.Sprintf("ご注文（注文番号：%s）はまだ発送しておりません。%sまでに発送する予定のところ、お待たせしており誠に申し訳ございません。発送いたしましたら、すぐにお問い合わせ番号をお知らせいたします。", f.id, by)
		case by != "":
			return fmt.Sprintf("ご注文（注文番号：%s）はまだ発送しておりませんが、%sまでに発送する予定です。発送いたしましたら、お問い合わせ番号をお知らせいたします。", f.id, by)
		}
		return fmt.Sprintf("ご注文（注文番号：%s）はまだ発送しておりません。発送いたしましたら、お問い合わせ番号をお知らせいたします。", f.id)
	case partial:
		rest := ""
		if !f.shipBy.IsZero() {
			if f.late {
				rest = fmt.Sprintf("残りの商品は%sまでに発送する予定のところ、お待たせしており誠に申し訳ございません。", dateJA(f.shipBy))
			} else {
				rest = fmt.Sprintf("残りの商品は%sまでに発送する予定です。", dateJA(f.shipBy))
			}
		}
		return fmt.Sprintf("ご注文（注文番号：%s）は一部を発送済みです。現在%d点中%d点を発送しており、直近の発送日は%sです（%s）。%s", f.id, f.unitsTotal, f.unitsShipped, dateJA(f.shipDay), w.jaCarrier(), rest)
	case shipped:
		if f.shipments > 1 {
			return fmt.Sprintf("ご注文（注文番号：%s）は%d個口に分けて発送しており、最後のお荷物は%sに発送いたしました（%s）。", f.id, f.shipments, dateJA(f.shipDay), w.jaCarrier())
		}
		if f.tracking != "" {
			return fmt.Sprintf("ご注文（注文番号：%s）は%sに%sにて発送いたしました。お問い合わせ番号は%sです。", f.id, dateJA(f.shipDay), f.carrier, f.tracking)
		}
		return fmt.Sprintf("ご注文（注文番号：%s）は%sに%sにて発送いたしました。", f.id, dateJA(f.shipDay), f.carrier)
	case delivered:
		return w.jaDelivered("")
	case canceled:
		if f.shipped {
			return w.jaCanceled(fmt.Sprintf("。なお、キャンセル前に一部の商品は発送済みです（%s）", w.jaCarrier()))
		}
		return w.jaCanceled("。商品が発送されることはございません")
	case unclear:
		return fmt.Sprintf("ご注文（注文番号：%s）の発送状況を担当者が確認し、こちらでご連絡いたします。", f.id)
	}
	return ""
}

func (w *writer) jaCarrier() string {
	if w.f.tracking == "" {
		return w.f.carrier
	}
	return fmt.Sprintf("%s、お問い合わせ番号：%s", w.f.carrier, w.f.tracking)
}

// jaDelivered says the order was delivered; so continues the sentence
// after the verb stem ("ため、キャンセルは承れません").
func (w *writer) jaDelivered(so string) string {
	f := w.f
	s := fmt.Sprintf("ご注文（注文番号：%s）はお届け済み", f.id)
	if !f.deliveredDay.IsZero() {
		s = fmt.Sprintf("ご注文（注文番号：%s）は%sにお届け済み", f.id, dateJA(f.deliveredDay))
	}
	if f.shipped {
		s += "（" + w.jaCarrier() + "）"
	}
	if so != "" {
		return s + "の" + so + "。"
	}
	return s + "です。"
}

// jaCanceled says the order was cancelled; tail follows the sentence (it
// starts with its own 。 when it is a new sentence).
func (w *writer) jaCanceled(tail string) string {
	f := w.f
	s := fmt.Sprintf("ご注文（注文番号：%s）は", f.id)
	if f.paymentFailed {
		s += "お支払いの確認が取れなかったため、"
	}
	if !f.canceledDay.IsZero() {
		s += dateJA(f.canceledDay) + "に"
	}
	return s + "キャンセルとなっております" + tail + "。"
}

func (w *writer) jaReturnWindow() string {
	f := w.f
	switch {
	case f.returnOK:
		return fmt.Sprintf("%sまでであれば返品を承ります。", dateJA(f.lastReturn))
	case f.windowClosed:
		return fmt.Sprintf("返品受付期間は%sに終了しております。", dateJA(f.lastReturn))
	}
	return ""
}

func (w *writer) jaRefund() string {
	f := w.f
	switch f.refundCount {
	case 0:
		return ""
	case 1:
		return fmt.Sprintf("%sに%sを返金いたしました。", dateJA(f.refundDay), f.refundIn("ja"))
	}
	return fmt.Sprintf("これまでに合計%sを返金しており、最後の返金日は%sです。", f.refundIn("ja"), dateJA(f.refundDay))
}

func (w *writer) jaRefundDone() string {
	f := w.f
	if f.refundCount == 1 {
		return fmt.Sprintf("ご注文（注文番号：%s）につきまして、%sに%sを返金いたしました。", f.id, dateJA(f.refundDay), f.refundIn("ja"))
	}
	return fmt.Sprintf("ご注文（注文番号：%s）につきまして、これまでに合計%sを返金しており、最後の返金日は%sです。", f.id, f.refundIn("ja"), dateJA(f.refundDay))
}

func (w *writer) jaReturnStatus() string {
	f := w.f
	p := w.shop.Policy
	switch f.ret.Status {
	case core.ReturnRequested:
		return fmt.Sprintf("ご注文（注文番号：%s）の返品リクエストを承り、現在担当者が確認しております。今後の流れはこちらでご連絡いたします。", f.id)
	case core.ReturnApproved:
		return fmt.Sprintf("ご注文（注文番号：%s）の返品を承認いたしました。商品をご返送ください。商品の到着後、%d営業日以内に返金いたします。", f.id, p.RefundDays)
	case core.ReturnReceived:
		got := fmt.Sprintf("ご注文（注文番号：%s）の返品商品を受領いたしました。", f.id)
		if d := f.returnReceivedDay(); !d.IsZero() {
			got = fmt.Sprintf("ご注文（注文番号：%s）の返品商品を%sに受領いたしました。", f.id, dateJA(d))
		}
		if f.refundCount > 0 {
			return got + w.jaRefund()
		}
		if by := f.refundBy(); !by.IsZero() {
			return got + fmt.Sprintf("%sまでに返金いたします。返金が完了次第、こちらでご連絡いたします。", dateJA(by))
		}
		return got + fmt.Sprintf("%d営業日以内に返金いたします。返金が完了次第、こちらでご連絡いたします。", p.RefundDays)
	case core.ReturnRefunded:
		if f.refundCount > 0 {
			return fmt.Sprintf("ご注文（注文番号：%s）の返品手続きは完了しております。", f.id) + w.jaRefund()
		}
		return fmt.Sprintf("ご注文（注文番号：%s）の返品に伴うご返金について担当者が確認し、こちらでご連絡いたします。", f.id)
	case core.ReturnRejected:
		return fmt.Sprintf("誠に恐れ入りますが、ご注文（注文番号：%s）の返品リクエストは承認に至りませんでした。詳しい状況や写真をお送りいただければ、担当者が改めて確認いたします。", f.id)
	}
	return ""
}

func (w *writer) jaConfirm(in Intent) string {
	f := w.f
	order := "ご注文"
	if f.has {
		order = fmt.Sprintf("ご注文（注文番号：%s）", f.id)
	}
	var q string
	switch in {
	case CancelOrder:
		q = order + "のキャンセルをご希望でしょうか。"
	case ChangeAddress:
		q = order + "のお届け先に関するお問い合わせでしょうか。"
	case ReturnRequest:
		q = order + "の商品の返品をご希望でしょうか。"
	default:
		q = order + "のご返金に関するお問い合わせでしょうか。"
	}
	ask := "お手数ですが、その旨をご返信ください。確認のうえ、対応可能な内容をご案内いたします。"
	if !f.has {
		ask = "その場合は、お手数ですが注文番号をお知らせください。確認のうえ、対応可能な内容をご案内いたします。"
	}
	return "ご依頼内容を正しく理解するため、確認させてください。" + q + ask
}
