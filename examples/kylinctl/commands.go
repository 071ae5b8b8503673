package main

// commands is the table of every command, in help order.
func commands() []*command {
	return []*command{
		{group: "metastore", name: "ls", args: "[PATH]", summary: "list the direct children of PATH (default /)",
			detail:  "-R lists every resource below PATH with its timestamp (ms and UTC), size and path.",
			maxArgs: 1, setup: metaLs},
		{group: "metastore", name: "cat", args: "PATH", summary: "write the content of a resource to stdout",
			minArgs: 1, maxArgs: 1, setup: metaCat},
		{group: "metastore", name: "stat", args: "PATH", summary: "print a resource's timestamp, time, size and path",
			minArgs: 1, maxArgs: 1, setup: metaStat},
		{group: "metastore", name: "put", args: "PATH [FILE|-]", summary: "store FILE (or stdin) at PATH, compare-and-set",
			detail: putDetail, minArgs: 1, maxArgs: 2, setup: metaPut},
		{group: "metastore", name: "rm", args: "PATH", summary: "delete a resource",
			detail:  "With --ts, only if its timestamp is still TIMESTAMP. Nodes are told (entity drop) as for put.",
			minArgs: 1, maxArgs: 1, setup: metaRm},
		{group: "metastore", name: "backup", args: "DIR", summary: "copy the whole metastore into a new directory",
			detail: backupDetail, minArgs: 1, maxArgs: 1, setup: backupCmd},
		{group: "metastore", name: "restore", args: "DIR", summary: "copy a backup directory into the metastore",
			detail: restoreDetail, minArgs: 1, maxArgs: 1, setup: restoreCmd},
		{group: "locks", name: "ls", args: "[PREFIX]", summary: "list the lock keys under PREFIX (default /) and their owners",
			detail: locksDetail, maxArgs: 1, setup: locksLs},
		{group: "locks", name: "peek", args: "KEY", summary: "show who holds a lock",
			detail: locksDetail, minArgs: 1, maxArgs: 1, setup: locksPeek},
		{group: "locks", name: "purge", args: "PREFIX", summary: "remove every lock under PREFIX, whoever holds it",
			detail: locksDetail, minArgs: 1, maxArgs: 1, setup: locksPurge},
		{group: "jobs", name: "ls", summary: "list the jobs with their states",
			detail: jobsDetail, setup: jobsLs},
		{group: "jobs", name: "show", args: "ID", summary: "show a job, its parameters and its steps",
			detail: jobsDetail, minArgs: 1, maxArgs: 1, setup: jobsShow},
		{group: "jobs", name: "discard", args: "ID", summary: "discard a job for good",
			detail: jobsDetail, minArgs: 1, maxArgs: 1, setup: jobDiscard.setup},
		{group: "jobs", name: "pause", args: "ID", summary: "stop a ready or running job (resume continues it)",
			detail: jobsDetail, minArgs: 1, maxArgs: 1, setup: jobPause.setup},
		{group: "jobs", name: "resume", args: "ID", summary: "make a stopped or failed job ready again",
			detail: jobsDetail, minArgs: 1, maxArgs: 1, setup: jobResume.setup},
		{name: "announce", args: "ENTITY KEY EVENT", summary: "tell every node that an entity changed (Kylin's cache sync)",
			detail: announceDetail, minArgs: 3, maxArgs: 3, setup: announceCmd},
	}
}

const putDetail = `
The write is a compare-and-set: with --ts it succeeds only if PATH's stored
timestamp is TIMESTAMP (0: PATH must not exist yet); without --ts, kylinctl reads
the current timestamp and writes against it, so a change made by someone else
in between is refused, never overwritten. Prints PATH and its new timestamp.

When kylin.server.cluster-servers is set, every node is then told (Kylin's
cache sync: cube/<name>/update for /cube/<name>.json, and so on), so no node
keeps serving the old version.
`

const announceDetail = `
Sends PUT /kylin/api/cache/ENTITY/KEY/EVENT (Kylin 3.x's cache sync) to every
node of kylin.server.cluster-servers, retrying as the nodes' own broadcaster
does, and waits until each node acknowledged. EVENT is create, update or drop;
ENTITY is a Kylin entity (cube, cube_desc, project, data_model, table, execute,
...) or all (with KEY all) to make every node drop every cache. Exit 1 names
the nodes that did not acknowledge.
`
