// Package omp makes sure Tesseract's OpenMP runtime runs single-threaded.
//
// libtesseract is built with OpenMP. On a small machine running one OCR
// worker per core, OpenMP's own threads oversubscribe the cores and OCR is
// several times slower. The OpenMP runtime (libgomp) reads OMP_THREAD_LIMIT
// once, when the shared library is loaded, before Go's main runs, so setting
// the variable with os.Setenv is too late. EnsureThreadLimit re-executes the
// current binary with the variable set when it is missing; ThreadLimit asks the
// loaded runtime what it actually uses, so tests can prove it took effect.
package omp

/*
#cgo LDFLAGS: -lgomp
#include <omp.h>
static int sohoa_omp_thread_limit(void) { return omp_get_thread_limit(); }
*/
import "C"

import (
	"fmt"
	"os"
	"syscall"
)

// EnvVar is the OpenMP variable that caps the runtime's threads.
const EnvVar = "OMP_THREAD_LIMIT"

// reexecMarker guards against an exec loop if the environment cannot be set.
const reexecMarker = "SOHOA_OMP_REEXEC"

// ThreadLimit returns the thread limit the loaded OpenMP runtime enforces.
// A runtime without a limit reports a very large number (INT_MAX).
func ThreadLimit() int { return int(C.sohoa_omp_thread_limit()) }

// EnsureThreadLimit re-executes the running binary with OMP_THREAD_LIMIT=1 when
// the variable is unset, replacing the process (it only returns on failure or
// when nothing needs doing). An operator who sets OMP_THREAD_LIMIT explicitly
// keeps their value. It must be called first thing in main (and TestMain).
func EnsureThreadLimit() error {
	if _, ok := os.LookupEnv(EnvVar); ok {
		return nil
	}
	if os.Getenv(reexecMarker) != "" {
		return fmt.Errorf("omp: %s still unset after re-exec", EnvVar)
	}
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("omp: find executable for re-exec: %w", err)
	}
	env := append(os.Environ(), EnvVar+"=1", reexecMarker+"=1")
	if err := syscall.Exec(exe, os.Args, env); err != nil {
		return fmt.Errorf("omp: re-exec %s with %s=1: %w", exe, EnvVar, err)
	}
	return nil // not reached
}
