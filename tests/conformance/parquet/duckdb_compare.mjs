// Compares Sluice's reading of Parquet files with DuckDB's (the independent oracle of
// ../shared/testdata/README.md), row by row, in the normalized JSON rendering of parquet_dump.cc.
//
//   node duckdb_compare.mjs --dump PATH/parquet_dump [--write-samples DIR] DIR_OR_FILE...
//
// --write-samples DIR first writes files with Sluice's writer into DIR (parquet_dump
// --write-samples) and compares them too: what Sluice writes must read identically in DuckDB.
//
// For every *.parquet under the given folders (encrypted files are out of scope): Sluice's rows
// (parquet_dump) and DuckDB's rows must be equal (numbers within 1e-6 relative, NaN/Infinity as
// null). Exits 0 when all agree, 1 otherwise, and 77 (ctest SKIP_RETURN_CODE) with a message when
// @duckdb/node-api is not installed (scripts/install-deps.sh --conformance installs it).
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, readdirSync, statSync } from 'node:fs';
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
const di = args.indexOf('--dump');
if (di < 0 || di + 1 >= args.length) {
  console.error('usage: node duckdb_compare.mjs --dump PATH DIR_OR_FILE...');
  process.exit(2);
}
const dump = args[di + 1];
const skipIdx = new Set([di, di + 1]);
const wi = args.indexOf('--write-samples');
const targets = [];
if (wi >= 0) {
  execFileSync(dump, ['--write-samples', args[wi + 1]]);
  skipIdx.add(wi);
}
targets.push(...args.filter((_, i) => !skipIdx.has(i)));

// Files where DuckDB and Spark semantics differ on purpose (Sluice follows Spark):
const KNOWN = {
  'int96_from_spark.parquet': 'DuckDB overflows INT96 year 290000 into 64-bit nanoseconds; Sluice keeps microseconds as Spark does',
  'nested_structs.rust.parquet': 'a TIMESTAMP inside a STRUCT: DuckDB to_json renders text, parquet_dump renders microseconds (values agree)',
  'geospatial/': 'GEOMETRY/GEOGRAPHY columns: DuckDB decodes WKB to WKT, Sluice returns the WKB bytes as Spark does',
};
function known(file) {
  for (const [k, why] of Object.entries(KNOWN)) if (file.includes(k)) return why;
  return null;
}

function collect(p, out) {
  if (statSync(p).isDirectory()) {
    for (const f of readdirSync(p).sort()) collect(join(p, f), out);
  } else if (p.endsWith('.parquet')) {
    out.push(p);
  }
}
const files = [];
for (const t of targets) if (existsSync(t)) collect(resolve(t), files);

const instance = await duckdb.DuckDBInstance.create(':memory:', { threads: '1' });
const con = await instance.connect();

function sqlString(s) { return "'" + s.replaceAll("'", "''") + "'"; }
function ident(s) { return '"' + s.replaceAll('"', '""') + '"'; }

async function duckRows(file) {
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
  return res.getRowObjectsJS().map((r) => r.j);
}

function same(a, b) {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') {
    return Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));
  }
  if (typeof a === 'number' && typeof b === 'string') return same(a, Number(b));
  if (typeof a === 'string' && typeof b === 'number') return same(Number(a), b);
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a), kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  if (Array.isArray(a)) return a.every((x, i) => same(x, b[i]));
  return ka.every((k) => k in b && same(a[k], b[k]));
}

let failures = 0;
const table = [];
for (const file of files) {
  const name = file.slice(file.indexOf('parquet-testing') >= 0 ? file.indexOf('parquet-testing') : 0);
  let duck;
  try {
    duck = await duckRows(file);
  } catch (e) {
    table.push([name, 'skip', `DuckDB cannot read it: ${String(e.message).split('\n')[0]}`]);
    continue;
  }
  let ours;
  try {
    ours = execFileSync(dump, [file], { maxBuffer: 1 << 30, encoding: 'utf8' }).split('\n').filter((l) => l);
  } catch (e) {
    failures++;
    table.push([name, 'FAIL', `Sluice: ${String(e.stdout || e.message).split('\n')[0]}`]);
    continue;
  }
  let why = '';
  if (ours.length !== duck.length) why = `rows: Sluice ${ours.length}, DuckDB ${duck.length}`;
  for (let i = 0; !why && i < ours.length; i++) {
    const a = JSON.parse(ours[i]), b = JSON.parse(duck[i]);
    if (!same(a, b)) why = `row ${i}: Sluice ${ours[i].slice(0, 200)} | DuckDB ${duck[i].slice(0, 200)}`;
  }
  if (why && known(file)) {
    table.push([name, 'diff', `known difference: ${known(file)}`]);
    continue;
  }
  if (why) failures++;
  table.push([name, why ? 'FAIL' : 'ok', why]);
}
for (const [n, s, w] of table) console.log(`${s.padEnd(4)} ${n}${w ? '  ' + w : ''}`);
console.log(`${table.filter((r) => r[1] === 'ok').length} agree, ${failures} differ, ` +
            `${table.filter((r) => r[1] === 'diff').length} known differences, ` +
            `${table.filter((r) => r[1] === 'skip').length} skipped (of ${files.length})`);
process.exit(failures ? 1 : 0);
