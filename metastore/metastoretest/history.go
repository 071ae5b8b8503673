package metastoretest

import (
	"fmt"
	"time"

	"github.com/anishathalye/porcupine"
)

// HistoryOp is one operation of a compare-and-set history recorded outside
// Run, for example by several processes writing the same paths. Call and
// Return are nanoseconds on one clock shared by every recorder (the wall
// clock of one machine).
type HistoryOp struct {
	Client int
	Path   string
	Kind   string // "get", "put" or "deleteIf"
	Old    int64  // put, deleteIf: the timestamp expected (0: must not exist)
	Value  string // put: the content written, unique per operation
	Result string // "ok", "not_found" or "conflict"
	TS     int64  // get, put: the timestamp read or written
	Read   string // get: the content read
	Call   int64
	Return int64
}

// Linearizable checks a recorded history against the model ConcurrentCAS
// uses (a compare-and-set register per path). It returns an error for a
// malformed operation and false, with a description, for a history that
// no sequential order explains.
func Linearizable(ops []HistoryOp) (bool, string, error) {
	history := make([]porcupine.Operation, 0, len(ops))
	for i, op := range ops {
		in := casInput{path: op.Path, old: op.Old, value: op.Value}
		switch op.Kind {
		case "get":
			in.kind = opGet
		case "put":
			in.kind = opPut
		case "deleteIf":
			in.kind = opDeleteIf
		default:
			return false, "", fmt.Errorf("operation %d: kind %q: want get, put or deleteIf", i, op.Kind)
		}
		switch op.Result {
		case "ok", "not_found", "conflict":
		default:
			return false, "", fmt.Errorf("operation %d: result %q: want ok, not_found or conflict", i, op.Result)
		}
		out := casOutput{result: op.Result, ts: op.TS, value: op.Read}
		history = append(history, porcupine.Operation{ClientId: op.Client, Input: in, Call: op.Call, Output: out, Return: op.Return})
	}
	switch porcupine.CheckOperationsTimeout(casModel, history, time.Minute) {
	case porcupine.Ok:
		return true, fmt.Sprintf("%d operations linearizable", len(ops)), nil
	case porcupine.Unknown:
		return false, fmt.Sprintf("linearizability of %d operations not decided within a minute", len(ops)), nil
	}
	return false, fmt.Sprintf("history of %d compare-and-set operations is not linearizable", len(ops)), nil
}
