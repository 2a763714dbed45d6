import { getTableColumns, getTableName, is, SQL, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';

/*
 * Hot-path statements take their rows as ONE jsonb parameter: the statement text is the same for
 * 1 row or 10,000, so PostgreSQL parses and plans it once per connection, and no batch meets the
 * 65,535-parameter limit. The column lists these statements need are derived here from the
 * Drizzle tables, so a column added to db/schema.ts cannot be dropped silently on the way.
 */

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** A JSON value as jsonb_to_recordset reads it back into the column's type. */
function toJson(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return `\\x${value.toString('hex')}`;
  return value;
}

/** Column entries of a table, keyed by their property name in the Drizzle table; generated columns are PostgreSQL's to fill. */
const columnsOf = (table: PgTable) => (Object.entries(getTableColumns(table)) as [string, PgColumn][]).filter(([, c]) => !c.generated);

/**
 * `insert into <table> (<every column>) select … from jsonb_to_recordset($rows)`: every column of
 * the table, each typed as the table declares it. A column left out of a row takes its default:
 * static and `$defaultFn` defaults are filled in here, SQL defaults (`now()`) by the statement.
 */
export function insertRows<T extends PgTable>(table: T, rows: readonly T['$inferInsert'][]): SQL {
  const columns = columnsOf(table);
  const json = rows.map((row) => {
    const out: Record<string, unknown> = {};
    for (const [key, column] of columns) {
      let value = (row as Record<string, unknown>)[key];
      if (value === undefined && column.defaultFn) value = column.defaultFn();
      if (value === undefined && column.default !== undefined && !is(column.default, SQL)) value = column.default;
      if (value !== undefined) out[column.name] = toJson(value);
    }
    return out;
  });
  const names = sql.raw(columns.map(([, c]) => quote(c.name)).join(', '));
  const values = sql.join(
    columns.map(([, c]) => (is(c.default, SQL) ? sql`coalesce(r.${sql.raw(quote(c.name))}, ${c.default})` : sql.raw(`r.${quote(c.name)}`))),
    sql`, `,
  );
  const types = sql.raw(columns.map(([, c]) => `${quote(c.name)} ${c.getSQLType()}`).join(', '));
  return sql`insert into ${sql.raw(quote(getTableName(table)))} (${names}) select ${values} from jsonb_to_recordset(${JSON.stringify(json)}::jsonb) as r(${types})`;
}

/** PostgreSQL types of a recordset's fields. */
export type RecordsetShape = Record<string, 'text' | 'int' | 'boolean' | 'timestamptz' | 'jsonb'>;

type FieldValue<K> = K extends 'text' ? string : K extends 'int' ? number : K extends 'boolean' ? boolean : K extends 'timestamptz' ? Date | string : unknown;
export type RecordsetRow<S extends RecordsetShape> = { [K in keyof S]: FieldValue<S[K]> | null };

/**
 * `jsonb_to_recordset($rows) as <alias>(<fields>)` for statements that join rows of their own shape
 * (an `update … from`): the shape names each field once, and the rows must match it.
 */
export function recordset<S extends RecordsetShape>(alias: string, shape: S, rows: readonly RecordsetRow<S>[]): SQL {
  const fields = Object.keys(shape);
  const json = rows.map((row) => Object.fromEntries(fields.map((f) => [f, toJson(row[f])])));
  const types = sql.raw(fields.map((f) => `${quote(f)} ${shape[f]}`).join(', '));
  return sql`jsonb_to_recordset(${JSON.stringify(json)}::jsonb) as ${sql.raw(alias)}(${types})`;
}
