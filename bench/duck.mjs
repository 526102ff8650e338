// DuckDB side of the benchmark (bench/run.sh): the same counts iaf makes, and the check that both
// agree. DuckDB comes from bench/node_modules (`cd bench && npm ci`).
//
//   node bench/duck.mjs run --format csv|jsonl|parquet --pairs "a,b c,d ..." --out PREFIX [--sets] FILE...
//       Without --sets: one GROUP BY per pair, one after the other in this process, each written
//       with COPY to PREFIX.pairK.csv (K = 1..n; columns a,b,count sorted like iaf's output).
//       With --sets: one scan, GROUP BY GROUPING SETS over all pairs, to PREFIX.sets.csv.
//       Prints one JSON line with the per-query wall times (inside DuckDB, without the start of
//       node) to stderr.
//   node bench/duck.mjs check --pairs "..." --duck PREFIX --iaf PREFIX [--joint FILE]
//       Exits 1 unless, for every pair K, DuckDB's PREFIX.pairK.csv, the matching rows of
//       PREFIX.sets.csv (if present) and iaf's PREFIX.pairK.csv hold the same (a, b, count) rows,
//       and (with --joint) iaf's one-scan count over the union of the pair columns sums to the
//       same pair counts.
//   node bench/duck.mjs noop
//       Loads DuckDB and runs SELECT 1: the fixed start-up cost (time, memory) of this harness.
//
// FILE may be a glob (quoted), as read_csv / read_json / read_parquet accept one. DuckDB runs with
// its defaults (all cores, default memory limit), like iaf.
import fs from 'fs';
import path from 'path';
import { createRequire } from 'module';
import { fileURLToPath, pathToFileURL } from 'url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(HERE, 'package.json'));
const { DuckDBInstance } = await import(pathToFileURL(require.resolve('@duckdb/node-api')).href);

const die = (msg) => {
    console.error(`duck.mjs: ${msg}`);
    process.exit(2);
};
const cmd = process.argv[2];
const opt = { files: [], sets: false };
for (let i = 3; i < process.argv.length; i++) {
    const a = process.argv[i];
    const v = () => (i + 1 < process.argv.length ? process.argv[++i] : die(`${a} needs a value`));
    if (a === '--format') opt.format = v();
    else if (a === '--pairs') opt.pairs = v().trim().split(/\s+/).map((p) => p.split(','));
    else if (a === '--out') opt.out = v();
    else if (a === '--duck') opt.duck = v();
    else if (a === '--iaf') opt.iaf = v();
    else if (a === '--joint') opt.joint = v();
    else if (a === '--sets') opt.sets = true;
    else if (a.startsWith('--')) die(`unknown option ${a}`);
    else opt.files.push(a);
}

const q = (s) => `'${s.replace(/'/g, "''")}'`;
const id = (s) => `"${s.replace(/"/g, '""')}"`;
const inst = await DuckDBInstance.create(':memory:');
const con = await inst.connect();
const all = async (sql) => (await con.runAndReadAll(sql)).getRows();

if (cmd === 'noop') {
    await all('SELECT 1');
    process.exit(0);
}

if (cmd === 'run') {
    if (!opt.pairs || !opt.out || !opt.files.length) die('run needs --pairs, --out and files');
    const list = `[${opt.files.map(q).join(', ')}]`;
    const from = {
        csv: `read_csv(${list}, header = true)`,
        jsonl: `read_json(${list}, format = 'newline_delimited')`,
        parquet: `read_parquet(${list})`,
    }[opt.format];
    if (!from) die(`unknown --format ${opt.format}`);
    const times = [];
    if (!opt.sets) {
        for (let k = 0; k < opt.pairs.length; k++) {
            const [a, b] = opt.pairs[k].map(id);
            const t = process.hrtime.bigint();
            await con.run(`COPY (SELECT ${a}, ${b}, count(*) AS count FROM ${from}
                GROUP BY ${a}, ${b} ORDER BY ${a}, ${b})
                TO ${q(`${opt.out}.pair${k + 1}.csv`)} (HEADER, DELIMITER ',')`);
            times.push(Number(process.hrtime.bigint() - t) / 1e9);
        }
    } else {
        const cols = [...new Set(opt.pairs.flat())];
        const sets = opt.pairs.map((p) => `(${p.map(id).join(', ')})`).join(', ');
        const t = process.hrtime.bigint();
        await con.run(`COPY (SELECT ${cols.map(id).join(', ')}, count(*) AS count,
            GROUPING(${cols.map(id).join(', ')}) AS grouping_id FROM ${from}
            GROUP BY GROUPING SETS (${sets}))
            TO ${q(`${opt.out}.sets.csv`)} (HEADER, DELIMITER ',')`);
        times.push(Number(process.hrtime.bigint() - t) / 1e9);
    }
    console.error(JSON.stringify({ duckdb_query_seconds: times }));
    process.exit(0);
}

if (cmd === 'check') {
    if (!opt.pairs || !opt.duck || !opt.iaf) die('check needs --pairs, --duck and --iaf');
    // Everything as text: iaf writes missing values as an empty field, DuckDB as an empty
    // field too (COPY's default NULL string), so NULL and '' compare equal on both sides.
    const rd = (f) => `read_csv(${q(f)}, header = true, all_varchar = true, delim = ',', quote = '"')`;
    const tab = (f, a, b) =>
        `(SELECT coalesce(${id(a)}, '') AS a, coalesce(${id(b)}, '') AS b, CAST(count AS BIGINT) AS n FROM ${rd(f)})`;
    let bad = 0;
    const compare = async (label, x, y) => {
        const rows = await all(`SELECT x.a, x.b, x.n, y.a, y.b, y.n FROM ${x} x FULL OUTER JOIN ${y} y
            ON x.a = y.a AND x.b = y.b WHERE x.n IS DISTINCT FROM y.n LIMIT 5`);
        const [[nx, sx]] = await all(`SELECT count(*), coalesce(sum(n), 0) FROM ${x}`);
        const [[ny, sy]] = await all(`SELECT count(*), coalesce(sum(n), 0) FROM ${y}`);
        if (rows.length || nx !== ny || sx !== sy || Number(nx) === 0) {
            bad++;
            console.error(`MISMATCH ${label}: ${nx} cells / ${sx} rows vs ${ny} cells / ${sy} rows`);
            for (const r of rows) console.error('   ', JSON.stringify(r.map(String)));
        } else {
            console.error(`ok ${label}: ${nx} cells, ${sx} rows`);
        }
    };
    const setsFile = `${opt.duck}.sets.csv`;
    const cols = [...new Set(opt.pairs.flat())];
    for (let k = 0; k < opt.pairs.length; k++) {
        const [a, b] = opt.pairs[k];
        const iafT = tab(`${opt.iaf}.pair${k + 1}.csv`, a, b);
        await compare(`pair ${k + 1} (${a} x ${b}): DuckDB GROUP BY = iaf count`, tab(`${opt.duck}.pair${k + 1}.csv`, a, b), iafT);
        if (fs.existsSync(setsFile)) {
            // GROUPING(c1..cn) sets bit n-1-i when column i is aggregated away (not in the set)
            const mask = cols.reduce((m, c, i) => (c === a || c === b ? m : m | (1 << (cols.length - 1 - i))), 0);
            const sel = `(SELECT coalesce(${id(a)}, '') AS a, coalesce(${id(b)}, '') AS b, CAST(count AS BIGINT) AS n
                FROM ${rd(setsFile)} WHERE CAST(grouping_id AS INTEGER) = ${mask})`;
            await compare(`pair ${k + 1} (${a} x ${b}): DuckDB GROUPING SETS = iaf count`, sel, iafT);
        }
        if (opt.joint) {
            const marg = `(SELECT coalesce(${id(a)}, '') AS a, coalesce(${id(b)}, '') AS b, sum(CAST(count AS BIGINT)) AS n
                FROM ${rd(opt.joint)} GROUP BY ALL)`;
            await compare(`pair ${k + 1} (${a} x ${b}): iaf one-scan count, summed = DuckDB GROUP BY`, marg,
                tab(`${opt.duck}.pair${k + 1}.csv`, a, b));
        }
    }
    process.exit(bad ? 1 : 0);
}
die('usage: node bench/duck.mjs run|check|noop ... (see the head of this file)');
