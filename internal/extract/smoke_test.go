package extract

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/sohoa/sohoa/internal/domain"
)

func TestSmoke(t *testing.T) {
	e, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(os.Getenv("SMOKE"))
	var pages []domain.Page
	for i, p := range strings.Split(string(data), "\f") {
		pages = append(pages, domain.Page{No: domain.PageNo(i + 1), Text: p})
	}
	r, err := e.Extract(context.Background(), pages, "")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.MarshalIndent(r, "", " ")
	t.Log(string(b))
	t.Log(Redact(pages, r))
}
