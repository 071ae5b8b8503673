// Command hdfs measures big-cell writes and reads through kylin-go's HDFS
// client (internal/hdfsfs over colinmarc/hdfs) against Hadoop's Java
// FileSystem client on the same HDFS in the same run, interleaved: each
// round runs every client once, in an order rotated per round. The Java
// peer runs twice: with Hadoop's default client settings and with
// dfs.client.block.write.locateFollowingBlock.initial.delay.ms=10 (the
// default waits 400 ms before its first retry of the file's completion).
//
//	go run ./bench/hdfs -nn 127.0.0.1:PORT [-size 12582912] [-ops 4] [-rounds 5] [-readme bench/README.md]
//
// Without -nn it starts an HDFS with scripts/hdfs.sh and stops it at the end.
package main
