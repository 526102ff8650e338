// DuckDB side of the benchmark (bench/run.sh): the same counts iaf makes, and the check that both
// agree. DuckDB comes from bench/node_modules (`cd bench && npm ci`).
//
//   node bench/duck.mjs run --format csv|jsonl|parquet --pairs "a,b c,d ..." --out PREFIX
//        [--mode pairs|sets|joint] FILE...
//       pairs (default): one GROUP BY per pair, one after the other in this process, each written
//         with COPY to PREFIX.pairK.csv (K = 1..n; columns a,b,count sorted like iaf's output).
//       sets: one scan, GROUP BY GROUPING SETS over all pairs, to PREFIX.sets.csv.
//       joint: one GROUP BY ALL over the --joint columns (default: the union of the pair columns),
//         to PREFIX.joint.csv, rows in DuckDB's order (iaf's are sorted: more work for iaf).
//       Prints one JSON line with the per-query wall times (inside DuckDB, without the start of
//       node; the results written to the file by COPY) to stderr.
//   node bench/duck.mjs check --pairs "..." --duck PREFIX --iaf PREFIX [--iaf-onescan PREFIX]
//        [--joint a,b,... --iaf-joint FILE]
//       Exits 1 unless, for every pair K, DuckDB's PREFIX.pairK.csv and iaf's PREFIX.pairK.csv hold
//       the same (a, b, count) rows; and, for whichever of these exist: the matching rows of
//       DuckDB's PREFIX.sets.csv, iaf's one-scan tables (--iaf-onescan PREFIX.pairK.csv), iaf's
//       joint table summed over the other columns, and DuckDB's PREFIX.joint.csv against iaf's
//       joint table cell by cell.
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
const opt = { files: [], mode: 'pairs' };
for (let i = 3; i < process.argv.length; i++) {
    const a = process.argv[i];
    const v = () => (i + 1 < process.argv.length ? process.argv[++i] : die(`${a} needs a value`));
    if (a === '--format') opt.format = v();
    else if (a === '--pairs') opt.pairs = v().trim().split(/\s+/).map((p) => p.split(','));
    else if (a === '--out') opt.out = v();
    else if (a === '--joint') opt.joint = v().split(',');
    else if (a === '--mode') opt.mode = v();
    else if (a === '--duck') opt.duck = v();
    else if (a === '--iaf') opt.iaf = v();
    else if (a === '--iaf-onescan') opt.iafOnescan = v();
    else if (a === '--iaf-joint') opt.iafJoint = v();
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
    const cols = [...new Set(opt.joint ?? opt.pairs.flat())].map(id).join(', ');
    const times = [];
    const timed = async (sql) => {
        const t = process.hrtime.bigint();
        await con.run(sql);
        times.push(Number(process.hrtime.bigint() - t) / 1e9);
    };
    if (opt.mode === 'pairs') {
        for (let k = 0; k < opt.pairs.length; k++) {
            const ab = opt.pairs[k].map(id).join(', ');
            await timed(`COPY (SELECT ${ab}, count(*) AS count FROM ${from} GROUP BY ${ab} ORDER BY ${ab})
                TO ${q(`${opt.out}.pair${k + 1}.csv`)} (HEADER, DELIMITER ',')`);
        }
    } else if (opt.mode === 'sets') {
        const sets = opt.pairs.map((p) => `(${p.map(id).join(', ')})`).join(', ');
        await timed(`COPY (SELECT ${cols}, count(*) AS count, GROUPING(${cols}) AS grouping_id
            FROM ${from} GROUP BY GROUPING SETS (${sets}))
            TO ${q(`${opt.out}.sets.csv`)} (HEADER, DELIMITER ',')`);
    } else if (opt.mode === 'joint') {
        await timed(`COPY (SELECT ${cols}, count(*) AS count FROM ${from} GROUP BY ALL)
            TO ${q(`${opt.out}.joint.csv`)} (HEADER, DELIMITER ',')`);
    } else {
        die(`unknown --mode ${opt.mode}`);
    }
    console.error(JSON.stringify({ duckdb_query_seconds: times }));
    process.exit(0);
}

if (cmd === 'check') {
    if (!opt.pairs || !opt.duck || !opt.iaf) die('check needs --pairs, --duck and --iaf');
    // Everything as text: iaf writes missing values as an empty field, DuckDB as an empty field
    // too (COPY's default NULL string), so NULL and '' compare equal on both sides.
    const rd = (f) => `read_csv(${q(f)}, header = true, all_varchar = true, delim = ',', quote = '"')`;
    const keys = (cs) => cs.map((c, i) => `coalesce(${id(c)}, '') AS k${i}`).join(', ');
    // a table of (k0..kn-1, n) from a file: `where` selects rows, `sum` adds up over other columns
    const tab = (f, cs, where = 'true', sum = false) => sum
        ? `(SELECT ${keys(cs)}, sum(CAST(count AS BIGINT)) AS n FROM ${rd(f)} WHERE ${where} GROUP BY ALL)`
        : `(SELECT ${keys(cs)}, CAST(count AS BIGINT) AS n FROM ${rd(f)} WHERE ${where})`;
    let bad = 0;
    const compare = async (label, cs, x, y) => {
        const on = cs.map((_, i) => `x.k${i} = y.k${i}`).join(' AND ');
        const rows = await all(`SELECT x.*, y.* FROM ${x} x FULL OUTER JOIN ${y} y ON ${on}
            WHERE x.n IS DISTINCT FROM y.n LIMIT 5`);
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
    const cols = [...new Set(opt.pairs.flat())];
    const setsFile = `${opt.duck}.sets.csv`, duckJoint = `${opt.duck}.joint.csv`;
    for (let k = 0; k < opt.pairs.length; k++) {
        const p = opt.pairs[k];
        const name = `pair ${k + 1} (${p.join(' x ')})`;
        const duckT = tab(`${opt.duck}.pair${k + 1}.csv`, p);
        await compare(`${name}: iaf count = DuckDB GROUP BY`, p, tab(`${opt.iaf}.pair${k + 1}.csv`, p), duckT);
        if (opt.iafOnescan)
            await compare(`${name}: iaf count, one scan of all pairs = DuckDB GROUP BY`, p,
                tab(`${opt.iafOnescan}.pair${k + 1}.csv`, p), duckT);
        if (fs.existsSync(setsFile)) {
            // GROUPING(c1..cn) sets bit n-1-i when column i is aggregated away (not in the set)
            const mask = cols.reduce((m, c, i) => (p.includes(c) ? m : m | (1 << (cols.length - 1 - i))), 0);
            await compare(`${name}: DuckDB GROUPING SETS = DuckDB GROUP BY`, p,
                tab(setsFile, p, `CAST(grouping_id AS INTEGER) = ${mask}`), duckT);
        }
        if (opt.iafJoint)
            await compare(`${name}: iaf joint table, summed = DuckDB GROUP BY`, p,
                tab(opt.iafJoint, p, 'true', true), duckT);
    }
    const jcols = opt.joint ?? cols;
    if (opt.iafJoint && fs.existsSync(duckJoint))
        await compare(`joint table (${jcols.join(' x ')}): iaf count = DuckDB GROUP BY`, jcols,
            tab(opt.iafJoint, jcols), tab(duckJoint, jcols));
    process.exit(bad ? 1 : 0);
}
die('usage: node bench/duck.mjs run|check|noop ... (see the head of this file)');
