package backup

import (
	"fmt"
	"runtime"
	"strings"
)

// renderHBase writes the "scale backup hbase" section of bench/README.md.
// kylinWhy says why Kylin's own backup did not run (empty when it did).
func renderHBase(sizes []int, rounds int, res map[int]*hbaseRates, kylinWhy string) string {
	var w strings.Builder
	fmt.Fprintf(&w, "### scale: backup and restore on HBase against the Java client\n\n")
	fmt.Fprintf(&w, "An HBase metastore table seeded through hbasestore's ImportBatch (resources of 256 B-4 KiB in six\n")
	fmt.Fprintf(&w, "folders, plus /UUID). Backup: `kylinctl metastore backup` into a new directory, the whole command\n")
	fmt.Fprintf(&w, "timed (process start, the files it writes, the one syncfs at the end); Walk: hbasestore's Walk of the table\n")
	fmt.Fprintf(&w, "alone (the read half of the backup, store opened before the clock); Java scan: HBase's own client\n")
	fmt.Fprintf(&w, "scanning f:c and f:t of every row on a warm connection, scanner caching %d rows (Kylin's\n", javaCaching)
	fmt.Fprintf(&w, "kylin.storage.hbase.scan-cache-rows default), as HBaseResourceStore reads for a backup. Restore:\n")
	fmt.Fprintf(&w, "`kylinctl metastore restore --no-announce` of that backup into a fresh table (created before the\n")
	fmt.Fprintf(&w, "clock; Multi calls of 100 Puts from 8 writers); Java load: the same rows as Puts of f:c and f:t, %d per Table.put call, into another fresh\n", javaBatch)
	fmt.Fprintf(&w, "table. The Java peer is bench/hbase/java's BackupPeer. Kylin backup: Kylin 3.1.3's own backup of the same\n")
	fmt.Fprintf(&w, "table, what `metastore.sh backup` runs (ResourceTool download into a new local directory, through\n")
	fmt.Fprintf(&w, "bench/scale/backup/java's KylinBackup on the jars of scripts/kylin-jars.sh), one JVM per backup, the whole\n")
	fmt.Fprintf(&w, "java command timed (process start included, as for ours); the copy is checked file by file against ours.\n")
	fmt.Fprintf(&w, "%d interleaved rounds (order rotated per round),\n", rounds)
	fmt.Fprintf(&w, "medians with min-max, resources/s; ratio = ours / peer (above 1: ours faster). %s/%s, GOMAXPROCS %d.\n",
		runtime.GOOS, runtime.GOARCH, runtime.GOMAXPROCS(0))
	fmt.Fprintf(&w, "Reproduce: `make bench-scale` with KYLIN_TEST_HBASE_ZK set (or `KYLIN_TEST_HBASE_ZK=HOST:PORT go test\n")
	fmt.Fprintf(&w, "./bench/scale/backup -run '^$' -bench HBase -benchtime 1x`).\n\n")
	fmt.Fprintf(&w, "| resources | backup | Walk | Java scan | backup / scan | Walk / scan | Kylin backup | ours / Kylin | restore | Java load | restore / load |\n")
	fmt.Fprintf(&w, "|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, n := range sizes {
		r := res[n]
		bc, bm := cell(r.backup)
		wc, wm := cell(r.walk)
		sc, sm := cell(r.scan)
		rc, rm := cell(r.restore)
		lc, lm := cell(r.load)
		kc, kr := kylinCells(r, bm)
		fmt.Fprintf(&w, "| %d | %s | %s | %s | %.2f | %.2f | %s | %s | %s | %s | %.2f |\n", n, bc, wc, sc, bm/sm, wm/sm, kc, kr, rc, lc, rm/lm)
	}
	if len(sizes) > 1 {
		lo, hi := res[sizes[0]], res[sizes[len(sizes)-1]]
		g := func(a, b []float64) string {
			_, x := cell(a)
			_, y := cell(b)
			return fmt.Sprintf("%.2fx", x/y)
		}
		kg := ""
		if len(lo.kylin) > 0 && len(hi.kylin) > 0 {
			kg = g(lo.kylin, hi.kylin)
		}
		fmt.Fprintf(&w, "| growth of time per resource, %d over %d | %s | %s | %s | | | %s | | %s | %s | |\n",
			sizes[len(sizes)-1], sizes[0], g(lo.backup, hi.backup), g(lo.walk, hi.walk), g(lo.scan, hi.scan),
			kg, g(lo.restore, hi.restore), g(lo.load, hi.load))
	}
	if kylinWhy != "" {
		fmt.Fprintf(&w, "\nKylin backup %s.\n", notRun(kylinWhy))
	} else {
		fmt.Fprintf(&w, "\nKylin backup without its JVM's start and exit (ResourceTool alone, timed inside the JVM):")
		for _, n := range sizes {
			c, _ := cell(res[n].kylinJVM)
			fmt.Fprintf(&w, " %s at %d;", c, n)
		}
		fmt.Fprintf(&w, " resources/s.\n")
	}
	return w.String()
}

// kylinCells are the "Kylin backup" and "ours / Kylin" cells of one row;
// ours is our backup's median.
func kylinCells(r *hbaseRates, ours float64) (string, string) {
	if len(r.kylin) == 0 {
		return "not run", "-"
	}
	c, m := cell(r.kylin)
	return c, fmt.Sprintf("%.2f", ours/m)
}
