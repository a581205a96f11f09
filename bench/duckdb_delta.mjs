// DuckDB side of the Delta / Parquet benchmark (bench/run_delta.sh, bench/README.md): the same N
// rows as bench_delta (id, user_id, amount_cents BIGINT, category VARCHAR, ts TIMESTAMP),
// materialized in a DuckDB table (untimed), then timed per codec (snappy, zstd): a Parquet write
// (COPY ... (FORMAT PARQUET, COMPRESSION <codec>)) and a full read back with read_parquet (the same
// aggregate over every column as bench_delta). DuckDB's delta extension needs a download, so DuckDB
// writes plain Parquet; the "delta_read" line reads the Parquet files of Sluice's Delta table with
// read_parquet.
//
//   node bench/duckdb_delta.mjs OUT_DIR --rows N --threads T [--sluice-delta DIR]
//
// Prints lines in bench_delta's format:
//   RESULT engine=duckdb op=<op> rows=<n> bytes=<n> file_bytes=<n> seconds=<wall> cpu_seconds=<process>
import { readdirSync, rmSync, mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

const args = process.argv.slice(2);
const arg = (name, d) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : d; };
const out = resolve(args[0] || '');
const rows = Number(arg('--rows', '20000000'));
const threads = String(arg('--threads', '1'));
const sluiceDelta = arg('--sluice-delta', null);
if (!args[0]) {
  console.error('usage: node duckdb_delta.mjs OUT_DIR --rows N --threads T [--sluice-delta DIR]');
  process.exit(2);
}
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const instance = await DuckDBInstance.create(':memory:', { threads });
const con = await instance.connect();
await con.run(`CREATE TABLE t AS SELECT i::BIGINT AS id, ((i * 7919) % 1000000)::BIGINT AS user_id,
  (i % 100000)::BIGINT AS amount_cents, 'cat' || (i % 10)::VARCHAR AS category,
  TIMESTAMP '2024-01-01 00:00:00' + to_seconds(i) AS ts FROM range(${rows}) r(i)`);
// The same in-memory size measure as bench_delta: 8 + 8 + 8 + string bytes + 8 per row.
const sizes = await con.runAndReadAll('SELECT sum(length(category))::BIGINT AS s FROM t');
const bytes = rows * 32 + Number(sizes.getRowObjectsJS()[0].s);

function time(fn) {
  return async () => {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    await fn();
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    const c = process.cpuUsage(c0);
    return { secs, cpu: (c.user + c.system) / 1e6 };
  };
}
function parquetBytes(dir) {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const p = join(e.parentPath || e.path, e.name);
    if (e.isFile() && e.name.endsWith('.parquet') && !p.includes('_delta_log')) total += statSync(p).size;
  }
  return total;
}
function result(op, fileBytes, r) {
  console.log(`RESULT engine=duckdb op=${op} rows=${rows} bytes=${bytes} file_bytes=${fileBytes} ` +
              `seconds=${r.secs.toFixed(3)} cpu_seconds=${r.cpu.toFixed(3)}`);
}
const agg = (src) => `SELECT count(*) AS n, sum(id), sum(user_id), sum(amount_cents), max(category), max(ts) FROM ${src}`;

let n = 0;
for (const codec of ['snappy', 'zstd']) {
  const pq = join(out, `parquet_${codec}`);
  mkdirSync(pq);
  const file = join(pq, 'data.parquet').replaceAll("'", "''");
  const rWrite = await time(() => con.run(
    `COPY t TO '${file}' (FORMAT PARQUET, COMPRESSION ${codec.toUpperCase()})`))();
  result(`parquet_write_${codec}`, parquetBytes(pq), rWrite);
  const rRead = await time(async () => {
    const r = await con.runAndReadAll(agg(`read_parquet('${file}')`));
    n = Number(r.getRowsJS()[0][0]);
  })();
  if (n !== rows) { console.error(`duckdb parquet_read_${codec}: ${n} rows`); process.exit(1); }
  result(`parquet_read_${codec}`, parquetBytes(pq), rRead);
}
if (sluiceDelta) {
  // Sluice's table is one commit of unpartitioned part files: its live files are these.
  const glob = join(resolve(sluiceDelta), 'part-*.parquet').replaceAll("'", "''");
  const r2 = await time(async () => {
    const r = await con.runAndReadAll(agg(`read_parquet('${glob}')`));
    n = Number(r.getRowsJS()[0][0]);
  })();
  if (n !== rows) { console.error(`duckdb delta_read (parquet files of Sluice's table): ${n} rows`); process.exit(1); }
  result('delta_read', parquetBytes(resolve(sluiceDelta)), r2);
}
