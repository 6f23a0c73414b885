package main

import (
	"bytes"
	"context"
	_ "embed"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/sellerdesk/sellerdesk/core"
	"github.com/sellerdesk/sellerdesk/internal/sim"
)

// simulateExample is the schedule simulated without a config file.
//
//go:embed simulate.example.yaml
var simulateExample []byte

// runSimulate serves `bot simulate month`: the real engine over a
// simulated month on a throwaway in-memory store; the configured database
// is never opened.
func runSimulate(ctx context.Context, configPath string, args []string, environ []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "month" {
		fmt.Fprintln(stderr, "usage: bot [--config FILE] simulate month [--seed N] [--no-escalation] [--png FILE] [--days 30] [--per-day 40]")
		return 2
	}
	fs := flag.NewFlagSet("simulate month", flag.ContinueOnError)
	fs.SetOutput(stderr)
	seed := fs.Uint64("seed", 1, "random seed: the same seed is the same month")
	noEsc := fs.Bool("no-escalation", false, "run the same month with reminders to the channel only")
	pngPath := fs.String("png", "", "write a PNG chart of response times by hour of the week")
	days := fs.Int("days", 30, "days of buyer messages")
	perDay := fs.Float64("per-day", 40, "buyer messages a day on average")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	if *days < 1 || *days > 366 || *perDay <= 0 || *perDay > 2000 {
		fmt.Fprintln(stderr, "bot simulate month: --days must be 1 to 366 and --per-day above 0 and at most 2000")
		return 2
	}
	var src io.Reader = bytes.NewReader(simulateExample)
	if configPath != "" {
		f, err := os.Open(configPath)
		if err != nil {
			fmt.Fprintln(stderr, "bot simulate month:", err)
			return 2
		}
		defer f.Close()
		src = f
	}
	cfg, err := LoadConfig(src, environ)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	p := cfg.Policy()
	if p.Schedule == nil {
		fmt.Fprintln(stderr, "bot simulate month: the config has no messages.schedule hours, so staff are always working and there is nothing to simulate; "+
			"set messages.schedule (see config.example.yaml) or run without --config for the example schedule")
		return 2
	}
	var owners []string
	for _, id := range cfg.Roles.Owners {
		if core.DirectIdentity(id) {
			owners = append(owners, id)
		}
	}
	res, err := sim.Run(ctx, sim.Config{Policy: p, Escalate: !*noEsc, Owners: owners, Days: *days, MessagesPerDay: *perDay, Seed: *seed, Shop: cfg.Shop.Name})
	if err != nil {
		fmt.Fprintln(stderr, "bot simulate month:", err)
		return 1
	}
	res.Report(stdout)
	if *pngPath != "" {
		var buf bytes.Buffer
		if err := sim.WritePNG(&buf, res.Summarize().MedianByHour); err == nil {
			err = os.WriteFile(*pngPath, buf.Bytes(), 0o644)
		}
		if err != nil {
			fmt.Fprintln(stderr, "bot simulate month: writing the chart:", err)
			return 1
		}
		fmt.Fprintln(stdout, "Chart written to", *pngPath)
	}
	return 0
}
