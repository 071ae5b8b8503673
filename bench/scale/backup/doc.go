// Package backup measures `kylinctl metastore backup` and `restore` on
// filestore at 1,000, 10,000 and 100,000 resources: resources per second
// and the growth of the time per resource. See the "scale backup" section
// of bench/README.md; `make bench-scale` runs it.
package backup
