// Package esdev holds the smoke test for the development Elasticsearch that
// es.sh in this directory fetches from Maven Central and starts.
//
// The package has no production code. Its test talks to the server named by
// SOHOA_ELASTICSEARCH_URL through github.com/elastic/go-elasticsearch/v8 and
// checks what the search backend relies on: the client's product check, index
// creation with standard-analyzer mappings, bulk indexing, refresh, count and
// search. Run it with
//
//	SOHOA_ELASTICSEARCH_URL=$(deploy/elasticsearch-dev/es.sh start | tail -1) \
//		go test ./deploy/elasticsearch-dev/
//
// Without SOHOA_ELASTICSEARCH_URL the test skips, unless CI=true, where it fails.
package esdev
