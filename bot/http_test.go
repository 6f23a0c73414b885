package main

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

type response struct {
	code int
	body string
}

func httpGet(t *testing.T, h http.Handler, path string) response {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return response{rec.Code, rec.Body.String()}
}
