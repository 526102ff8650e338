// DuckDB for the engine tests (tests/cli/scale_duckdb.sh, docs/scale.md), from
// tests/engines/node_modules (`npm ci` here; scripts/install-deps.sh does it).
//
//   node duck_run.mjs script FILE.sql
//       Runs every statement of FILE (the plan.sql of `iaf plan --sql duckdb`).
//   node duck_run.mjs select FILE.sql OUT csv|parquet|spark
//       Runs the SELECT of FILE (a cube-NN.sql) and writes its result to OUT: a CSV file with
//       a header, a Parquet file, or a directory laid out as Spark writes one (two
//       part-0000K-*.snappy.parquet files, _SUCCESS and .crc files beside them).
//
// Runs in the working directory the plan was made in (its paths are relative to it).
// With DUCK_TIME_FILE set, `script` writes there the seconds DuckDB spent inside the plan's
// statements (each a COPY that writes its result to a file), without node's start-up or
// DuckDB's: what bench/scale.sh compares.
import fs from 'fs';
import path from 'path';
import { createRequire } from 'module';
import { fileURLToPath, pathToFileURL } from 'url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(HERE, 'package.json'));
const { DuckDBInstance } = await import(pathToFileURL(require.resolve('@duckdb/node-api')).href);

const die = (msg) => {
    console.error(`duck_run.mjs: ${msg}`);
    process.exit(2);
};
const [cmd, file, out, fmt] = process.argv.slice(2);
if (!cmd || !file) die('usage: node duck_run.mjs script FILE.sql | select FILE.sql OUT FORMAT');
const sql = fs.readFileSync(file, 'utf8');
const q = (s) => `'${s.replace(/'/g, "''")}'`;
const inst = await DuckDBInstance.create(':memory:');
const con = await inst.connect();
try {
    if (cmd === 'script') {
        const t = process.hrtime.bigint();
        await con.run(sql);
        const secs = Number(process.hrtime.bigint() - t) / 1e9;
        if (process.env.DUCK_TIME_FILE) fs.writeFileSync(process.env.DUCK_TIME_FILE, `${secs}\n`);
    } else if (cmd === 'select') {
        const sel = sql.replace(/^--.*\n/gm, '').trim().replace(/;$/, '');
        if (fmt === 'csv') {
            await con.run(`COPY (${sel}) TO ${q(out)} (FORMAT csv, HEADER true)`);
        } else if (fmt === 'parquet') {
            await con.run(`COPY (${sel}) TO ${q(out)} (FORMAT parquet)`);
        } else if (fmt === 'spark') {
            fs.mkdirSync(out, { recursive: true });
            await con.run(`CREATE TEMP TABLE r AS SELECT *, row_number() OVER () % 2 AS iaf_part FROM (${sel})`);
            for (const k of [0, 1]) {
                const name = `part-0000${k}-1b2c3d4e-0000-4000-8000-000000000000-c000.snappy.parquet`;
                await con.run(`COPY (SELECT * EXCLUDE (iaf_part) FROM r WHERE iaf_part = ${k})
                    TO ${q(path.join(out, name))} (FORMAT parquet, COMPRESSION snappy)`);
                fs.writeFileSync(path.join(out, `.${name}.crc`), 'crc');
            }
            fs.writeFileSync(path.join(out, '_SUCCESS'), '');
        } else {
            die(`unknown format ${fmt}`);
        }
    } else {
        die(`unknown command ${cmd}`);
    }
} catch (e) {
    die(String(e.message ?? e));
}
