package cloudsim

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

// Faults that damage the envelope of a real answer while keeping it
// well-formed JSON: what a broken gateway or API release answers.
const (
	// FaultNoList answers without the action's list and total (Tencent:
	// {"Response":{"RequestId":...}}; UCloud: no Events and no NextToken),
	// as if nothing were there to say.
	FaultNoList FaultKind = "no-list"
	// FaultNoTotal answers with the action's list but without its total
	// (Total, TotalCount, ProjectCount); actions that carry none answer as
	// they are.
	FaultNoTotal FaultKind = "no-total"
	// FaultErrorWithoutCode answers a Tencent Error object with a Message
	// but no Code, beside an empty list and a total of 0.
	FaultErrorWithoutCode FaultKind = "error-without-code"
	// FaultDuplicateKey repeats the answer's list key, holding its first
	// record only, and its total key (Total, TotalCount, ProjectCount) with
	// the matching count: a decoder that keeps the last value of a repeated
	// key reads a consistent but shorter page. GetProjectList's keys are
	// repeated in another case (projectSet, projectCount), which
	// encoding/json takes for the same fields.
	FaultDuplicateKey FaultKind = "duplicate-key"
	// FaultUnderstateTotal reports a total Records smaller than the real
	// one (default 1) while serving the real pages, so that a page holds
	// more than the total leaves room for (DescribeAuditTracks,
	// DescribeUserCallRecord).
	FaultUnderstateTotal FaultKind = "understate-total"
)

// listFields are the list and total fields of the paged actions' answers.
var listFields = map[string][2]string{
	"DescribeAuditTracks":    {"Tracks", "TotalCount"},
	"DescribeUserCallRecord": {"Data", "Total"},
	"DescribeEvents":         {"Events", "TotalCount"},
	"GetUserOperationEvents": {"Events", ""},
	// Unpaged, or paged by offset with both fields promised.
	"DescribeOrganizationMembers": {"Items", "Total"},
	"GetProjectList":              {"ProjectSet", "ProjectCount"},
}

// repeatedSpelling is how FaultDuplicateKey spells the repeated keys of
// action: as they are, or with a lower-case initial.
func repeatedSpelling(action, key string) string {
	if action != "GetProjectList" || key == "" {
		return key
	}
	return strings.ToLower(key[:1]) + key[1:]
}

// damageEnvelope rewrites a real answer of action for an envelope fault.
// An answer it cannot rewrite (an error, another action) is sent as it is.
func damageEnvelope(kind FaultKind, tencent bool, action string, body []byte, records int) []byte {
	fields, ok := listFields[action]
	if !ok {
		return body
	}
	var obj map[string]json.RawMessage
	var env map[string]map[string]json.RawMessage
	if tencent {
		if json.Unmarshal(body, &env) != nil || env["Response"] == nil || env["Response"]["Error"] != nil {
			return body
		}
		obj = env["Response"]
	} else if json.Unmarshal(body, &obj) != nil {
		return body
	}
	encode := func() []byte {
		var out []byte
		if tencent {
			out, _ = json.Marshal(env)
		} else {
			out, _ = json.Marshal(obj)
		}
		return out
	}
	list, total := fields[0], fields[1]
	switch kind {
	case FaultNoTotal:
		if total == "" {
			return body
		}
		delete(obj, total)
		return encode()
	case FaultNoList:
		delete(obj, list)
		delete(obj, total)
		delete(obj, "ListOver")
		delete(obj, "NextToken")
		return encode()
	case FaultErrorWithoutCode:
		if !tencent {
			return body
		}
		obj[list] = json.RawMessage(`[]`)
		obj[total] = json.RawMessage(`0`)
		obj["Error"] = json.RawMessage(`{"Message":"internal failure, results incomplete"}`)
		return encode()
	case FaultUnderstateTotal:
		n, err := strconv.ParseInt(string(obj[total]), 10, 64)
		if total == "" || err != nil {
			return body
		}
		obj[total] = json.RawMessage(strconv.FormatInt(max(n-int64(max(records, 1)), 0), 10))
		return encode()
	case FaultDuplicateKey:
		var items []json.RawMessage
		if json.Unmarshal(obj[list], &items) != nil {
			return body
		}
		out := encode()
		// Go maps hold no repeated key: append them to the object's text.
		end := bytes.LastIndexByte(out, '}')
		if tencent {
			end = bytes.LastIndexByte(out[:end], '}')
		}
		first := ""
		if len(items) > 0 {
			first = string(items[0])
		}
		extra := `,"` + repeatedSpelling(action, list) + `":[` + first + `]`
		if total != "" {
			extra += `,"` + repeatedSpelling(action, total) + `":` + strconv.Itoa(min(len(items), 1))
		}
		return append(append(append([]byte{}, out[:end]...), extra...), out[end:]...)
	}
	return body
}
