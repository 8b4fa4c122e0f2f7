// The large CLS data set (Options.CLS.Events over Options.CLS.Days): the
// account's CloudAudit events, generated from their number with the
// vocabulary of the DescribeEvents data set, stored by class
// (cls_store.go) so that a million events fit in about 16 MB per topic.

package cloudsim

import (
	"sort"
	"strconv"
	"time"
)

// Dimensions of an event's class.
const (
	clsGenUsers     = 6  // len(tencentEventUsers)
	clsGenAddrs     = 6  // len(tencentEventAddresses)
	clsGenRegions   = 6  // len(tencentEventRegions)
	clsGenOutcomes  = 4  // success, failed login, refused by CAM, refused by the service
	clsGenResources = 4  // resource numbers per product
	clsGenKinds     = 17 // len(tencentEventKinds)
	clsGenClasses   = clsGenUsers * clsGenKinds * clsGenAddrs * clsGenRegions * clsGenOutcomes * clsGenResources
)

// clsEventClass derives the class of generated event num.
func clsEventClass(num int) uint32 {
	h := ucloudHash(num, 201)
	u := int(h % clsGenUsers)
	k := int((h >> 8) % clsGenKinds)
	if tencentEventKinds[k].name == "ConsoleLogin" && tencentEventUsers[u].apiOnly {
		k = 1 + int((h>>20)%(clsGenKinds-1))
	}
	a := int((h >> 28) % clsGenAddrs)
	r := int((h >> 32) % clsGenRegions)
	kind := tencentEventKinds[k]
	fail := (h>>44)%6 == 0
	if kind.action == "Read" {
		fail = (h>>44)%19 == 0
	}
	o := 0
	switch {
	case fail && kind.name == "ConsoleLogin":
		o = 1
	case fail && ((h>>50)%3 == 0 || kind.failCode == ""):
		o = 2
	case fail:
		o = 3
	}
	n := int((h >> 56) % clsGenResources)
	return uint32(((((u*clsGenKinds+k)*clsGenAddrs+a)*clsGenRegions+r)*clsGenOutcomes+o)*clsGenResources + n)
}

type clsClassParts struct{ user, kind, addr, region, outcome, res int }

func splitCLSClass(c uint32) clsClassParts {
	v := int(c)
	var p clsClassParts
	p.res, v = v%clsGenResources, v/clsGenResources
	p.outcome, v = v%clsGenOutcomes, v/clsGenOutcomes
	p.region, v = v%clsGenRegions, v/clsGenRegions
	p.addr, v = v%clsGenAddrs, v/clsGenAddrs
	p.kind, v = v%clsGenKinds, v/clsGenKinds
	p.user = v
	return p
}

// clsGeneratedClassFields are the fields every event of class c shares, in
// the shape of the DescribeEvents documents (cloudAuditEventDocument).
func clsGeneratedClassFields(c uint32, ownerUin string, jsonUserIdentity bool) []clsField {
	p := splitCLSClass(c)
	user := tencentEventUsers[p.user]
	if user.kind == "Root" {
		user.principal = ownerUin
	}
	kind := tencentEventKinds[p.kind]
	addr := tencentEventAddresses[p.addr]
	region := tencentEventRegions[p.region]
	console := kind.name == "ConsoleLogin" || user.secretID == ""
	source := kind.product + ".tencentcloudapi.com"
	if kind.name == "ConsoleLogin" {
		source = "console.cloud.tencent.com"
	}
	f := []clsField{
		{key: "actionType", val: kind.action},
		{key: "eventName", val: kind.name},
		{key: "eventRegion", val: region},
		{key: "eventSource", val: source},
		{key: "eventType", val: map[bool]string{true: "ConsoleLogin", false: "ApiCall"}[kind.name == "ConsoleLogin"]},
		{key: "eventVersion", val: "1.0"},
		{key: "requestParameters", val: "{}"},
		{key: "resourceType", val: kind.product},
		{key: "sensitiveAction", val: strconv.FormatBool(kind.sensitive), num: true},
		{key: "sourceIPAddress", val: addr.ip},
	}
	errorCode, apiErrorCode := "0", ""
	switch p.outcome {
	case 1:
		errorCode, apiErrorCode = "1", kind.failCode
		f = append(f, clsField{key: "errorMessage", val: "login failed: wrong password or MFA code"})
	case 2:
		errorCode, apiErrorCode = "4102", "UnauthorizedOperation"
		f = append(f, clsField{key: "camErrorCode", val: "4102"},
			clsField{key: "errorMessage", val: "you are not authorized to perform operation (" + kind.product + ":" + kind.name + ")"})
	case 3:
		apiErrorCode = kind.failCode
		f = append(f, clsField{key: "apiErrorMessage", val: "the request failed: " + kind.failCode})
	}
	f = append(f, clsField{key: "errorCode", val: errorCode, num: true})
	if apiErrorCode == "" {
		f = append(f, clsField{key: "apiErrorCode", val: "0", num: true})
	} else {
		f = append(f, clsField{key: "apiErrorCode", val: apiErrorCode})
	}
	if !tencentGlobalProducts[kind.product] {
		f = append(f, clsField{key: "resourceRegion", val: region})
	}
	if kind.namesResource {
		name, id := tencentEventResourceName(kind, uint64(p.res)<<40)
		f = append(f, clsField{key: "resourceName", val: name}, clsField{key: "resourceId", val: id})
	}
	agent := "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
	id := []clsField{
		{key: "accountId", val: ownerUin}, {key: "principalId", val: user.principal},
		{key: "type", val: user.kind}, {key: "userName", val: user.name},
	}
	if !console {
		id = append(id, clsField{key: "secretId", val: user.secretID})
		agent = "Terraform/1.11 (+https://www.terraform.io)"
	}
	f = append(f, clsField{key: "userAgent", val: agent})
	if jsonUserIdentity {
		obj := map[string]string{}
		for _, x := range id {
			obj[x.key] = x.val
		}
		f = append(f, clsField{key: "userIdentity", val: jsonObjectOf(obj)})
	} else {
		for _, x := range id {
			f = append(f, clsField{key: "userIdentity." + x.key, val: x.val})
		}
	}
	return f
}

// clsGeneratedEventFields are the fields of one event alone.
func clsGeneratedEventFields(num uint32, ms int64) []clsField {
	i := int(num)
	return []clsField{
		{key: "eventID", val: uuidFrom(ucloudHash(i, 203), ucloudHash(i, 204))},
		{key: "eventTime", val: strconv.FormatInt(ms/1000, 10)},
		{key: "requestID", val: uuidFrom(ucloudHash(i, 205), ucloudHash(i, 206))},
	}
}

// clsGeneratedEventKeys are the keys clsGeneratedEventFields holds.
var clsGeneratedEventKeys = map[string]bool{"eventID": true, "eventTime": true, "requestID": true}

// clsGenerated is the account's generated event stream: n events spread
// over days days ending a minute before end, oldest first, strictly
// increasing in time (to the second), with their classes.
type clsGenerated struct {
	times []int64 // ms
	class []uint32
}

func generateCLSEvents(n, days int, end time.Time) *clsGenerated {
	g := &clsGenerated{times: make([]int64, n), class: make([]uint32, n)}
	last := end.Unix() - 60
	span := int64(days) * 86400
	step := int64(1)
	if n > 0 {
		step = max(span/int64(n), 1)
	}
	for i := range n {
		// Event i is the i-th newest; stored oldest first.
		jitter := int64(0)
		if step >= 2 {
			jitter = int64(ucloudHash(i, 202) % uint64(step/2))
		}
		unix := last - int64(i)*step - jitter
		g.times[n-1-i] = unix*1000 + int64(ucloudHash(i, 207)%1000)
		g.class[n-1-i] = clsEventClass(i)
	}
	return g
}

// logsFor delivers the generated stream to a topic: the events the
// tracking set's filter selects.
func (g *clsGenerated) logsFor(track simTrack, ownerUin string, jsonUserIdentity bool) *clsLogs {
	l := &clsLogs{numClasses: clsGenClasses, eventKeys: clsGeneratedEventKeys, eventFields: clsGeneratedEventFields,
		eventAlphabet: "0123456789abcdef-"}
	// Filter decisions depend on the kind only.
	var selected [clsGenKinds]bool
	for k, kind := range tencentEventKinds {
		selected[k] = trackSelects(track, kind.product, kind.action, kind.name)
	}
	n := len(g.times)
	for pos := range n {
		c := g.class[pos]
		if !selected[splitCLSClass(c).kind] {
			continue
		}
		l.times = append(l.times, g.times[pos])
		l.num = append(l.num, uint32(n-1-pos))
		l.class = append(l.class, c)
	}
	// Class fields are rebuilt on demand rather than kept: a search
	// evaluates each condition once per class, and keeping them all would
	// cost more memory than the logs themselves.
	l.classFields = func(c uint32) []clsField { return clsGeneratedClassFields(c, ownerUin, jsonUserIdentity) }
	return l
}

// jsonObjectOf encodes a string map with sorted keys.
func jsonObjectOf(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := "{"
	for i, k := range keys {
		if i > 0 {
			out += ","
		}
		out += jsonString(k) + ":" + jsonString(m[k])
	}
	return out + "}"
}
