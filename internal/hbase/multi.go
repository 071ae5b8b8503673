package hbase

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/kylin-go/kylin/internal/hbase/pb"
	"github.com/kylin-go/kylin/internal/hbase/wire"
)

// RowPut is one row's Put in PutMulti: the cells as Put takes them.
type RowPut struct {
	Row   []byte
	Cells []Cell
}

// Bounds of one Multi request: at most maxMultiActions Puts and about
// maxMultiBytes of cell values (the Java client sends at most a few
// megabytes per server at once).
const (
	maxMultiActions = 100
	maxMultiBytes   = 2 << 20
)

// PutMulti writes every put as Put does, in Multi calls: the puts of one
// region go in one RegionAction (not atomic), up to 100 per call. It
// returns one error per put, in the order of puts (nil: written), or nil
// when every put was written.
//
// A Multi answer can refuse single actions. A put whose action was refused
// with an exception the client knows to be passing (the region moved or is
// busy), or whose call failed as a whole (its outcome unknown included:
// a Put is idempotent), is sent again within the client's retries and
// operation timeout; a put refused with any other exception fails alone,
// with that exception (a *RemoteError).
func (c *Client) PutMulti(ctx context.Context, table string, puts []RowPut) []error {
	errs := make([]error, len(puts))
	muts := make([]*pb.MutationProto, len(puts))
	var pending []int
	for i, p := range puts {
		m, err := putMutation(p.Row, p.Cells)
		if err != nil {
			errs[i] = err
			continue
		}
		muts[i] = m
		pending = append(pending, i)
	}
	opCtx, cancel := context.WithTimeout(ctx, c.cfg.OperationTimeout)
	defer cancel()
	b := backoff{pause: c.cfg.Pause, retries: c.cfg.Retries, regionWait: c.cfg.RegionWait}
	for attempt := 1; len(pending) > 0; attempt++ {
		var last error
		pending, last = c.multiRound(opCtx, table, muts, pending, errs)
		if len(pending) == 0 {
			break
		}
		retry, why := b.next(last, time.Now())
		if retry && !expired(opCtx) {
			c.metrics.retry(classify(last))
			retry = sleep(opCtx, jitter(min(b.pause, b.cap(last, c.cfg.MaxPause))))
			b.pause = min(2*b.pause, c.cfg.MaxPause)
		}
		if !retry || expired(opCtx) {
			if expired(opCtx) {
				why = b.opTimeout(c.cfg.OperationTimeout)
			}
			for _, i := range pending {
				errs[i] = c.gaveUp(ctx, table, attempt, why, errs[i])
			}
			break
		}
	}
	for _, err := range errs {
		if err != nil {
			return errs
		}
	}
	return nil
}

// gaveUp words a put's last retryable failure once its retries are spent.
func (c *Client) gaveUp(ctx context.Context, table string, attempts int, why string, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return fmt.Errorf("hbase: %s: gave up after %d attempts%s: %w", table, attempts, why, err)
}

// regionPuts is the part of a round that goes to one region.
type regionPuts struct {
	r   *region
	idx []int
}

// multiRound sends every pending put once. It records final outcomes in
// errs (nil for a put written) and returns the puts to send again, their
// last error in errs, and one of those errors for the backoff.
func (c *Client) multiRound(ctx context.Context, table string, muts []*pb.MutationProto, pending []int,
	errs []error) (retry []int, last error) {
	again := func(i int, err error) {
		errs[i] = err
		retry = append(retry, i)
		last = err
	}
	var groups []*regionPuts
	byName := map[string]*regionPuts{}
	for _, i := range pending {
		r, err := c.locate(ctx, table, muts[i].Row)
		if err != nil {
			if classify(err) == actFail || expired(ctx) {
				errs[i] = err
			} else {
				again(i, err)
			}
			continue
		}
		g := byName[string(r.Name)]
		if g == nil {
			g = &regionPuts{r: r}
			byName[string(r.Name)] = g
			groups = append(groups, g)
		}
		g.idx = append(g.idx, i)
	}
	for _, g := range groups {
		for _, chunk := range chunks(g.idx, muts) {
			c.multiCall(ctx, g.r, muts, chunk, errs, again)
		}
	}
	return retry, last
}

// chunks splits the puts of one region into requests within the bounds.
func chunks(idx []int, muts []*pb.MutationProto) [][]int {
	var out [][]int
	start, bytes := 0, 0
	for k, i := range idx {
		size := mutationBytes(muts[i])
		if k > start && (k-start >= maxMultiActions || bytes+size > maxMultiBytes) {
			out = append(out, idx[start:k])
			start, bytes = k, 0
		}
		bytes += size
	}
	if start < len(idx) {
		out = append(out, idx[start:])
	}
	return out
}

func mutationBytes(m *pb.MutationProto) int {
	n := len(m.Row)
	for _, cv := range m.ColumnValue {
		for _, qv := range cv.QualifierValue {
			n += len(qv.Value) + len(qv.Qualifier)
		}
	}
	return n
}

// multiCall sends the puts idx to region r in one Multi call and sorts
// each into written (errs[i] = nil), failed (errs[i] set) or again.
func (c *Client) multiCall(ctx context.Context, r *region, muts []*pb.MutationProto, idx []int, errs []error,
	again func(int, error)) {
	ra := &pb.RegionAction{Region: regionSpec(r.Name), Action: make([]*pb.Action, len(idx))}
	for k, i := range idx {
		ra.Action[k] = &pb.Action{Index: proto.Uint32(uint32(k)), Mutation: muts[i]}
	}
	var resp pb.MultiResponse
	cn, err := c.dialServer(ctx, r.Addr, wire.ClientService)
	if err == nil {
		err = c.invoke(ctx, cn, "Multi", &pb.MultiRequest{RegionAction: []*pb.RegionAction{ra}}, &resp)
	}
	var outcomes []error
	if err == nil {
		outcomes, err = multiDecode(&resp, len(idx))
	}
	if err != nil { // the whole call: every put alike
		act := classify(err)
		c.forget(r, err, act)
		for _, i := range idx {
			if act == actFail {
				errs[i] = err
			} else {
				again(i, err)
			}
		}
		return
	}
	relocated := false
	for k, i := range idx {
		err := outcomes[k]
		act := actionClass(err)
		switch {
		case err == nil:
			errs[i] = nil
		case act == actFail:
			errs[i] = err
		default:
			if act == actRelocate && !relocated {
				c.forget(r, err, act)
				relocated = true
			}
			again(i, err)
		}
	}
}

// actionClass is what to do after one action's exception: what the table
// of known exceptions says, and fail for any other (a single call retries
// an unknown exception; an action's is usually about that row, such as a
// missing column family, and would fail again).
func actionClass(err error) action {
	var re *RemoteError
	if errors.As(err, &re) {
		if a, ok := remoteActions[re.Class]; ok {
			return a
		}
		return actFail
	}
	return classify(err)
}

// multiDecode is multiResults; the tests swap in a broken one to check
// that they catch it.
var multiDecode = multiResults

// errNoResult marks an action the Multi answer did not account for: its
// outcome is unknown (a Put is sent again).
var errNoResult = fmt.Errorf("%w: the Multi answer holds no result for the action", ErrUnknownOutcome)

// multiResults reads the answer to a Multi call of one RegionAction with n
// actions (indexes 0 to n-1): one error per action, nil when it was
// applied. An exception for the whole region is every action's error. An
// answer that does not fit the request (another number of regions, an
// index out of range or repeated) is ErrMalformed.
func multiResults(resp *pb.MultiResponse, n int) ([]error, error) {
	if len(resp.RegionActionResult) != 1 {
		return nil, fmt.Errorf("%w: Multi answer for %d regions; 1 was sent", ErrMalformed, len(resp.RegionActionResult))
	}
	rar := resp.RegionActionResult[0]
	out := make([]error, n)
	if rar.Exception != nil {
		err := actionError(rar.Exception)
		for k := range out {
			out[k] = err
		}
		return out, nil
	}
	seen := make([]bool, n)
	for _, roe := range rar.ResultOrException {
		if roe.Index == nil || int64(roe.GetIndex()) >= int64(n) {
			return nil, fmt.Errorf("%w: Multi result for action index %d; the request had %d", ErrMalformed, roe.GetIndex(), n)
		}
		k := int(roe.GetIndex())
		if seen[k] {
			return nil, fmt.Errorf("%w: Multi answer holds action index %d twice", ErrMalformed, k)
		}
		seen[k] = true
		if roe.Exception != nil {
			out[k] = actionError(roe.Exception)
		}
	}
	for k := range out {
		if !seen[k] {
			out[k] = errNoResult
		}
	}
	return out, nil
}

// actionError reads an exception of a Multi answer: the class name and the
// first line of the server's text, without the class name it repeats.
func actionError(x *pb.NameBytesPair) *RemoteError {
	msg := string(x.GetValue())
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	msg = strings.TrimPrefix(msg, x.GetName()+": ")
	return &RemoteError{Class: x.GetName(), Message: strings.TrimSpace(msg)}
}
