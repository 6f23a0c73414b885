package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	netmail "net/mail"
	"net/netip"
	"net/url"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/sellerdesk/sellerdesk/adapters/sqlstore"
	"github.com/sellerdesk/sellerdesk/core"
)

// Config is every setting of sellerdesk. config.example.yaml lists each one
// with its default; a test keeps the two in step.
type Config struct {
	Database DatabaseConfig `yaml:"database"`
	HTTP     HTTPConfig     `yaml:"http"`
	Shop     ShopConfig     `yaml:"shop"`
	Orders   OrdersConfig   `yaml:"orders"`
	Refunds  RefundsConfig  `yaml:"refunds"`
	Health   HealthConfig   `yaml:"health"`
	Roles    core.Roles     `yaml:"roles"`
	Messages MessagesConfig `yaml:"messages"`
	Web      WebConfig      `yaml:"web"`
	LLM      LLMConfig      `yaml:"llm"`
	Slack    SlackConfig    `yaml:"slack"`
	Discord  DiscordConfig  `yaml:"discord"`
	Jobs     JobsConfig     `yaml:"jobs"`
	Log      LogConfig      `yaml:"log"`
	Alerts   AlertsConfig   `yaml:"alerts"`
	Mail     MailConfig     `yaml:"mail"`
	SPAPI    SPAPIConfig    `yaml:"spapi"`
}

// SPAPIConfig connects Amazon's Selling Partner API (adapters/spapi).
// Without client_id there is no Amazon connection.
type SPAPIConfig struct {
	// Endpoint is the region's SP-API endpoint (North America by default).
	Endpoint string `yaml:"endpoint"`
	// TokenURL is Login with Amazon's token endpoint.
	TokenURL     string `yaml:"token_url"`
	ClientID     string `yaml:"client_id"`
	ClientSecret string `yaml:"client_secret"`
	// RefreshToken is the seller's authorization of the app; prefer the
	// environment for it and for the secret.
	RefreshToken   string   `yaml:"refresh_token"`
	MarketplaceIDs []string `yaml:"marketplace_ids"`
	// SellerID is the seller's merchant token (Seller Central → Settings →
	// Account Info): it names the rate buckets replicas share and is the
	// MerchantIdentifier of the feeds that send cancels to Amazon.
	SellerID string `yaml:"seller_id"`
	// SyncInterval is how often orders are read from Amazon.
	SyncInterval Duration `yaml:"sync_interval"`
	// AutoReview asks Amazon daily for the review of every order entering
	// its review window (5 to 30 days after delivery), once per order.
	AutoReview bool `yaml:"auto_review"`
}

// Enabled says whether the Amazon connection is configured.
func (s SPAPIConfig) Enabled() bool {
	return s.ClientID != "" || s.ClientSecret != "" || s.RefreshToken != ""
}

// validate checks the settings without calling Amazon: bad credentials
// are found on the first call.
func (s SPAPIConfig) validate() error {
	for _, f := range []struct{ key, v string }{{"spapi.endpoint", s.Endpoint}, {"spapi.token_url", s.TokenURL}} {
		u, err := url.Parse(f.v)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return bad(f.key, "%q is not an http(s) URL, e.g. https://sellingpartnerapi-na.amazon.com", f.v)
		}
	}
	if d := s.SyncInterval.Duration; d < 30*time.Second || d > 24*time.Hour {
		return bad("spapi.sync_interval", "%s is out of range; use 30s to 24h", d)
	}
	if !s.Enabled() {
		if s.AutoReview {
			return bad("spapi.auto_review", "is on but there is no Amazon connection to send review requests through: set spapi.client_id, spapi.client_secret and spapi.refresh_token, or turn auto_review off")
		}
		return nil
	}
	for _, f := range []struct{ key, v string }{{"spapi.client_id", s.ClientID}, {"spapi.client_secret", s.ClientSecret}, {"spapi.refresh_token", s.RefreshToken}} {
		if strings.TrimSpace(f.v) == "" {
			return bad(f.key, "is empty; the Amazon connection needs spapi.client_id, spapi.client_secret and spapi.refresh_token (set all three, or none)")
		}
	}
	if len(s.MarketplaceIDs) == 0 {
		return bad("spapi.marketplace_ids", "is empty; list the marketplaces to read orders from, e.g. ATVPDKIKX0DER (Amazon.com)")
	}
	return nil
}

// MailConfig connects the seller's mailbox: Amazon buyer messages (and any
// other mail to the shop) come in over IMAP, replies go out over SMTP.
// Without imap_url there is no mail channel.
type MailConfig struct {
	// IMAPURL is imaps://user@host:993/INBOX (TLS) or imap://…:143/INBOX
	// (STARTTLS required); the user is the mailbox's login.
	IMAPURL string `yaml:"imap_url"`
	// SMTPURL is smtps://user@host:465 (TLS) or smtp://…:587 (STARTTLS
	// required).
	SMTPURL string `yaml:"smtp_url"`
	// Password logs in to both (an app password); prefer the environment.
	Password string `yaml:"password"`
	// From is the address replies are sent from: the one registered with
	// Amazon, or the relay drops them.
	From string `yaml:"from"`
	// SentFolder is where a copy of each reply is kept, and where a
	// replica taking over looks before sending a reply again.
	SentFolder string `yaml:"sent_folder"`
	// PollInterval is how often the mailbox is read when the server has
	// no IDLE (with IDLE, mail is read as it arrives).
	PollInterval Duration `yaml:"poll_interval"`
	// CAFile trusts a private certificate authority (PEM) for both
	// servers, besides the system's.
	CAFile string `yaml:"ca_file"`
	// FirstReadDays is how far back the first read of a mailbox goes:
	// older mail is left alone, not opened as overdue conversations.
	FirstReadDays int `yaml:"first_read_days"`
}

// JobsConfig paces the job queue (adapters/jobqueue) that runs drafts,
// the timed rules, reminders and delivery.
type JobsConfig struct {
	ReminderInterval Duration `yaml:"reminder_interval"`
	OutboxCheck      Duration `yaml:"outbox_check"`
	DraftWorkers     int      `yaml:"draft_workers"`
	DeliveryLease    Duration `yaml:"delivery_lease"`
	ShutdownGrace    Duration `yaml:"shutdown_grace"`
}

// DiscordConfig connects the Discord bot: the gateway with the bot token,
// and the signed HTTP interactions endpoint when public_key is set.
type DiscordConfig struct {
	BotToken      string `yaml:"bot_token"`
	ApplicationID string `yaml:"application_id"`
	PublicKey     string `yaml:"public_key"`
	GuildID       string `yaml:"guild_id"`
	StaffChannel  string `yaml:"staff_channel"`
	HelpChannel   string `yaml:"help_channel"`
	APIURL        string `yaml:"api_url"`
}

// SlackConfig connects the Slack app: Socket Mode when app_token is set,
// else the signed HTTP endpoints under /slack/ on http.addr.
type SlackConfig struct {
	BotToken       string `yaml:"bot_token"`
	AppToken       string `yaml:"app_token"`
	SigningSecret  string `yaml:"signing_secret"`
	SupportChannel string `yaml:"support_channel"`
	AlertsChannel  string `yaml:"alerts_channel"`
	APIURL         string `yaml:"api_url"`
}

// MessagesConfig is about buyer conversations and the 24-hour window.
type MessagesConfig struct {
	Reminders       []Duration `yaml:"reminders"`
	ResponseDays    int        `yaml:"response_days"`
	MinResponseRate float64    `yaml:"min_response_rate"`
	StaffLanguage   string     `yaml:"staff_language"`
	VerifyTries     int        `yaml:"verify_tries"`
	VerifyWindow    Duration   `yaml:"verify_window"`
	// Failed verifications of one order from everyone together.
	VerifyOrderTries  int      `yaml:"verify_order_tries"`
	VerifyOrderWindow Duration `yaml:"verify_order_window"`
	// Buyer messages one conversation takes within the window.
	BuyerMessageLimit  int      `yaml:"buyer_message_limit"`
	BuyerMessageWindow Duration `yaml:"buyer_message_window"`
	// Schedule is when staff work, in shop.timezone; without hours staff
	// count as always working and nothing escalates.
	Schedule core.ScheduleSpec `yaml:"schedule"`
}

// WebConfig is the buyer help page.
type WebConfig struct {
	// SessionSecret signs buyer cookies; empty makes a random one at start
	// (buyers then verify again after a restart). Replicas must share one.
	SessionSecret string `yaml:"session_secret"`
	// SecureCookies marks cookies Secure on plain HTTP too: set it behind a
	// TLS-terminating proxy.
	SecureCookies bool `yaml:"secure_cookies"`
}

// LLMConfig is the optional model drafter; without base_url and model the
// offline drafter is used alone.
type LLMConfig struct {
	BaseURL   string   `yaml:"base_url"`
	Model     string   `yaml:"model"`
	APIKey    string   `yaml:"api_key"`
	Timeout   Duration `yaml:"timeout"`
	Translate bool     `yaml:"translate"`
	// AllowedLinks are the hosts a model's draft may link to (and their
	// subdomains); empty allows no link.
	AllowedLinks []string `yaml:"allowed_links"`
}

type DatabaseConfig struct {
	// URL is sqlite:PATH or postgres://…
	URL string `yaml:"url"`
}

type HTTPConfig struct {
	Addr string `yaml:"addr"`
	// MetricsAddr serves /metrics on a listener of its own, loopback by
	// default, so the public one (the buyer help page) doesn't show
	// Prometheus series. Empty: no metrics; the same as Addr: on it.
	MetricsAddr string `yaml:"metrics_addr"`
	// TrustedProxies are the CIDRs (or single addresses) of the reverse
	// proxies in front of sellerdesk; only they may name the client in
	// X-Forwarded-For.
	TrustedProxies []string `yaml:"trusted_proxies"`
	// Timeouts of every request (a live stream of the help page keeps
	// its own): reading it whole, writing the answer, and an idle
	// keep-alive connection.
	ReadTimeout  Duration `yaml:"read_timeout"`
	WriteTimeout Duration `yaml:"write_timeout"`
	IdleTimeout  Duration `yaml:"idle_timeout"`
}

type ShopConfig struct {
	Name              string `yaml:"name"`
	Timezone          string `yaml:"timezone"`
	HandlingDays      int    `yaml:"handling_days"`
	ReturnWindowDays  int    `yaml:"return_window_days"`
	LowStockThreshold int    `yaml:"low_stock_threshold"`
}

type OrdersConfig struct {
	AutoCancelDays     int      `yaml:"auto_cancel_days"`
	WarnDaysBefore     int      `yaml:"warn_days_before"`
	PendingDays        int      `yaml:"pending_days"`
	BuyerCancelMinutes int      `yaml:"buyer_cancel_minutes"`
	SweepInterval      Duration `yaml:"sweep_interval"`
}

type RefundsConfig struct {
	OwnerAbove string `yaml:"owner_above"`
	DueDays    int    `yaml:"due_days"`
}

type HealthConfig struct {
	LateShipmentDays int     `yaml:"late_shipment_days"`
	CancelRateDays   int     `yaml:"cancel_rate_days"`
	TrackingDays     int     `yaml:"tracking_days"`
	MaxLateShipment  float64 `yaml:"max_late_shipment"`
	MaxCancelRate    float64 `yaml:"max_cancel_rate"`
	MinValidTracking float64 `yaml:"min_valid_tracking"`
}

type LogConfig struct {
	Level  string `yaml:"level"`
	Format string `yaml:"format"`
}

// AlertsConfig is how staff alerts are posted.
type AlertsConfig struct {
	// DigestWindow gathers alerts of one kind raised within it (an import
	// or a sweep raising hundreds) into one message per chat; an alert
	// waits up to this long to be posted. 0 posts each alert on its own.
	DigestWindow Duration `yaml:"digest_window"`
}

// Duration reads "10s", "5m" in YAML and the environment.
type Duration struct{ time.Duration }

func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("%q is not a duration (e.g. 5m)", n.Value)
	}
	d.Duration = v
	return nil
}

// DefaultConfig is the configuration with no file and no environment.
func DefaultConfig() Config {
	p := core.DefaultPolicy()
	return Config{
		Database: DatabaseConfig{URL: "sqlite:sellerdesk.db"},
		HTTP:     HTTPConfig{Addr: "127.0.0.1:8080", MetricsAddr: "127.0.0.1:8081", TrustedProxies: []string{}, ReadTimeout: Duration{30 * time.Second}, WriteTimeout: Duration{60 * time.Second}, IdleTimeout: Duration{2 * time.Minute}},
		Shop:     ShopConfig{Name: "Our shop", Timezone: "UTC", HandlingDays: p.HandlingDays, ReturnWindowDays: p.ReturnWindowDays, LowStockThreshold: p.LowStockThreshold},
		Orders: OrdersConfig{AutoCancelDays: p.AutoCancelDays, WarnDaysBefore: p.WarnDaysBefore, PendingDays: p.PendingDays,
			BuyerCancelMinutes: p.BuyerCancelMinutes, SweepInterval: Duration{5 * time.Minute}},
		Refunds: RefundsConfig{OwnerAbove: p.OwnerRefundAbove, DueDays: p.RefundDays},
		Health: HealthConfig{LateShipmentDays: p.LateShipmentDays, CancelRateDays: p.CancelRateDays, TrackingDays: p.TrackingDays,
			MaxLateShipment: p.MaxLateShipment, MaxCancelRate: p.MaxCancelRate, MinValidTracking: p.MinValidTracking},
		Roles: core.Roles{Owners: []string{}, Agents: []string{}, Viewers: []string{}},
		Messages: MessagesConfig{Reminders: []Duration{{12 * time.Hour}, {4 * time.Hour}, {time.Hour}}, ResponseDays: p.ResponseDays,
			MinResponseRate: p.MinResponseRate, StaffLanguage: "en", VerifyTries: p.VerifyTries, VerifyWindow: Duration{p.VerifyWindow},
			VerifyOrderTries: p.VerifyOrderTries, VerifyOrderWindow: Duration{p.VerifyOrderWindow},
			BuyerMessageLimit: p.BuyerMessageLimit, BuyerMessageWindow: Duration{p.BuyerMessageWindow},
			Schedule: core.ScheduleSpec{Holidays: []string{}, People: []core.PersonSpec{}, OnCall: []core.OnCallSpec{}}},
		LLM: LLMConfig{Timeout: Duration{10 * time.Second}, AllowedLinks: []string{}},
		Jobs: JobsConfig{ReminderInterval: Duration{time.Minute}, OutboxCheck: Duration{5 * time.Second}, DraftWorkers: 4,
			DeliveryLease: Duration{30 * time.Second}, ShutdownGrace: Duration{10 * time.Second}},
		Log:    LogConfig{Level: "info", Format: "text"},
		Alerts: AlertsConfig{DigestWindow: Duration{time.Minute}},
		Mail:   MailConfig{SentFolder: "Sent", PollInterval: Duration{time.Minute}, FirstReadDays: 3},
		SPAPI: SPAPIConfig{Endpoint: "https://sellingpartnerapi-na.amazon.com", TokenURL: "https://api.amazon.com/auth/o2/token",
			MarketplaceIDs: []string{}, SyncInterval: Duration{2 * time.Minute}},
	}
}

const envPrefix = "SELLERDESK_"

// LoadConfig reads YAML from r (nil: none) over the defaults, then the
// environment over that. Unknown keys and bad values are refused, naming the key.
func LoadConfig(r io.Reader, environ []string) (Config, error) {
	cfg := DefaultConfig()
	if r != nil {
		data, err := io.ReadAll(r)
		if err != nil {
			return cfg, err
		}
		var root yaml.Node
		if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&root); err != nil && !errors.Is(err, io.EOF) {
			return cfg, configError(err) // not YAML at all: its own line numbers say where
		}
		if err := decodeNode(&root, reflect.ValueOf(&cfg).Elem(), ""); err != nil {
			return cfg, err
		}
	}
	if err := applyEnv(&cfg, environ); err != nil {
		return cfg, err
	}
	return cfg, cfg.validate()
}

// configError rewrites yaml's "field x not found in type main.ShopConfig"
// into words about the config file.
func configError(err error) error {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "yaml: ")
	if i := strings.Index(msg, " not found in type "); i >= 0 {
		j := strings.LastIndex(msg[:i], "field ")
		head := strings.TrimSuffix(msg[:j], ": ")
		return fmt.Errorf("config: %s: unknown setting %q — config.example.yaml lists every setting", head, msg[j+6:i])
	}
	return fmt.Errorf("config: %s", msg)
}

// decodeNode reads a YAML node into v, one setting at a time, so that a bad
// value is reported with its key, as the environment's are
// (`config: orders.sweep_interval: "5 minutes" is not a duration (e.g. 5m), line 3`),
// rather than as yaml's "cannot unmarshal !!str into main.Duration". Values
// are parsed by setValue, the environment's parser, so the file and the
// environment accept the same spellings. All bad keys are reported at once.
func decodeNode(n *yaml.Node, v reflect.Value, key string) error {
	for n.Kind == yaml.DocumentNode || n.Kind == yaml.AliasNode {
		if n.Kind == yaml.AliasNode {
			n = n.Alias
		} else if len(n.Content) == 0 {
			return nil
		} else {
			n = n.Content[0]
		}
	}
	bad := func(format string, args ...any) error {
		name := key
		if name == "" {
			name = "the file"
		}
		return fmt.Errorf("config: %s: %s, line %d", name, fmt.Sprintf(format, args...), n.Line)
	}
	if n.Kind == 0 {
		return nil // an empty file
	}
	if n.Tag == "!!null" {
		v.Set(reflect.Zero(v.Type())) // "key:" with nothing after it, as yaml reads it
		return nil
	}
	switch {
	case v.Kind() == reflect.Struct && v.Type() != reflect.TypeFor[Duration]():
		if n.Kind != yaml.MappingNode {
			return bad("expected a section of settings (key: value lines), found %s", describeNode(n))
		}
		fields := map[string]reflect.Value{}
		for i := range v.NumField() {
			if tag := strings.Split(v.Type().Field(i).Tag.Get("yaml"), ",")[0]; tag != "" && tag != "-" {
				fields[tag] = v.Field(i)
			}
		}
		var errs []error
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			path := k.Value
			if key != "" {
				path = key + "." + k.Value
			}
			f, ok := fields[k.Value]
			if !ok {
				where := "the file"
				if key != "" {
					where = key
				}
				errs = append(errs, fmt.Errorf("config: %s: unknown setting %q, line %d — config.example.yaml lists every setting", where, k.Value, k.Line))
				continue
			}
			if err := decodeNode(val, f, path); err != nil {
				errs = append(errs, err)
			}
		}
		return errors.Join(errs...)
	case v.Kind() == reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return bad("%s is not a list (e.g. [a, b], or one item per line starting with -)", describeNode(n))
		}
		list := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		var errs []error
		for i, item := range n.Content {
			if err := decodeNode(item, list.Index(i), fmt.Sprintf("%s[%d]", key, i)); err != nil {
				errs = append(errs, err)
			}
		}
		if len(errs) > 0 {
			return errors.Join(errs...)
		}
		v.Set(list)
		return nil
	}
	if n.Kind != yaml.ScalarNode {
		return bad("expected a single value, found %s", describeNode(n))
	}
	if err := setValue(v, n.Value); err != nil {
		return bad("%v", err)
	}
	return nil
}

// describeNode names what a YAML node is, for an error.
func describeNode(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a section"
	case yaml.SequenceNode:
		return "a list"
	}
	return strconv.Quote(n.Value)
}

// envKeys walks the config struct and returns the environment name of every
// setting with a pointer to its value.
func envKeys(cfg *Config) map[string]reflect.Value {
	out := map[string]reflect.Value{}
	var walk func(v reflect.Value, path []string)
	walk = func(v reflect.Value, path []string) {
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			tag := strings.Split(f.Tag.Get("yaml"), ",")[0]
			if tag == "" || tag == "-" {
				continue
			}
			p := append(slices.Clone(path), tag)
			fv := v.Field(i)
			if fv.Kind() == reflect.Struct && fv.Type() != reflect.TypeFor[Duration]() {
				walk(fv, p)
				continue
			}
			out[strings.Join(p, ".")] = fv
		}
	}
	walk(reflect.ValueOf(cfg).Elem(), nil)
	return out
}

// EnvName is the environment variable of a key path: database.url →
// SELLERDESK_DATABASE_URL.
func EnvName(key string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

func applyEnv(cfg *Config, environ []string) error {
	keys := envKeys(cfg)
	byEnv := map[string]string{}
	for k := range keys {
		byEnv[EnvName(k)] = k
	}
	for _, kv := range environ {
		name, val, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(name, envPrefix) {
			continue
		}
		key, ok := byEnv[name]
		if !ok {
			return fmt.Errorf("config: environment variable %s is not a sellerdesk setting — config.example.yaml lists every setting (key a.b is SELLERDESK_A_B)", name)
		}
		if err := setValue(keys[key], val); err != nil {
			return fmt.Errorf("config: %s (%s): %v", name, key, err)
		}
	}
	return nil
}

func setValue(v reflect.Value, s string) error {
	switch v.Interface().(type) {
	case Duration:
		d, err := time.ParseDuration(strings.TrimSpace(s))
		if err != nil {
			return fmt.Errorf("%q is not a duration (e.g. 5m)", s)
		}
		v.Set(reflect.ValueOf(Duration{d}))
		return nil
	}
	if v.Type() == reflect.TypeFor[[]Duration]() {
		var list []Duration
		for _, x := range strings.Split(s, ",") {
			if x = strings.TrimSpace(x); x == "" {
				continue
			}
			d, err := time.ParseDuration(x)
			if err != nil {
				return fmt.Errorf("%q is not a list of durations (e.g. 12h,4h,1h)", s)
			}
			list = append(list, Duration{d})
		}
		v.Set(reflect.ValueOf(list))
		return nil
	}
	switch v.Kind() {
	case reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return fmt.Errorf("%q is not true or false", s)
		}
		v.SetBool(b)
	case reflect.String:
		v.SetString(s)
	case reflect.Int:
		n, err := strconv.Atoi(s)
		if err != nil {
			return fmt.Errorf("%q is not a whole number (e.g. 3)", s)
		}
		v.SetInt(int64(n))
	case reflect.Float64:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return fmt.Errorf("%q is not a number (e.g. 0.04)", s)
		}
		v.SetFloat(f)
	case reflect.Slice:
		if v.Type().Elem().Kind() != reflect.String {
			return fmt.Errorf("is a list of sections: set it in the config file")
		}
		var list []string
		for _, x := range strings.Split(s, ",") {
			if x = strings.TrimSpace(x); x != "" {
				list = append(list, x)
			}
		}
		v.Set(reflect.ValueOf(list))
	default:
		return fmt.Errorf("can't be set from the environment")
	}
	return nil
}

// hostName is a lower-case DNS name with at least two labels.
var hostName = regexp.MustCompile(`^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$`)

// bad is a refused setting, naming its key and environment variable.
func bad(key, format string, args ...any) error {
	return fmt.Errorf("config: %s (env %s): %s", key, EnvName(key), fmt.Sprintf(format, args...))
}

func (c *Config) validate() error {
	u := c.Database.URL
	if !strings.HasPrefix(u, "sqlite:") && !strings.HasPrefix(u, "postgres://") && !strings.HasPrefix(u, "postgresql://") {
		return bad("database.url", "%q is neither sqlite:PATH nor postgres://…", sqlstore.Redact(u))
	}
	if _, _, err := net.SplitHostPort(c.HTTP.Addr); err != nil {
		return bad("http.addr", "%q is not host:port, e.g. 127.0.0.1:8080", c.HTTP.Addr)
	}
	if a := c.HTTP.MetricsAddr; a != "" {
		if _, _, err := net.SplitHostPort(a); err != nil {
			return bad("http.metrics_addr", "%q is not host:port, e.g. 127.0.0.1:8081 (or empty for no metrics)", a)
		}
	}
	if _, err := c.HTTP.Proxies(); err != nil {
		return bad("http.trusted_proxies", "%v", err)
	}
	for key, d := range map[string]Duration{"http.read_timeout": c.HTTP.ReadTimeout, "http.write_timeout": c.HTTP.WriteTimeout, "http.idle_timeout": c.HTTP.IdleTimeout} {
		if d.Duration < time.Second || d.Duration > time.Hour {
			return bad(key, "%s is out of range; use 1s to 1h", d.Duration)
		}
	}
	if _, err := time.LoadLocation(c.Shop.Timezone); err != nil {
		return bad("shop.timezone", "%q is not a time zone name like Europe/Berlin or America/New_York", c.Shop.Timezone)
	}
	ints := []struct {
		key    string
		v      int
		lo, hi int
	}{
		{"shop.handling_days", c.Shop.HandlingDays, 0, 30},
		{"shop.return_window_days", c.Shop.ReturnWindowDays, 0, 365},
		{"shop.low_stock_threshold", c.Shop.LowStockThreshold, 0, 1_000_000},
		{"orders.auto_cancel_days", c.Orders.AutoCancelDays, 1, 365},
		{"orders.warn_days_before", c.Orders.WarnDaysBefore, 0, c.Orders.AutoCancelDays - 1},
		{"orders.pending_days", c.Orders.PendingDays, 1, 365},
		{"orders.buyer_cancel_minutes", c.Orders.BuyerCancelMinutes, 0, 24 * 60},
		{"refunds.due_days", c.Refunds.DueDays, 0, 60},
		{"health.late_shipment_days", c.Health.LateShipmentDays, 1, 365},
		{"health.cancel_rate_days", c.Health.CancelRateDays, 1, 365},
		{"health.tracking_days", c.Health.TrackingDays, 1, 365},
	}
	for _, x := range ints {
		if x.v < x.lo || x.v > x.hi {
			return bad(x.key, "%d is out of range; use %d to %d", x.v, x.lo, x.hi)
		}
	}
	for _, x := range []struct {
		key string
		v   float64
	}{{"health.max_late_shipment", c.Health.MaxLateShipment}, {"health.max_cancel_rate", c.Health.MaxCancelRate}, {"health.min_valid_tracking", c.Health.MinValidTracking}} {
		if x.v <= 0 || x.v >= 1 {
			return bad(x.key, "%v is not a rate between 0 and 1 (e.g. 0.04 for 4%%)", x.v)
		}
	}
	if _, err := core.ParseAmount(c.Refunds.OwnerAbove, "USD"); err != nil {
		return bad("refunds.owner_above", "%q is not an amount like 100.00", c.Refunds.OwnerAbove)
	}
	for i, d := range c.Messages.Reminders {
		if d.Duration <= 0 || d.Duration >= core.ResponseWindow || i > 0 && d.Duration >= c.Messages.Reminders[i-1].Duration {
			return bad("messages.reminders", "reminders must be between 0 and 24h, longest first (e.g. [12h, 4h, 1h])")
		}
	}
	if c.Messages.ResponseDays < 1 || c.Messages.ResponseDays > 365 {
		return bad("messages.response_days", "%d is out of range; use 1 to 365", c.Messages.ResponseDays)
	}
	if c.Messages.MinResponseRate <= 0 || c.Messages.MinResponseRate >= 1 {
		return bad("messages.min_response_rate", "%v is not a rate between 0 and 1", c.Messages.MinResponseRate)
	}
	if len(c.Messages.StaffLanguage) != 2 {
		return bad("messages.staff_language", "%q is not a two-letter language code like en or zh", c.Messages.StaffLanguage)
	}
	if s := c.Web.SessionSecret; s != "" && len(s) < 32 {
		return bad("web.session_secret", "is too short (%d characters); use at least 32 random characters", len(s))
	}
	if (c.LLM.BaseURL == "") != (c.LLM.Model == "") {
		return bad("llm.base_url", "set both llm.base_url and llm.model to use a model, or neither")
	}
	if c.LLM.BaseURL != "" && !strings.HasPrefix(c.LLM.BaseURL, "http://") && !strings.HasPrefix(c.LLM.BaseURL, "https://") {
		return bad("llm.base_url", "%q is not an http(s) URL like https://api.openai.com/v1", c.LLM.BaseURL)
	}
	if c.LLM.Timeout.Duration < 100*time.Millisecond || c.LLM.Timeout.Duration > 5*time.Minute {
		return bad("llm.timeout", "%s is out of range; use 100ms to 5m", c.LLM.Timeout.Duration)
	}
	for _, h := range c.LLM.AllowedLinks {
		if !hostName.MatchString(h) {
			return bad("llm.allowed_links", "%q is not a host name; list hosts like ups.com, without https:// or a path", h)
		}
	}
	if s := c.Slack; s.BotToken != "" || s.AppToken != "" || s.SigningSecret != "" {
		switch {
		case !strings.HasPrefix(s.BotToken, "xoxb-"):
			return bad("slack.bot_token", "is missing or is not a bot token (xoxb-…); copy it from OAuth & Permissions")
		case s.AppToken != "" && !strings.HasPrefix(s.AppToken, "xapp-"):
			return bad("slack.app_token", "is not an app-level token (xapp-…); create one with the connections:write scope under Basic Information")
		case s.AppToken == "" && s.SigningSecret == "":
			return bad("slack.signing_secret", "is needed for the HTTP endpoints (or set slack.app_token for Socket Mode); copy it from Basic Information")
		case s.SupportChannel == "":
			return bad("slack.support_channel", "is missing: the channel id (C…) where buyer messages are posted")
		}
		if s.APIURL != "" && !strings.HasPrefix(s.APIURL, "http://") && !strings.HasPrefix(s.APIURL, "https://") {
			return bad("slack.api_url", "%q is not an http(s) URL", s.APIURL)
		}
	}
	if d := c.Discord; d.BotToken != "" || d.PublicKey != "" || d.ApplicationID != "" {
		switch {
		case d.BotToken == "":
			return bad("discord.bot_token", "is missing; copy it from the Bot page of your application")
		case !allDigits(d.ApplicationID):
			return bad("discord.application_id", "is missing or not a numeric id; copy it from General Information")
		case d.PublicKey != "" && (len(d.PublicKey) != 64 || !isHex(d.PublicKey)):
			return bad("discord.public_key", "is not the 64-character hex public key from General Information")
		case d.StaffChannel == "" || !allDigits(d.StaffChannel):
			return bad("discord.staff_channel", "is missing or not a channel id (Developer Mode → Copy Channel ID)")
		case d.GuildID != "" && !allDigits(d.GuildID):
			return bad("discord.guild_id", "%q is not a server id", d.GuildID)
		case d.HelpChannel != "" && !allDigits(d.HelpChannel):
			return bad("discord.help_channel", "%q is not a channel id", d.HelpChannel)
		case d.APIURL != "" && !strings.HasPrefix(d.APIURL, "http://") && !strings.HasPrefix(d.APIURL, "https://"):
			return bad("discord.api_url", "%q is not an http(s) URL", d.APIURL)
		}
	}
	if c.Orders.SweepInterval.Duration < time.Second {
		return bad("orders.sweep_interval", "%s is too short; use at least 1s", c.Orders.SweepInterval.Duration)
	}
	for key, d := range map[string]Duration{"jobs.reminder_interval": c.Jobs.ReminderInterval, "jobs.outbox_check": c.Jobs.OutboxCheck} {
		if d.Duration < time.Second || d.Duration > time.Hour {
			return bad(key, "%s is out of range; use 1s to 1h", d.Duration)
		}
	}
	if c.Messages.VerifyTries < 1 || c.Messages.VerifyTries > 100 {
		return bad("messages.verify_tries", "%d is out of range; use 1 to 100", c.Messages.VerifyTries)
	}
	if c.Messages.VerifyWindow.Duration < time.Minute || c.Messages.VerifyWindow.Duration > 24*time.Hour {
		return bad("messages.verify_window", "%s is out of range; use 1m to 24h", c.Messages.VerifyWindow.Duration)
	}
	// Anyone can use up an order's tries and keep its buyer waiting: below
	// one client's limit, a buyer's own typos would lock their order.
	if n := c.Messages.VerifyOrderTries; n < c.Messages.VerifyTries || n > 1000 {
		return bad("messages.verify_order_tries", "%d is out of range; use messages.verify_tries (%d) to 1000", n, c.Messages.VerifyTries)
	}
	if d := c.Messages.VerifyOrderWindow.Duration; d < time.Minute || d > 24*time.Hour {
		return bad("messages.verify_order_window", "%s is out of range; use 1m to 24h (it is also how long an order can be kept locked)", d)
	}
	if n := c.Messages.BuyerMessageLimit; n < 1 || n > 1000 {
		return bad("messages.buyer_message_limit", "%d is out of range; use 1 to 1000", n)
	}
	if d := c.Messages.BuyerMessageWindow.Duration; d < time.Second || d > 24*time.Hour {
		return bad("messages.buyer_message_window", "%s is out of range; use 1s to 24h", d)
	}
	// Above 2m a takeover could outlast Discord's nonce check (a few minutes).
	if c.Jobs.DeliveryLease.Duration < 5*time.Second || c.Jobs.DeliveryLease.Duration > 2*time.Minute {
		return bad("jobs.delivery_lease", "%s is out of range; use 5s to 2m (longer than one post to Slack or Discord takes)", c.Jobs.DeliveryLease.Duration)
	}
	if c.Alerts.DigestWindow.Duration < 0 || c.Alerts.DigestWindow.Duration > 30*time.Minute {
		return bad("alerts.digest_window", "%s is out of range; use 0s (no digests) to 30m", c.Alerts.DigestWindow.Duration)
	}
	if err := c.Mail.validate(); err != nil {
		return err
	}
	if err := c.SPAPI.validate(); err != nil {
		return err
	}
	if c.Jobs.DraftWorkers < 1 || c.Jobs.DraftWorkers > 64 {
		return bad("jobs.draft_workers", "%d is out of range; use 1 to 64", c.Jobs.DraftWorkers)
	}
	if c.Jobs.ShutdownGrace.Duration < 0 || c.Jobs.ShutdownGrace.Duration > 10*time.Minute {
		return bad("jobs.shutdown_grace", "%s is out of range; use 0s to 10m", c.Jobs.ShutdownGrace.Duration)
	}
	if !slices.Contains([]string{"debug", "info", "warn", "error"}, c.Log.Level) {
		return bad("log.level", "%q is not one of debug, info, warn, error", c.Log.Level)
	}
	if !slices.Contains([]string{"text", "json"}, c.Log.Format) {
		return bad("log.format", "%q is not text or json", c.Log.Format)
	}
	for _, list := range [][]string{c.Roles.Owners, c.Roles.Agents, c.Roles.Viewers} {
		for _, id := range list {
			if strings.TrimSpace(id) == "" || strings.ContainsAny(id, " \t") {
				return bad("roles", "%q is not an identity like slack:U024BE7LH, discord:role:987654321098765432 or console:alice", id)
			}
		}
	}
	return c.validateSchedule()
}

// validateSchedule checks messages.schedule, naming the key at fault.
func (c *Config) validateSchedule() error {
	loc, _ := time.LoadLocation(c.Shop.Timezone)
	if _, err := core.ParseSchedule(c.Messages.Schedule, loc); err != nil {
		var ce *core.Error
		if errors.As(err, &ce) && ce.Field != "" {
			return bad("messages.schedule."+ce.Field, "%s", ce.Message)
		}
		return bad("messages.schedule", "%v", err)
	}
	return nil
}

// validate checks the mail settings that don't need a server: the rest
// (URLs, credentials, reaching the servers) is checked when the mail
// channel starts, and reported in /healthz without stopping the desk.
func (m MailConfig) validate() error {
	if m.IMAPURL == "" && m.SMTPURL == "" {
		return nil
	}
	if m.IMAPURL == "" || m.SMTPURL == "" {
		return bad("mail.imap_url", "mail needs both mail.imap_url (to read) and mail.smtp_url (to reply); set both, or neither")
	}
	if a, err := netmail.ParseAddress(m.From); err != nil || a.Name != "" || m.From == "" {
		return bad("mail.from", "%q is not an address like seller@shop.example; set the address registered with Amazon for sending", m.From)
	}
	if strings.TrimSpace(m.SentFolder) == "" {
		return bad("mail.sent_folder", "is empty; name the folder sent mail is kept in (Sent, or [Gmail]/Sent Mail)")
	}
	if d := m.PollInterval.Duration; d < 5*time.Second || d > time.Hour {
		return bad("mail.poll_interval", "%s is out of range; use 5s to 1h", d)
	}
	if m.FirstReadDays < 1 || m.FirstReadDays > 90 {
		return bad("mail.first_read_days", "%d is out of range; use 1 to 90 (days of mail the first read takes)", m.FirstReadDays)
	}
	if m.CAFile != "" {
		if _, err := os.Stat(m.CAFile); err != nil {
			return bad("mail.ca_file", "%s can't be read: %v", m.CAFile, errors.Unwrap(err))
		}
	}
	return nil
}

// Policy turns the shop settings into the engine's rules.
func (c *Config) Policy() core.Policy {
	p := core.DefaultPolicy()
	p.Location, _ = time.LoadLocation(c.Shop.Timezone)
	p.HandlingDays, p.ReturnWindowDays, p.LowStockThreshold = c.Shop.HandlingDays, c.Shop.ReturnWindowDays, c.Shop.LowStockThreshold
	p.AutoCancelDays, p.WarnDaysBefore, p.PendingDays, p.BuyerCancelMinutes = c.Orders.AutoCancelDays, c.Orders.WarnDaysBefore, c.Orders.PendingDays, c.Orders.BuyerCancelMinutes
	p.OwnerRefundAbove, p.RefundDays = c.Refunds.OwnerAbove, c.Refunds.DueDays
	p.LateShipmentDays, p.CancelRateDays, p.TrackingDays = c.Health.LateShipmentDays, c.Health.CancelRateDays, c.Health.TrackingDays
	p.MaxLateShipment, p.MaxCancelRate, p.MinValidTracking = c.Health.MaxLateShipment, c.Health.MaxCancelRate, c.Health.MinValidTracking
	p.ReminderPoints = nil
	for _, d := range c.Messages.Reminders {
		p.ReminderPoints = append(p.ReminderPoints, d.Duration)
	}
	p.ResponseDays, p.MinResponseRate = c.Messages.ResponseDays, c.Messages.MinResponseRate
	p.VerifyTries, p.VerifyWindow = c.Messages.VerifyTries, c.Messages.VerifyWindow.Duration
	p.VerifyOrderTries, p.VerifyOrderWindow = c.Messages.VerifyOrderTries, c.Messages.VerifyOrderWindow.Duration
	p.BuyerMessageLimit, p.BuyerMessageWindow = c.Messages.BuyerMessageLimit, c.Messages.BuyerMessageWindow.Duration
	// validate has checked the schedule.
	if p.Schedule, _ = core.ParseSchedule(c.Messages.Schedule, p.Location); p.Schedule != nil {
		for _, id := range c.Roles.Owners {
			if core.DirectIdentity(id) {
				p.Schedule.Owners = append(p.Schedule.Owners, id)
			}
		}
	}
	return p
}

// Proxies parses http.trusted_proxies: CIDRs, or single addresses.
func (h HTTPConfig) Proxies() ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range h.TrustedProxies {
		s = strings.TrimSpace(s)
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p.Masked())
			continue
		}
		ip, err := netip.ParseAddr(s)
		if err != nil {
			return nil, fmt.Errorf("%q is not a CIDR like 10.0.0.0/8 or an address like 192.0.2.10", s)
		}
		out = append(out, netip.PrefixFrom(ip.Unmap(), ip.Unmap().BitLen()))
	}
	return out, nil
}

// openConfig finds the config file: --config, else ./config.yaml when it
// exists. It returns nil (and demo mode) when there is none.
func openConfig(path string) (io.ReadCloser, string, error) {
	if path != "" {
		f, err := os.Open(path)
		if err != nil {
			return nil, "", fmt.Errorf("config: can't read %s: %w", path, err)
		}
		return f, path, nil
	}
	f, err := os.Open("config.yaml")
	if errors.Is(err, os.ErrNotExist) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("config: can't read config.yaml: %w", err)
	}
	return f, "config.yaml", nil
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

func isHex(s string) bool {
	for _, r := range strings.ToLower(s) {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f') {
			return false
		}
	}
	return true
}
