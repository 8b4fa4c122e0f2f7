package cloudsim

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"time"
)

// CSIPSubUins are the sub-accounts that have call records in the simulator's
// CSIP data set, Options.CallRecords records each. Any other SubUin is an
// account without records: DescribeUserCallRecord answers an empty list.
var CSIPSubUins = []string{"100021372635", "100021372636", "100021372637"}

// csipUserNames are the user (or role) names of CSIPSubUins, in order.
var csipUserNames = []string{"ops-automation", "ci-deployer", "alice.wang"}

// CSIPUserName returns the user name of one of CSIPSubUins, or "".
func CSIPUserName(subUin string) string {
	for i, u := range CSIPSubUins {
		if u == subUin {
			return csipUserNames[i]
		}
	}
	return ""
}

// csipZone is Beijing time, in which the API writes its times.
var csipZone = time.FixedZone("CST", 8*3600)

// The CSIP data set ends when the simulator starts (Server.CSIPDataEnd):
// every call record's LastCallTime lies within the 90 days before it, so a
// query for "the last 30 days" finds records whenever the simulator runs.
// Given the start time (Options.Now), the data set is always the same.

// csipDataSpan is how far back the data set reaches from its end.
const csipDataSpan = 90 * 24 * time.Hour

// CSIPTimeLayout is the API's time format, "YYYY-MM-DD hh:mm:ss".
const CSIPTimeLayout = "2006-01-02 15:04:05"

// CSIPCallRecord is one record of the data set, with the JSON names of the
// API's UserCallRecord type. Every field is always present, as api.json
// promises; Date and SourceIPRemark are often "".
type CSIPCallRecord struct {
	SourceIP       string `json:"SourceIP"`
	EventType      int64  `json:"EventType"`
	CallCount      int64  `json:"CallCount"`
	Code           int64  `json:"Code"`
	FirstCallTime  string `json:"FirstCallTime"`
	LastCallTime   string `json:"LastCallTime"`
	SourceIPRemark string `json:"SourceIPRemark"`
	Region         string `json:"Region"`
	UserName       string `json:"UserName"`
	Date           string `json:"Date"`
	AppID          int64  `json:"AppID"`
	ISP            string `json:"ISP"`
}

// csipNetwork is an address block with the location and carrier the API
// reports for addresses in it.
type csipNetwork struct{ prefix, region, isp string }

// csipIPv4Networks are /16 blocks; csipIPv6Networks are /32 blocks.
var (
	csipIPv4Networks = []csipNetwork{
		{"106.55", "中国-广东省-广州市", "腾讯云"},
		{"119.29", "中国-广东省-广州市", "腾讯云"},
		{"42.193", "中国-北京市-北京市", "腾讯云"},
		{"183.60", "中国-广东省-深圳市", "电信"},
		{"36.112", "中国-安徽省-合肥市", "电信"},
		{"203.205", "中国-香港", "腾讯云"},
		{"120.204", "中国-北京市-北京市", "联通"},
		{"49.234", "中国-上海市-上海市", "腾讯云"},
		{"129.226", "新加坡-新加坡", "腾讯云"},
		{"223.104", "中国-上海市-上海市", "移动"},
		{"47.96", "中国-浙江省-杭州市", "阿里云"},
		{"81.68", "中国-上海市-上海市", "腾讯云"},
		{"47.88", "美国-加利福尼亚州-圣克拉拉", "阿里云"},
		{"150.109", "中国-香港", "腾讯云"},
		{"43.156", "德国-黑森州-法兰克福", "腾讯云"},
	}
	csipIPv6Networks = []csipNetwork{
		{"2402:4e00", "中国-广东省-广州市", "腾讯云"},
		{"240e:3b0", "中国-广东省-深圳市", "电信"},
		{"2408:8756", "中国-北京市-北京市", "联通"},
		{"2409:8c54", "中国-上海市-上海市", "移动"},
	}
)

// csipRemarks are remarks users put on known source IPs.
var csipRemarks = []string{"办公网出口", "CI 构建机", "跳板机", "office egress", "terraform runner", "监控探针"}

// csipErrorCodes are the non-zero call error codes records carry.
var csipErrorCodes = []int64{4000, 4100, 4101, 4102, 4104, 4400, 5000}

// csipRand returns a deterministic pseudo-random number for record i of
// sub-account a and an attribute salt (SplitMix64 of the three).
func csipRand(a, i int, salt uint64) uint64 {
	z := uint64(a)<<40 ^ uint64(i) ^ salt*0x9e3779b97f4a7c15
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// csipSourceIP derives a source IP that is unique to index i within a
// sub-account, and the network it belongs to: IPv4 (most), IPv4 masked the
// way the console masks it ("106.55.***.47"), or IPv6. Each form encodes i
// bijectively (network i mod len, host part from i / len) and the three
// forms never look alike, so no two records share a SourceIP. A form whose
// host part is exhausted falls back to the next, roomier one.
func csipSourceIP(a, i int) (string, csipNetwork) {
	kind := csipRand(a, i, 1) % 10
	n, nw := i/len(csipIPv4Networks), csipIPv4Networks[i%len(csipIPv4Networks)]
	if kind >= 6 && kind < 8 && n < 254 {
		return fmt.Sprintf("%s.***.%d", nw.prefix, (46+n)%254+1), nw
	}
	if kind < 8 && n < 256*254 {
		return fmt.Sprintf("%s.%d.%d", nw.prefix, n/254, n%254+1), nw
	}
	n, nw = i/len(csipIPv6Networks), csipIPv6Networks[i%len(csipIPv6Networks)]
	addr := netip.MustParseAddr(nw.prefix + "::").As16()
	addr[4], addr[5] = byte(0x10), byte(a)
	binary.BigEndian.PutUint64(addr[8:], uint64(n)+1)
	return netip.AddrFrom16(addr).String(), nw
}

// buildCallRecord derives record i of sub-account a from the two indexes
// and the end of the data set alone, so every run of the simulator that
// starts at the same time serves the same data set.
func buildCallRecord(a, i int, end time.Time) CSIPCallRecord {
	r := func(salt uint64, n uint64) uint64 { return csipRand(a, i, salt) % n }
	ip, nw := csipSourceIP(a, i)
	rec := CSIPCallRecord{
		SourceIP: ip,
		Region:   nw.region,
		ISP:      nw.isp,
		UserName: csipUserNames[a%len(csipUserNames)],
		AppID:    DefaultTencentAppID,
	}
	if r(2, 10) < 7 {
		rec.EventType = 1 // API
		rec.CallCount = 1 + int64(r(3, []uint64{10, 100, 1000, 10000}[r(4, 4)]))
	} else {
		rec.EventType = 0 // console
		rec.CallCount = 1 + int64(r(3, 200))
	}
	if r(5, 100) >= 85 {
		rec.Code = csipErrorCodes[r(6, uint64(len(csipErrorCodes)))]
	}

	// LastCallTime within the span; FirstCallTime up to 30 days earlier
	// (never before the span), equal when the IP called only once.
	span := int64(csipDataSpan / time.Second)
	lastAgo := int64(r(7, uint64(span)))
	firstAgo := lastAgo
	if rec.CallCount > 1 {
		firstAgo = min(lastAgo+int64(r(8, 30*24*3600)), span)
	}
	last := end.Add(-time.Duration(lastAgo) * time.Second)
	rec.LastCallTime = last.Format(CSIPTimeLayout)
	rec.FirstCallTime = end.Add(-time.Duration(firstAgo) * time.Second).Format(CSIPTimeLayout)

	if r(9, 4) == 0 {
		rec.SourceIPRemark = csipRemarks[r(10, uint64(len(csipRemarks)))]
	}
	if r(12, 5) == 0 {
		rec.Date = last.Format("2006-01-02")
	}
	return rec
}
