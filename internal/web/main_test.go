package web_test

import (
	"os"
	"testing"

	"github.com/sohoa/sohoa/internal/omp"
)

func TestMain(m *testing.M) {
	if err := omp.EnsureThreadLimit(); err != nil {
		panic(err)
	}
	os.Exit(m.Run())
}
