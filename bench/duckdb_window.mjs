// DuckDB side of the windowed-aggregation benchmark: the same generated events (key = i % K,
// event time = i DIV rate seconds) aggregated per key and 10 s window (tumbling, and sliding by 2 s
// via the five windows each event belongs to), as a batch query with one thread.
//
//   node bench/duckdb_window.mjs [--events N] [--keys K,K,...] [--rate R] [--key-type long|string]
//
// --key-type string: a VARCHAR key ('event_' || i % K) with count, sum, avg and max of i % 1000, as
// bench_window_aggregation --key-type string.
import { DuckDBInstance } from '@duckdb/node-api';

const args = process.argv.slice(2);
let events = 20000000, rate = 100000, keys = [1000, 100000, 1000000], keyType = 'long';
for (let i = 0; i + 1 < args.length; i += 2) {
  if (args[i] === '--events') events = Number(args[i + 1]);
  else if (args[i] === '--rate') rate = Number(args[i + 1]);
  else if (args[i] === '--keys') keys = args[i + 1].split(',').map(Number);
  else if (args[i] === '--key-type') keyType = args[i + 1];
}
const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
const connection = await instance.connect();
for (const sliding of [false, true]) {
  for (const k of keys) {
    const key = keyType === 'string' ? `'event_' || CAST(i % ${k} AS VARCHAR)` : `i % ${k}`;
    const input = `SELECT ${key} AS key, i % 1000 AS a, (i // ${rate}) AS s FROM range(${events}) t(i)`;
    const w = sliding
      ? `FROM (${input}), range(5) o(j)
         WHERE ((s // 2) * 2 - j * 2) > s - 10
         GROUP BY key, (s // 2) * 2 - j * 2`
      : `FROM (${input})
         GROUP BY key, s // 10`;
    // Every aggregate is used by the outer query, so none is pruned.
    const sql = keyType === 'string'
      ? `SELECT count(*) AS groups, sum(n) AS total, sum(t), sum(m), max(x)
         FROM (SELECT count(*) AS n, sum(a) AS t, avg(a) AS m, max(a) AS x ${w})`
      : `SELECT count(*) AS groups, sum(n) AS total FROM (SELECT count(*) AS n ${w})`;
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const reader = await connection.runAndReadAll(sql);
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    const cu = process.cpuUsage(c0);
    const cpu = (cu.user + cu.system) / 1e6;
    const row = reader.getRows()[0];
    console.log(`RESULT engine=duckdb window=${sliding ? 'sliding10s/2s' : 'tumbling10s'} keys=${k} key_type=${keyType} ` +
      `events=${events} seconds=${secs.toFixed(3)} cpu_seconds=${cpu.toFixed(3)} ` +
      `events_per_cpu_second=${Math.round(events / cpu)} groups=${row[0]}`);
  }
}
