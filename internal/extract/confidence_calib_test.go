package extract

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// Target of issue 14: fields above the confidence threshold are right at
// least 97 % of the time.
const precisionAboveTarget = 0.97

// calibPoint is one extracted value as the scorer saw it.
type calibPoint struct {
	field   string
	conf    float64
	reasons bool // the field carries a reason: it needs review whatever its confidence
	ok      bool // the value is in the truth
	why     string
	doc     string
}

// calibration collects (confidence, correct) for every extracted value.
type calibration struct{ points []calibPoint }

func (c *calibration) add(doc, field string, f Field, ok bool) {
	c.points = append(c.points, calibPoint{doc: doc, field: field, conf: f.Confidence, reasons: len(f.Reasons) > 0, ok: ok, why: strings.Join(f.Reasons, ",")})
}

// accepted is whether a value would pass without review at threshold thr.
func (p calibPoint) accepted(thr float64) bool { return p.conf >= thr && !p.reasons }

// above returns the precision of the values accepted at thr and their
// share of all values.
func (c *calibration) above(thr float64) (precision, share float64, n int) {
	right := 0
	for _, p := range c.points {
		if p.accepted(thr) {
			n++
			if p.ok {
				right++
			}
		}
	}
	return ratio(right, n), ratio(n, len(c.points)), n
}

// pick returns the lowest threshold (in steps of 0.01) at which the
// accepted values are right at least target of the time, and false when
// none is.
func (c *calibration) pick(target float64) (float64, bool) {
	for i := 0; i <= 100; i++ {
		thr := float64(i) / 100
		if p, _, n := c.above(thr); n > 0 && p >= target {
			return thr, true
		}
	}
	return 1, false
}

// table is the reliability table: per confidence bin, how many values and
// how many right; values with reasons are counted apart.
func (c *calibration) table() string {
	var b strings.Builder
	edges := []float64{0, 0.3, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 1.0001}
	fmt.Fprintf(&b, "%-11s %6s %6s %8s   %s\n", "confidence", "values", "right", "accuracy", "(with reasons: values right)")
	for i := 0; i+1 < len(edges); i++ {
		n, ok, nr, okr := 0, 0, 0, 0
		for _, p := range c.points {
			if p.conf < edges[i] || p.conf >= edges[i+1] {
				continue
			}
			if p.reasons {
				nr++
				if p.ok {
					okr++
				}
				continue
			}
			n++
			if p.ok {
				ok++
			}
		}
		fmt.Fprintf(&b, "[%.2f,%.2f) %6d %6d %8.3f   (%d %d)\n", edges[i], min(edges[i+1], 1), n, ok, ratio(ok, n), nr, okr)
	}
	return b.String()
}

// report logs the table, the precision and share above thr and the
// threshold the data itself would pick; SOHOA_CALIB_DUMP names a file the
// points are appended to (set, document, field, confidence, right,
// reasons), for
// calibrating over several corpora together.
func (c *calibration) report(t testing.TB, set string, thr float64) (precision, share float64) {
	t.Helper()
	precision, share, n := c.above(thr)
	own, found := c.pick(precisionAboveTarget)
	pick := fmt.Sprintf("%.2f", own)
	if !found {
		pick = "none"
	}
	t.Logf("%s: confidence reliability (%d values)\n%sthreshold %.2f: %d values above it (share %.3f), precision %.3f; this set alone would pick %s for %.2f",
		set, len(c.points), c.table(), thr, n, share, precision, pick, precisionAboveTarget)
	if path := os.Getenv("SOHOA_CALIB_DUMP"); path != "" {
		f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			t.Fatalf("calibration dump: %v", err)
		}
		defer f.Close()
		for _, p := range c.points {
			fmt.Fprintf(f, "%s\t%s\t%s\t%.3f\t%t\t%s\n", set, p.doc, p.field, p.conf, p.ok, p.why)
		}
	}
	return precision, share
}

func TestCalibrationPick(t *testing.T) {
	c := &calibration{}
	for i := range 100 {
		// Values at 0.9 are all right, values at 0.6 half right, values
		// with a reason are wrong whatever their confidence.
		c.points = append(c.points, calibPoint{conf: 0.9, ok: true}, calibPoint{conf: 0.6, ok: i%2 == 0}, calibPoint{conf: 0.95, reasons: true})
	}
	thr, ok := c.pick(0.97)
	if !ok || thr != 0.61 {
		t.Errorf("pick = %v, %v; want 0.61, true", thr, ok)
	}
	p, share, n := c.above(0.61)
	if p != 1 || n != 100 || share < 0.33 || share > 0.34 {
		t.Errorf("above(0.61) = %v, %v, %d", p, share, n)
	}
	if p, _, _ := c.above(0.5); p != 0.75 {
		t.Errorf("precision above 0.5 = %v, want 0.75", p)
	}
}
