/**
 * Record format conversion: JSON records → an Apache Parquet file with the spec's column schema (what Firehose does
 * with a Glue table, the OpenX JSON SerDe and the Parquet SerDe).
 *
 * Each record is read as the OpenX JSON SerDe reads it by default: keys match columns case-insensitively, absent keys
 * and nulls are nulls, numbers and booleans written as strings are accepted. A record that is not a JSON object, or
 * whose value cannot be the column's type, fails conversion and goes to the error prefix (`format-conversion-failed`).
 * Files are written with @dsnp/parquetjs (data page V1, as the Parquet SerDe's default writer version).
 */

import { ParquetSchema, ParquetWriter } from '@dsnp/parquetjs';
import type { ColumnType, ParquetCompression } from '@streamkit/core';

export interface Column {
  readonly name: string;
  readonly type: ColumnType;
}

export type Row = Record<string, unknown>;

export type RowResult = { readonly ok: true; readonly row: Row } | { readonly ok: false; readonly error: string };

const PARQUET_TYPE: Record<ColumnType, string> = {
  string: 'UTF8',
  boolean: 'BOOLEAN',
  int: 'INT32',
  bigint: 'INT64',
  float: 'FLOAT',
  double: 'DOUBLE',
  timestamp: 'TIMESTAMP_MILLIS',
  date: 'DATE',
};

const decoder = new TextDecoder('utf-8', { fatal: true });

/** The row a record becomes, or why it cannot. */
export function toRow(data: Uint8Array, columns: readonly Column[]): RowResult {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(data));
  } catch (error) {
    return { ok: false, error: `the record is not JSON: ${(error as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: `the record is a JSON ${Array.isArray(value) ? 'array' : typeof value}, not an object` };
  }
  const byLowerKey = new Map<string, unknown>();
  for (const [key, v] of Object.entries(value)) byLowerKey.set(key.toLowerCase(), v);
  const row: Row = {};
  for (const column of columns) {
    const raw = byLowerKey.get(column.name);
    if (raw === undefined || raw === null) continue;
    const converted = convert(raw, column.type);
    if (converted === undefined) {
      return { ok: false, error: `column ${column.name} (${column.type}) cannot hold ${JSON.stringify(raw)}` };
    }
    row[column.name] = converted;
  }
  return { ok: true, row };
}

const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };

function convert(raw: unknown, type: ColumnType): unknown {
  const numeric =
    typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
  switch (type) {
    case 'string':
      return typeof raw === 'string' ? raw : typeof raw === 'object' ? JSON.stringify(raw) : String(raw);
    case 'boolean':
      if (typeof raw === 'boolean') return raw;
      if (raw === 'true' || raw === 'false') return raw === 'true';
      return undefined;
    case 'int':
      return Number.isInteger(numeric) && numeric >= INT32.min && numeric <= INT32.max ? numeric : undefined;
    case 'bigint':
      if (typeof raw === 'string' && /^-?\d+$/.test(raw.trim())) return BigInt(raw.trim());
      return Number.isSafeInteger(numeric) ? BigInt(numeric) : undefined;
    case 'float':
    case 'double':
      return Number.isFinite(numeric) ? numeric : undefined;
    case 'timestamp':
    case 'date': {
      // Epoch numbers: seconds when they look like seconds, else milliseconds; strings as ISO-8601.
      const millis =
        typeof raw === 'number'
          ? Math.abs(raw) < 1e11
            ? raw * 1000
            : raw
          : typeof raw === 'string'
            ? Date.parse(raw)
            : Number.NaN;
      return Number.isFinite(millis) ? new Date(millis) : undefined;
    }
  }
}

/** A Parquet file of `rows` (already converted by `toRow`). */
export async function writeParquet(
  rows: readonly Row[],
  columns: readonly Column[],
  compression: ParquetCompression,
): Promise<Uint8Array> {
  const schema = new ParquetSchema(
    Object.fromEntries(
      columns.map((c) => [c.name, { type: PARQUET_TYPE[c.type], optional: true, compression }]),
    ) as ConstructorParameters<typeof ParquetSchema>[0],
  );
  const chunks: Buffer[] = [];
  const sink = {
    write(chunk: Buffer | string, callback?: (error?: Error | null) => void) {
      chunks.push(Buffer.from(chunk));
      callback?.();
      return true;
    },
    end(callback?: () => void) {
      callback?.();
      return this;
    },
  };
  const writer = await ParquetWriter.openStream(schema, sink as never, { useDataPageV2: false });
  for (const row of rows) await writer.appendRow(row);
  await writer.close();
  return new Uint8Array(Buffer.concat(chunks));
}
