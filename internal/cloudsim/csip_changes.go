package cloudsim

import (
	"encoding/json"
	"slices"
	"time"
)

// Changes to the CSIP data set while it is read, as activity during a long
// read makes them: records inserted (FaultInsertRecords), and the list
// shifting by one with its total unchanged (FaultShiftDown, FaultShiftUp).

// newRow builds the next record of account a, never built before, so its
// SourceIP is new.
func (c *csipService) newRow(a int, subUin string) csipRow {
	i := c.built[subUin]
	c.built[subUin]++
	row := csipRow{rec: buildCallRecord(a, i, c.end)}
	row.raw, _ = json.Marshal(row.rec)
	return row
}

// changed marks the rows as changed: cached query results are forgotten.
func (c *csipService) changed() {
	c.gen++
	clear(c.queries)
}

// insertRecords adds n records to every sub-account, as calls made during a
// long read would; they sort among the others.
func (c *csipService) insertRecords(n int) {
	c.build()
	c.mu.Lock()
	defer c.mu.Unlock()
	for a, subUin := range CSIPSubUins {
		rows := slices.Clip(c.accounts[subUin])
		for range n {
			rows = append(rows, c.newRow(a, subUin))
		}
		c.accounts[subUin] = rows
	}
	c.changed()
}

// shiftRecords changes every sub-account by one record at each end of the
// default order (LastCallTime descending), keeping its Total:
//
//   - down: a record newer than any arrives at the head and the oldest ages
//     out at the tail, so every other record moves one offset down;
//   - up: the newest record leaves the head and one older than any arrives
//     at the tail, so every other record moves one offset up.
//
// Queries in another order or with filters see the same two changes
// wherever those records fall in them. An account with no record is left
// alone.
func (c *csipService) shiftRecords(down bool) {
	c.build()
	for {
		// The default order is computed outside the lock (match takes it);
		// the change applies only if no other change came in between.
		c.mu.Lock()
		accounts := make(map[string][]csipRow, len(CSIPSubUins))
		for _, subUin := range CSIPSubUins {
			accounts[subUin] = c.accounts[subUin]
		}
		gen := c.gen
		c.mu.Unlock()
		orders := make(map[string][]int, len(accounts))
		for subUin, rows := range accounts {
			orders[subUin] = c.match(csipDefaultQuery(subUin), rows, gen)
		}
		c.mu.Lock()
		if c.gen == gen {
			for a, subUin := range CSIPSubUins {
				if rows := c.shifted(a, subUin, accounts[subUin], orders[subUin], down); rows != nil {
					c.accounts[subUin] = rows
				}
			}
			c.changed()
			c.mu.Unlock()
			return
		}
		c.mu.Unlock()
	}
}

// shifted returns the rows of one account after a shift, or nil when it has
// none. order is the default order of rows.
func (c *csipService) shifted(a int, subUin string, rows []csipRow, order []int, down bool) []csipRow {
	if len(order) == 0 {
		return nil
	}
	row := c.newRow(a, subUin)
	leaving := order[0]
	if down {
		// Newer than the head: one second after it.
		row.rec.LastCallTime = csipTimeAfter(rows[order[0]].rec.LastCallTime, time.Second)
		row.rec.FirstCallTime = min(row.rec.FirstCallTime, row.rec.LastCallTime)
		leaving = order[len(order)-1]
	} else {
		// Older than the tail: one second before it, called once.
		row.rec.LastCallTime = csipTimeAfter(rows[order[len(order)-1]].rec.LastCallTime, -time.Second)
		row.rec.FirstCallTime, row.rec.CallCount = row.rec.LastCallTime, 1
	}
	if row.rec.Date != "" {
		row.rec.Date = row.rec.LastCallTime[:len("2006-01-02")]
	}
	row.raw, _ = json.Marshal(row.rec)
	next := make([]csipRow, 0, len(rows))
	next = append(next, rows[:leaving]...)
	next = append(next, rows[leaving+1:]...)
	return append(next, row)
}

// csipTimeAfter is t, in the API's layout, moved by d.
func csipTimeAfter(t string, d time.Duration) string {
	at, err := time.ParseInLocation(CSIPTimeLayout, t, csipZone)
	if err != nil {
		return t
	}
	return at.Add(d).Format(CSIPTimeLayout)
}
