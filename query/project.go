package query

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Where the Router finds a request's project for consistent hashing, first
// match wins: the ProjectHeader header, the "project" URL query parameter,
// then the "project" field of a JSON body (Kylin's query request carries it
// there).
const (
	ProjectHeader = "X-Kylin-Project"
	ProjectParam  = "project"
)

// ProjectFromJSON returns the top-level "project" string of a JSON object
// such as Kylin's query request ({"sql": "...", "project": "learn_kylin"}).
// It returns "" and no error when the object has no such field, and an
// error when body is not a JSON object or "project" is not a string.
func ProjectFromJSON(body []byte) (string, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '{' {
		return "", fmt.Errorf("query: request body is not a JSON object; send {\"project\": \"...\", ...} or set the %s header", ProjectHeader)
	}
	var v struct {
		Project *json.RawMessage `json:"project"`
	}
	if err := json.Unmarshal(body, &v); err != nil {
		return "", fmt.Errorf("query: request body: %w", err)
	}
	if v.Project == nil || string(*v.Project) == "null" {
		return "", nil
	}
	var p string
	if err := json.Unmarshal(*v.Project, &p); err != nil {
		return "", fmt.Errorf("query: request body: \"project\" must be a string, got %.40s", *v.Project)
	}
	return p, nil
}
