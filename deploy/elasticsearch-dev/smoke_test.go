package esdev

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/elastic/go-elasticsearch/v8"
	"github.com/elastic/go-elasticsearch/v8/esapi"
	"github.com/elastic/go-elasticsearch/v8/esutil"
	"github.com/google/go-cmp/cmp"
)

// record is the document shape the smoke test indexes.
type record struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Body     string `json:"body"`
	District string `json:"district"`
	Year     int    `json:"year"`
}

// mapping uses only the standard analyzer: the integ-test distribution has no
// analysis-common module, so nothing else is available.
const mapping = `{
  "settings": {"number_of_shards": 1, "number_of_replicas": 0},
  "mappings": {
    "dynamic": "strict",
    "properties": {
      "id":       {"type": "keyword"},
      "title":    {"type": "text", "analyzer": "standard"},
      "body":     {"type": "text", "analyzer": "standard"},
      "district": {"type": "keyword"},
      "year":     {"type": "integer"}
    }
  }
}`

// subjects are the record topics; no two share a token under the standard
// analyzer, so a phrase query for one matches exactly the records about it.
var subjects = []string{
	"khai sinh", "kết hôn", "đất đai", "nhà ở", "xây dựng",
	"giáo dục", "y tế", "thuế", "hộ tịch", "môi trường",
}

func makeRecords(n int) []record {
	recs := make([]record, n)
	for i := range recs {
		recs[i] = record{
			ID:       fmt.Sprintf("doc-%04d", i),
			Title:    fmt.Sprintf("Quyết định số %d/QĐ-UBND", i),
			Body:     fmt.Sprintf("Hồ sơ %s lưu trữ năm %d", subjects[i%len(subjects)], 1990+i%30),
			District: fmt.Sprintf("d%d", i%7),
			Year:     1990 + i%30,
		}
	}
	return recs
}

// serverURL returns SOHOA_ELASTICSEARCH_URL, skipping the test when it is
// unset, or failing it when CI=true.
func serverURL(tb testing.TB) string {
	tb.Helper()
	u := os.Getenv("SOHOA_ELASTICSEARCH_URL")
	if u == "" {
		msg := "SOHOA_ELASTICSEARCH_URL is not set; start a server with: " +
			"export SOHOA_ELASTICSEARCH_URL=$(deploy/elasticsearch-dev/es.sh start | tail -1)"
		if os.Getenv("CI") == "true" {
			tb.Fatal(msg)
		}
		tb.Skip(msg)
	}
	return u
}

func newClient(tb testing.TB, url string) *elasticsearch.Client {
	tb.Helper()
	es, err := elasticsearch.NewClient(elasticsearch.Config{Addresses: []string{url}})
	if err != nil {
		tb.Fatalf("new client: %v", err)
	}
	return es
}

// body checks that an esapi call succeeded with a 2xx status and returns the
// response body.
func body(tb testing.TB, op string, res *esapi.Response, err error) []byte {
	tb.Helper()
	if err != nil {
		tb.Fatalf("%s: %v", op, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		tb.Fatalf("%s: read body: %v", op, err)
	}
	if res.IsError() {
		tb.Fatalf("%s: %s: %s", op, res.Status(), b)
	}
	return b
}

func decode(tb testing.TB, op string, b []byte, v any) {
	tb.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		tb.Fatalf("%s: decode %s: %v", op, b, err)
	}
}

// createIndex creates a uniquely named index with mapping and deletes it when
// the test ends.
func createIndex(t *testing.T, ctx context.Context, es *elasticsearch.Client) string {
	t.Helper()
	name := fmt.Sprintf("esdev-smoke-%d", time.Now().UnixNano())
	res, err := es.Indices.Create(name,
		es.Indices.Create.WithContext(ctx),
		es.Indices.Create.WithBody(strings.NewReader(mapping)))
	body(t, "create index "+name, res, err)
	t.Cleanup(func() {
		res, err := es.Indices.Delete([]string{name})
		if err != nil {
			t.Errorf("delete index %s: %v", name, err)
			return
		}
		res.Body.Close()
		if res.IsError() {
			t.Errorf("delete index %s: %s", name, res.Status())
		}
	})
	return name
}

func TestSmoke(t *testing.T) {
	url := serverURL(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	es := newClient(t, url)

	// The first 2xx response passes through the client's product check
	// (X-Elastic-Product: Elasticsearch); a non-Elasticsearch server fails here.
	res, err := es.Cat.Nodes(es.Cat.Nodes.WithContext(ctx), es.Cat.Nodes.WithH("version"))
	version := strings.TrimSpace(string(body(t, "cat nodes", res, err)))
	t.Logf("Elasticsearch %s at %s", version, url)
	if version == "" {
		t.Fatal("cat nodes: empty version")
	}

	t.Run("standard analyzer", func(t *testing.T) {
		tests := []struct {
			name string
			text string
			want []string
		}{
			{"decision number", "Quyết Định số 12/QĐ-UBND", []string{"quyết", "định", "số", "12", "qđ", "ubnd"}},
			{"upper-case Vietnamese", "ĐẤT ĐAI Hộ Tịch", []string{"đất", "đai", "hộ", "tịch"}},
			{"diacritics kept", "Hồ sơ lưu trữ", []string{"hồ", "sơ", "lưu", "trữ"}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				req, err := json.Marshal(map[string]string{"analyzer": "standard", "text": tc.text})
				if err != nil {
					t.Fatal(err)
				}
				res, err := es.Indices.Analyze(
					es.Indices.Analyze.WithContext(ctx),
					es.Indices.Analyze.WithBody(bytes.NewReader(req)))
				var out struct {
					Tokens []struct {
						Token string `json:"token"`
					} `json:"tokens"`
				}
				decode(t, "analyze", body(t, "analyze", res, err), &out)
				var got []string
				for _, tok := range out.Tokens {
					got = append(got, tok.Token)
				}
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("tokens of %q (-want +got):\n%s", tc.text, diff)
				}
			})
		}
	})

	index := createIndex(t, ctx, es)
	recs := makeRecords(1000)

	var (
		mu       sync.Mutex
		failures []string
	)
	bi, err := esutil.NewBulkIndexer(esutil.BulkIndexerConfig{
		Client:     es,
		Index:      index,
		NumWorkers: 2,
		FlushBytes: 64 << 10,
		OnError: func(_ context.Context, err error) {
			mu.Lock()
			defer mu.Unlock()
			failures = append(failures, "indexer: "+err.Error())
		},
	})
	if err != nil {
		t.Fatalf("new bulk indexer: %v", err)
	}
	start := time.Now()
	for _, r := range recs {
		doc, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		err = bi.Add(ctx, esutil.BulkIndexerItem{
			Action:     "index",
			DocumentID: r.ID,
			Body:       bytes.NewReader(doc),
			OnFailure: func(_ context.Context, item esutil.BulkIndexerItem, res esutil.BulkIndexerResponseItem, err error) {
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					failures = append(failures, fmt.Sprintf("%s: %v", item.DocumentID, err))
					return
				}
				failures = append(failures, fmt.Sprintf("%s: %s: %s", item.DocumentID, res.Error.Type, res.Error.Reason))
			},
		})
		if err != nil {
			t.Fatalf("bulk add %s: %v", r.ID, err)
		}
	}
	if err := bi.Close(ctx); err != nil {
		t.Fatalf("bulk close: %v", err)
	}
	elapsed := time.Since(start)
	stats := bi.Stats()
	t.Logf("bulk indexed %d docs in %v (%.0f docs/s, %d requests)",
		stats.NumIndexed, elapsed.Round(time.Millisecond), float64(stats.NumIndexed)/elapsed.Seconds(), stats.NumRequests)
	if len(failures) > 0 {
		t.Fatalf("%d bulk failures, first: %s", len(failures), failures[0])
	}
	wantStats := esutil.BulkIndexerStats{NumAdded: 1000, NumFlushed: 1000, NumIndexed: 1000}
	gotStats := esutil.BulkIndexerStats{NumAdded: stats.NumAdded, NumFlushed: stats.NumFlushed, NumFailed: stats.NumFailed, NumIndexed: stats.NumIndexed}
	if diff := cmp.Diff(wantStats, gotStats); diff != "" {
		t.Fatalf("bulk stats (-want +got):\n%s", diff)
	}

	res, err = es.Indices.Refresh(es.Indices.Refresh.WithContext(ctx), es.Indices.Refresh.WithIndex(index))
	body(t, "refresh", res, err)

	t.Run("count", func(t *testing.T) {
		res, err := es.Count(es.Count.WithContext(ctx), es.Count.WithIndex(index))
		var out struct {
			Count int `json:"count"`
		}
		decode(t, "count", body(t, "count", res, err), &out)
		if out.Count != len(recs) {
			t.Errorf("count = %d, want %d", out.Count, len(recs))
		}
	})

	t.Run("search", func(t *testing.T) {
		tests := []struct {
			name  string
			query string
			match func(record) bool
		}{
			{
				name:  "phrase with diacritics",
				query: `{"match_phrase": {"body": "đất đai"}}`,
				match: func(r record) bool { return strings.Contains(r.Body, "đất đai") },
			},
			{
				name:  "upper-case query is lower-cased",
				query: `{"match": {"title": {"query": "QĐ-UBND", "operator": "and"}}}`,
				match: func(record) bool { return true },
			},
			{
				name:  "unaccented query does not match accented text",
				query: `{"match": {"body": {"query": "dat dai", "operator": "and"}}}`,
				match: func(record) bool { return false },
			},
			{
				name:  "keyword term",
				query: `{"term": {"district": "d3"}}`,
				match: func(r record) bool { return r.District == "d3" },
			},
			{
				name:  "range",
				query: `{"range": {"year": {"gte": 2015}}}`,
				match: func(r record) bool { return r.Year >= 2015 },
			},
			{
				name: "bool phrase and filter",
				query: `{"bool": {"must": [{"match_phrase": {"body": "hộ tịch"}}],
				                   "filter": [{"term": {"district": "d5"}}, {"range": {"year": {"lt": 2000}}}]}}`,
				match: func(r record) bool {
					return strings.Contains(r.Body, "hộ tịch") && r.District == "d5" && r.Year < 2000
				},
			},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				var want []string
				for _, r := range recs {
					if tc.match(r) {
						want = append(want, r.ID)
					}
				}
				got := searchIDs(t, ctx, es, index, tc.query)
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("ids (-want +got):\n%s", diff)
				}
			})
		}
	})

	t.Run("get source", func(t *testing.T) {
		res, err := es.Get(index, "doc-0042", es.Get.WithContext(ctx))
		var out struct {
			Source record `json:"_source"`
		}
		decode(t, "get", body(t, "get", res, err), &out)
		if diff := cmp.Diff(recs[42], out.Source); diff != "" {
			t.Errorf("doc-0042 (-want +got):\n%s", diff)
		}
	})

	t.Run("typed client", func(t *testing.T) {
		tc, err := elasticsearch.NewTypedClient(elasticsearch.Config{Addresses: []string{url}})
		if err != nil {
			t.Fatalf("new typed client: %v", err)
		}
		out, err := tc.Count().Index(index).Do(ctx)
		if err != nil {
			t.Fatalf("typed count: %v", err)
		}
		if out.Count != int64(len(recs)) {
			t.Errorf("typed count = %d, want %d", out.Count, len(recs))
		}
	})

	// Search latency, for the README; never asserted.
	var lat []time.Duration
	for i := range 200 {
		q := fmt.Sprintf(`{"match_phrase": {"body": %q}}`, subjects[i%len(subjects)])
		t0 := time.Now()
		searchIDs(t, ctx, es, index, q)
		lat = append(lat, time.Since(t0))
	}
	slices.Sort(lat)
	t.Logf("search latency over %d queries: p50 %v, p95 %v", len(lat),
		lat[len(lat)/2].Round(time.Microsecond), lat[len(lat)*95/100].Round(time.Microsecond))
}

// searchIDs runs query against index and returns the ids of every hit in id
// order.
func searchIDs(tb testing.TB, ctx context.Context, es *elasticsearch.Client, index, query string) []string {
	tb.Helper()
	req := fmt.Sprintf(`{"query": %s, "size": 1000, "sort": [{"id": "asc"}], "track_total_hits": true, "_source": ["id"]}`, query)
	res, err := es.Search(
		es.Search.WithContext(ctx),
		es.Search.WithIndex(index),
		es.Search.WithBody(strings.NewReader(req)))
	var out struct {
		Hits struct {
			Total struct {
				Value int `json:"value"`
			} `json:"total"`
			Hits []struct {
				Source struct {
					ID string `json:"id"`
				} `json:"_source"`
			} `json:"hits"`
		} `json:"hits"`
	}
	decode(tb, "search", body(tb, "search "+query, res, err), &out)
	var ids []string
	for _, h := range out.Hits.Hits {
		ids = append(ids, h.Source.ID)
	}
	if out.Hits.Total.Value != len(ids) {
		tb.Fatalf("search %s: total %d but %d hits returned", query, out.Hits.Total.Value, len(ids))
	}
	return ids
}
