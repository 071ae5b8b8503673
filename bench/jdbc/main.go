package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "compare":
		err = compare(os.Args[2:])
	case "report":
		err = report(os.Args[2:], os.Stdin)
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "jdbc:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: jdbc compare -url URL [-clients N] [-rounds N] [-warmup D] [-measure D] -- JAVA COMMAND...\n       jdbc report [-readme FILE] < results.jsonl")
	os.Exit(2)
}
