// A Parquet file with two top-level columns of the same name (`column`, `column_1`, `column`),
// as some writers produce. DuckDB renames a repeated name when it writes, so the file is written
// with a third name of the same length (`columq`) and the name is patched in the footer.
//
//   cd tests/oracles/parquet && npm ci && node dup_names.mjs
//
// Output: tests/data/parquet/interop/dup-names.parquet (one row: 'a', 'b', 'c'), read by
// tests/cli/parquet_interop.sh.
import { DuckDBInstance } from '@duckdb/node-api';
import fs from 'fs';
import path from 'path';
import { fileURLToPath } from 'url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const file = path.resolve(HERE, '../../data/parquet/interop/dup-names.parquet');
const inst = await DuckDBInstance.create(':memory:');
const con = await inst.connect();
await con.run(`COPY (SELECT 'a' AS "column", 'b' AS column_1, 'c' AS columq)
    TO '${file}.tmp' (FORMAT parquet, COMPRESSION uncompressed)`);
const buf = fs.readFileSync(`${file}.tmp`);
fs.unlinkSync(`${file}.tmp`);
const from = Buffer.from('columq'), to = Buffer.from('column');
let n = 0;
for (let i = buf.indexOf(from); i >= 0; i = buf.indexOf(from, i + 1)) {
    to.copy(buf, i);
    n++;
}
if (n !== 2) throw new Error(`expected the name twice in the footer (schema, chunk path), found ${n}`);
fs.writeFileSync(file, buf);
const r = await (await con.runAndReadAll(`SELECT name FROM parquet_schema('${file}')`)).getRows();
console.log('dup-names.parquet schema:', r.map((x) => x[0]).join(', '));
