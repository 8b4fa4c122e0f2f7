package cloudsim

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"
)

// UCloudEvent is one operation event of the simulator's data set, with the
// JSON names of the API's UserOperationEvent. AccessKeyID is empty, and then
// omitted from the JSON, for operations made in the console.
type UCloudEvent struct {
	Region          string                  `json:"Region"`
	Api             string                  `json:"Api"`
	IsSuccess       bool                    `json:"IsSuccess"`
	OperateTime     int64                   `json:"OperateTime"`
	UserName        string                  `json:"UserName"`
	UserEmail       string                  `json:"UserEmail"`
	RelatedResource []UCloudRelatedResource `json:"RelatedResource"`
	RemoteIP        string                  `json:"RemoteIP"`
	AccessKeyID     string                  `json:"AccessKeyID,omitempty"`
}

// UCloudRelatedResource is a resource an event touched.
type UCloudRelatedResource struct {
	ResourceId   string `json:"ResourceId"`
	ResourceName string `json:"ResourceName"`
}

// UCloudEvents returns the data set in API order, newest first: exactly what
// a complete read of GetUserOperationEvents without filters returns.
func (s *Server) UCloudEvents() []UCloudEvent {
	d := s.ucloud.data()
	out := make([]UCloudEvent, len(d.events))
	for i, e := range d.events {
		e.RelatedResource = append([]UCloudRelatedResource{}, e.RelatedResource...)
		out[i] = e
	}
	return out
}

// UCloudAccessKeyIDs are the API keys that appear in the events' AccessKeyID.
var UCloudAccessKeyIDs = []string{
	"4R8pQm2ZkX7bN1cV5yT9wL3sD6fG0hJ",
	"7Hq3LwX9mB2nV6cZ1kP8rT4yS0dF5gA",
	"2Jd6TfY0pW4qE8rU3iO7aS1lK5zX9cM",
	"9Vb1NmQ5wE3rT7yU0iP4oA8sD2fG6hK",
	"5Cx8ZaS2dF6gH0jK4lQ9wE3rT7yU1iO",
}

// ucloudAPIKinds lists the APIs that appear in the log and the kind of
// resource each acts on ("" for account-level APIs that touch none).
var ucloudAPIKinds = []struct{ api, kind string }{
	{"CreateUHostInstance", "uhost"},
	{"DeleteUHostInstance", "uhost"},
	{"StopUHostInstance", "uhost"},
	{"StartUHostInstance", "uhost"},
	{"ResizeUHostInstance", "uhost"},
	{"CreateULB", "ulb"},
	{"CreateVServer", "ulb"},
	{"DeleteULB", "ulb"},
	{"AllocateEIP", "eip"},
	{"ReleaseEIP", "eip"},
	{"BindEIP", "eip"},
	{"UpdateSecurityGroup", "firewall"},
	{"CreateFirewall", "firewall"},
	{"CreateUDisk", "bs"},
	{"AttachUDisk", "bs"},
	{"CreateVPC", "uvnet"},
	{"CreateSubnet", "subnet"},
	{"CreateUser", ""},
	{"AttachPolicies", ""},
	{"CreateAccessKey", ""},
	{"GetUserOperationEvents", ""},
}

// ucloudResourceKinds are the id prefixes of resources, with the names the
// simulated users give them.
var ucloudResourceKinds = []struct{ prefix, name string }{
	{"uhost", "web"},
	{"ulb", "lb"},
	{"eip", "eip"},
	{"firewall", "sg"},
	{"bs", "data"},
	{"uvnet", "vpc"},
	{"subnet", "subnet"},
}

// ucloudUsers are the account's users. The bots always use API keys.
var ucloudUsers = []struct {
	name, email string
	bot         bool
}{
	{"admin", "admin@example.com", false},
	{"zhang.wei", "zhang.wei@example.com", false},
	{"li.na", "li.na@example.com", false},
	{"wang.fang", "wang.fang@example.com", false},
	{"liu.yang", "liu.yang@example.com", false},
	{"chen.jie", "chen.jie@example.cn", false},
	{"alice", "alice@example.org", false},
	{"bob", "bob@example.org", false},
	{"terraform-ci", "terraform-ci@example.com", true},
	{"ops-bot", "ops-bot@example.com", true},
}

var ucloudRegions = []string{"cn-bj2", "cn-bj2", "cn-sh2", "cn-sh2", "cn-gd", "hk", "us-ca", "sg", "cn-wlcb", "tw-tp"}

// ucloudDataSpan is how far back the events reach: well inside the API's
// 365-day window, so an unbounded query sees all of them.
const ucloudDataSpan = 300 * 24 * time.Hour

// ucloudDataSet is the event list plus the indexes that make every page
// O(page): events are stored newest first, so each filter's matching event
// numbers are ascending and their times descending, and a time window is a
// contiguous range found by binary search.
type ucloudDataSet struct {
	events []UCloudEvent
	all    []int32            // 0..n-1, the view without filters
	byRes  map[string][]int32 // resource id -> events, ascending
	byKey  map[string][]int32 // access key -> events, ascending

	mu    sync.Mutex
	views map[string][]int32 // filter key -> matching events, cached
}

// maxCachedUCloudViews bounds the filtered-view cache; views are cheap to
// rebuild, so the cache is simply dropped when full.
const maxCachedUCloudViews = 256

// ucloudHash is SplitMix64 over the event number and a salt: every field of
// an event derives from it, so the data set depends on nothing but the
// options and the clock.
func ucloudHash(i int, salt uint64) uint64 {
	z := uint64(i)*0x9e3779b97f4a7c15 + salt*0xbf58476d1ce4e5b9 + 0x94d049bb133111eb
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// ucloudPermute32 is a bijection on uint32 (each step is invertible), so
// distinct resource numbers give distinct ids.
func ucloudPermute32(x uint32) uint32 {
	x ^= x >> 16
	x *= 0x7feb352d
	x ^= x >> 15
	x *= 0x846ca68b
	x ^= x >> 16
	return x
}

func ucloudResourceID(kind, n int) string {
	return fmt.Sprintf("%s-%08x", ucloudResourceKinds[kind].prefix, ucloudPermute32(uint32(kind)<<24|uint32(n)))
}

func ucloudKindIndex(prefix string) int {
	for i, k := range ucloudResourceKinds {
		if k.prefix == prefix {
			return i
		}
	}
	return -1
}

// buildUCloudDataSet makes n events spread over the ucloudDataSpan before
// now. Event i is older than event i-1 by about span/n seconds, with some
// jitter that never reorders them, so times are strictly decreasing (hence
// every event is distinct) and a fixed clock gives a fixed data set.
func buildUCloudDataSet(n, failureEvery int, now time.Time) *ucloudDataSet {
	if failureEvery <= 0 {
		failureEvery = 7
	}
	n = max(n, 0)
	d := &ucloudDataSet{
		events: make([]UCloudEvent, n),
		all:    make([]int32, n),
		byRes:  map[string][]int32{},
		byKey:  map[string][]int32{},
		views:  map[string][]int32{},
	}
	end := now.Unix() - 60
	step := int64(1)
	if n > 0 {
		step = max(int64(ucloudDataSpan/time.Second)/int64(n), 1)
	}
	// Each kind has a pool of resources, so some resources recur across
	// events and a ResourceID filter finds their history.
	pool := max(8, n/12)

	for i := range n {
		h := ucloudHash(i, 1)
		jitter := int64(0)
		if step >= 2 {
			jitter = int64(ucloudHash(i, 2) % uint64(step/2))
		}
		api := ucloudAPIKinds[h%uint64(len(ucloudAPIKinds))]
		user := ucloudUsers[(h>>8)%uint64(len(ucloudUsers))]
		e := UCloudEvent{
			Region:          ucloudRegions[(h>>16)%uint64(len(ucloudRegions))],
			Api:             api.api,
			IsSuccess:       (h>>24)%uint64(failureEvery) != 0, // about one in failureEvery fails (seven by default)
			OperateTime:     end - int64(i)*step - jitter,
			UserName:        user.name,
			UserEmail:       user.email,
			RelatedResource: []UCloudRelatedResource{},
			RemoteIP:        ucloudRemoteIP(i),
		}
		// Console operations (a third of the humans') carry no key.
		if user.bot || (h>>32)%3 != 0 {
			e.AccessKeyID = UCloudAccessKeyIDs[(h>>36)%uint64(len(UCloudAccessKeyIDs))]
		}
		// 1 to 3 resources for resource APIs; none for account-level ones
		// and for failed creations, which created nothing.
		creates := strings.HasPrefix(api.api, "Create") || strings.HasPrefix(api.api, "Allocate")
		if k := ucloudKindIndex(api.kind); k >= 0 && (!creates || e.IsSuccess) {
			count := 1 + int((h>>40)%3)
			for j := range count {
				kind := k
				if j > 0 {
					kind = int(ucloudHash(i, uint64(10+j)) % uint64(len(ucloudResourceKinds)))
				}
				num := int(ucloudHash(i, uint64(20+j)) % uint64(pool))
				id := ucloudResourceID(kind, num)
				if j > 0 && containsUCloudResource(e.RelatedResource, id) {
					continue
				}
				e.RelatedResource = append(e.RelatedResource, UCloudRelatedResource{
					ResourceId:   id,
					ResourceName: fmt.Sprintf("%s-%02d", ucloudResourceKinds[kind].name, num),
				})
				d.byRes[id] = append(d.byRes[id], int32(i))
			}
		}
		if e.AccessKeyID != "" {
			d.byKey[e.AccessKeyID] = append(d.byKey[e.AccessKeyID], int32(i))
		}
		d.events[i] = e
		d.all[i] = int32(i)
	}
	return d
}

func containsUCloudResource(rs []UCloudRelatedResource, id string) bool {
	for _, r := range rs {
		if r.ResourceId == id {
			return true
		}
	}
	return false
}

// ucloudRemoteIP gives most events an IPv4 address from a few provider and
// office blocks, and one in nine an IPv6 address.
func ucloudRemoteIP(i int) string {
	h := ucloudHash(i, 3)
	if h%9 == 0 {
		return fmt.Sprintf("2402:4e00:%x:%x::%x", (h>>8)&0xffff, (h>>24)&0xffff, (h>>40)&0xfff+1)
	}
	blocks := []string{"106.75", "117.50", "123.59", "183.60", "101.36", "58.250"}
	return fmt.Sprintf("%s.%d.%d", blocks[(h>>4)%uint64(len(blocks))], (h>>12)&0xff, (h>>20)%254+1)
}

// view returns the events matching a ResourceID and any of a set of access
// keys (empty means no filter), in API order. Views with a key filter are
// computed once per distinct filter and cached, so later pages cost O(page).
func (d *ucloudDataSet) view(resourceID string, keys []string) []int32 {
	if len(keys) == 0 {
		if resourceID == "" {
			return d.all
		}
		return d.byRes[resourceID]
	}
	cacheKey := resourceID + "\x00" + strings.Join(keys, "\x00")
	d.mu.Lock()
	v, ok := d.views[cacheKey]
	d.mu.Unlock()
	if ok {
		return v
	}

	want := make(map[string]bool, len(keys))
	for _, k := range keys {
		want[k] = true
	}
	if resourceID != "" {
		for _, i := range d.byRes[resourceID] {
			if want[d.events[i].AccessKeyID] {
				v = append(v, i)
			}
		}
	} else {
		// Union of the per-key lists; an event has one key, so no duplicates.
		for k := range want {
			v = append(v, d.byKey[k]...)
		}
		sort.Slice(v, func(a, b int) bool { return v[a] < v[b] })
	}
	if v == nil {
		v = []int32{}
	}

	d.mu.Lock()
	if len(d.views) >= maxCachedUCloudViews {
		clear(d.views)
	}
	d.views[cacheKey] = v
	d.mu.Unlock()
	return v
}

// window narrows a view to the events with begin <= OperateTime <= end. The
// view is ordered by descending time, so both bounds are binary searches.
func (d *ucloudDataSet) window(v []int32, begin, end int64) []int32 {
	lo := sort.Search(len(v), func(i int) bool { return d.events[v[i]].OperateTime <= end })
	hi := sort.Search(len(v), func(i int) bool { return d.events[v[i]].OperateTime < begin })
	if hi < lo {
		hi = lo
	}
	return v[lo:hi]
}
