package slackapp

import (
	"context"
	"errors"
	"fmt"
	neturl "net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/sellerdesk/sellerdesk/core"
)

// firstSeen reports whether a Slack id arrives for the first time. If the
// store can't tell, the request is handled: twice is better than never.
func (a *App) firstSeen(ctx context.Context, kind, id string) bool {
	if id == "" {
		return true
	}
	first, err := a.engine.FirstSeen(ctx, platform, kind+":"+id)
	if err != nil {
		a.log.Warn("slack dedupe unavailable", "kind", kind, "err", err)
		return true
	}
	return first
}

// once records a request that changes something (a slash command, a
// modal's submit) and refuses it with core's AlreadyDone when any replica
// saw it before: a signed request replayed within Slack's 5-minute window
// is done once. Unlike firstSeen it fails closed — a store that can't
// tell must not get a refund done twice.
func (a *App) once(ctx context.Context, kind, request string, actor core.Actor) error {
	if request == "" {
		return nil // Slack always sends a trigger_id; over HTTP the signature stands in
	}
	first, err := a.engine.FirstSeen(ctx, platform, kind+":"+request)
	switch {
	case err != nil:
		return err
	case !first:
		a.log.Warn("slack request arrived again; not done again", "kind", kind, "actor", actor.ID)
		return core.AlreadyDone()
	}
	return nil
}

// inlineWait is how long a slash command that changes nothing may take to
// answer in the HTTP response or the Socket Mode ack itself: Slack drops a response body
// that comes later than 3 seconds. A read not done by then answers through
// response_url, as changes always do.
const inlineWait = 2500 * time.Millisecond

// command answers /desk. A command core counts as a read (order, orders,
// inbox, health, help…) is answered in the acknowledgement when it is done
// within wait; the rest (changes, which may confirm or take long) answer
// through response_url after an empty acknowledgement. request names this
// arrival of the command (its trigger_id): a change is done once per request.
func (a *App) command(ctx context.Context, sc slack.SlashCommand, wait time.Duration, request string) any {
	// Slack never retries a slash command, but a signed request captured on
	// the way can be sent again within the replay window: a change is
	// recorded by its request and a repeat answered "already done". A read
	// is safe to repeat and needs no dedupe write, which keeps the most
	// common path to one read transaction.
	actor := a.actor(ctx, sc.UserID, sc.UserName)
	cmd, err := core.Parse(sc.Text)
	if err != nil {
		word, _, _ := strings.Cut(strings.TrimSpace(sc.Text), " ")
		return a.errorMessage(err, strings.ToLower(word)).inline()
	}
	cmd = fitPage(cmd)
	later := func() {
		a.goBackground("command "+cmd.Name(), func(ctx context.Context) {
			a.respond(ctx, sc.ResponseURL, a.run(ctx, actor, cmd), false)
		})
	}
	if core.IsWrite(cmd) {
		if err := a.once(ctx, "command", request, actor); err != nil {
			a.logRefusal(cmd.Name(), actor, err)
			return a.errorMessage(err, "").inline() // no usage help: the command was right
		}
	}
	if wait <= 0 || core.IsWrite(cmd) {
		later()
		return nil
	}
	// The read runs on the request's goroutine: a goroutine of its own per
	// command would grow a fresh stack to the SQL driver's depth each time.
	// Out of time, it is cut short and run again in the background — a read
	// is safe to repeat.
	rctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	res, err := a.engine.Do(rctx, core.Request{Actor: actor, Command: cmd})
	if err != nil && rctx.Err() != nil {
		later()
		return nil
	}
	return a.answer(actor, cmd, res, err).inline()
}

// run runs a command and renders its answer, or its refusal.
func (a *App) run(ctx context.Context, actor core.Actor, cmd core.Command) message {
	res, err := a.engine.Do(ctx, core.Request{Actor: actor, Command: cmd})
	if err == nil && res.Conversation != nil && core.IsWrite(cmd) {
		a.refreshConversation(ctx, res.Conversation.ID)
	}
	return a.answer(actor, cmd, res, err)
}

// answer renders a command's result, or its refusal.
func (a *App) answer(actor core.Actor, cmd core.Command, res *core.Result, err error) message {
	if err != nil {
		a.logRefusal(cmd.Name(), actor, err)
		return a.errorMessage(err, cmd.Name())
	}
	return a.render(res)
}

func (a *App) logRefusal(command string, actor core.Actor, err error) {
	if core.ErrorCode(err) == core.Internal {
		a.log.Error("slack command failed", "command", command, "actor", actor.ID, "err", err)
		return
	}
	a.log.Debug("slack command refused", "command", command, "actor", actor.ID, "code", core.ErrorCode(err))
}

// respond posts a message to a response_url: a new message, or in place
// of the one whose button was pressed.
func (a *App) respond(ctx context.Context, url string, msg message, replace bool) {
	if url == "" {
		return
	}
	if err := slack.PostWebhookCustomHTTPContext(ctx, url, a.hc, msg.webhook(replace)); err != nil {
		// A response_url is a credential for 30 minutes: keep it out of the log.
		var ue *neturl.Error
		if errors.As(err, &ue) {
			err = fmt.Errorf("%s response_url: %w", ue.Op, ue.Err)
		}
		a.log.Warn("slack response_url post failed", "err", err)
	}
}

func userName(u slack.User) string {
	if u.Name != "" {
		return u.Name
	}
	return u.Profile.DisplayName
}

// interaction answers a button press or a modal submission. For a modal
// submission the answer is the view response (errors, update, clear).
// request names this arrival of the interaction (its trigger_id).
func (a *App) interaction(ctx context.Context, cb slack.InteractionCallback, request string) any {
	switch cb.Type {
	case slack.InteractionTypeBlockActions:
		if len(cb.ActionCallback.BlockActions) == 0 || !a.firstSeen(ctx, "interaction", request) {
			return nil
		}
		act := *cb.ActionCallback.BlockActions[0]
		actor := a.actor(ctx, cb.User.ID, userName(cb.User))
		a.goBackground("action "+act.ActionID, func(ctx context.Context) { a.blockAction(ctx, actor, cb, act) })
		return nil
	case slack.InteractionTypeViewSubmission:
		// A submit may be the one that confirms a refund: done once.
		actor := a.actor(ctx, cb.User.ID, userName(cb.User))
		if err := a.once(ctx, "interaction", request, actor); err != nil {
			v := errorView(err)
			return slack.NewUpdateViewSubmissionResponse(&v)
		}
		if resp := a.viewSubmission(ctx, actor, cb); resp != nil {
			return resp
		}
	}
	return nil
}

// blockAction handles a button press after it was acknowledged.
func (a *App) blockAction(ctx context.Context, actor core.Actor, cb slack.InteractionCallback, act slack.BlockAction) {
	id := act.Value
	m := meta{ID: id, URL: cb.ResponseURL}
	fail := func(err error, command string) {
		a.logRefusal(command, actor, err)
		a.respond(ctx, cb.ResponseURL, a.errorMessage(err, command), false)
	}
	switch act.ActionID {
	case actOrderOpen:
		msg := a.run(ctx, actor, core.GetOrder{OrderID: id})
		msg.Public = false
		a.respond(ctx, cb.ResponseURL, msg, false)
	case actOrderShip, actOrderCancel, actOrderRefund, actOrderDelivered, actOrderReturn:
		a.openOrderForm(ctx, actor, cb, act.ActionID, m)
	case actAlertCancel:
		a.openOrderForm(ctx, actor, cb, actOrderCancel, meta{ID: id, Reason: core.BuyerCanceled})
	case actOrderBuyer:
		res, err := a.engine.Do(ctx, core.Request{Actor: actor, Command: core.GetOrder{OrderID: id}})
		if err != nil {
			fail(err, "order")
			return
		}
		if err := core.SeeBuyerContact(actor.Role); err != nil {
			msg := core.ErrorMessage(err)
			a.respond(ctx, cb.ResponseURL, message{Text: msg, Blocks: []slack.Block{section(":lock: " + escape(msg))}}, false)
			return
		}
		a.openView(ctx, cb.TriggerID, buyerView(res.Order))
	case actReturnApprove, actReturnReceived:
		var cmd core.Command = core.ApproveReturn{ReturnID: id}
		if act.ActionID == actReturnReceived {
			cmd = core.ReceiveReturn{ReturnID: id}
		}
		res, err := a.engine.Do(ctx, core.Request{Actor: actor, Command: cmd, DryRun: true})
		if err != nil {
			fail(err, cmd.Name())
			return
		}
		m.Cmd = cmd.String()
		a.openView(ctx, cb.TriggerID, confirmView(res.Preview, m))
	case actReturnReject:
		// A dry run with a stand-in reason checks permission and the
		// return's state in core and finds the return to show.
		res, err := a.engine.Do(ctx, core.Request{Actor: actor, Command: core.RejectReturn{ReturnID: id, Reason: "-"}, DryRun: true})
		if err != nil {
			fail(err, "reject")
			return
		}
		a.openView(ctx, cb.TriggerID, a.rejectForm(res.Return, m))
	case actConvSend, actConvNoReply, actConvRedraft:
		var cmd core.Command = core.SendReply{ConversationID: id}
		switch act.ActionID {
		case actConvNoReply:
			cmd = core.MarkNoReply{ConversationID: id}
		case actConvRedraft:
			cmd = core.Redraft{ConversationID: id}
		}
		if _, err := a.engine.Do(ctx, core.Request{Actor: actor, Command: cmd}); err != nil {
			fail(err, cmd.Name())
			return
		}
		a.refreshConversation(ctx, id)
	case actConvEdit:
		res, err := a.engine.Do(ctx, core.Request{Actor: actor, Command: core.ShowConversation{ConversationID: id}})
		if err != nil {
			fail(err, "show")
			return
		}
		a.openView(ctx, cb.TriggerID, a.editForm(res.Conversation, meta{Conv: id, URL: cb.ResponseURL}))
	case actConvFull:
		a.readInFull(ctx, actor, cb.ResponseURL, id)
	case actConvShow:
		a.respond(ctx, cb.ResponseURL, a.run(ctx, actor, core.ShowConversation{ConversationID: id}), false)
	case actListPage:
		cmd, err := core.Parse(id)
		if err != nil {
			fail(err, "orders")
			return
		}
		cmd = fitPage(cmd)
		a.respond(ctx, cb.ResponseURL, a.run(ctx, actor, cmd), true)
	case actInboxPage:
		filter, p, _ := strings.Cut(id, "|")
		page, _ := strconv.Atoi(p)
		res, err := a.engine.Do(ctx, core.Request{Actor: actor, Command: core.ListInbox{Filter: core.ConversationFilter(filter)}})
		if err != nil {
			fail(err, "inbox")
			return
		}
		msg := a.render(res)
		msg.Blocks = a.inboxList(res.Conversations, filter, page)
		if len(msg.Blocks) == 0 {
			msg.Blocks = []slack.Block{section(escape(res.Message))}
		}
		a.respond(ctx, cb.ResponseURL, msg, true)
	default:
		a.log.Debug("slack action not ours", "action_id", act.ActionID)
	}
}

// readInFull posts a buyer message whole to the person who asked, in as
// many ephemeral messages as its length takes. value is conversation id|
// message id.
func (a *App) readInFull(ctx context.Context, actor core.Actor, responseURL, value string) {
	convID, msgID, _ := strings.Cut(value, "|")
	res, err := a.engine.Do(ctx, core.Request{Actor: actor, Command: core.ShowConversation{ConversationID: convID}})
	if err != nil {
		a.logRefusal("show", actor, err)
		a.respond(ctx, responseURL, a.errorMessage(err, "show"), false)
		return
	}
	id, _ := strconv.ParseInt(msgID, 10, 64)
	for _, m := range res.Conversation.Messages {
		if m.ID != id || m.From != core.FromBuyer {
			continue
		}
		msgs := a.fullMessage(res.Conversation, m)
		if len(msgs) > fullPosts {
			a.log.Warn("slack buyer message too long to post in full", "conversation", convID, "messages", len(msgs))
			msgs = msgs[:fullPosts]
		}
		for _, msg := range msgs {
			a.respond(ctx, responseURL, msg, false)
		}
		return
	}
	// A button from before the message was removed: show what there is.
	a.respond(ctx, responseURL, a.render(res), false)
}

// openOrderForm opens the form behind an order button, if core still
// allows that action to this person; if not, it says why in core's words.
func (a *App) openOrderForm(ctx context.Context, actor core.Actor, cb slack.InteractionCallback, action string, m meta) {
	res, err := a.engine.Do(ctx, core.Request{Actor: actor, Command: core.GetOrder{OrderID: m.ID}})
	if err != nil {
		a.logRefusal("order", actor, err)
		a.respond(ctx, cb.ResponseURL, a.errorMessage(err, "order"), false)
		return
	}
	o := res.Order
	name := strings.TrimPrefix(action, "order.")
	if !slices.Contains(res.Actions, name) {
		// Core's reason: a dry run of the command with stand-in values
		// fails on permission or the order's state before the values.
		stand := map[string]core.Command{
			"ship":      core.ShipOrder{OrderID: o.ID, Carrier: core.UPS},
			"cancel":    core.CancelOrder{OrderID: o.ID, Reason: core.OtherReason},
			"refund":    core.IssueRefund{Target: o.ID, Full: true, Reason: "-"},
			"delivered": core.MarkDelivered{OrderID: o.ID},
			"return":    core.RequestReturn{OrderID: o.ID, Reason: "-"},
		}[name]
		_, err := a.engine.Do(ctx, core.Request{Actor: actor, Command: stand, DryRun: true})
		if err != nil && core.ErrorField(err) != "tracking" {
			a.respond(ctx, cb.ResponseURL, a.errorMessage(err, name), false)
			return
		}
	}
	var v slack.ModalViewRequest
	switch name {
	case "ship":
		v = a.shipForm(o, m)
	case "cancel":
		v = a.cancelForm(o, m)
	case "refund":
		v = a.refundForm(o, m)
	case "delivered":
		v = a.deliveredForm(o, m)
	case "return":
		v = a.returnForm(o, m)
	}
	a.openView(ctx, cb.TriggerID, v)
}

func (a *App) openView(ctx context.Context, triggerID string, v slack.ModalViewRequest) {
	if _, err := a.api.OpenViewContext(ctx, triggerID, v); err != nil {
		a.log.Warn("slack views.open failed", "callback", v.CallbackID, "err", err)
	}
}

// viewSubmission answers a modal's submit: field errors, the confirm view,
// or the outcome.
func (a *App) viewSubmission(ctx context.Context, actor core.Actor, cb slack.InteractionCallback) *slack.ViewSubmissionResponse {
	m := decodeMeta(cb.View.PrivateMetadata)
	f := valuesOf(cb.View)
	switch id := cb.View.CallbackID; {
	case strings.HasPrefix(id, cbFormPrefix):
		kind := strings.TrimPrefix(id, cbFormPrefix)
		var o *core.Order
		if kind == "ship" || kind == "return" {
			res, err := a.engine.Do(ctx, core.Request{Actor: actor, Command: core.GetOrder{OrderID: m.ID}})
			if err != nil {
				return a.formError(cb.View, err, kind, actor)
			}
			o = res.Order
		}
		cmd := formCommand(kind, m, f, o)
		if cmd == nil {
			return nil
		}
		res, err := a.engine.Do(ctx, core.Request{Actor: actor, Command: cmd, DryRun: true})
		if err != nil {
			return a.formError(cb.View, err, cmd.Name(), actor)
		}
		m.Cmd = cmd.String()
		if len(m.encode()) > maxMetadata {
			// Too long to carry to the confirm view: the form was the check.
			return a.finish(ctx, actor, cmd, m)
		}
		v := confirmView(res.Preview, m)
		return slack.NewUpdateViewSubmissionResponse(&v)
	case id == cbConfirm:
		cmd, err := core.Parse(m.Cmd)
		if err != nil {
			v := errorView(err)
			return slack.NewUpdateViewSubmissionResponse(&v)
		}
		return a.finish(ctx, actor, cmd, m)
	case id == cbEdit:
		cmd := core.SendReply{ConversationID: m.Conv, Text: f[blkText].Value}
		if _, err := a.engine.Do(ctx, core.Request{Actor: actor, Command: cmd}); err != nil {
			return a.formError(cb.View, err, cmd.Name(), actor)
		}
		a.goBackground("refresh conversation", func(ctx context.Context) { a.refreshConversation(ctx, m.Conv) })
		return slack.NewClearViewSubmissionResponse()
	}
	return nil
}

// finish runs a confirmed command, shows the outcome in the modal and
// redraws the card the flow started from.
func (a *App) finish(ctx context.Context, actor core.Actor, cmd core.Command, m meta) *slack.ViewSubmissionResponse {
	res, err := a.engine.Do(ctx, core.Request{Actor: actor, Command: cmd})
	if err != nil {
		a.logRefusal(cmd.Name(), actor, err)
		v := errorView(err)
		return slack.NewUpdateViewSubmissionResponse(&v)
	}
	a.goBackground("redraw card", func(ctx context.Context) {
		if res.Order != nil && m.URL != "" {
			card := a.render(&core.Result{Command: "order " + res.Order.ID, Order: res.Order, Actions: res.Actions})
			a.respond(ctx, m.URL, card, true)
		}
		if res.Conversation != nil {
			a.refreshConversation(ctx, res.Conversation.ID)
		}
	})
	v := doneView(res)
	return slack.NewUpdateViewSubmissionResponse(&v)
}

// formError pins core's refusal on the form field it is about.
func (a *App) formError(v slack.View, err error, command string, actor core.Actor) *slack.ViewSubmissionResponse {
	a.logRefusal(command, actor, err)
	block := fieldBlock(core.ErrorField(err), v)
	if block == "" {
		ev := errorView(err)
		return slack.NewUpdateViewSubmissionResponse(&ev)
	}
	return slack.NewErrorsViewSubmissionResponse(map[string]string{block: core.ErrorMessage(err)})
}
