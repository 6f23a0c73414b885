package llm

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeModel is an OpenAI-compatible server: it speaks POST
// /v1/chat/completions as the real API does (tool_calls, finish_reason,
// JSON error bodies) and records every request it gets, whatever the path.
// Requests are decoded into the test's own wire types, not go-openai's, so
// the tests check what actually went over the wire.
type fakeModel struct {
	t   *testing.T
	srv *httptest.Server
	// answer writes the response to one chat completion request.
	answer func(w http.ResponseWriter, r *http.Request, req wireRequest)

	mu       sync.Mutex
	requests []recorded
}

type recorded struct {
	Method string
	Path   string
	Header http.Header
	Body   wireRequest
	Raw    string
}

type wireRequest struct {
	Model    string        `json:"model"`
	Messages []wireMessage `json:"messages"`
	Tools    []wireTool    `json:"tools"`
	Stream   bool          `json:"stream"`
}

type wireMessage struct {
	Role       string         `json:"role"`
	Content    string         `json:"content"`
	Name       string         `json:"name"`
	ToolCalls  []wireToolCall `json:"tool_calls"`
	ToolCallID string         `json:"tool_call_id"`
}

type wireToolCall struct {
	ID       string `json:"id"`
	Type     string `json:"type"`
	Function struct {
		Name      string `json:"name"`
		Arguments string `json:"arguments"`
	} `json:"function"`
}

type wireTool struct {
	Type     string `json:"type"`
	Function struct {
		Name        string          `json:"name"`
		Description string          `json:"description"`
		Parameters  json.RawMessage `json:"parameters"`
	} `json:"function"`
}

func newFakeModel(t *testing.T, answer func(w http.ResponseWriter, r *http.Request, req wireRequest)) *fakeModel {
	t.Helper()
	f := &fakeModel{t: t, answer: answer}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// baseURL is what llm.base_url would be set to.
func (f *fakeModel) baseURL() string { return f.srv.URL + "/v1" }

func (f *fakeModel) serve(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	var req wireRequest
	jsonErr := json.Unmarshal(raw, &req)
	f.mu.Lock()
	f.requests = append(f.requests, recorded{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Body: req, Raw: string(raw)})
	f.mu.Unlock()
	if r.Method != http.MethodPost || r.URL.Path != "/v1/chat/completions" {
		writeError(w, http.StatusNotFound, "invalid_request_error", "Unknown request URL: "+r.Method+" "+r.URL.Path)
		return
	}
	if jsonErr != nil {
		writeError(w, http.StatusBadRequest, "invalid_request_error", "We could not parse the JSON body of your request.")
		return
	}
	f.answer(w, r, req)
}

func (f *fakeModel) recorded() []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recorded(nil), f.requests...)
}

// completion is a chat.completion object with one choice.
func completion(msg map[string]any, finish string) map[string]any {
	return map[string]any{
		"id":      "chatcmpl-test",
		"object":  "chat.completion",
		"created": time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC).Unix(),
		"model":   "fake-model",
		"choices": []any{map[string]any{
			"index":         0,
			"message":       msg,
			"logprobs":      nil,
			"finish_reason": finish,
		}},
		"usage":              map[string]any{"prompt_tokens": 120, "completion_tokens": 30, "total_tokens": 150},
		"system_fingerprint": "fp_test",
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeAnswer answers with assistant text.
func writeAnswer(w http.ResponseWriter, text string) {
	writeJSON(w, http.StatusOK, completion(map[string]any{"role": "assistant", "content": text, "refusal": nil}, "stop"))
}

// writeToolCall asks for one tool call, as the API does: content null,
// finish_reason tool_calls, arguments a JSON string.
func writeToolCall(w http.ResponseWriter, id, name, args string) {
	writeJSON(w, http.StatusOK, completion(map[string]any{
		"role":    "assistant",
		"content": nil,
		"refusal": nil,
		"tool_calls": []any{map[string]any{
			"id":       id,
			"type":     "function",
			"function": map[string]any{"name": name, "arguments": args},
		}},
	}, "tool_calls"))
}

// writeError answers with the API's error body.
func writeError(w http.ResponseWriter, status int, typ, msg string) {
	code := any(nil)
	if status == http.StatusTooManyRequests {
		code = "rate_limit_exceeded"
		w.Header().Set("Retry-After", "20")
	}
	writeJSON(w, status, map[string]any{"error": map[string]any{"message": msg, "type": typ, "param": nil, "code": code}})
}

// lastMessage is the newest message of a request.
func lastMessage(req wireRequest) wireMessage {
	if len(req.Messages) == 0 {
		return wireMessage{}
	}
	return req.Messages[len(req.Messages)-1]
}

// messageOf returns the first message with role.
func messageOf(t *testing.T, req wireRequest, role string) string {
	t.Helper()
	for _, m := range req.Messages {
		if m.Role == role {
			return m.Content
		}
	}
	t.Fatalf("request has no %s message: %+v", role, req.Messages)
	return ""
}

// isTranslation tells the summary request from the reply: only the reply
// offers the tool.
func isTranslation(req wireRequest) bool { return len(req.Tools) == 0 }

func describe(rs []recorded) string {
	var b strings.Builder
	for i, r := range rs {
		fmt.Fprintf(&b, "#%d %s %s tools=%d msgs=%d\n", i, r.Method, r.Path, len(r.Body.Tools), len(r.Body.Messages))
	}
	return b.String()
}
