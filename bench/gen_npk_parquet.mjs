// Writes NPK-shaped Parquet files for the benchmarks: bench/gen_npk (C) generates the rows as
// CSV shards, DuckDB converts them the way the real dataset's files are laid out.
//
//   (cd tests/oracles/parquet && npm ci)          # once: installs @duckdb/node-api
//   node bench/gen_npk_parquet.mjs --rows 1000000 --codec snappy,zstd [--out bench/data]
//
// Output: <out>/npk-<rows>-<codec>.parquet (26 columns, age BIGINT, everything else VARCHAR,
// ROW_GROUP_SIZE 122880). The CSV shards are deleted afterwards unless --keep-csv.
import { execFileSync } from 'child_process';
import fs from 'fs';
import { createRequire } from 'module';
import path from 'path';
import { fileURLToPath, pathToFileURL } from 'url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..');
const args = { rows: 1000000, codec: 'snappy,zstd', out: path.join(REPO, 'bench/data'), seed: 1, chunk: 1000000, keepCsv: false };
for (let i = 2; i < process.argv.length; i++) {
    const a = process.argv[i];
    const v = () => process.argv[++i];
    if (a === '--rows') args.rows = Number(v());
    else if (a === '--codec') args.codec = v();
    else if (a === '--out') args.out = path.resolve(v());
    else if (a === '--seed') args.seed = Number(v());
    else if (a === '--chunk') args.chunk = Number(v());
    else if (a === '--keep-csv') args.keepCsv = true;
    else {
        console.error(`usage: node bench/gen_npk_parquet.mjs [--rows N] [--codec snappy,zstd] [--out DIR] [--seed S] [--chunk N] [--keep-csv]`);
        process.exit(2);
    }
}
const codecs = args.codec.split(',');
for (const c of codecs) if (!['snappy', 'zstd', 'gzip', 'uncompressed', 'lz4_raw', 'brotli'].includes(c)) throw new Error(`unknown codec ${c}`);

// @duckdb/node-api lives in the test-oracle tool folder (one npm install for the project)
const require = createRequire(path.join(REPO, 'tests/oracles/parquet/package.json'));
const { DuckDBInstance } = await import(pathToFileURL(require.resolve('@duckdb/node-api')).href);

fs.mkdirSync(args.out, { recursive: true });
const gen = path.join(args.out, 'gen_npk');
const src = path.join(REPO, 'bench/gen_npk.c');
if (!fs.existsSync(gen) || fs.statSync(gen).mtimeMs < fs.statSync(src).mtimeMs)
    execFileSync(process.env.CC ?? 'cc', ['-O2', '-std=c11', '-o', gen, src, '-lm'], { stdio: 'inherit' });

const t0 = Date.now();
const shards = [];
for (let start = 0; start < args.rows; start += args.chunk) {
    const n = Math.min(args.chunk, args.rows - start);
    const f = path.join(args.out, `npk-${args.rows}-part${String(shards.length).padStart(4, '0')}.csv`);
    execFileSync(gen, ['--rows', String(n), '--start', String(start), '--seed', String(args.seed),
        '--src', path.join(REPO, 'bench/data-src'), '-o', f], { stdio: 'inherit' });
    shards.push(f);
}
console.log(`csv: ${shards.length} shard(s), ${(shards.reduce((s, f) => s + fs.statSync(f).size, 0) / 1e9).toFixed(2)} GB in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

const COLUMNS = ['uuid', 'professional_persona', 'sports_persona', 'arts_persona', 'travel_persona',
    'culinary_persona', 'family_persona', 'persona', 'cultural_background', 'skills_and_expertise',
    'skills_and_expertise_list', 'hobbies_and_interests', 'hobbies_and_interests_list',
    'career_goals_and_ambitions', 'sex', 'age', 'marital_status', 'military_status', 'family_type',
    'housing_type', 'education_level', 'bachelors_field', 'occupation', 'district', 'province', 'country'];
const types = '{' + COLUMNS.map((c) => `'${c}': '${c === 'age' ? 'BIGINT' : 'VARCHAR'}'`).join(', ') + '}';
const inst = await DuckDBInstance.create(':memory:');
const con = await inst.connect();
const q = (s) => `'${s.replace(/'/g, "''")}'`;
for (const codec of codecs) {
    const t1 = Date.now();
    const out = path.join(args.out, `npk-${args.rows}-${codec}.parquet`);
    await con.run(`COPY (SELECT * FROM read_csv([${shards.map(q).join(', ')}], header = true,
        columns = ${types}, quote = '"', escape = '"', delim = ',', parallel = true))
        TO ${q(out)} (FORMAT parquet, COMPRESSION ${codec}, ROW_GROUP_SIZE 122880)`);
    const n = (await con.runAndReadAll(`SELECT count(*) FROM read_parquet(${q(out)})`)).getRows()[0][0];
    if (Number(n) !== args.rows) throw new Error(`${out}: ${n} rows, expected ${args.rows}`);
    console.log(`${out}: ${(fs.statSync(out).size / 1e9).toFixed(2)} GB in ${((Date.now() - t1) / 1000).toFixed(1)} s`);
}
if (!args.keepCsv) for (const f of shards) fs.rmSync(f);
