// One-off self-check of lib/canon.mjs against independent references: C's printf (through
// /usr/bin/python3's '%.*g', which calls the C library) for fmtF64, and Python's datetime for
// dates. Run: node check_canon.mjs  (prints "canon ok" or the mismatches).
import { execFileSync } from 'child_process';
import { fmtF64, fmtDate, fmtTimestamp, fmtDecimalUnscaled, literalToUnscaled } from './lib/canon.mjs';

let seed = 12345;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const vals = [0.1, 1 / 3, 2 / 3, 1e-5, 1.5e20, 1e21, 123456789.125, 9007199254740993, -2.5e-300,
    5e-324, 1.7976931348623157e308, 0.30000000000000004, 100, -7, 1e15 + 0.5, 3.14159, 1e-7,
    2 ** 53, 2 ** 60, 0.5, 1234567890123456.5];
const buf = new DataView(new ArrayBuffer(8));
for (let i = 0; i < 20000; i++) {
    if (i % 2) {
        buf.setUint32(0, Math.floor(rnd() * 2 ** 32));
        buf.setUint32(4, Math.floor(rnd() * 2 ** 32));
        const v = buf.getFloat64(0);
        if (Number.isFinite(v)) vals.push(v);
    } else {
        const f = Math.fround((rnd() - 0.5) * 10 ** Math.floor(rnd() * 20 - 8));
        vals.push(f);
    }
}
const py = `
import sys, math
for line in sys.stdin:
    v = float.fromhex(line.strip())
    if v == 0: print("0"); continue
    if abs(v) < 9007199254740992.0 and v == math.floor(v): print("%.0f" % v); continue
    for p in (15, 16, 17):
        s = "%.*g" % (p, v)
        if float(s) == v: break
    else:
        s = "%.17g" % v
    print(s)
`;
const hex = (v) => {
    buf.setFloat64(0, v);
    const hi = buf.getUint32(0), lo = buf.getUint32(4);
    const sign = hi >>> 31 ? '-' : '';
    const e = (hi >>> 20) & 0x7ff;
    const mant = ((BigInt(hi & 0xfffff) << 32n) | BigInt(lo)).toString(16).padStart(13, '0');
    return e === 0 ? `${sign}0x0.${mant}p-1022` : `${sign}0x1.${mant}p${e - 1023}`;
};
const out = execFileSync('/usr/bin/python3', ['-c', py], { input: vals.map(hex).join('\n') + '\n' })
    .toString().trim().split('\n');
let bad = 0;
vals.forEach((v, i) => {
    if (fmtF64(v) !== out[i]) {
        if (bad++ < 10) console.log('fmtF64 mismatch', v, fmtF64(v), out[i]);
    }
});
const days = [];
for (let i = 0; i < 5000; i++) days.push(Math.floor(-719162 + rnd() * (2932896 + 719162)));
days.push(-719162, 2932896, 0, -1, 11016);
const pyd = `
import sys, datetime
for line in sys.stdin:
    print((datetime.date(1970,1,1) + datetime.timedelta(days=int(line))).isoformat())
`;
const outd = execFileSync('/usr/bin/python3', ['-c', pyd], { input: days.join('\n') + '\n' })
    .toString().trim().split('\n');
days.forEach((d, i) => {
    if (fmtDate(d) !== outd[i]) {
        if (bad++ < 20) console.log('fmtDate mismatch', d, fmtDate(d), outd[i]);
    }
});
const expect = (got, want) => {
    if (got !== want) {
        bad++;
        console.log('mismatch', got, want);
    }
};
expect(fmtTimestamp(1704141296123456n, 1000000), '2024-01-01 20:34:56.123456');
expect(fmtTimestamp(-1n, 1000), '1969-12-31 23:59:59.999');
expect(fmtTimestamp(9089380393200000000n, 1000000), '290000-12-30 23:00:00');
expect(fmtTimestamp(1500n, 1000000000), '1970-01-01 00:00:00.0000015');
expect(fmtDecimalUnscaled(-5n, 2), '-0.05');
expect(fmtDecimalUnscaled(150n, 2), '1.50');
expect(fmtDecimalUnscaled(12n, 0), '12');
expect(String(literalToUnscaled('-12345.67', 2)), '-1234567');
expect(String(literalToUnscaled('1', 2)), '100');
expect(String(literalToUnscaled('1.005', 2)), 'null');
console.log(bad ? `canon: ${bad} mismatches` : `canon ok (${vals.length} doubles, ${days.length} dates)`);
process.exit(bad ? 1 : 0);
