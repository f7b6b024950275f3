// Command sohoa runs and drives the sohoa records-digitisation pipeline.
//
// Usage:
//
//	sohoa serve [--role all|api|worker]     run the API, web UI and workers
//	sohoa ingest [--wait] FILES...          upload scans as one batch
//	sohoa search QUERY                      search records
//	sohoa token create --role R --name N    create an access token
//	sohoa keys status|rotate|rewrap         manage master keys
//	sohoa audit verify                      verify the audit log's hash chain
//	sohoa version                           print versions
//
// Server settings come from SOHOA_CONFIG (YAML) and SOHOA_* variables
// (see README.md); client commands read SOHOA_SERVER and SOHOA_TOKEN.
// The binary re-executes itself with OMP_THREAD_LIMIT=1 when that is unset,
// because Tesseract's OpenMP runtime reads it before main runs.
package main
