package omp

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// TestMain re-executes the test binary exactly as sohoa does, so the tests
// below observe the runtime of a re-executed process.
func TestMain(m *testing.M) {
	if os.Getenv("SOHOA_OMP_TEST_NO_REEXEC") == "" {
		if err := EnsureThreadLimit(); err != nil {
			panic(err)
		}
	}
	os.Exit(m.Run())
}

func TestThreadLimitTookEffect(t *testing.T) {
	want := 1
	if v := os.Getenv(EnvVar); v != "" && v != "1" {
		want, _ = strconv.Atoi(v)
	}
	if got := ThreadLimit(); got != want {
		t.Fatalf("omp_get_thread_limit() = %d, want %d (%s=%q)", got, want, EnvVar, os.Getenv(EnvVar))
	}
}

// TestSetenvIsTooLate shows why re-exec is needed: a child started without the
// variable and without re-exec sees the unlimited default even if it sets the
// variable itself.
func TestSetenvIsTooLate(t *testing.T) {
	if os.Getenv("SOHOA_OMP_CHILD") != "" {
		os.Setenv(EnvVar, "1")
		if ThreadLimit() == 1 {
			t.Fatal("OpenMP picked up os.Setenv; re-exec would be unnecessary")
		}
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestSetenvIsTooLate$", "-test.v")
	cmd.Env = append(filterEnv(os.Environ(), EnvVar+"="), "SOHOA_OMP_CHILD=1", "SOHOA_OMP_TEST_NO_REEXEC=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
}

// TestReexecSetsLimit starts a child without the variable and lets it re-exec.
func TestReexecSetsLimit(t *testing.T) {
	if os.Getenv("SOHOA_OMP_CHILD2") != "" {
		if got := ThreadLimit(); got != 1 {
			t.Fatalf("after re-exec omp_get_thread_limit() = %d, want 1", got)
		}
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestReexecSetsLimit$", "-test.v")
	cmd.Env = append(filterEnv(os.Environ(), EnvVar+"=", "SOHOA_OMP_REEXEC="), "SOHOA_OMP_CHILD2=1")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "PASS") {
		t.Fatalf("child: %v\n%s", err, out)
	}
}

func filterEnv(env []string, prefixes ...string) []string {
	var out []string
next:
	for _, kv := range env {
		for _, p := range prefixes {
			if strings.HasPrefix(kv, p) {
				continue next
			}
		}
		out = append(out, kv)
	}
	return out
}
