// DuckDB side of the join benchmark: the same generated data as bench/join_benchmark.cc, joined
// as batch queries with one thread.
//   impressions: ad = v, imp_ts = v / R s; clicks: ad = 2v, click_ts = imp_ts(2v) + ((2v * 7919) % 600) s
//   1. impressions JOIN clicks ON ad AND click_ts BETWEEN imp_ts AND imp_ts + 10 minutes
//   2. events (key = (v * 31) % 10000) JOIN a 10000-row dimension ON key
//
//   node bench/duckdb_join.mjs [--events N] [--rate R] [--lookup-events N]
import { DuckDBInstance } from '@duckdb/node-api';

const args = process.argv.slice(2);
let events = 3000000, rate = 200, lookupEvents = 10000000;
for (let i = 0; i + 1 < args.length; i += 2) {
  if (args[i] === '--events') events = Number(args[i + 1]);
  else if (args[i] === '--rate') rate = Number(args[i + 1]);
  else if (args[i] === '--lookup-events') lookupEvents = Number(args[i + 1]);
}
// Impressions and clicks in the proportion the streaming run reads them (2 : 1).
const impressions = Math.ceil(events * 2 / 3);
const clicks = events - impressions;
const msPerAd = 1000 / rate;
const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
const connection = await instance.connect();

async function timed(name, sql, n, extra) {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const reader = await connection.runAndReadAll(sql);
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const cu = process.cpuUsage(c0);
  const cpu = (cu.user + cu.system) / 1e6;
  const rows = reader.getRows()[0][0];
  console.log(`RESULT engine=duckdb join=${name} events=${n} output_rows=${rows} seconds=${secs.toFixed(3)} ` +
    `cpu_seconds=${cpu.toFixed(3)} events_per_cpu_second=${Math.round(n / cpu)}${extra}`);
}

await timed('impressions_clicks_10min', `
  WITH imps AS (SELECT i AS imp_ad, make_timestamp(i * ${msPerAd} * 1000) AS imp_ts FROM range(${impressions}) t(i)),
       clicks AS (SELECT 2 * i AS click_ad,
                         make_timestamp((2 * i * ${msPerAd} + ((2 * i * 7919) % 600) * 1000) * 1000) AS click_ts
                  FROM range(${clicks}) t(i))
  SELECT count(*) FROM imps JOIN clicks
    ON click_ad = imp_ad AND click_ts BETWEEN imp_ts AND imp_ts + INTERVAL 10 MINUTES`,
  impressions + clicks, ' (batch: whole input at once)');

await timed('stream_static_lookup_10k', `
  WITH dim AS (SELECT id AS key, 'name-' || CAST(id AS VARCHAR) AS name FROM range(10000) t(id)),
       ev AS (SELECT v AS value, (v * 31) % 10000 AS key FROM range(${lookupEvents}) t(v))
  SELECT count(*) FROM (SELECT ev.value, dim.name FROM ev JOIN dim USING (key))`,
  lookupEvents, '');
