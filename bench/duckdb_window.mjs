// DuckDB side of the windowed-aggregation benchmark: the same generated events (key = i % K,
// event time = i DIV rate seconds) aggregated per key and 10 s window (tumbling, and sliding by 2 s
// via the five windows each event belongs to), as a batch query with one thread.
//
//   node bench/duckdb_window.mjs [--events N] [--keys K,K,...] [--rate R]
import { DuckDBInstance } from '@duckdb/node-api';

const args = process.argv.slice(2);
let events = 20000000, rate = 100000, keys = [1000, 100000, 1000000];
for (let i = 0; i + 1 < args.length; i += 2) {
  if (args[i] === '--events') events = Number(args[i + 1]);
  else if (args[i] === '--rate') rate = Number(args[i + 1]);
  else if (args[i] === '--keys') keys = args[i + 1].split(',').map(Number);
}
const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
const connection = await instance.connect();
for (const sliding of [false, true]) {
  for (const k of keys) {
    const w = sliding
      ? `FROM (SELECT i % ${k} AS key, (i // ${rate}) AS s FROM range(${events}) t(i)), range(5) o(j)
         WHERE ((s // 2) * 2 - j * 2) > s - 10
         GROUP BY key, (s // 2) * 2 - j * 2`
      : `FROM (SELECT i % ${k} AS key, (i // ${rate}) AS s FROM range(${events}) t(i))
         GROUP BY key, s // 10`;
    const sql = `SELECT count(*) AS groups, sum(n) AS total FROM (SELECT count(*) AS n ${w})`;
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const reader = await connection.runAndReadAll(sql);
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    const cu = process.cpuUsage(c0);
    const cpu = (cu.user + cu.system) / 1e6;
    const row = reader.getRows()[0];
    console.log(`RESULT engine=duckdb window=${sliding ? 'sliding10s/2s' : 'tumbling10s'} keys=${k} ` +
      `events=${events} seconds=${secs.toFixed(3)} cpu_seconds=${cpu.toFixed(3)} ` +
      `events_per_cpu_second=${Math.round(events / cpu)} groups=${row[0]}`);
  }
}
