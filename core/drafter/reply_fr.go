package drafter

import (
	"fmt"

	"github.com/sellerdesk/sellerdesk/core"
)

// fr returns the paragraphs of a French reply; it mirrors en case by case,
// vouvoiement throughout.
func (w *writer) fr(in Intent) []string {
	f := w.f
	p := w.shop.Policy
	st := f.stage()
	s := func(sentences ...string) string { return para(" ", sentences...) }
	askID := "Pourriez-vous m’indiquer votre numéro de commande ? Vous le trouverez dans l’e-mail de confirmation de commande."

	switch in {
	case TrackOrder:
		if st == noOrder {
			return []string{s("Je vérifie volontiers où en est votre commande.", askID)}
		}
		var extra string
		switch st {
		case shipped, partial:
			if f.tracking != "" && f.carrier != core.Other.DisplayName() {
				extra = fmt.Sprintf("Ce numéro vous permet de consulter le suivi du colis sur le site %s.", f.carrier)
			}
		case delivered:
			extra = "Si vous ne trouvez pas le colis, pensez à demander à vos voisins et à vérifier autour de votre lieu de livraison habituel, puis revenez vers nous : nous vous aiderons."
		case canceled:
			extra = w.frRefund()
		}
		return []string{s(w.frStatus(), extra)}

	case DeliveryTime:
		switch st {
		case noOrder:
			return []string{s(fmt.Sprintf("Nous expédions les commandes sous %d jours ouvrés après l’achat ; le délai de livraison dépend ensuite du mode de livraison choisi lors de la commande.", p.HandlingDays),
				"Si vous m’indiquez votre numéro de commande, je peux vérifier la vôtre.")}
		case shipped, partial:
			return []string{s(w.frStatus(), "La page de suivi du transporteur indique la date de livraison prévue.")}
		case unshipped:
			return []string{s(w.frStatus(), "Une fois la commande expédiée, le délai de livraison dépend du mode de livraison choisi lors de la commande.")}
		case canceled:
			return []string{s(w.frStatus(), w.frRefund())}
		}
		return []string{w.frStatus()}

	case CancelOrder:
		switch st {
		case noOrder:
			return []string{s("Je peux vous aider.", "Pourriez-vous m’indiquer le numéro de la commande que vous souhaitez annuler ? Une commande peut être annulée tant qu’elle n’a pas été expédiée.")}
		case pending:
			self := ""
			if f.buyerMayCancel() {
				self = fmt.Sprintf("Vous pouvez aussi l’annuler vous-même dans les %d minutes qui suivent la commande, %s.", p.BuyerCancelMinutes, w.frOrdersPage())
			}
			return []string{s(fmt.Sprintf("Le paiement de votre commande %s est encore en cours de vérification ; nous ne pouvons donc pas l’annuler de notre côté pour le moment.", f.id),
				"Notre équipe l’annulera dès que ce sera possible et vous le confirmera ici.", self)}
		case unshipped:
			if f.marketplace {
				return []string{s(fmt.Sprintf("Votre commande %s est gérée par %s ; l’annulation doit donc être demandée directement depuis le détail de la commande, %s.", f.id, w.frFBA(), w.frOrdersPage()))}
			}
			return []string{s(fmt.Sprintf("Votre commande %s n’a pas encore été expédiée : elle peut donc encore être annulée.", f.id),
				"Notre équipe s’en occupe et vous confirmera ici l’annulation une fois effectuée.")}
		case partial:
			who := "Notre équipe examine votre demande et vous répondra ici."
			if f.marketplace {
				who = fmt.Sprintf("Cette commande est gérée par %s : merci de demander l’annulation depuis le détail de la commande, %s.", w.frFBA(), w.frOrdersPage())
			}
			return []string{s(fmt.Sprintf("Une partie de votre commande %s a déjà été expédiée (%s sur %d ; %s) : seuls les articles non expédiés peuvent encore être annulés.", f.id, frItems(f.unitsShipped), f.unitsTotal, w.frCarrier()),
				who, "Vous pourrez retourner les articles déjà expédiés après réception.")}
		case shipped:
			return []string{s(fmt.Sprintf("Votre commande %s a déjà été expédiée le %s (%s) ; elle ne peut donc plus être annulée.", f.id, dateFR(f.shipDay), w.frCarrier()),
				fmt.Sprintf("Après réception, vous pourrez la retourner dans un délai de %d jours à compter de la livraison.", p.ReturnWindowDays))}
		case delivered:
			return []string{s(w.frDelivered("elle ne peut donc plus être annulée"), w.frReturnWindow())}
		case canceled:
			since := ""
			if !f.canceledDay.IsZero() {
				since = " (depuis le " + dateFR(f.canceledDay) + ")"
			}
			return []string{s(fmt.Sprintf("Votre commande %s est déjà annulée%s ; vous n’avez rien d’autre à faire.", f.id, since), w.frRefund())}
		}
		return []string{w.frStatus()}

	case ChangeAddress:
		rule := "Une fois la commande passée, l’adresse de livraison ne peut plus être modifiée et le colis ne peut pas être redirigé : il ne peut être livré qu’à l’adresse indiquée dans la commande."
		switch st {
		case noOrder:
			return []string{rule, s("Si votre commande n’a pas encore été expédiée, la solution consiste à l’annuler puis à passer une nouvelle commande avec la bonne adresse.",
				"Pourriez-vous m’indiquer votre numéro de commande afin que je vérifie ?")}
		case pending:
			return []string{rule, s(fmt.Sprintf("Votre commande %s n’a pas encore été expédiée (son paiement est en cours de vérification) : la solution consiste donc à l’annuler puis à passer une nouvelle commande avec la bonne adresse.", f.id),
				"Si vous le souhaitez, il vous suffit de nous le confirmer en réponse à ce message ; notre équipe l’annulera dès que possible.")}
		case unshipped:
			if f.marketplace {
				return []string{rule, s(fmt.Sprintf("Votre commande %s n’a pas encore été expédiée : vous pouvez l’annuler depuis le détail de la commande, %s, puis passer une nouvelle commande avec la bonne adresse.", f.id, w.frOrdersPage()))}
			}
			return []string{rule, s(fmt.Sprintf("Votre commande %s n’a pas encore été expédiée : la solution consiste donc à l’annuler puis à passer une nouvelle commande avec la bonne adresse.", f.id),
				"Si vous le souhaitez, il vous suffit de nous le confirmer en réponse à ce message ; notre équipe l’annulera.")}
		case partial:
			return []string{rule, s(fmt.Sprintf("Une partie de votre commande %s a déjà été expédiée (%s).", f.id, w.frCarrier()),
				"Les articles non expédiés peuvent être annulés afin que vous les commandiez à nouveau avec la bonne adresse : confirmez-le-nous en réponse à ce message et notre équipe s’en occupera.")}
		case shipped:
			return []string{s(fmt.Sprintf("Votre commande %s a déjà été expédiée le %s (%s) ; son adresse de livraison ne peut donc plus être modifiée.", f.id, dateFR(f.shipDay), w.frCarrier()),
				"Si le colis ne peut pas être livré, prévenez-nous et nous vous aiderons.")}
		case delivered:
			return []string{s(w.frDelivered(""), "S’il a été livré à une mauvaise adresse, expliquez-nous ce qui s’est passé et notre équipe vous aidera.")}
		case canceled:
			return []string{s(fmt.Sprintf("Votre commande %s est annulée : rien ne sera expédié à cette adresse.", f.id),
				"Vous pouvez tout à fait passer une nouvelle commande avec la bonne adresse.", w.frRefund())}
		}
		return []string{rule, w.frStatus()}

	case ReturnRequest:
		if st == noOrder {
			return []string{s(fmt.Sprintf("Les articles peuvent être retournés dans un délai de %d jours à compter de la livraison.", p.ReturnWindowDays),
				"Pourriez-vous m’indiquer votre numéro de commande, ainsi que l’article que vous souhaitez retourner et la raison du retour ? Je pourrai ainsi vérifier pour vous.")}
		}
		if f.ret != nil {
			if t := w.frReturnStatus(); t != "" {
				return []string{t}
			}
		}
		switch {
		case f.returnOK:
			return []string{s(fmt.Sprintf("Votre commande %s peut être retournée jusqu’au %s (%d jours à compter de %s).", f.id, dateFR(f.lastReturn), p.ReturnWindowDays, frFrom(f.windowFrom)),
				"Indiquez-nous quel(s) article(s) vous souhaitez retourner et pour quelle raison : notre équipe examinera la demande et vous enverra les instructions de retour.", w.frRefund())}
		case f.windowClosed:
			return []string{s(fmt.Sprintf("Le délai de retour de votre commande %s a pris fin le %s (%d jours à compter de %s) ; un retour classique n’est donc plus possible.", f.id, dateFR(f.lastReturn), p.ReturnWindowDays, frFrom(f.windowFrom)),
				"Si l’article présente un problème, expliquez-nous ce qui s’est passé et notre équipe l’examinera.", w.frRefund())}
		case st == pending || st == unshipped:
			if f.marketplace {
				return []string{s(fmt.Sprintf("Votre commande %s n’a pas encore été expédiée : il n’y a donc rien à retourner.", f.id),
					fmt.Sprintf("Si vous n’en voulez plus, vous pouvez l’annuler depuis le détail de la commande, %s.", w.frOrdersPage()))}
			}
			return []string{s(fmt.Sprintf("Votre commande %s n’a pas encore été expédiée : il n’y a donc rien à retourner.", f.id),
				"Si vous n’en voulez plus, nous pouvons l’annuler à la place : il vous suffit de nous le confirmer en réponse à ce message.")}
		case st == canceled:
			return []string{s(w.frCanceled(" et n’a jamais été expédiée : il n’y a donc rien à retourner"), w.frRefund())}
		}
		return []string{w.frStatus()}

	case RefundStatus:
		if st == noOrder {
			return []string{s("Je vérifie volontiers votre remboursement.", "Pourriez-vous m’indiquer votre numéro de commande ?")}
		}
		if f.refundCount > 0 {
			return []string{s(w.frRefundDone(), "Selon votre banque ou votre carte, il peut falloir quelques jours ouvrés pour que le montant apparaisse sur votre relevé.")}
		}
		if f.ret != nil {
			if t := w.frReturnStatus(); t != "" {
				return []string{t}
			}
		}
		switch {
		case st == canceled:
			return []string{s(w.frCanceled(""), "Aucun remboursement n’est encore enregistré pour cette commande ; notre équipe vérifie et vous répondra ici.")}
		case f.returnOK:
			return []string{s(fmt.Sprintf("Aucun remboursement n’a encore été effectué pour votre commande %s.", f.id),
				fmt.Sprintf("Un remboursement suppose d’abord un retour, que vous pouvez demander jusqu’au %s : indiquez-nous quel(s) article(s) et pour quelle raison, et notre équipe examinera la demande.", dateFR(f.lastReturn)))}
		case f.windowClosed:
			return []string{s(fmt.Sprintf("Aucun remboursement n’a été effectué pour votre commande %s, et son délai de retour a pris fin le %s.", f.id, dateFR(f.lastReturn)),
				"Si l’article présente un problème, expliquez-nous ce qui s’est passé et notre équipe l’examinera.")}
		case st == pending || st == unshipped:
			return []string{s(fmt.Sprintf("Aucun remboursement n’a été effectué pour votre commande %s : elle n’a pas encore été expédiée.", f.id),
				"Si vous préférez l’annuler, il vous suffit de nous le confirmer en réponse à ce message.")}
		}
		return []string{s(fmt.Sprintf("Aucun remboursement n’a encore été effectué pour votre commande %s.", f.id), "Notre équipe vérifie et vous répondra ici.")}

	case DamagedOrWrongItem:
		photos := "Pourriez-vous nous envoyer une photo de l’article et de son emballage ? Notre équipe l’examinera et reviendra vers vous avec les solutions possibles."
		if w.photos {
			photos = "Merci pour les photos. Notre équipe les examinera et reviendra vers vous avec les solutions possibles."
		}
		switch {
		case st == noOrder:
			if w.photos {
				return []string{s("Nous sommes désolés que votre article soit arrivé dans cet état, et merci pour les photos.", "Pourriez-vous m’indiquer votre numéro de commande ? Notre équipe examinera alors votre demande et reviendra vers vous avec les solutions possibles.")}
			}
			return []string{s("Nous sommes désolés que votre article soit arrivé dans cet état.", "Pourriez-vous m’indiquer votre numéro de commande et nous envoyer une photo de l’article et de son emballage ? Notre équipe examinera votre demande et reviendra vers vous avec les solutions possibles.")}
		case f.shipped || st == delivered:
			window := ""
			switch {
			case w.also(ReturnRequest):
			case f.returnOK:
				window = fmt.Sprintf("Vous êtes dans le délai de retour (jusqu’au %s).", dateFR(f.lastReturn))
			case f.windowClosed && w.photos:
				window = fmt.Sprintf("Le délai de retour a pris fin le %s, mais notre équipe examinera tout de même votre demande.", dateFR(f.lastReturn))
			case f.windowClosed:
				window = fmt.Sprintf("Le délai de retour a pris fin le %s, mais envoyez-nous tout de même les photos : notre équipe examinera votre demande.", dateFR(f.lastReturn))
			}
			return []string{s(fmt.Sprintf("Nous sommes désolés du problème rencontré avec votre commande %s.", f.id), photos, window)}
		}
		return []string{s("Nous sommes désolés d’apprendre cela.", fmt.Sprintf("D’après nos informations, votre commande %s n’a pas encore été expédiée. Pourriez-vous vérifier avec quelle commande l’article est arrivé et m’indiquer ce numéro de commande ?", f.id))}

	case Invoice:
		switch st {
		case noOrder:
			return []string{s("Pourriez-vous m’indiquer le numéro de la commande pour laquelle vous avez besoin d’une facture ?", "Si elle doit mentionner une raison sociale ou un numéro de TVA intracommunautaire, merci de les indiquer également.")}
		case canceled:
			return []string{s(w.frCanceled(""), w.frRefund(), "Si vous avez tout de même besoin d’un justificatif, dites-nous à quoi il doit servir et notre équipe vous aidera.")}
		}
		return []string{s(fmt.Sprintf("Notre équipe va établir la facture de votre commande %s et vous l’enverra ici.", f.id),
			"Si elle doit mentionner une raison sociale ou un numéro de TVA intracommunautaire, merci de nous les communiquer en réponse à ce message.")}

	case PaymentIssue:
		hold := "Lors de la commande, un montant est d’abord réservé sur votre carte (une autorisation de paiement) ; la carte n’est débitée qu’au moment de l’expédition. Une autorisation non utilisée disparaît d’elle-même, en général sous quelques jours ouvrés selon votre banque."
		still := fmt.Sprintf("Si deux débits pour cette commande figurent encore sur votre relevé au bout de %d jours, envoyez-nous la date et le montant de chacun (sans numéro de carte, s’il vous plaît) : notre équipe vérifiera avec la plateforme.", duplicateChargeDays)
		other := "S’il s’agit d’autre chose, par exemple d’une carte refusée ou d’un montant incorrect, pourriez-vous nous en dire un peu plus ?"
		switch st {
		case noOrder:
			return []string{s("Nous sommes désolés de ce souci de paiement.", "Si vous voyez deux débits pour une même commande :", lowerFirst(hold)),
				"Pourriez-vous m’indiquer votre numéro de commande et ce que vous constatez ? Notre équipe s’en occupera."}
		case pending:
			return []string{s(fmt.Sprintf("Le paiement de votre commande %s est encore en cours de vérification.", f.id),
				fmt.Sprintf("La vérification peut prendre jusqu’à %d jours ; si le paiement ne peut pas être vérifié, la commande est annulée automatiquement.", p.PendingDays),
				"Le débit n’a lieu qu’à l’expédition : un montant que vous voyez maintenant n’est qu’une réservation.",
				"Si votre carte a été refusée ou a changé, merci de mettre à jour votre moyen de paiement dans votre compte client.")}
		case unshipped:
			return []string{s(fmt.Sprintf("Le paiement de votre commande %s est confirmé. Comme elle n’a pas encore été expédiée, votre carte n’a pas encore été débitée : il s’agit d’une autorisation de paiement, et le débit aura lieu à l’expédition.", f.id),
				"Si une deuxième autorisation apparaît, elle disparaît en général d’elle-même sous quelques jours ouvrés, selon votre banque."), s(still, other)}
		case partial:
			return []string{s(fmt.Sprintf("Votre commande %s est expédiée en plusieurs colis et chaque envoi est débité au moment où il part : vous pouvez donc voir plusieurs débits dont la somme correspond au total de la commande.", f.id), hold),
				s(still, other, w.frRefund())}
		case shipped, delivered:
			return []string{s(fmt.Sprintf("Le paiement de votre commande %s a été débité lors de son expédition, le %s.", f.id, dateFR(f.shipDay)),
				"Si vous voyez un second montant pour la même commande, il s’agit très probablement de l’autorisation réservée lors de la commande ; elle disparaît d’elle-même, en général sous quelques jours ouvrés selon votre banque."),
				s(still, other, w.frRefund())}
		case canceled:
			return []string{s(w.frCanceled(""), w.frRefund(), "Si vous voyez encore un montant pour cette commande, il s’agit très probablement de l’autorisation réservée lors de la commande, que votre banque libère sous quelques jours ouvrés."),
				fmt.Sprintf("S’il figure encore sur votre relevé au bout de %d jours, envoyez-nous la date et le montant (sans numéro de carte, s’il vous plaît) : notre équipe s’en occupera.", duplicateChargeDays)}
		}
		return []string{s(fmt.Sprintf("Merci de nous avoir signalé ce point concernant le paiement de votre commande %s.", f.id), hold), s(still, other)}

	case Complaint:
		about := ""
		if f.has {
			about = fmt.Sprintf(" avec votre commande %s", f.id)
		}
		return []string{s(fmt.Sprintf("Nous sommes sincèrement désolés de votre expérience%s, et nous vous remercions de nous en avoir fait part.", about),
			"Un membre de notre équipe va lire personnellement votre message et vous répondra ici."), w.frStatus()}

	case HumanAgent:
		intro := "Vous échangez bien avec notre équipe : chaque réponse ici est rédigée ou relue par une personne."
		if !f.has {
			return []string{intro, "Comment pouvons-nous vous aider ? S’il s’agit d’une commande, merci d’indiquer son numéro."}
		}
		return []string{intro, w.frStatus(), "Comment pouvons-nous vous aider ?"}
	}

	if !f.has {
		return []string{s("Merci pour votre message. Notre équipe va examiner votre question et vous répondra ici.", "S’il s’agit d’une commande, merci d’indiquer son numéro.")}
	}
	return []string{s(fmt.Sprintf("Merci pour votre message concernant votre commande %s.", f.id), "Notre équipe va examiner votre question et vous répondra ici.")}
}

func frFrom(from string) string {
	if from == "delivery" {
		return "la livraison"
	}
	return "l’expédition"
}

func (w *writer) frOrdersPage() string {
	if w.f.amazon {
		return "dans « Vos commandes » de votre compte Amazon"
	}
	return "dans votre compte client sur la plateforme"
}

func (w *writer) frFBA() string {
	if w.f.amazon {
		return "la logistique d’Amazon"
	}
	return "le service logistique de la plateforme"
}

func (w *writer) frStatus() string {
	f := w.f
	switch f.stage() {
	case pending:
		return fmt.Sprintf("Le paiement de votre commande %s est en cours de vérification ; nous la préparerons pour l’expédition dès qu’il sera validé.", f.id)
	case unshipped:
		by := ""
		if !f.shipBy.IsZero() {
			by = dateFR(f.shipBy)
		}
		switch {
		case f.marketplace:
			s := fmt.Sprintf("Votre commande %s est gérée par %s", f.id, w.frFBA())
			if by != "" {
				s += " et doit partir au plus tard le " + by
			}
			return s + fmt.Sprintf(" ; le numéro de suivi apparaîtra dans le détail de la commande, %s, dès son expédition.", w.frOrdersPage())
		case f.late && by != "":
			return fmt.Sprintf("Votre commande %s n’a pas encore été expédiée. Elle devait partir au plus tard le %s, et nous vous prions de nous excuser pour ce retard. Nous vous enverrons le numéro de suivi dès son expédition.", f.id, by)
		case by != "":
			return fmt.Sprintf("Votre commande %s n’a pas encore été expédiée ; elle partira au plus tard le %s. Nous vous enverrons le numéro de suivi dès son expédition.", f.id, by)
		}
		return fmt.Sprintf("Votre commande %s n’a pas encore été expédiée. Nous vous enverrons le numéro de suivi dès son expédition.", f.id)
	case partial:
		rest := ""
		if !f.shipBy.IsZero() {
			if f.late {
				rest = fmt.Sprintf(" Le reste devait partir au plus tard le %s, et nous vous prions de nous excuser pour ce retard.", dateFR(f.shipBy))
			} else {
				rest = fmt.Sprintf(" Le reste partira au plus tard le %s.", dateFR(f.shipBy))
			}
		}
		return fmt.Sprintf("Une partie de votre commande %s a été expédiée : %s sur %d pour l’instant, le dernier envoi le %s (%s).%s", f.id, frItems(f.unitsShipped), f.unitsTotal, dateFR(f.shipDay), w.frCarrier(), rest)
	case shipped:
		if f.shipments > 1 {
			return fmt.Sprintf("Votre commande %s a été expédiée en %d colis ; le dernier est parti le %s (%s).", f.id, f.shipments, dateFR(f.shipDay), w.frCarrier())
		}
		if f.tracking != "" {
			return fmt.Sprintf("Votre commande %s a été expédiée le %s avec %s ; le numéro de suivi est %s.", f.id, dateFR(f.shipDay), f.carrier, f.tracking)
		}
		return fmt.Sprintf("Votre commande %s a été expédiée le %s avec %s.", f.id, dateFR(f.shipDay), f.carrier)
	case delivered:
		return w.frDelivered("")
	case canceled:
		if f.shipped {
			return w.frCanceled(fmt.Sprintf(" alors qu’une partie avait déjà été expédiée (%s)", w.frCarrier()))
		}
		return w.frCanceled(" et ne sera pas expédiée")
	case unclear:
		return fmt.Sprintf("Notre équipe va vérifier les informations d’expédition de votre commande %s et vous répondra ici.", f.id)
	}
	return ""
}

func (w *writer) frCarrier() string {
	if w.f.tracking == "" {
		return w.f.carrier
	}
	return fmt.Sprintf("%s, numéro de suivi %s", w.f.carrier, w.f.tracking)
}

// frDelivered says the order was delivered; so follows after a semicolon
// ("elle ne peut donc plus être annulée").
func (w *writer) frDelivered(so string) string {
	f := w.f
	s := fmt.Sprintf("Votre commande %s a été livrée", f.id)
	if !f.deliveredDay.IsZero() {
		s = fmt.Sprintf("Votre commande %s a été livrée le %s", f.id, dateFR(f.deliveredDay))
	}
	if f.shipped {
		s += " (" + w.frCarrier() + ")"
	}
	if so != "" {
		s += " ; " + so
	}
	return s + "."
}

func (w *writer) frCanceled(tail string) string {
	f := w.f
	s := fmt.Sprintf("Votre commande %s a été annulée", f.id)
	if !f.canceledDay.IsZero() {
		s += " le " + dateFR(f.canceledDay)
	}
	if f.paymentFailed {
		s += " car le paiement n’a pas pu être vérifié"
	}
	return s + tail + "."
}

func (w *writer) frReturnWindow() string {
	f := w.f
	switch {
	case f.returnOK:
		return fmt.Sprintf("Vous pouvez encore la retourner jusqu’au %s.", dateFR(f.lastReturn))
	case f.windowClosed:
		return fmt.Sprintf("Son délai de retour a pris fin le %s.", dateFR(f.lastReturn))
	}
	return ""
}

func (w *writer) frRefund() string {
	f := w.f
	switch f.refundCount {
	case 0:
		return ""
	case 1:
		return fmt.Sprintf("Un remboursement de %s a été effectué le %s.", f.refundIn("fr"), dateFR(f.refundDay))
	}
	return fmt.Sprintf("Des remboursements d’un total de %s ont été effectués, le dernier le %s.", f.refundIn("fr"), dateFR(f.refundDay))
}

func (w *writer) frRefundDone() string {
	f := w.f
	if f.refundCount == 1 {
		return fmt.Sprintf("Nous avons remboursé %s pour votre commande %s le %s.", f.refundIn("fr"), f.id, dateFR(f.refundDay))
	}
	return fmt.Sprintf("Nous avons remboursé %s au total pour votre commande %s ; le dernier remboursement a été effectué le %s.", f.refundIn("fr"), f.id, dateFR(f.refundDay))
}

func (w *writer) frReturnStatus() string {
	f := w.f
	p := w.shop.Policy
	switch f.ret.Status {
	case core.ReturnRequested:
		return fmt.Sprintf("Nous avons bien reçu votre demande de retour pour la commande %s, et notre équipe l’examine. Nous vous confirmerons ici la suite.", f.id)
	case core.ReturnApproved:
		return fmt.Sprintf("Votre retour pour la commande %s a été accepté. Merci de nous renvoyer le ou les articles ; le remboursement sera effectué dans les %d jours ouvrés suivant leur réception.", f.id, p.RefundDays)
	case core.ReturnReceived:
		got := fmt.Sprintf("Nous avons bien reçu votre retour pour la commande %s.", f.id)
		if d := f.returnReceivedDay(); !d.IsZero() {
			got = fmt.Sprintf("Nous avons reçu votre retour pour la commande %s le %s.", f.id, dateFR(d))
		}
		if f.refundCount > 0 {
			return para(" ", got, w.frRefund())
		}
		if by := f.refundBy(); !by.IsZero() {
			return para(" ", got, fmt.Sprintf("Le remboursement sera effectué au plus tard le %s ; nous vous le confirmerons ici.", dateFR(by)))
		}
		return para(" ", got, fmt.Sprintf("Le remboursement sera effectué sous %d jours ouvrés ; nous vous le confirmerons ici.", p.RefundDays))
	case core.ReturnRefunded:
		if f.refundCount > 0 {
			return para(" ", fmt.Sprintf("Votre retour pour la commande %s est finalisé.", f.id), w.frRefund())
		}
		return fmt.Sprintf("Notre équipe va vérifier le remboursement de votre retour pour la commande %s et vous répondra ici.", f.id)
	case core.ReturnRejected:
		return fmt.Sprintf("Votre demande de retour pour la commande %s n’a pas été acceptée. Si vous avez des précisions ou des photos, envoyez-les-nous et notre équipe réexaminera votre demande.", f.id)
	}
	return ""
}

func (w *writer) frConfirm(in Intent) string {
	f := w.f
	order := "une commande"
	if f.has {
		order = "votre commande " + f.id
	}
	var q string
	switch in {
	case CancelOrder:
		q = fmt.Sprintf("Souhaitez-vous annuler %s ?", order)
	case ChangeAddress:
		q = fmt.Sprintf("Votre message concerne-t-il l’adresse de livraison de %s ?", order)
	case ReturnRequest:
		q = fmt.Sprintf("Souhaitez-vous retourner un article de %s ?", order)
	default:
		q = fmt.Sprintf("Votre message concerne-t-il un remboursement pour %s ?", order)
	}
	ask := "Merci de nous le confirmer en réponse à ce message ; nous vous indiquerons alors ce qui est possible."
	if !f.has {
		ask = "Si c’est le cas, merci de m’indiquer le numéro de commande ; nous vous indiquerons alors ce qui est possible."
	}
	return para(" ", "Je voudrais m’assurer de bien comprendre votre demande.", q, ask)
}

// frItems is "1 article", "2 articles".
func frItems(n int) string {
	if n == 1 {
		return "1 article"
	}
	return fmt.Sprintf("%d articles", n)
}
