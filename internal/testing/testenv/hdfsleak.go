package testenv

import "go.uber.org/goleak"

// HDFSWriteLeak is the goleak option for the one goroutine that
// github.com/colinmarc/hdfs/v2 (v2.4.0) leaves behind for each block write
// that fails mid-block, as when a test stops or kills a DataNode under
// writers: the stream's ack reader drains a channel that the library
// closes only when the block finishes cleanly (blockWriteStream.finish
// returns early on an error). It is bounded by the writes that failed,
// holds a 4 KiB read buffer, and cannot be ended from outside the library,
// so packages whose tests break HDFS writes on purpose ignore exactly that
// function and nothing else.
func HDFSWriteLeak() goleak.Option {
	return goleak.IgnoreTopFunction("github.com/colinmarc/hdfs/v2/internal/transfer.(*blockWriteStream).ackPackets")
}
