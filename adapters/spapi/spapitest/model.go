package spapitest

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Model is one of Amazon's Swagger 2.0 models, read as plain JSON.
type Model struct {
	Paths       map[string]map[string]json.RawMessage `json:"paths"`
	Definitions map[string]*Schema                    `json:"definitions"`
	Produces    []string                              `json:"produces"`
}

// Schema is the part of a Swagger schema the checks use.
type Schema struct {
	Ref        string             `json:"$ref"`
	Type       string             `json:"type"`
	Format     string             `json:"format"`
	Enum       []any              `json:"enum"`
	Required   []string           `json:"required"`
	Properties map[string]*Schema `json:"properties"`
	Items      *Schema            `json:"items"`
	Minimum    *float64           `json:"minimum"`
	Maximum    *float64           `json:"maximum"`
}

// Param is an operation's parameter.
type Param struct {
	Name             string   `json:"name"`
	In               string   `json:"in"`
	Required         bool     `json:"required"`
	Type             string   `json:"type"`
	Format           string   `json:"format"`
	Enum             []any    `json:"enum"`
	Items            *Schema  `json:"items"`
	CollectionFormat string   `json:"collectionFormat"`
	Schema           *Schema  `json:"schema"`
	Minimum          *float64 `json:"minimum"`
	Maximum          *float64 `json:"maximum"`
	MaxItems         *int     `json:"maxItems"`
}

// Operation is one operation of a model.
type Operation struct {
	ID         string  `json:"operationId"`
	Parameters []Param `json:"parameters"`
	Method     string  `json:"-"`
	Path       string  `json:"-"`
	pattern    *regexp.Regexp
	model      *Model
}

// LoadModel reads a model file.
func LoadModel(path string) (*Model, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m Model
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	return &m, nil
}

// Operation finds an operation by its id.
func (m *Model) Operation(id string) (*Operation, error) {
	for path, ops := range m.Paths {
		for method, raw := range ops {
			var op Operation
			if json.Unmarshal(raw, &op) != nil || op.ID != id {
				continue
			}
			op.Method, op.Path, op.model = strings.ToUpper(method), path, m
			op.pattern = regexp.MustCompile("^" + regexp.MustCompile(`\\\{[^}]+\\\}`).ReplaceAllString(regexp.QuoteMeta(path), `[^/]+`) + "$")
			return &op, nil
		}
	}
	return nil, fmt.Errorf("no operation %s in the model", id)
}

// Def returns a definition by name.
func (m *Model) Def(name string) *Schema { return m.Definitions[name] }

// Resolve follows a schema's $ref.
func (m *Model) Resolve(s *Schema) *Schema {
	for s != nil && s.Ref != "" {
		s = m.Definitions[strings.TrimPrefix(s.Ref, "#/definitions/")]
	}
	return s
}

// Matches says whether a request path is this operation's.
func (op *Operation) Matches(method, path string) bool {
	return method == op.Method && op.pattern.MatchString(path)
}

// CheckQuery checks a request's query against the operation's parameters:
// no unknown parameter, every required one, types, enums and csv arrays.
func (op *Operation) CheckQuery(q url.Values) []string {
	var errs []string
	known := map[string]bool{}
	for _, p := range op.Parameters {
		if p.In != "query" {
			continue
		}
		known[p.Name] = true
		vals, ok := q[p.Name]
		if !ok {
			if p.Required {
				errs = append(errs, fmt.Sprintf("missing required query parameter %s", p.Name))
			}
			continue
		}
		if len(vals) != 1 {
			errs = append(errs, fmt.Sprintf("query parameter %s given %d times (the model's arrays are csv)", p.Name, len(vals)))
			continue
		}
		if p.Type == "array" {
			if p.CollectionFormat != "" && p.CollectionFormat != "csv" {
				continue
			}
			if n := len(strings.Split(vals[0], ",")); p.MaxItems != nil && n > *p.MaxItems {
				errs = append(errs, fmt.Sprintf("query parameter %s lists %d values; the model allows %d", p.Name, n, *p.MaxItems))
			}
			for _, v := range strings.Split(vals[0], ",") {
				errs = append(errs, checkScalar(p.Name, v, p.Items.Type, p.Items.Format, p.Items.Enum, nil, nil)...)
			}
			continue
		}
		errs = append(errs, checkScalar(p.Name, vals[0], p.Type, p.Format, p.Enum, p.Minimum, p.Maximum)...)
	}
	for k := range q {
		if !known[k] {
			errs = append(errs, fmt.Sprintf("unknown query parameter %s", k))
		}
	}
	return errs
}

func checkScalar(name, v, typ, format string, enum []any, minimum, maximum *float64) []string {
	switch typ {
	case "integer", "number":
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || (typ == "integer" && f != float64(int64(f))) {
			return []string{fmt.Sprintf("%s=%q is not an %s", name, v, typ)}
		}
		if (minimum != nil && f < *minimum) || (maximum != nil && f > *maximum) {
			return []string{fmt.Sprintf("%s=%q is out of range", name, v)}
		}
	case "boolean":
		if v != "true" && v != "false" {
			return []string{fmt.Sprintf("%s=%q is not a boolean", name, v)}
		}
	}
	if format == "date-time" {
		if _, err := time.Parse(time.RFC3339, v); err != nil {
			return []string{fmt.Sprintf("%s=%q is not an ISO 8601 date-time", name, v)}
		}
	}
	if len(enum) > 0 && !inEnum(enum, v) {
		return []string{fmt.Sprintf("%s=%q is not one of %v", name, v, enum)}
	}
	return nil
}

func inEnum(enum []any, v any) bool {
	for _, e := range enum {
		if fmt.Sprint(e) == fmt.Sprint(v) {
			return true
		}
	}
	return false
}

// BodySchema returns the operation's body schema, nil without one.
func (op *Operation) BodySchema() *Schema {
	for _, p := range op.Parameters {
		if p.In == "body" {
			return op.model.Resolve(p.Schema)
		}
	}
	return nil
}

// CheckBody checks a JSON body against the operation's body schema: every
// required field, no unknown one, types and enums.
func (op *Operation) CheckBody(body []byte) []string {
	s := op.BodySchema()
	if s == nil {
		if len(strings.TrimSpace(string(body))) > 0 {
			return []string{"a body where the model has none"}
		}
		return nil
	}
	var v any
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return []string{"the body is not JSON: " + err.Error()}
	}
	return op.model.Check("body", v, s)
}

// Check checks a decoded JSON value against a schema.
func (m *Model) Check(at string, v any, s *Schema) []string {
	s = m.Resolve(s)
	if s == nil {
		return nil
	}
	var errs []string
	switch s.Type {
	case "object", "":
		o, ok := v.(map[string]any)
		if !ok {
			if s.Type == "" {
				return nil
			}
			return []string{fmt.Sprintf("%s is not an object", at)}
		}
		for _, r := range s.Required {
			if _, ok := o[r]; !ok {
				errs = append(errs, fmt.Sprintf("%s.%s is required", at, r))
			}
		}
		for k, x := range o {
			ps, ok := s.Properties[k]
			if !ok {
				errs = append(errs, fmt.Sprintf("%s.%s is not in the model", at, k))
				continue
			}
			errs = append(errs, m.Check(at+"."+k, x, ps)...)
		}
	case "array":
		a, ok := v.([]any)
		if !ok {
			return []string{fmt.Sprintf("%s is not an array", at)}
		}
		for i, x := range a {
			errs = append(errs, m.Check(fmt.Sprintf("%s[%d]", at, i), x, s.Items)...)
		}
	case "string":
		str, ok := v.(string)
		if !ok {
			return []string{fmt.Sprintf("%s is not a string", at)}
		}
		errs = append(errs, checkScalar(at, str, "string", s.Format, s.Enum, nil, nil)...)
	case "integer", "number":
		n, ok := v.(json.Number)
		if !ok {
			return []string{fmt.Sprintf("%s is not a %s", at, s.Type)}
		}
		errs = append(errs, checkScalar(at, n.String(), s.Type, "", s.Enum, s.Minimum, s.Maximum)...)
	case "boolean":
		if _, ok := v.(bool); !ok {
			return []string{fmt.Sprintf("%s is not a boolean", at)}
		}
	}
	return errs
}
