// Package discordapp connects sellerdesk to Discord: the /desk application
// command with buttons and modals for staff (over the gateway or the signed
// HTTP interactions endpoint), a buyer help channel, and a core.Sink that
// posts the outbox to the staff channel and staff replies back to buyers.
//
// The package translates: every rule, permission and refusal comes from
// core, and is rendered here as embeds, components and ephemeral messages.
package discordapp

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/sellerdesk/sellerdesk/core"
)

// platform names this app's chat refs, dedupe ids, actor ids and its place
// in the outbox.
const platform = "discord"

// Config connects the app. BotToken and ApplicationID are needed for
// anything; PublicKey only for the HTTP interactions endpoint.
type Config struct {
	BotToken      string
	ApplicationID string
	// PublicKey is the application's Ed25519 key (hex), for Handler.
	PublicKey string
	// GuildID registers /desk in one server (instant) instead of globally.
	GuildID string
	// StaffChannel gets buyer conversations, drafts and alerts.
	StaffChannel string
	// HelpChannel is where buyers write (besides DMs to the bot).
	HelpChannel string
	// APIURL replaces https://discord.com for REST calls (a proxy, tests).
	APIURL     string
	Roles      core.Roles
	Engine     *core.Engine
	Clock      core.Clock
	Log        *slog.Logger
	HTTPClient *http.Client
}

// App is the Discord side of sellerdesk.
type App struct {
	cfg    Config
	engine *core.Engine
	clock  core.Clock
	log    *slog.Logger
	key    ed25519.PublicKey
	// s is used for REST calls, and for the gateway when Open is called.
	s *discordgo.Session

	bg   sync.WaitGroup // follow-ups sent after an interaction was answered
	refs *core.RefBook
	// pending holds reviewed commands waiting for Confirm (confirm.go).
	pending pendingCmds

	mu      sync.Mutex
	closers []func()
}

// New checks cfg and builds the app. It does not connect: call Open for the
// gateway, or serve Handler for HTTP interactions.
func New(cfg Config) (*App, error) {
	var missing []string
	if strings.TrimSpace(cfg.BotToken) == "" {
		missing = append(missing, "discord.bot_token (SELLERDESK_DISCORD_BOT_TOKEN)")
	}
	if strings.TrimSpace(cfg.ApplicationID) == "" {
		missing = append(missing, "discord.application_id (SELLERDESK_DISCORD_APPLICATION_ID)")
	}
	if cfg.Engine == nil {
		missing = append(missing, "the engine")
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("discord: missing %s", strings.Join(missing, ", "))
	}
	a := &App{cfg: cfg, engine: cfg.Engine, clock: cfg.Clock, log: cfg.Log, refs: cfg.Engine.RefBook(platform)}
	if a.clock == nil {
		a.clock = core.SystemClock{}
	}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	if k := strings.TrimSpace(cfg.PublicKey); k != "" {
		b, err := hex.DecodeString(k)
		if err != nil || len(b) != ed25519.PublicKeySize {
			// The key is public, but say nothing of its value all the same.
			return nil, errors.New("discord: discord.public_key must be the application's public key: 64 hex characters from the Developer Portal's General Information page")
		}
		a.key = ed25519.PublicKey(b)
	}
	client := cfg.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: 20 * time.Second}
	}
	if cfg.APIURL != "" {
		u, err := url.Parse(cfg.APIURL)
		if err != nil || u.Scheme == "" || u.Host == "" {
			return nil, fmt.Errorf("discord: discord.api_url %q is not a URL like https://discord.com", cfg.APIURL)
		}
		c := *client
		c.Transport = rewriteHost{to: u, next: client.Transport}
		client = &c
	}
	token := strings.TrimSpace(cfg.BotToken)
	if !strings.HasPrefix(token, "Bot ") {
		token = "Bot " + token
	}
	s, err := discordgo.New(token)
	if err != nil {
		return nil, errors.New("discord: could not set up a session with discord.bot_token")
	}
	s.Client = client
	// Rate limits are honoured by the outbox (core.RetryAfter), not by
	// sleeping inside a request: a sleeping request holds up the desk.
	s.ShouldRetryOnRateLimit = false
	s.Identify.Intents = Intents
	a.s = s
	return a, nil
}

// Intents are the gateway intents the bot asks for: guild and DM messages
// for the help channel, and their content (a privileged intent to switch on
// in the Developer Portal) so buyer questions can be read at all.
const Intents = discordgo.IntentsGuilds | discordgo.IntentsGuildMessages | discordgo.IntentsDirectMessages | discordgo.IntentsMessageContent

// Close stops the gateway, if open, and waits for follow-ups in flight.
func (a *App) Close() error {
	a.mu.Lock()
	closers := a.closers
	a.closers = nil
	a.mu.Unlock()
	for _, c := range closers {
		c()
	}
	a.bg.Wait()
	return nil
}

// Open connects to the gateway: interactions and messages arrive there
// and go to the same code as the HTTP endpoint. It returns once connected;
// the connection closes when ctx ends or on Close.
func (a *App) Open(ctx context.Context) error {
	// Interactions are read from the raw event (onGatewayEvent).
	a.s.AddHandler(func(s *discordgo.Session, e *discordgo.Event) { a.onGatewayEvent(ctx, e) })
	a.s.AddHandler(a.OnMessage)
	if err := a.s.Open(); err != nil {
		return core.WrapInternal(err, "Discord gateway connection failed (check discord.bot_token and that the Message Content intent is enabled)")
	}
	stop := context.AfterFunc(ctx, func() { _ = a.s.Close() })
	a.mu.Lock()
	a.closers = append(a.closers, func() { stop(); _ = a.s.Close() })
	a.mu.Unlock()
	return nil
}

// RegisterCommands installs /desk: in cfg.GuildID when set (it shows at
// once), else globally (Discord may take a while to show it everywhere).
func (a *App) RegisterCommands(ctx context.Context) error {
	_, err := a.s.ApplicationCommandBulkOverwrite(a.cfg.ApplicationID, a.cfg.GuildID, Commands(), discordgo.WithContext(ctx))
	if err != nil {
		return core.WrapInternal(err, "registering the /desk command with Discord failed")
	}
	return nil
}

func (a *App) now() time.Time { return a.clock.Now() }

// rewriteHost sends requests for discord.com to another base URL.
type rewriteHost struct {
	to   *url.URL
	next http.RoundTripper
}

func (t rewriteHost) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.EqualFold(r.URL.Host, "discord.com") {
		r = r.Clone(r.Context())
		r.URL.Scheme, r.URL.Host = t.to.Scheme, t.to.Host
		r.URL.Path = strings.TrimSuffix(t.to.Path, "/") + r.URL.Path
		r.Host = t.to.Host
	}
	next := t.next
	if next == nil {
		next = http.DefaultTransport
	}
	return next.RoundTrip(r)
}

// actor resolves who clicked or typed: "discord:<user id>" with the
// member's roles as "discord:role:<role id>".
func (a *App) actor(i *discordgo.Interaction) core.Actor {
	u, roles := interactionUser(i)
	if u == nil {
		return core.Actor{Source: platform}
	}
	return a.actorFor(u, roles, i.Member)
}

func (a *App) actorFor(u *discordgo.User, roles []string, m *discordgo.Member) core.Actor {
	ids := []string{platform + ":" + u.ID}
	for _, r := range roles {
		ids = append(ids, platform+":role:"+r)
	}
	name := u.GlobalName
	if m != nil && m.Nick != "" {
		name = m.Nick
	}
	if name == "" {
		name = u.Username
	}
	return core.Actor{ID: platform + ":" + u.ID, Name: name, Role: a.cfg.Roles.Resolve(ids...), Source: platform}
}

func interactionUser(i *discordgo.Interaction) (*discordgo.User, []string) {
	if i.Member != nil && i.Member.User != nil {
		return i.Member.User, i.Member.Roles
	}
	return i.User, nil
}

func (a *App) chatRef(ctx context.Context, key string) (core.ChatRef, error) {
	return a.refs.Get(ctx, key)
}

// rememberRef saves where something was posted; a store failure is logged
// and the ref kept in memory (core.RefBook), since the post already happened.
func (a *App) rememberRef(ctx context.Context, ref core.ChatRef) {
	if ref.At.IsZero() {
		ref.At = a.now()
	}
	if err := a.refs.Remember(ctx, ref); err != nil {
		a.log.Warn("discord chat ref not saved; kept in memory", "key", ref.Key, "err", err)
	}
}
