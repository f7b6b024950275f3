package app

import (
	"net/http"
	"net/http/pprof"

	"github.com/sohoa/sohoa/internal/api"
	"github.com/sohoa/sohoa/internal/auth"
)

// debugRoutes are Go's profiles of the serving process (heap, goroutines,
// CPU), for operators finding where memory or time goes: e.g.
// `go tool pprof -http=: 'http://HOST/debug/pprof/heap'` with an operator
// token. Reader children are separate processes and not profiled here.
func debugRoutes() []api.Route {
	return []api.Route{
		{Pattern: "GET /debug/pprof/", Role: auth.RoleOperator, Handler: http.HandlerFunc(pprof.Index)},
		{Pattern: "GET /debug/pprof/cmdline", Role: auth.RoleOperator, Handler: http.HandlerFunc(pprof.Cmdline)},
		{Pattern: "GET /debug/pprof/profile", Role: auth.RoleOperator, Handler: http.HandlerFunc(pprof.Profile)},
		{Pattern: "GET /debug/pprof/symbol", Role: auth.RoleOperator, Handler: http.HandlerFunc(pprof.Symbol)},
		{Pattern: "GET /debug/pprof/trace", Role: auth.RoleOperator, Handler: http.HandlerFunc(pprof.Trace)},
	}
}
