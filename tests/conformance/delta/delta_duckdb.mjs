// Compares the Delta tables Sluice writes with what DuckDB reads from the same files: an
// independent oracle for Sluice's Delta writer (data files, partition values, log, checkpoint).
//
//   node delta_duckdb.mjs --dump PATH/delta_dump --dir DIR
//
// `delta_dump --write DIR` first writes the tables with Sluice. Then, for every table, this script
// replays the `_delta_log` itself (the checkpoint named by `_last_checkpoint`, read with DuckDB's
// read_parquet, then the JSON commits after it), reads every live data file with DuckDB's
// read_parquet (the DuckDB delta extension needs a download, so it is not used), adds the partition
// columns from the add actions' partitionValues, and compares the rows, as a multiset, with
// Sluice's Delta reader (`delta_dump TABLE`). For tables with delta.enableChangeDataFeed it also
// derives the change data feed from the log itself (per commit: cdc files if any, else the rows of
// adds with dataChange as inserts and of removes with dataChange as deletes, with the commit's
// version and commitInfo.timestamp) and compares it with Sluice's readChangeFeed
// (`delta_dump --changes TABLE`). Exits 0 when all agree, 1 otherwise, 77 (ctest
// SKIP_RETURN_CODE) when @duckdb/node-api is not installed.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');
let duckdb = null;
for (const base of [join(root, 'tests/conformance'), join(root, 'bench'), here]) {
  try {
    duckdb = createRequire(join(base, 'noop.js'))('@duckdb/node-api');
    break;
  } catch (e) { /* try the next location */ }
}
if (!duckdb) {
  console.log('SKIP: @duckdb/node-api is not installed (run scripts/install-deps.sh --conformance)');
  process.exit(77);
}

const args = process.argv.slice(2);
const arg = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : null; };
const dump = arg('--dump');
const dir = arg('--dir');
if (!dump || !dir) {
  console.error('usage: node delta_duckdb.mjs --dump PATH/delta_dump --dir DIR');
  process.exit(2);
}
rmSync(dir, { recursive: true, force: true });
execFileSync(dump, ['--write', dir]);

const instance = await duckdb.DuckDBInstance.create(':memory:', { threads: '1' });
const con = await instance.connect();
const sqlString = (s) => "'" + s.replaceAll("'", "''") + "'";
const ident = (s) => '"' + s.replaceAll('"', '""') + '"';

// ---- independent log replay ----
async function replay(table) {
  const log = join(table, '_delta_log');
  let start = 0;
  const live = new Map();  // path -> partitionValues
  let metaData = null;
  if (existsSync(join(log, '_last_checkpoint'))) {
    const v = JSON.parse(readFileSync(join(log, '_last_checkpoint'), 'utf8')).version;
    const cp = join(log, String(v).padStart(20, '0') + '.checkpoint.parquet');
    const res = await con.runAndReadAll(
      `SELECT to_json(add)::VARCHAR AS a, to_json(metaData)::VARCHAR AS m FROM read_parquet(${sqlString(cp)})`);
    for (const r of res.getRowObjectsJS()) {
      const a = JSON.parse(r.a);
      if (a && a.path) {
        // DuckDB renders a MAP as an object in to_json.
        live.set(a.path, a.partitionValues || {});
      }
      const m = JSON.parse(r.m);
      if (m && m.schemaString) metaData = m;
    }
    start = v + 1;
  }
  const commits = readdirSync(log).filter((f) => /^\d{20}\.json$/.test(f)).sort();
  for (const f of commits) {
    if (Number(f.slice(0, 20)) < start) continue;
    for (const line of readFileSync(join(log, f), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const a = JSON.parse(line);
      if (a.metaData) metaData = a.metaData;
      if (a.remove) live.delete(a.remove.path);
      if (a.add) live.set(a.add.path, a.add.partitionValues || {});
    }
  }
  return { live, metaData };
}

// ---- DuckDB rows of one data file, in parquet_dump's normalized rendering ----
async function fileRows(file) {
  const src = `read_parquet(${sqlString(file)}, binary_as_string=false)`;
  const desc = await con.runAndReadAll(`DESCRIBE SELECT * FROM ${src}`);
  const cols = desc.getRowObjectsJS().map((r) => ({ name: r.column_name, type: r.column_type }));
  const proj = cols.map(({ name, type }) => {
    const c = ident(name);
    let e = c;
    if (type === 'DATE') e = `(${c} - DATE '1970-01-01')`;
    else if (type.startsWith('TIMESTAMP')) e = `epoch_us(${c})`;
    else if (type === 'BLOB') e = `hex(${c})`;
    else if (type === 'FLOAT' || type === 'DOUBLE') e = `CASE WHEN isnan(${c}) OR isinf(${c}) THEN NULL ELSE ${c} END`;
    return `${e} AS ${c}`;
  });
  const res = await con.runAndReadAll(`SELECT to_json(t)::VARCHAR AS j FROM (SELECT ${proj.join(', ')} FROM ${src}) t`);
  return res.getRowObjectsJS().map((r) => JSON.parse(r.j));
}

// Partition value text -> normalized value of the column's Delta type.
function partitionValue(text, type) {
  if (text === null || text === undefined) return null;
  switch (type) {
    case 'byte': case 'short': case 'integer': case 'long': case 'float': case 'double': return Number(text);
    case 'boolean': return text === 'true';
    case 'date': return Math.round(Date.parse(text + 'T00:00:00Z') / 86400000);
    case 'timestamp': return Date.parse(text) * 1000 + Number((text.match(/\.\d{3}(\d{3})/) || [0, 0])[1]);
    default:
      if (typeof type === 'string' && type.startsWith('decimal')) return Number(text);
      return text;
  }
}

function canon(v) {
  if (typeof v === 'number') return Number(v.toPrecision(10));
  if (Array.isArray(v)) return v.map(canon);
  if (v && typeof v === 'object') {
    const o = {};
    for (const k of Object.keys(v).sort()) o[k] = canon(v[k]);
    return o;
  }
  return v;
}

// Rows of one file (data or change data) with the table's columns; partition columns from `pv`.
async function tableRows(table, path, pv, schema, partitionCols, extra) {
  const out = [];
  for (const row of await fileRows(join(table, decodeURIComponent(path)))) {
    const full = {};
    for (const f of schema.fields) {
      if (partitionCols.includes(f.name)) full[f.name] = partitionValue(pv[f.name], f.type);
      else full[f.name] = f.name in row ? row[f.name] : null;
    }
    out.push({ ...full, ...extra(row) });
  }
  return out;
}

// The change data feed from version 0, derived from the JSON commits alone.
async function expectedChanges(table, schema, partitionCols) {
  const log = join(table, '_delta_log');
  const rows = [];
  for (const f of readdirSync(log).filter((n) => /^\d{20}\.json$/.test(n)).sort()) {
    const version = Number(f.slice(0, 20));
    const actions = readFileSync(join(log, f), 'utf8').split('\n').filter((l) => l.trim())
      .map((l) => JSON.parse(l));
    const info = actions.find((a) => a.commitInfo);
    const ts = info.commitInfo.timestamp * 1000;
    const meta = { _commit_version: version, _commit_timestamp: ts };
    const cdc = actions.filter((a) => a.cdc).map((a) => a.cdc);
    if (cdc.length) {
      for (const c of cdc) {
        rows.push(...await tableRows(table, c.path, c.partitionValues || {}, schema, partitionCols,
          (r) => ({ _change_type: r._change_type, ...meta })));
      }
      continue;
    }
    for (const a of actions) {
      const act = a.add || a.remove;
      if (!act || act.dataChange === false) continue;
      const type = a.add ? 'insert' : 'delete';
      rows.push(...await tableRows(table, act.path, act.partitionValues || {}, schema, partitionCols,
        () => ({ _change_type: type, ...meta })));
    }
  }
  return rows;
}

function compare(ours, duck) {
  duck.sort();
  ours.sort();
  if (ours.length !== duck.length) return `rows: Sluice ${ours.length}, DuckDB ${duck.length}`;
  for (let i = 0; i < ours.length; i++) {
    if (ours[i] !== duck[i]) return `row ${i}: Sluice ${ours[i].slice(0, 300)} | DuckDB ${duck[i].slice(0, 300)}`;
  }
  return '';
}

let failures = 0;
for (const name of readdirSync(dir).sort()) {
  const table = join(dir, name);
  const { live, metaData } = await replay(table);
  const schema = JSON.parse(metaData.schemaString);
  const partitionCols = metaData.partitionColumns || [];
  const duck = [];
  for (const [path, pv] of live) {
    const file = join(table, decodeURIComponent(path));
    for (const row of await fileRows(file)) {
      const full = {};
      for (const f of schema.fields) {
        if (partitionCols.includes(f.name)) full[f.name] = partitionValue(pv[f.name], f.type);
        else full[f.name] = f.name in row ? row[f.name] : null;
      }
      duck.push(JSON.stringify(canon(full)));
    }
  }
  let ours;
  try {
    ours = execFileSync(dump, [table], { maxBuffer: 1 << 30, encoding: 'utf8' })
      .split('\n').filter((l) => l).map((l) => JSON.stringify(canon(JSON.parse(l))));
  } catch (e) {
    failures++;
    console.log(`FAIL ${name}: Sluice: ${String(e.stdout || e.message).split('\n')[0]}`);
    continue;
  }
  duck.sort();
  ours.sort();
  let why = '';
  if (ours.length !== duck.length) why = `rows: Sluice ${ours.length}, DuckDB ${duck.length}`;
  for (let i = 0; !why && i < ours.length; i++) {
    if (ours[i] !== duck[i]) why = `row ${i}: Sluice ${ours[i].slice(0, 300)} | DuckDB ${duck[i].slice(0, 300)}`;
  }
  if (why) failures++;
  console.log(`${why ? 'FAIL' : 'ok  '} ${name} (${live.size} live files, ${ours.length} rows)${why ? '  ' + why : ''}`);

  if ((metaData.configuration || {})['delta.enableChangeDataFeed'] !== 'true') continue;
  const expected = (await expectedChanges(table, schema, partitionCols))
    .map((r) => JSON.stringify(canon(r)));
  let changes;
  try {
    changes = execFileSync(dump, ['--changes', table], { maxBuffer: 1 << 30, encoding: 'utf8' })
      .split('\n').filter((l) => l).map((l) => JSON.stringify(canon(JSON.parse(l))));
  } catch (e) {
    failures++;
    console.log(`FAIL ${name} change feed: Sluice: ${String(e.stdout || e.message).split('\n')[0]}`);
    continue;
  }
  const whyChanges = compare(changes, expected);
  if (whyChanges) failures++;
  console.log(`${whyChanges ? 'FAIL' : 'ok  '} ${name} change feed (${changes.length} rows)` +
              `${whyChanges ? '  ' + whyChanges : ''}`);
}
process.exit(failures ? 1 : 0);
