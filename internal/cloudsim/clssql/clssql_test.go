package clssql

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
)

func testLogs(n int) []Log {
	users := []string{"alice", "bob", "carol", "dave"}
	events := []string{"DeleteInstances", "RebootInstances", "DescribeInstances"}
	logs := make([]Log, n)
	for i := range logs {
		l := Log{"userIdentity.principalId": users[i%len(users)], "eventName": events[i%len(events)], "latency": fmt.Sprint(i % 7)}
		if i%5 == 0 {
			delete(l, "latency")
		}
		logs[i] = l
	}
	return logs
}

var testFields = []Field{{"userIdentity.principalId", "text"}, {"eventName", "text"}, {"latency", "long"}}

// Counts per user and event equal what is computed from the logs, row
// order and column order as the SQL says, rows as JSON objects keyed by
// column; NULL stays null.
func TestExecuteCountsExactly(t *testing.T) {
	logs := testLogs(1000)
	res, err := Execute(context.Background(), `SELECT "userIdentity.principalId" AS principal, eventName, count(*) AS n, sum(latency) AS total
		WHERE eventName <> 'DescribeInstances' GROUP BY principal, eventName ORDER BY principal, eventName`, testFields, logs)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{}
	for _, l := range logs {
		if l["eventName"] != "DescribeInstances" {
			want[l["userIdentity.principalId"]+"/"+l["eventName"]]++
		}
	}
	if len(res.Records) != len(want) {
		t.Fatalf("%d rows, want %d", len(res.Records), len(want))
	}
	cols := []string{}
	for _, c := range res.Columns {
		cols = append(cols, c.Name+":"+c.Type)
	}
	if strings.Join(cols, ",") != "principal:varchar,eventName:varchar,n:bigint,total:bigint" {
		t.Errorf("columns %v", cols)
	}
	prev := ""
	for _, rec := range res.Records {
		if !strings.HasPrefix(rec, `{"principal":`) {
			t.Errorf("keys out of column order: %s", rec)
		}
		var row struct {
			Principal string `json:"principal"`
			Event     string `json:"eventName"`
			N         int64  `json:"n"`
		}
		if err := json.Unmarshal([]byte(rec), &row); err != nil {
			t.Fatal(err)
		}
		key := row.Principal + "/" + row.Event
		if row.N != want[key] {
			t.Errorf("%s: %d, want %d", key, row.N, want[key])
		}
		if key < prev {
			t.Errorf("ORDER BY not kept: %s after %s", key, prev)
		}
		prev = key
	}
	res, err = Execute(context.Background(), `SELECT latency, count(*) AS n GROUP BY latency ORDER BY latency LIMIT 1`, testFields, logs)
	if err != nil || len(res.Records) != 1 || res.Records[0] != fmt.Sprintf(`{"latency":null,"n":%d}`, 200) {
		t.Errorf("NULL group: %v %v", res, err)
	}
}

// Without LIMIT CLS returns 100 rows; LIMIT returns up to 10,000; OFFSET
// comes before LIMIT in CLS's syntax.
func TestExecuteRowLimits(t *testing.T) {
	logs := make([]Log, 12000)
	for i := range logs {
		logs[i] = Log{"eventName": fmt.Sprintf("e%05d", i)}
	}
	for q, want := range map[string]int{
		`SELECT eventName GROUP BY eventName`:                       DefaultRows,
		`SELECT eventName GROUP BY eventName LIMIT 250`:             250,
		`SELECT eventName GROUP BY eventName LIMIT 20000`:           MaxRows,
		`SELECT eventName GROUP BY eventName OFFSET 11990 LIMIT 50`: 10,
	} {
		res, err := Execute(context.Background(), q, testFields, logs)
		if err != nil || len(res.Records) != want {
			t.Errorf("%s: %d rows (%v), want %d", q, len(res.Records), err, want)
		}
	}
}

// What the subset does not hold, and names not in the index's SQL fields,
// are FailedOperation.SyntaxError.
func TestExecuteRefusesWhatTheSubsetLacks(t *testing.T) {
	for _, q := range []string{
		`SELECT sourceIPAddress`,
		`SELECT count(*) FROM log`,
		`SELECT json_extract(eventName, '$.a')`,
		`SELECT count(*); DROP TABLE log`,
		`SELECT count(*) -- x`,
		`DELETE FROM log`,
		`SELECT count(* `,
		`SELECT eventName LIMIT x`,
		`SELECT 'open`,
	} {
		_, err := Execute(context.Background(), q, testFields, testLogs(10))
		var e *Error
		if !errors.As(err, &e) || e.Code != "FailedOperation.SyntaxError" {
			t.Errorf("%s: %v, want FailedOperation.SyntaxError", q, err)
		}
	}
}

func TestExecuteConcurrently(t *testing.T) {
	logs := testLogs(500)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := Execute(context.Background(), fmt.Sprintf(`SELECT count(*) AS n WHERE latency = %d`, i%7), testFields, logs)
			if err != nil || len(res.Records) != 1 {
				t.Errorf("%v %v", res, err)
			}
		}()
	}
	wg.Wait()
}

// An item that is neither a column nor aliased is named _colN by position.
func TestExecuteNamesUnaliasedItems(t *testing.T) {
	res, err := Execute(context.Background(), `SELECT eventName, count(*), max(latency) AS top GROUP BY eventName`, testFields, testLogs(30))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range res.Columns {
		names = append(names, c.Name)
	}
	if strings.Join(names, ",") != "eventName,_col1,top" {
		t.Errorf("columns %v", names)
	}
}

// IN and NOT IN take a parenthesised list: keywords, not functions.
func TestExecuteIn(t *testing.T) {
	logs := testLogs(30)
	for q, want := range map[string]string{
		`SELECT count(*) AS n WHERE eventName IN ('DeleteInstances', 'RebootInstances')`:     `{"n":20}`,
		`SELECT count(*) AS n WHERE eventName NOT IN ('DeleteInstances', 'RebootInstances')`: `{"n":10}`,
	} {
		res, err := Execute(context.Background(), q, testFields, logs)
		if err != nil || len(res.Records) != 1 || res.Records[0] != want {
			t.Errorf("%s: %v %v, want %s", q, res, err, want)
		}
	}
}
