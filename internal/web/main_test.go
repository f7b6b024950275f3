package web_test

import (
	"os"
	"testing"

	"github.com/sohoa/sohoa/internal/child/childsrv"
	"github.com/sohoa/sohoa/internal/omp"
)

func TestMain(m *testing.M) {
	// The servers these tests start read pages in child processes: copies
	// of this test binary, which serve here.
	childsrv.Main()
	if err := omp.EnsureThreadLimit(); err != nil {
		panic(err)
	}
	os.Exit(m.Run())
}
