package drafter

import (
	"fmt"

	"github.com/sellerdesk/sellerdesk/core"
)

// es returns the paragraphs of a Spanish reply; it mirrors en case by case,
// addressing the buyer as usted.
func (w *writer) es(in Intent) []string {
	f := w.f
	p := w.shop.Policy
	st := f.stage()
	s := func(sentences ...string) string { return para(" ", sentences...) }
	askID := "¿Podría enviarnos su número de pedido? Lo encontrará en el correo electrónico de confirmación del pedido."

	switch in {
	case TrackOrder:
		if st == noOrder {
			return []string{s("Con mucho gusto comprobamos el estado de su pedido.", askID)}
		}
		var extra string
		switch st {
		case shipped, partial:
			if f.tracking != "" && f.carrier != core.Other.DisplayName() {
				extra = fmt.Sprintf("Con ese número puede consultar el seguimiento del envío en la web de %s.", f.carrier)
			}
		case delivered:
			extra = "Si no encuentra el paquete, le rogamos que pregunte a sus vecinos y revise los alrededores del lugar de entrega; después, escríbanos y le ayudaremos."
		case canceled:
			extra = w.esRefund()
		}
		return []string{s(w.esStatus(), extra)}

	case DeliveryTime:
		switch st {
		case noOrder:
			return []string{s(fmt.Sprintf("Enviamos los pedidos en un plazo de %d días hábiles desde la compra; después, el plazo de entrega depende de la opción de envío elegida al hacer el pedido.", p.HandlingDays),
				"Si nos envía su número de pedido, podemos comprobar el suyo.")}
		case shipped, partial:
			return []string{s(w.esStatus(), "La fecha de entrega prevista aparece en la página de seguimiento del transportista.")}
		case unshipped:
			return []string{s(w.esStatus(), "Una vez enviado, el plazo de entrega depende de la opción de envío elegida al hacer el pedido.")}
		case canceled:
			return []string{s(w.esStatus(), w.esRefund())}
		}
		return []string{w.esStatus()}

	case CancelOrder:
		switch st {
		case noOrder:
			return []string{s("Con mucho gusto le ayudamos.", "¿Podría enviarnos el número del pedido que desea cancelar? Un pedido puede cancelarse mientras no se haya enviado.")}
		case pending:
			self := ""
			if f.buyerMayCancel() {
				self = fmt.Sprintf("También puede cancelarlo usted mismo en los %d minutos siguientes a la compra, %s.", p.BuyerCancelMinutes, w.esOrdersPage())
			}
			return []string{s(fmt.Sprintf("El pago de su pedido %s todavía se está verificando, por lo que de momento no podemos cancelarlo desde nuestra parte.", f.id),
				"Nuestro equipo lo cancelará en cuanto sea posible y se lo confirmará aquí.", self)}
		case unshipped:
			if f.marketplace {
				return []string{s(fmt.Sprintf("Su pedido %s lo envía %s, así que la cancelación debe solicitarse allí, con la opción de cancelar en los detalles del pedido %s.", f.id, w.esFBA(), w.esOrdersPage()))}
			}
			return []string{s(fmt.Sprintf("Su pedido %s aún no se ha enviado, así que todavía puede cancelarse.", f.id),
				"Nuestro equipo se encargará y se lo confirmará aquí en cuanto esté hecho.")}
		case partial:
			who := "Nuestro equipo revisará su solicitud y le responderá aquí."
			if f.marketplace {
				who = fmt.Sprintf("Este pedido lo envía %s: le rogamos que solicite la cancelación en los detalles del pedido %s.", w.esFBA(), w.esOrdersPage())
			}
			return []string{s(fmt.Sprintf("Parte de su pedido %s ya se ha enviado (%d de %d artículos; %s), por lo que solo pueden cancelarse los artículos que aún no se han enviado.", f.id, f.unitsShipped, f.unitsTotal, w.esCarrier()),
				who, "Los artículos ya enviados podrán devolverse una vez recibidos.")}
		case shipped:
			return []string{s(fmt.Sprintf("Su pedido %s ya se envió el %s (%s), por lo que lamentablemente ya no puede cancelarse.", f.id, dateES(f.shipDay), w.esCarrier()),
				fmt.Sprintf("Cuando lo reciba, podrá devolverlo en un plazo de %d días desde la entrega.", p.ReturnWindowDays))}
		case delivered:
			return []string{s(w.esDelivered("por lo que ya no puede cancelarse"), w.esReturnWindow())}
		case canceled:
			since := ""
			if !f.canceledDay.IsZero() {
				since = " (desde el " + dateES(f.canceledDay) + ")"
			}
			return []string{s(fmt.Sprintf("Su pedido %s ya está cancelado%s, así que no tiene que hacer nada más.", f.id, since), w.esRefund())}
		}
		return []string{w.esStatus()}

	case ChangeAddress:
		rule := "Una vez realizado el pedido, la dirección de envío no puede modificarse y el paquete no puede redirigirse: solo puede entregarse en la dirección que figura en el pedido."
		switch st {
		case noOrder:
			return []string{rule, s("Si su pedido aún no se ha enviado, la solución es cancelarlo y hacer un nuevo pedido con la dirección correcta.",
				"¿Podría enviarnos su número de pedido para que lo comprobemos?")}
		case pending:
			return []string{rule, s(fmt.Sprintf("Su pedido %s aún no se ha enviado (el pago se está verificando), así que la solución es cancelarlo y hacer un nuevo pedido con la dirección correcta.", f.id),
				"Si lo desea, respóndanos para confirmarlo y nuestro equipo lo cancelará lo antes posible.")}
		case unshipped:
			if f.marketplace {
				return []string{rule, s(fmt.Sprintf("Su pedido %s aún no se ha enviado: puede cancelarlo en los detalles del pedido %s y hacer un nuevo pedido con la dirección correcta.", f.id, w.esOrdersPage()))}
			}
			return []string{rule, s(fmt.Sprintf("Su pedido %s aún no se ha enviado, así que la solución es cancelarlo y hacer un nuevo pedido con la dirección correcta.", f.id),
				"Si lo desea, respóndanos para confirmarlo y nuestro equipo lo cancelará.")}
		case partial:
			return []string{rule, s(fmt.Sprintf("Parte de su pedido %s ya se ha enviado (%s).", f.id, w.esCarrier()),
				"Los artículos que aún no se han enviado pueden cancelarse para que vuelva a pedirlos con la dirección correcta: respóndanos para confirmarlo y nuestro equipo se encargará.")}
		case shipped:
			return []string{s(fmt.Sprintf("Su pedido %s ya se envió el %s (%s), por lo que su dirección ya no puede modificarse.", f.id, dateES(f.shipDay), w.esCarrier()),
				"Si el paquete no pudiera entregarse, avísenos y le ayudaremos.")}
		case delivered:
			return []string{s(w.esDelivered(""), "Si se entregó en una dirección equivocada, cuéntenos qué ha ocurrido y nuestro equipo le ayudará.")}
		case canceled:
			return []string{s(fmt.Sprintf("Su pedido %s está cancelado, así que no se enviará nada a esa dirección.", f.id),
				"Puede hacer un nuevo pedido con la dirección correcta cuando lo desee.", w.esRefund())}
		}
		return []string{rule, w.esStatus()}

	case ReturnRequest:
		if st == noOrder {
			return []string{s(fmt.Sprintf("Los artículos pueden devolverse en un plazo de %d días desde la entrega.", p.ReturnWindowDays),
				"¿Podría enviarnos su número de pedido e indicarnos qué artículo desea devolver y por qué? Así podremos comprobarlo.")}
		}
		if f.ret != nil {
			if t := w.esReturnStatus(); t != "" {
				return []string{t}
			}
		}
		switch {
		case f.returnOK:
			return []string{s(fmt.Sprintf("Su pedido %s puede devolverse hasta el %s (%d días desde %s).", f.id, dateES(f.lastReturn), p.ReturnWindowDays, esFrom(f.windowFrom)),
				"Indíquenos qué artículo(s) desea devolver y por qué; nuestro equipo revisará la solicitud y le enviará las instrucciones de devolución.", w.esRefund())}
		case f.windowClosed:
			return []string{s(fmt.Sprintf("El plazo de devolución de su pedido %s terminó el %s (%d días desde %s), por lo que ya no es posible una devolución ordinaria.", f.id, dateES(f.lastReturn), p.ReturnWindowDays, esFrom(f.windowFrom)),
				"Si el artículo tiene algún problema, cuéntenos qué ha ocurrido y nuestro equipo lo revisará.", w.esRefund())}
		case st == pending || st == unshipped:
			if f.marketplace {
				return []string{s(fmt.Sprintf("Su pedido %s aún no se ha enviado, así que no hay nada que devolver.", f.id),
					fmt.Sprintf("Si ya no lo quiere, puede cancelarlo en los detalles del pedido %s.", w.esOrdersPage()))}
			}
			return []string{s(fmt.Sprintf("Su pedido %s aún no se ha enviado, así que no hay nada que devolver.", f.id),
				"Si ya no lo quiere, podemos cancelarlo: basta con que nos responda para confirmarlo.")}
		case st == canceled:
			return []string{s(w.esCanceled(" y nunca llegó a enviarse, así que no hay nada que devolver"), w.esRefund())}
		}
		return []string{w.esStatus()}

	case RefundStatus:
		if st == noOrder {
			return []string{s("Con mucho gusto revisamos su reembolso.", "¿Podría enviarnos su número de pedido?")}
		}
		if f.refundCount > 0 {
			return []string{s(w.esRefundDone(), "Según su banco o tarjeta, puede tardar unos días hábiles en aparecer en su extracto.")}
		}
		if f.ret != nil {
			if t := w.esReturnStatus(); t != "" {
				return []string{t}
			}
		}
		switch {
		case st == canceled:
			return []string{s(w.esCanceled(""), "Todavía no consta ningún reembolso para este pedido; nuestro equipo lo revisará y le responderá aquí.")}
		case f.returnOK:
			return []string{s(fmt.Sprintf("Todavía no se ha emitido ningún reembolso para su pedido %s.", f.id),
				fmt.Sprintf("El reembolso se realiza tras una devolución, que puede solicitar hasta el %s: indíquenos qué artículo(s) y por qué, y nuestro equipo revisará la solicitud.", dateES(f.lastReturn)))}
		case f.windowClosed:
			return []string{s(fmt.Sprintf("No consta ningún reembolso para su pedido %s, y el plazo de devolución terminó el %s.", f.id, dateES(f.lastReturn)),
				"Si el artículo tiene algún problema, cuéntenos qué ha ocurrido y nuestro equipo lo revisará.")}
		case st == pending || st == unshipped:
			return []string{s(fmt.Sprintf("No consta ningún reembolso para su pedido %s: aún no se ha enviado.", f.id),
				"Si prefiere cancelarlo, basta con que nos responda para confirmarlo.")}
		}
		return []string{s(fmt.Sprintf("Todavía no se ha emitido ningún reembolso para su pedido %s.", f.id), "Nuestro equipo lo revisará y le responderá aquí.")}

	case DamagedOrWrongItem:
		photos := "¿Podría enviarnos una foto del artículo y del embalaje? Nuestro equipo la revisará y le indicará las opciones disponibles."
		if w.photos {
			photos = "Gracias por las fotos. Nuestro equipo las revisará y le indicará las opciones disponibles."
		}
		switch {
		case st == noOrder:
			if w.photos {
				return []string{s("Lamentamos que el artículo le haya llegado así, y gracias por las fotos.", "¿Podría enviarnos su número de pedido? Nuestro equipo revisará el caso y le indicará las opciones disponibles.")}
			}
			return []string{s("Lamentamos que el artículo le haya llegado así.", "¿Podría enviarnos su número de pedido y una foto del artículo y del embalaje? Nuestro equipo revisará el caso y le indicará las opciones disponibles.")}
		case f.shipped || st == delivered:
			window := ""
			switch {
			case w.also(ReturnRequest):
			case f.returnOK:
				window = fmt.Sprintf("Está dentro del plazo de devolución (hasta el %s).", dateES(f.lastReturn))
			case f.windowClosed && w.photos:
				window = fmt.Sprintf("El plazo de devolución terminó el %s, pero nuestro equipo revisará el caso igualmente.", dateES(f.lastReturn))
			case f.windowClosed:
				window = fmt.Sprintf("El plazo de devolución terminó el %s, pero envíenos las fotos de todos modos y nuestro equipo revisará el caso.", dateES(f.lastReturn))
			}
			return []string{s(fmt.Sprintf("Lamentamos el problema con su pedido %s.", f.id), photos, window)}
		}
		return []string{s("Lamentamos mucho lo ocurrido.", fmt.Sprintf("Según nuestros registros, su pedido %s aún no se ha enviado. ¿Podría comprobar con qué pedido llegó el artículo y enviarnos ese número de pedido?", f.id))}

	case Invoice:
		switch st {
		case noOrder:
			return []string{s("¿Podría enviarnos el número del pedido del que necesita la factura?", "Si debe figurar el nombre de una empresa o un NIF/CIF, indíquenoslo también.")}
		case canceled:
			return []string{s(w.esCanceled(""), w.esRefund(), "Si aun así necesita algún justificante, díganos para qué lo necesita y nuestro equipo le ayudará.")}
		}
		return []string{s(fmt.Sprintf("Nuestro equipo preparará la factura de su pedido %s y se la enviará por aquí.", f.id),
			"Si debe figurar el nombre de una empresa o un NIF/CIF, indíquenoslo en su respuesta.")}

	case PaymentIssue:
		hold := "Al hacer el pedido, en su tarjeta solo se retiene un importe (una autorización); el cargo se realiza cuando el pedido se envía. Una retención que no se usa desaparece sola, normalmente en pocos días hábiles según su banco."
		still := fmt.Sprintf("Si pasados %d días siguen apareciendo dos cargos por este pedido en su extracto, envíenos la fecha y el importe de cada uno (sin el número de tarjeta, por favor) y nuestro equipo lo revisará con el marketplace.", duplicateChargeDays)
		other := "Si se trata de otra cosa, como una tarjeta rechazada o un importe incorrecto, cuéntenos un poco más."
		switch st {
		case noOrder:
			return []string{s("Lamentamos el problema con el pago.", "Si ve dos cargos por un mismo pedido:", lowerFirst(hold)),
				"¿Podría enviarnos su número de pedido y contarnos qué ve? Nuestro equipo se encargará."}
		case pending:
			return []string{s(fmt.Sprintf("El pago de su pedido %s todavía se está verificando.", f.id),
				fmt.Sprintf("La verificación puede tardar hasta %d días; si el pago no puede verificarse, el pedido se cancela automáticamente.", p.PendingDays),
				"El cargo solo se realiza cuando el pedido se envía: un importe que vea ahora es solo una retención.",
				"Si su tarjeta fue rechazada o ha cambiado, actualice el método de pago en su cuenta.")}
		case unshipped:
			return []string{s(fmt.Sprintf("El pago de su pedido %s está confirmado. Como aún no se ha enviado, todavía no se ha cargado en su tarjeta: lo que ve es una autorización, y el cargo se hará cuando se envíe el pedido.", f.id),
				"Si aparece una segunda autorización, normalmente desaparece sola en pocos días hábiles, según su banco."), s(still, other)}
		case partial:
			return []string{s(fmt.Sprintf("Su pedido %s se envía en varias partes y cada envío se cobra cuando sale, así que puede ver varios cargos que juntos suman el total del pedido.", f.id), hold),
				s(still, other, w.esRefund())}
		case shipped, delivered:
			return []string{s(fmt.Sprintf("El pago de su pedido %s se cobró al enviarse, el %s.", f.id, dateES(f.shipDay)),
				"Si ve un segundo importe por el mismo pedido, lo más probable es que sea la retención hecha al realizar el pedido; desaparece sola, normalmente en pocos días hábiles según su banco."),
				s(still, other, w.esRefund())}
		case canceled:
			return []string{s(w.esCanceled(""), w.esRefund(), "Si todavía ve un importe por este pedido, lo más probable es que sea la retención hecha al realizar el pedido, que su banco libera en pocos días hábiles."),
				fmt.Sprintf("Si pasados %d días sigue ahí, envíenos la fecha y el importe (sin el número de tarjeta, por favor) y nuestro equipo se encargará.", duplicateChargeDays)}
		}
		return []string{s(fmt.Sprintf("Gracias por avisarnos sobre el pago de su pedido %s.", f.id), hold), s(still, other)}

	case Complaint:
		about := ""
		if f.has {
			about = fmt.Sprintf(" con su pedido %s", f.id)
		}
		return []string{s(fmt.Sprintf("Lamentamos sinceramente su experiencia%s y le agradecemos que nos lo haya comunicado.", about),
			"Un miembro de nuestro equipo leerá su mensaje personalmente y le responderá aquí."), w.esStatus()}

	case HumanAgent:
		intro := "Está hablando con nuestro equipo: cada respuesta aquí la escribe o la revisa una persona."
		if !f.has {
			return []string{intro, "¿En qué podemos ayudarle? Si se trata de un pedido, indíquenos el número de pedido."}
		}
		return []string{intro, w.esStatus(), "¿En qué podemos ayudarle?"}
	}

	if !f.has {
		return []string{s("Gracias por su mensaje. Nuestro equipo revisará su consulta y le responderá aquí.", "Si se trata de un pedido, indíquenos el número de pedido.")}
	}
	return []string{s(fmt.Sprintf("Gracias por su mensaje sobre su pedido %s.", f.id), "Nuestro equipo revisará su consulta y le responderá aquí.")}
}

func esFrom(from string) string {
	if from == "delivery" {
		return "la entrega"
	}
	return "el envío"
}

func (w *writer) esOrdersPage() string {
	if w.f.amazon {
		return "en «Mis pedidos» de su cuenta de Amazon"
	}
	return "en su cuenta del marketplace"
}

func (w *writer) esFBA() string {
	if w.f.amazon {
		return "Amazon (Enviado por Amazon)"
	}
	return "el servicio logístico del marketplace"
}

func (w *writer) esStatus() string {
	f := w.f
	switch f.stage() {
	case pending:
		return fmt.Sprintf("El pago de su pedido %s se está verificando; lo prepararemos para el envío en cuanto se confirme.", f.id)
	case unshipped:
		by := ""
		if !f.shipBy.IsZero() {
			by = dateES(f.shipBy)
		}
		switch {
		case f.marketplace:
			s := fmt.Sprintf("Su pedido %s lo envía %s", f.id, w.esFBA())
			if by != "" {
				s += " y debe salir como muy tarde el " + by
			}
			return s + fmt.Sprintf("; el número de seguimiento aparecerá en los detalles del pedido %s cuando se envíe.", w.esOrdersPage())
		case f.late && by != "":
			return fmt.Sprintf("Su pedido %s aún no se ha enviado. Debía salir como muy tarde el %s; le pedimos disculpas por el retraso. Le enviaremos el número de seguimiento en cuanto salga.", f.id, by)
		case by != "":
			return fmt.Sprintf("Su pedido %s aún no se ha enviado; saldrá como muy tarde el %s. Le enviaremos el número de seguimiento en cuanto salga.", f.id, by)
		}
		return fmt.Sprintf("Su pedido %s aún no se ha enviado. Le enviaremos el número de seguimiento en cuanto salga.", f.id)
	case partial:
		rest := ""
		if !f.shipBy.IsZero() {
			if f.late {
				rest = fmt.Sprintf(" El resto debía salir como muy tarde el %s; le pedimos disculpas por el retraso.", dateES(f.shipBy))
			} else {
				rest = fmt.Sprintf(" El resto saldrá como muy tarde el %s.", dateES(f.shipBy))
			}
		}
		return fmt.Sprintf("Parte de su pedido %s ya se ha enviado: %d de %d artículos por ahora, el último envío el %s (%s).%s", f.id, f.unitsShipped, f.unitsTotal, dateES(f.shipDay), w.esCarrier(), rest)
	case shipped:
		if f.shipments > 1 {
			return fmt.Sprintf("Su pedido %s se envió en %d paquetes; el último salió el %s (%s).", f.id, f.shipments, dateES(f.shipDay), w.esCarrier())
		}
		if f.tracking != "" {
			return fmt.Sprintf("Su pedido %s se envió el %s con %s; el número de seguimiento es %s.", f.id, dateES(f.shipDay), f.carrier, f.tracking)
		}
		return fmt.Sprintf("Su pedido %s se envió el %s con %s.", f.id, dateES(f.shipDay), f.carrier)
	case delivered:
		return w.esDelivered("")
	case canceled:
		if f.shipped {
			return w.esCanceled(fmt.Sprintf(" cuando una parte ya se había enviado (%s)", w.esCarrier()))
		}
		return w.esCanceled(" y no se enviará")
	case unclear:
		return fmt.Sprintf("Nuestro equipo revisará los datos de envío de su pedido %s y le responderá aquí.", f.id)
	}
	return ""
}

func (w *writer) esCarrier() string {
	if w.f.tracking == "" {
		return w.f.carrier
	}
	return fmt.Sprintf("%s, número de seguimiento %s", w.f.carrier, w.f.tracking)
}

func (w *writer) esDelivered(so string) string {
	f := w.f
	s := fmt.Sprintf("Su pedido %s se ha entregado", f.id)
	if !f.deliveredDay.IsZero() {
		s = fmt.Sprintf("Su pedido %s se entregó el %s", f.id, dateES(f.deliveredDay))
	}
	if f.shipped {
		s += " (" + w.esCarrier() + ")"
	}
	if so != "" {
		s += ", " + so
	}
	return s + "."
}

func (w *writer) esCanceled(tail string) string {
	f := w.f
	s := fmt.Sprintf("Su pedido %s se canceló", f.id)
	if !f.canceledDay.IsZero() {
		s += " el " + dateES(f.canceledDay)
	}
	if f.paymentFailed {
		s += " porque no se pudo verificar el pago"
	}
	return s + tail + "."
}

func (w *writer) esReturnWindow() string {
	f := w.f
	switch {
	case f.returnOK:
		return fmt.Sprintf("Todavía puede devolverlo hasta el %s.", dateES(f.lastReturn))
	case f.windowClosed:
		return fmt.Sprintf("El plazo de devolución terminó el %s.", dateES(f.lastReturn))
	}
	return ""
}

func (w *writer) esRefund() string {
	f := w.f
	switch f.refundCount {
	case 0:
		return ""
	case 1:
		return fmt.Sprintf("El %s le reembolsamos %s.", dateES(f.refundDay), f.refundIn("es"))
	}
	return fmt.Sprintf("Le hemos reembolsado %s en total; el último reembolso, el %s.", f.refundIn("es"), dateES(f.refundDay))
}

func (w *writer) esRefundDone() string {
	f := w.f
	if f.refundCount == 1 {
		return fmt.Sprintf("El %s le reembolsamos %s por su pedido %s.", dateES(f.refundDay), f.refundIn("es"), f.id)
	}
	return fmt.Sprintf("Le hemos reembolsado %s en total por su pedido %s; el último reembolso se emitió el %s.", f.refundIn("es"), f.id, dateES(f.refundDay))
}

func (w *writer) esReturnStatus() string {
	f := w.f
	p := w.shop.Policy
	switch f.ret.Status {
	case core.ReturnRequested:
		return fmt.Sprintf("Hemos recibido su solicitud de devolución del pedido %s y nuestro equipo la está revisando. Le confirmaremos aquí los siguientes pasos.", f.id)
	case core.ReturnApproved:
		return fmt.Sprintf("Su devolución del pedido %s ha sido aprobada. Le rogamos que nos envíe el artículo o los artículos; el reembolso se realizará en un plazo de %d días hábiles desde que los recibamos.", f.id, p.RefundDays)
	case core.ReturnReceived:
		got := fmt.Sprintf("Hemos recibido su devolución del pedido %s.", f.id)
		if d := f.returnReceivedDay(); !d.IsZero() {
			got = fmt.Sprintf("Recibimos su devolución del pedido %s el %s.", f.id, dateES(d))
		}
		if f.refundCount > 0 {
			return para(" ", got, w.esRefund())
		}
		if by := f.refundBy(); !by.IsZero() {
			return para(" ", got, fmt.Sprintf("El reembolso se realizará como muy tarde el %s; se lo confirmaremos aquí en cuanto se emita.", dateES(by)))
		}
		return para(" ", got, fmt.Sprintf("El reembolso se realizará en un plazo de %d días hábiles; se lo confirmaremos aquí en cuanto se emita.", p.RefundDays))
	case core.ReturnRefunded:
		if f.refundCount > 0 {
			return para(" ", fmt.Sprintf("Su devolución del pedido %s está completada.", f.id), w.esRefund())
		}
		return fmt.Sprintf("Nuestro equipo revisará el reembolso de su devolución del pedido %s y le responderá aquí.", f.id)
	case core.ReturnRejected:
		return fmt.Sprintf("Su solicitud de devolución del pedido %s no ha sido aprobada. Si tiene más detalles o fotos, envíenoslos y nuestro equipo volverá a revisar el caso.", f.id)
	}
	return ""
}

func (w *writer) esConfirm(in Intent) string {
	f := w.f
	order, ofOrder := "un pedido", "de un pedido"
	if f.has {
		order, ofOrder = "su pedido "+f.id, "de su pedido "+f.id
	}
	var q string
	switch in {
	case CancelOrder:
		q = fmt.Sprintf("¿Desea cancelar %s?", order)
	case ChangeAddress:
		q = fmt.Sprintf("¿Su mensaje se refiere a la dirección de envío %s?", ofOrder)
	case ReturnRequest:
		q = fmt.Sprintf("¿Desea devolver un artículo %s?", ofOrder)
	default:
		q = fmt.Sprintf("¿Su mensaje se refiere a un reembolso %s?", ofOrder)
	}
	ask := "Le rogamos que nos lo confirme respondiendo a este mensaje y le indicaremos qué es posible."
	if !f.has {
		ask = "Si es así, envíenos el número de pedido y le indicaremos qué es posible."
	}
	return para(" ", "Queremos asegurarnos de entender bien su solicitud.", q, ask)
}
