// Package clssql runs the SQL part of a CLS statement ("search | SQL") over
// the logs the search part matched, as CLS does in its engine, for the
// simulator. SQLite (modernc.org/sqlite, pure Go) executes it; this
// package admits only the declared subset (subset.go), supplies the
// implicit table (CLS SQL has no FROM: the topic is the table), CLS's
// default of 100 rows and its cap of 10,000, and the answer's shape
// (Columns and one JSON object a row).
//
// The package belongs to the simulator; the provider's binary never links
// it.
package clssql

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"sync/atomic"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// DefaultRows is what CLS returns when the SQL has no LIMIT; MaxRows is the
// most it returns for one statement.
const (
	DefaultRows = 100
	MaxRows     = 10000
)

// Error is SQL that CLS would refuse: Code is the API's error code.
type Error struct {
	Code, Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

func syntaxError(format string, a ...any) error {
	return &Error{Code: "FailedOperation.SyntaxError", Message: fmt.Sprintf(format, a...)}
}

// Field is a field of the topic's index that has SQL statistics
// (sql_flag): only those take part in SQL. Type is the index type: "text",
// "long", "double" or "json".
type Field struct {
	Name, Type string
}

// Column is a column of the answer, typed as CLS names types.
type Column struct {
	Name string `json:"Name"`
	Type string `json:"Type"`
}

// Result is the SQL answer: columns, and each row as a JSON object keyed by
// column name (how AnalysisRecords carries it).
type Result struct {
	Columns []Column
	Records []string
}

// Log is one matched log: its fields by name (values as text, as CLS stores
// them; a field a log lacks is NULL).
type Log map[string]string

var dbSeq atomic.Int64

// Execute runs sql over logs. Fields are the index's SQL-enabled fields;
// any other name in the SQL is an unknown column.
func Execute(ctx context.Context, query string, fields []Field, logs []Log) (*Result, error) {
	stmt, err := parse(query, fields)
	if err != nil {
		return nil, err
	}
	// A database of its own for each statement: "file:" names with
	// mode=memory keep concurrent statements apart.
	db, err := sql.Open("sqlite", fmt.Sprintf("file:clssql%d?mode=memory&cache=private", dbSeq.Add(1)))
	if err != nil {
		return nil, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if err := load(ctx, db, fields, logs); err != nil {
		return nil, err
	}
	rows, err := db.QueryContext(ctx, stmt)
	if err != nil {
		return nil, syntaxError("%s", cleanSQLiteError(err))
	}
	defer rows.Close()
	return collect(rows)
}

// sqlName quotes a name for SQLite.
func sqlName(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func load(ctx context.Context, db *sql.DB, fields []Field, logs []Log) error {
	cols := make([]string, len(fields))
	marks := make([]string, len(fields))
	for i, f := range fields {
		affinity := "TEXT"
		switch f.Type {
		case "long":
			affinity = "INTEGER"
		case "double":
			affinity = "REAL"
		}
		cols[i] = sqlName(f.Name) + " " + affinity
		marks[i] = "?"
	}
	if len(cols) == 0 {
		cols, marks = []string{`"__no_field__" TEXT`}, []string{"?"}
	}
	if _, err := db.ExecContext(ctx, "CREATE TABLE log ("+strings.Join(cols, ", ")+")"); err != nil {
		return err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	ins, err := tx.PrepareContext(ctx, "INSERT INTO log VALUES ("+strings.Join(marks, ", ")+")")
	if err != nil {
		return err
	}
	args := make([]any, len(marks))
	for _, l := range logs {
		for i := range args {
			args[i] = nil
		}
		for i, f := range fields {
			v, ok := l[f.Name]
			if !ok {
				continue
			}
			if len(v) > 32766 { // CLS uses a field's first 32,766 bytes in SQL
				v = v[:32766]
			}
			args[i] = v
		}
		if _, err := ins.ExecContext(ctx, args...); err != nil {
			return err
		}
	}
	return tx.Commit()
}

func collect(rows *sql.Rows) (*Result, error) {
	names, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			return nil, syntaxError("the column %q is named twice: give each an alias of its own", n)
		}
		seen[n] = true
	}
	res := &Result{Columns: make([]Column, len(names))}
	for i, n := range names {
		res.Columns[i] = Column{Name: n, Type: "null"}
	}
	vals := make([]any, len(names))
	ptrs := make([]any, len(names))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if len(res.Records) == MaxRows {
			break
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		obj := make(map[string]any, len(names))
		for i, v := range vals {
			switch x := v.(type) {
			case int64:
				obj[names[i]] = x
				res.Columns[i].Type = typeOf(res.Columns[i].Type, "bigint")
			case float64:
				if math.IsInf(x, 0) || math.IsNaN(x) {
					obj[names[i]] = fmt.Sprint(x)
				} else {
					obj[names[i]] = x
				}
				res.Columns[i].Type = typeOf(res.Columns[i].Type, "double")
			case []byte:
				obj[names[i]] = string(x)
				res.Columns[i].Type = typeOf(res.Columns[i].Type, "varchar")
			case string:
				obj[names[i]] = x
				res.Columns[i].Type = typeOf(res.Columns[i].Type, "varchar")
			case nil:
				obj[names[i]] = nil
			default:
				obj[names[i]] = fmt.Sprint(x)
				res.Columns[i].Type = typeOf(res.Columns[i].Type, "varchar")
			}
		}
		b, err := marshalOrdered(names, obj)
		if err != nil {
			return nil, err
		}
		res.Records = append(res.Records, b)
	}
	if err := rows.Err(); err != nil {
		return nil, syntaxError("%s", cleanSQLiteError(err))
	}
	for i := range res.Columns {
		if res.Columns[i].Type == "null" {
			res.Columns[i].Type = "varchar"
		}
	}
	return res, nil
}

// typeOf is a column's type once a value of type t is seen: the first
// type stays, save that a bigint column holding a double is double.
func typeOf(have, t string) string {
	if have == "null" || have == "bigint" && t == "double" {
		return t
	}
	return have
}

// marshalOrdered writes obj with its keys in column order (Go's maps would
// sort them).
func marshalOrdered(names []string, obj map[string]any) (string, error) {
	var b strings.Builder
	b.WriteByte('{')
	for i, n := range names {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(n)
		v, err := json.Marshal(obj[n])
		if err != nil {
			return "", err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.String(), nil
}

// cleanSQLiteError keeps SQLite's own words and drops the driver's prefix.
func cleanSQLiteError(err error) string {
	s := err.Error()
	if i := strings.Index(s, "SQL logic error: "); i >= 0 {
		s = s[i+len("SQL logic error: "):]
	}
	return strings.TrimSuffix(s, " (1)")
}

// RowValues reads a record back as text a column, in column order: a
// string as it is, a number or boolean as written, NULL as "null" (how
// the old answer form, LogItems of Key and Value strings, carries rows).
func RowValues(cols []Column, record string) ([]string, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal([]byte(record), &obj); err != nil {
		return nil, err
	}
	out := make([]string, len(cols))
	for i, c := range cols {
		raw := obj[c.Name]
		var s string
		if json.Unmarshal(raw, &s) == nil {
			out[i] = s
			continue
		}
		out[i] = string(raw)
	}
	return out, nil
}
