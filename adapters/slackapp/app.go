// Package slackapp is sellerdesk's Slack app: the /desk slash command,
// Block Kit order cards and modals, buyer conversations threaded in a
// support channel, and alerts. It connects over Socket Mode or over signed
// HTTP requests, and posts through the engine's outbox as a core.Sink.
//
// It translates only: permission, validation and the wording of every
// refusal come from core.
package slackapp

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/sellerdesk/sellerdesk/core"
)

// Config connects the app. BotToken is always needed; SigningSecret for the
// HTTP endpoints, AppToken (xapp-…) for Socket Mode.
type Config struct {
	BotToken       string
	AppToken       string
	SigningSecret  string
	SupportChannel string // channel id where buyer conversations are posted
	AlertsChannel  string // channel id for stock and order alerts (default SupportChannel)
	APIURL         string // Web API base, default https://slack.com/api/
	Roles          core.Roles
	Engine         *core.Engine
	Clock          core.Clock
	Log            *slog.Logger
	HTTPClient     *http.Client
}

// App is the Slack app. It serves HTTP (Handler), runs Socket Mode
// (RunSocketMode) and delivers outbox messages (it is a core.Sink).
type App struct {
	cfg    Config
	api    *slack.Client
	engine *core.Engine
	clock  core.Clock
	log    *slog.Logger
	hc     *http.Client

	groups     groupCache
	usesGroups bool
	refs       *core.RefBook

	// Work that outlives a request (slash commands answered through
	// response_url, modals opened after the acknowledgement).
	base   context.Context
	cancel context.CancelFunc
	bg     sync.WaitGroup
}

// workTimeout bounds one piece of background work.
const workTimeout = 30 * time.Second

// New checks the configuration and builds the app. It makes no network
// call; Check verifies the token against Slack.
func New(cfg Config) (*App, error) {
	switch {
	case cfg.Engine == nil:
		return nil, core.Errorf(core.Internal, "slackapp: no engine")
	case strings.TrimSpace(cfg.BotToken) == "":
		return nil, core.FieldErrorf(core.Invalid, "slack.bot_token", "slack.bot_token is missing: copy the bot token (xoxb-…) from the Slack app's OAuth & Permissions page.")
	case cfg.AppToken == "" && strings.TrimSpace(cfg.SigningSecret) == "":
		return nil, core.FieldErrorf(core.Invalid, "slack.signing_secret", "slack.signing_secret is missing: the HTTP endpoints can't verify requests without it. Copy it from the Slack app's Basic Information page, or set slack.app_token for Socket Mode.")
	case cfg.AppToken != "" && !strings.HasPrefix(cfg.AppToken, "xapp-"):
		return nil, core.FieldErrorf(core.Invalid, "slack.app_token", "slack.app_token is not an app-level token (xapp-…).")
	}
	if cfg.AlertsChannel == "" {
		cfg.AlertsChannel = cfg.SupportChannel
	}
	a := &App{cfg: cfg, engine: cfg.Engine, clock: cfg.Clock, log: cfg.Log, hc: cfg.HTTPClient, refs: cfg.Engine.RefBook(platform)}
	if a.clock == nil {
		a.clock = core.SystemClock{}
	}
	if a.log == nil {
		a.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if a.hc == nil {
		a.hc = &http.Client{Timeout: 20 * time.Second}
	}
	opts := []slack.Option{slack.OptionHTTPClient(a.hc), slack.OptionLog(slog.NewLogLogger(a.log.Handler(), slog.LevelDebug))}
	if cfg.APIURL != "" {
		u := cfg.APIURL
		if !strings.HasSuffix(u, "/") {
			u += "/" // the SDK appends method names directly
		}
		opts = append(opts, slack.OptionAPIURL(u))
	}
	if cfg.AppToken != "" {
		opts = append(opts, slack.OptionAppLevelToken(cfg.AppToken))
	}
	a.api = slack.New(cfg.BotToken, opts...)
	for _, list := range [][]string{cfg.Roles.Owners, cfg.Roles.Agents, cfg.Roles.Viewers} {
		for _, id := range list {
			if strings.HasPrefix(id, groupPrefix) {
				a.usesGroups = true
			}
		}
	}
	a.base, a.cancel = context.WithCancel(context.Background())
	return a, nil
}

// Check calls auth.test, so a bad token is reported at start rather than
// at the first message.
func (a *App) Check(ctx context.Context) error {
	_, err := a.api.AuthTestContext(ctx)
	var se slack.SlackErrorResponse
	switch {
	case err == nil:
		return nil
	case errors.As(err, &se):
		return core.FieldErrorf(core.Invalid, "slack.bot_token", "Slack refused slack.bot_token (%s): copy the bot token (xoxb-…) again from the app's OAuth & Permissions page.", se.Err)
	}
	return &core.Error{Code: core.Unavailable, Message: "Can't reach Slack to check slack.bot_token", Err: err}
}

// Close waits for background work (answers still being posted) and stops.
func (a *App) Close() {
	a.bg.Wait()
	a.cancel()
}

// goBackground runs fn after the request that asked for it was answered.
func (a *App) goBackground(what string, fn func(ctx context.Context)) {
	a.bg.Go(func() {
		ctx, cancel := context.WithTimeout(a.base, workTimeout)
		defer cancel()
		defer func() {
			if p := recover(); p != nil {
				a.log.Error("slack background work panicked", "work", what, "panic", p)
			}
		}()
		fn(ctx)
	})
}

// now is the injected clock.
func (a *App) now() time.Time { return a.clock.Now() }

// loc is the shop's time zone, for dates in messages.
func (a *App) loc() *time.Location {
	if l := a.engine.Policy().Location; l != nil {
		return l
	}
	return time.UTC
}
