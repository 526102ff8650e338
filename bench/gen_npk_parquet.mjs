// Writes NPK-shaped Parquet files for the benchmarks: bench/gen_npk (C) generates the rows as
// CSV shards of --shard rows, DuckDB converts each shard into one Parquet file per codec, laid
// out like a Hugging Face dataset (one directory, train-KKKKK-of-NNNNN.parquet).
//
//   (cd bench && npm ci)          # once: installs @duckdb/node-api into bench/node_modules
//   node bench/gen_npk_parquet.mjs --rows 7000000 --codec snappy,zstd [--out bench/data]
//        [--shard 1000000] [--csv0 bench/data/npk-1000000.csv] [--threads N] [--keep-csv]
//
// Output: <out>/npk-<rows>-<codec>/train-KKKKK-of-NNNNN.parquet (26 columns, age BIGINT,
// everything else VARCHAR, ROW_GROUP_SIZE 122880). Shard 0 alone is the first --shard rows of the
// dataset, so the 1M-row benchmark reads it directly instead of a second copy.
//
// Speed: DuckDB's CSV reader is the slow part on a small machine (~30 MB/s per core on these long
// quoted Korean fields), so each CSV shard is parsed once into an in-memory table (explicit
// column types, parallel=true) and every codec is written from that table. A shard whose Parquet
// files all exist is skipped; files are written under a temporary name and renamed, so an
// interrupted run resumes where it stopped. --csv0 reuses an existing CSV of the first shard (the
// benchmark's 1M-row CSV) instead of generating it again.
import { execFileSync } from 'child_process';
import fs from 'fs';
import path from 'path';
import { createRequire } from 'module';
import { fileURLToPath, pathToFileURL } from 'url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..');
const args = {
    rows: 1000000, codec: 'snappy,zstd', out: path.join(REPO, 'bench/data'), seed: 1,
    shard: 1000000, csv0: null, keepCsv: false, threads: null, memory: '10GB',
};
const usage = () => {
    console.error('usage: node bench/gen_npk_parquet.mjs [--rows N] [--codec snappy,zstd] [--out DIR] ' +
        '[--seed S] [--shard N] [--csv0 FILE] [--threads N] [--memory-limit 10GB] [--keep-csv]');
    process.exit(2);
};
for (let i = 2; i < process.argv.length; i++) {
    const a = process.argv[i];
    const v = () => (i + 1 < process.argv.length ? process.argv[++i] : usage());
    if (a === '--rows') args.rows = Number(v());
    else if (a === '--codec') args.codec = v();
    else if (a === '--out') args.out = path.resolve(v());
    else if (a === '--seed') args.seed = Number(v());
    else if (a === '--shard' || a === '--chunk') args.shard = Number(v());
    else if (a === '--csv0') args.csv0 = path.resolve(v());
    else if (a === '--threads') args.threads = Number(v());
    else if (a === '--memory-limit') args.memory = v();
    else if (a === '--keep-csv') args.keepCsv = true;
    else usage();
}
if (!(args.rows > 0) || !(args.shard > 0)) usage();
const codecs = args.codec.split(',');
for (const c of codecs)
    if (!['snappy', 'zstd', 'gzip', 'uncompressed', 'lz4_raw', 'brotli'].includes(c)) throw new Error(`unknown codec ${c}`);

// bench/node_modules first (`make bench` installs it); the oracle folder's copy also works
let DuckDBInstance;
for (const base of ['bench/package.json', 'tests/oracles/parquet/package.json']) {
    try {
        const require = createRequire(path.join(REPO, base));
        ({ DuckDBInstance } = await import(pathToFileURL(require.resolve('@duckdb/node-api')).href));
        break;
    } catch { /* try the next one */ }
}
if (!DuckDBInstance) throw new Error('@duckdb/node-api not installed: run (cd bench && npm ci)');

fs.mkdirSync(args.out, { recursive: true });
const gen = path.join(args.out, 'gen_npk');
const src = path.join(REPO, 'bench/gen_npk.c');
if (!fs.existsSync(gen) || fs.statSync(gen).mtimeMs < fs.statSync(src).mtimeMs)
    execFileSync(process.env.CC ?? 'cc', ['-O2', '-std=c11', '-o', gen, src, '-lm'], { stdio: 'inherit' });

const COLUMNS = ['uuid', 'professional_persona', 'sports_persona', 'arts_persona', 'travel_persona',
    'culinary_persona', 'family_persona', 'persona', 'cultural_background', 'skills_and_expertise',
    'skills_and_expertise_list', 'hobbies_and_interests', 'hobbies_and_interests_list',
    'career_goals_and_ambitions', 'sex', 'age', 'marital_status', 'military_status', 'family_type',
    'housing_type', 'education_level', 'bachelors_field', 'occupation', 'district', 'province', 'country'];
const types = '{' + COLUMNS.map((c) => `'${c}': '${c === 'age' ? 'BIGINT' : 'VARCHAR'}'`).join(', ') + '}';
const q = (s) => `'${s.replace(/'/g, "''")}'`;

const nshards = Math.ceil(args.rows / args.shard);
const name = (k) => `train-${String(k).padStart(5, '0')}-of-${String(nshards).padStart(5, '0')}.parquet`;
const dirs = Object.fromEntries(codecs.map((c) => [c, path.join(args.out, `npk-${args.rows}-${c}`)]));
for (const d of Object.values(dirs)) fs.mkdirSync(d, { recursive: true });

const tmpdir = path.join(args.out, 'duckdb-tmp');
const config = { memory_limit: args.memory, temp_directory: tmpdir, preserve_insertion_order: 'true' };
if (args.threads) config.threads = String(args.threads);
const inst = await DuckDBInstance.create(':memory:', config);
const con = await inst.connect();
const rowsOf = async (f) => Number((await con.runAndReadAll(`SELECT count(*) FROM read_parquet(${q(f)})`)).getRows()[0][0]);

const tAll = Date.now();
for (let k = 0; k < nshards; k++) {
    const start = k * args.shard;
    const n = Math.min(args.shard, args.rows - start);
    const todo = codecs.filter((c) => !fs.existsSync(path.join(dirs[c], name(k))));
    if (!todo.length) continue;

    let csv = path.join(args.out, `npk-shard-${start}-${n}.csv`);
    let generated = false;
    if (k === 0 && args.csv0 && fs.existsSync(args.csv0)) csv = args.csv0;
    else if (!fs.existsSync(csv)) {
        const t0 = Date.now();
        execFileSync(gen, ['--rows', String(n), '--start', String(start), '--seed', String(args.seed),
            '--src', path.join(REPO, 'bench/data-src'), '-o', csv + '.tmp'], { stdio: 'inherit' });
        fs.renameSync(csv + '.tmp', csv);
        generated = true;
        console.log(`shard ${k}: csv ${(fs.statSync(csv).size / 1e9).toFixed(2)} GB in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
    let t1 = Date.now();
    await con.run(`CREATE OR REPLACE TABLE shard AS SELECT * FROM read_csv(${q(csv)}, header = true,
        columns = ${types}, quote = '"', escape = '"', delim = ',', parallel = true)`);
    const got = Number((await con.runAndReadAll('SELECT count(*) FROM shard')).getRows()[0][0]);
    if (got !== n) throw new Error(`${csv}: ${got} rows, expected ${n}`);
    console.log(`shard ${k}: csv parsed in ${((Date.now() - t1) / 1000).toFixed(1)} s`);
    for (const codec of todo) {
        t1 = Date.now();
        const out = path.join(dirs[codec], name(k));
        await con.run(`COPY shard TO ${q(out + '.tmp')}
            (FORMAT parquet, COMPRESSION ${codec}, ROW_GROUP_SIZE 122880)`);
        const m = await rowsOf(out + '.tmp');
        if (m !== n) throw new Error(`${out}: ${m} rows, expected ${n}`);
        fs.renameSync(out + '.tmp', out);
        console.log(`shard ${k}: ${out}: ${(fs.statSync(out).size / 1e9).toFixed(2)} GB in ${((Date.now() - t1) / 1000).toFixed(1)} s`);
    }
    await con.run('DROP TABLE shard');
    if (generated && !args.keepCsv) fs.rmSync(csv);
}
fs.rmSync(tmpdir, { recursive: true, force: true });
console.log(`parquet: ${nshards} shard(s) x ${codecs.length} codec(s) done in ${((Date.now() - tAll) / 1000).toFixed(1)} s`);
