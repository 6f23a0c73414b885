// Package console is a terminal desk that speaks the command language:
// for local use, demos and scripts.
package console

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/peterh/liner"

	"github.com/sellerdesk/sellerdesk/core"
)

// Engine is what the console needs from the order engine.
type Engine interface {
	Do(ctx context.Context, req core.Request) (*core.Result, error)
}

// Console reads commands and prints results.
type Console struct {
	Engine Engine
	Actor  core.Actor
	Render Renderer
	In     io.Reader
	Out    io.Writer
	// JSON prints one JSON object per command instead of text.
	JSON bool
	// DryRun previews every changing command without doing it.
	DryRun bool
	// Interactive gives a prompt with line editing and history and asks
	// before a changing command is done. Use it only when In is a terminal.
	Interactive bool
	// HistoryFile keeps the prompt's history between sessions ("" = none).
	HistoryFile string
	Log         *slog.Logger

	prompt func(string) (string, error) // the live prompt, for questions
}

// DefaultHistoryFile is ~/.sellerdesk_history.
func DefaultHistoryFile() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, ".sellerdesk_history")
}

// Run reads commands until the input ends or ctx is done. It returns how
// many commands failed.
func (c *Console) Run(ctx context.Context) (failed int, err error) {
	if c.Interactive {
		return c.runPrompt(ctx)
	}
	sc := bufio.NewScanner(c.In)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		if ctx.Err() != nil {
			return failed, ctx.Err()
		}
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if !c.Exec(ctx, line, false) {
			failed++
		}
	}
	return failed, sc.Err()
}

func (c *Console) runPrompt(ctx context.Context) (int, error) {
	ln := liner.NewLiner()
	defer ln.Close()
	c.prompt = ln.Prompt
	ln.SetCtrlCAborts(true)
	ln.SetCompleter(func(line string) []string {
		var out []string
		for _, n := range core.CommandNames() {
			if strings.HasPrefix(n, strings.ToLower(line)) {
				out = append(out, n+" ")
			}
		}
		return out
	})
	if c.HistoryFile != "" {
		if f, err := os.Open(c.HistoryFile); err == nil {
			_, _ = ln.ReadHistory(f)
			f.Close()
		}
	}
	defer c.saveHistory(ln)
	fmt.Fprintln(c.Out, "Type help for commands, quit to leave.")
	failed := 0
	for ctx.Err() == nil {
		line, err := ln.Prompt("desk> ")
		if errors.Is(err, liner.ErrPromptAborted) {
			continue
		}
		if err != nil { // io.EOF on Ctrl-D
			fmt.Fprintln(c.Out)
			return failed, nil
		}
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		ln.AppendHistory(line)
		if line == "quit" || line == "exit" {
			return failed, nil
		}
		if !c.Exec(ctx, line, true) {
			failed++
		}
	}
	return failed, ctx.Err()
}

func (c *Console) saveHistory(ln *liner.State) {
	if c.HistoryFile == "" {
		return
	}
	f, err := os.OpenFile(c.HistoryFile, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return
	}
	defer f.Close()
	_, _ = ln.WriteHistory(f)
}

// Exec runs one line and prints its result; it reports success. A line may
// carry --dry-run anywhere to preview only. With confirm, a changing
// command is previewed and done only after the person says yes.
func (c *Console) Exec(ctx context.Context, line string, confirm bool) bool {
	dry := c.DryRun
	if strings.Contains(line, "--dry-run") {
		dry = true
		line = strings.TrimSpace(strings.ReplaceAll(line, "--dry-run", ""))
	}
	cmd, err := core.Parse(line)
	if err != nil {
		c.fail(err, "")
		return false
	}
	if confirm && c.prompt != nil && !dry && core.IsWrite(cmd) {
		res, err := c.Engine.Do(ctx, core.Request{Actor: c.Actor, Command: cmd, DryRun: true})
		if err != nil {
			c.fail(err, cmd.Name())
			return false
		}
		c.Render.Preview(c.Out, res.Preview)
		if !c.ask("Go ahead? [Y/n] ") {
			fmt.Fprintln(c.Out, "Not done.")
			return true
		}
	}
	res, err := c.Engine.Do(ctx, core.Request{Actor: c.Actor, Command: cmd, DryRun: dry})
	if err != nil {
		c.fail(err, cmd.Name())
		return false
	}
	if c.JSON {
		c.writeJSON(map[string]any{"ok": true, "result": res})
		return true
	}
	c.Render.Result(c.Out, res)
	return true
}

// ask reads a yes/no answer on the terminal; Enter means yes.
func (c *Console) ask(q string) bool {
	a, err := c.prompt(q)
	if err != nil {
		return false
	}
	a = strings.ToLower(strings.TrimSpace(a))
	return a == "" || a == "y" || a == "yes"
}

func (c *Console) fail(err error, command string) {
	code := core.ErrorCode(err)
	if code == core.Internal && c.Log != nil {
		c.Log.Error("command failed", "command", command, "err", err)
	}
	if c.JSON {
		e := map[string]any{"code": code, "message": core.ErrorMessage(err)}
		if f := core.ErrorField(err); f != "" {
			e["field"] = f
		}
		c.writeJSON(map[string]any{"ok": false, "error": e})
		return
	}
	fmt.Fprintf(c.Out, "Error (%s): %s\n", code, core.ErrorMessage(err))
	if command != "" && code == core.Invalid {
		if u := core.Usage(command); u != "" && !strings.Contains(core.ErrorMessage(err), "Usage:") {
			fmt.Fprintf(c.Out, "Usage: %s\n", u)
		}
	}
}

func (c *Console) writeJSON(v any) {
	enc := json.NewEncoder(c.Out)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil && c.Log != nil {
		c.Log.Error("write json", "err", err)
	}
}
