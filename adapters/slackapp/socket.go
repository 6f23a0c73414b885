package slackapp

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/sellerdesk/sellerdesk/core"
)

// RunSocketMode connects to Slack over Socket Mode (no public URL needed)
// and serves slash commands, interactions and events until ctx ends. Every
// envelope is acknowledged with its envelope_id; the ack carries what the
// HTTP answer would (a modal's response action, a slash command's error).
func (a *App) RunSocketMode(ctx context.Context) error {
	if a.cfg.AppToken == "" {
		return core.FieldErrorf(core.Invalid, "slack.app_token", "slack.app_token is missing: Socket Mode needs an app-level token (xapp-…) with the connections:write scope.")
	}
	client := socketmode.New(a.api, socketmode.OptionLog(slog.NewLogLogger(a.log.Handler(), slog.LevelDebug)))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, 1)
	go func() { errc <- client.RunContext(ctx) }()
	for {
		select {
		case <-ctx.Done():
			<-errc
			return nil
		case err := <-errc:
			if ctx.Err() != nil || errors.Is(err, context.Canceled) {
				return nil
			}
			return core.WrapInternal(deliveryError(err), "Slack Socket Mode connection failed (check slack.app_token)")
		case evt := <-client.Events:
			a.socketEvent(ctx, client, evt)
		}
	}
}

func (a *App) socketEvent(ctx context.Context, client *socketmode.Client, evt socketmode.Event) {
	ack := func(payload any) {
		if evt.Request == nil {
			return
		}
		var err error
		if payload == nil {
			err = client.Ack(*evt.Request)
		} else {
			err = client.Ack(*evt.Request, payload)
		}
		if err != nil {
			a.log.Warn("slack socket mode ack failed", "type", evt.Type, "err", err)
		}
	}
	switch evt.Type {
	case socketmode.EventTypeConnected:
		a.log.Info("slack socket mode connected")
	case socketmode.EventTypeConnectionError, socketmode.EventTypeInvalidAuth, socketmode.EventTypeIncomingError, socketmode.EventTypeErrorBadMessage:
		a.log.Warn("slack socket mode", "event", string(evt.Type), "detail", evt.Data)
	case socketmode.EventTypeSlashCommand:
		sc, ok := evt.Data.(slack.SlashCommand)
		if !ok {
			ack(nil)
			return
		}
		// Answered in the ack like over HTTP (a read inline, within
		// inlineWait), on a goroutine of its own: envelopes arrive one at
		// a time, and one slow read must not hold up the next.
		a.goBackground("slash command", func(ctx context.Context) { ack(a.command(ctx, sc, inlineWait, sc.TriggerID)) })
	case socketmode.EventTypeInteractive:
		cb, ok := evt.Data.(slack.InteractionCallback)
		if !ok {
			ack(nil)
			return
		}
		ack(a.interaction(ctx, cb, cb.TriggerID))
	case socketmode.EventTypeEventsAPI:
		ack(nil) // events need no answer but the ack; work follows
		if evt.Request == nil {
			return
		}
		var env eventEnvelope
		if err := json.Unmarshal(evt.Request.Payload, &env); err != nil {
			a.log.Warn("slack event unreadable", "err", err)
			return
		}
		a.event(ctx, env)
	}
}
