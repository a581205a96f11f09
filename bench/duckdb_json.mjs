// DuckDB side of the JSON pipeline benchmark (see bench/README.md): the same files, the same
// filter and projection as bench_json_pipeline, with one DuckDB thread.
//
//   node bench/duckdb_json.mjs DATA_DIR [--rows-in N] [--repeat N]
//
// --rows-in: the number of input records (bench/run.sh passes the count the C++ driver measured),
// used for rows/s; without it the script counts them first, untimed.
// Prints, per run, the same machine-readable line as the C++ driver:
//   RESULT engine=duckdb rows_in=<n> rows_out=<n> bytes=<n> seconds=<wall> cpu_seconds=<process>
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

function usage() {
  console.error('usage: node duckdb_json.mjs DATA_DIR [--rows-in N] [--repeat N]');
  process.exit(2);
}

const args = process.argv.slice(2);
if (args.length < 1) usage();
const dir = resolve(args[0]);
let rowsIn = null;
let repeat = 1;
for (let i = 1; i < args.length; i += 2) {
  if (i + 1 >= args.length) usage();
  if (args[i] === '--rows-in') rowsIn = Number(args[i + 1]);
  else if (args[i] === '--repeat') repeat = Math.max(1, Number(args[i + 1]));
  else usage();
}

const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
if (files.length === 0) {
  console.error(`no *.json files in ${dir}`);
  process.exit(1);
}
const bytes = files.reduce((n, f) => n + statSync(join(dir, f)).size, 0);

const glob = join(dir, '*.json').replaceAll("'", "''");
const source = `read_json('${glob}', format = 'newline_delimited', records = true,
    columns = {auction: 'BIGINT', bidder: 'BIGINT', price: 'BIGINT', channel: 'VARCHAR',
               dateTime: 'TIMESTAMP'})`;
// The projection feeds a hash over every projected column, so none of it can be skipped.
const query = `
  SELECT count(*) AS rows_out, sum(hash(auction, bidder, euros, dateTime)) AS checksum
  FROM (SELECT auction, bidder, price * 0.908::DOUBLE AS euros, dateTime
        FROM ${source}
        WHERE price > 1000000 OR channel = 'Google')`;

const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
const connection = await instance.connect();
await connection.run('SET threads = 1');
const threads = (await connection.runAndReadAll("SELECT current_setting('threads')")).getRows()[0][0];
const version = (await connection.runAndReadAll('SELECT version()')).getRows()[0][0];
console.log(`duckdb ${version} (@duckdb/node-api), threads=${threads}`);

if (rowsIn === null || !Number.isFinite(rowsIn)) {
  rowsIn = Number((await connection.runAndReadAll(`SELECT count(*) FROM ${source}`)).getRows()[0][0]);
}

for (let i = 0; i < repeat; ++i) {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const reader = await connection.runAndReadAll(query);
  const t1 = process.hrtime.bigint();
  const cpu = process.cpuUsage(cpu0);
  const [rowsOut] = reader.getRows()[0];
  const seconds = Number(t1 - t0) / 1e9;
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const mib = bytes / (1 << 20);
  console.log(
    `${'duckdb'.padEnd(9)} rows_in ${String(rowsIn).padStart(11)}  rows_out ${String(rowsOut).padStart(11)}  ` +
      `${seconds.toFixed(3).padStart(8)} s  (cpu ${cpuSeconds.toFixed(3).padStart(8)} s)  ` +
      `${(rowsIn / seconds).toFixed(0).padStart(12)} rows/s  ${(mib / seconds).toFixed(1).padStart(8)} MiB/s`,
  );
  console.log(
    `RESULT engine=duckdb rows_in=${rowsIn} rows_out=${rowsOut} bytes=${bytes} ` +
      `seconds=${seconds.toFixed(6)} cpu_seconds=${cpuSeconds.toFixed(6)}`,
  );
}
connection.closeSync();
instance.closeSync();
