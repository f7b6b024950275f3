package extract

import (
	"context"
	"encoding/json"
	"os"
	"testing"

	"github.com/sohoa/sohoa/internal/domain"
)

func TestDebugCached(t *testing.T) {
	path := os.Getenv("DEBUG_PAGE")
	if path == "" {
		t.Skip()
	}
	var p domain.Page
	data, _ := os.ReadFile(path)
	json.Unmarshal(data, &p)
	p.No = 1
	lp := layoutPage(&p)
	t.Log("LAYOUT:\n" + lp.f.raw)
	e := defaultEngine(t)
	r, _ := e.Extract(context.Background(), []domain.Page{p}, "")
	b, _ := json.MarshalIndent(r.Fields, "", " ")
	t.Log(string(b))
}
