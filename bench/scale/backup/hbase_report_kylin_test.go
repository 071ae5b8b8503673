package backup

import (
	"strings"
	"testing"
)

// TestRenderHBaseKylin checks the Kylin columns of the HBase table: the
// ratio of the medians when Kylin's backup ran, "not run" and the reason
// when it did not.
func TestRenderHBaseKylin(t *testing.T) {
	ran := map[int]*hbaseRates{1000: {
		backup: []float64{300, 100, 200}, walk: []float64{1}, scan: []float64{1},
		restore: []float64{1}, load: []float64{1},
		kylin: []float64{50, 400, 40}, kylinJVM: []float64{90, 80, 70},
	}}
	got := renderHBase([]int{1000}, 3, ran, "")
	for _, want := range []string{"| 50 (40-400) | 4.00 |", "80 (70-90) at 1000;"} {
		if !strings.Contains(got, want) {
			t.Errorf("rendered table lacks %q:\n%s", want, got)
		}
	}
	skipped := map[int]*hbaseRates{1000: {
		backup: []float64{1}, walk: []float64{1}, scan: []float64{1}, restore: []float64{1}, load: []float64{1},
	}}
	got = renderHBase([]int{1000}, 3, skipped, "no jars here")
	for _, want := range []string{"| not run | - |", "Kylin backup not run: no jars here."} {
		if !strings.Contains(got, want) {
			t.Errorf("rendered table lacks %q:\n%s", want, got)
		}
	}
}
