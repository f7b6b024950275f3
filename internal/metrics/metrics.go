// Package metrics defines sohoa's Prometheus metrics. A nil *Metrics is
// valid and records nothing, so components work without a registry.
package metrics

import (
	"time"

	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the pipeline's instruments. Safe for concurrent use.
type Metrics struct {
	Pages       *prometheus.CounterVec // sohoa_pages_total{status="done|failed"}
	OCRSeconds  prometheus.Histogram   // sohoa_ocr_seconds
	Documents   *prometheus.CounterVec // sohoa_documents_total{status}
	IndexSecs   prometheus.Histogram   // sohoa_index_seconds
	UploadBytes prometheus.Counter     // sohoa_upload_bytes_total
}

// New creates the metrics and registers them with reg.
func New(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Pages: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "sohoa_pages_total",
			Help: "Pages finished by the OCR stage, by status (done, failed)."}, []string{"status"}),
		OCRSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "sohoa_ocr_seconds",
			Help: "Seconds Tesseract spent on one page.", Buckets: []float64{0.5, 1, 2, 3, 5, 8, 13, 21, 34, 60}}),
		Documents: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "sohoa_documents_total",
			Help: "Documents finalized, by status (done, failed, quarantined, rejected)."}, []string{"status"}),
		IndexSecs: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "sohoa_index_seconds",
			Help: "Seconds to write one record to the search index.", Buckets: prometheus.ExponentialBuckets(0.005, 2, 12)}),
		UploadBytes: prometheus.NewCounter(prometheus.CounterOpts{Name: "sohoa_upload_bytes_total",
			Help: "Bytes of files accepted by uploads."}),
	}
	reg.MustRegister(m.Pages, m.OCRSeconds, m.Documents, m.IndexSecs, m.UploadBytes)
	return m
}

// Page records a finished page.
func (m *Metrics) Page(failed bool, ocrSeconds float64) {
	if m == nil {
		return
	}
	if failed {
		m.Pages.WithLabelValues("failed").Inc()
		return
	}
	m.Pages.WithLabelValues("done").Inc()
	m.OCRSeconds.Observe(ocrSeconds)
}

// Document records a finalized or rejected document.
func (m *Metrics) Document(status string) {
	if m != nil {
		m.Documents.WithLabelValues(status).Inc()
	}
}

// Indexed records the time one index write took.
func (m *Metrics) Indexed(d time.Duration) {
	if m != nil {
		m.IndexSecs.Observe(d.Seconds())
	}
}

// Uploaded records accepted upload bytes.
func (m *Metrics) Uploaded(n int) {
	if m != nil {
		m.UploadBytes.Add(float64(n))
	}
}

// QueueCollector reports asynq queue depths as sohoa_queue_tasks{queue,state}.
type QueueCollector struct {
	insp *asynq.Inspector
	desc *prometheus.Desc
}

// NewQueueCollector collects queue depths through insp at each scrape.
func NewQueueCollector(insp *asynq.Inspector) *QueueCollector {
	return &QueueCollector{insp: insp, desc: prometheus.NewDesc("sohoa_queue_tasks",
		"Tasks in each asynq queue, by state.", []string{"queue", "state"}, nil)}
}

// Describe implements prometheus.Collector.
func (c *QueueCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

// Collect implements prometheus.Collector.
func (c *QueueCollector) Collect(ch chan<- prometheus.Metric) {
	queues, err := c.insp.Queues()
	if err != nil {
		return
	}
	for _, q := range queues {
		info, err := c.insp.GetQueueInfo(q)
		if err != nil {
			continue
		}
		for state, n := range map[string]int{"pending": info.Pending, "active": info.Active, "scheduled": info.Scheduled,
			"retry": info.Retry, "archived": info.Archived, "completed": info.Completed} {
			ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(n), q, state)
		}
	}
}
