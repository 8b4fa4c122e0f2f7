package client

import (
	"fmt"
	"hash/maphash"
	"strconv"
)

// A read hands on each log once. An API that does not honour Offset (or a
// gateway that serves a cached page) answers a page it answered before:
// counted on, its logs would be counted twice and the walk would not end
// before its page cap. Two checks catch it, each cheap beside decoding:
//   - a log whose PkgId and PkgLogId (its upload package and its place in
//     it) were handed on before in this read; the official example gives
//     both as "", so a log without them is not checked this way;
//   - a page by Offset whose logs are, field for field, those of the page
//     before it.
type clsRepeats struct {
	seen     map[string]struct{}
	seed     maphash.Seed
	lastPage uint64
	lastSeq  int
}

func newCLSRepeats() *clsRepeats {
	return &clsRepeats{seen: map[string]struct{}{}, seed: maphash.MakeSeed()}
}

// logs fails when one of logs was handed on before in this read.
func (r *clsRepeats) logs(topicID string, seq int, requestID string, logs []CLSLogInfo) error {
	for _, l := range logs {
		if l.PkgId == nil || l.PkgLogId == nil || *l.PkgId == "" || *l.PkgLogId == "" {
			continue
		}
		id := *l.PkgId + "\x00" + *l.PkgLogId
		if _, dup := r.seen[id]; dup {
			return fmt.Errorf("tencentcloud SearchLog: page %d of CLS topic %s hands on log %s/%s (PkgId/PkgLogId) a second time (RequestId: %s): "+
				"the API did not page exactly, and reading on would count logs twice", seq, topicID, *l.PkgId, *l.PkgLogId, requestIDOrNone(requestID))
		}
		r.seen[id] = struct{}{}
	}
	return nil
}

// page fails when a page by Offset holds, field for field, the logs of the
// page before it.
func (r *clsRepeats) page(topicID string, seq int, offset uint64, requestID string, logs []CLSLogInfo) error {
	if len(logs) == 0 {
		return nil
	}
	var h maphash.Hash
	h.SetSeed(r.seed)
	for _, l := range logs {
		for _, s := range []*string{l.TopicId, l.Source, l.FileName, l.PkgId, l.PkgLogId, l.LogJson, l.HostName, l.RawLog} {
			if s != nil {
				h.WriteString(*s)
			}
			h.WriteByte(0)
		}
		if l.Time != nil {
			h.WriteString(strconv.FormatInt(*l.Time, 10))
		}
		h.WriteByte(1)
	}
	sum := h.Sum64()
	if r.lastSeq > 0 && sum == r.lastPage {
		return fmt.Errorf("tencentcloud SearchLog: page %d of CLS topic %s (Offset %d) holds the same %d logs as page %d (RequestId: %s): "+
			"the API did not honour Offset, and reading on would count logs twice", seq, topicID, offset, len(logs), r.lastSeq, requestIDOrNone(requestID))
	}
	r.lastPage, r.lastSeq = sum, seq
	return nil
}
