// Canonical text of Parquet values, following the value rules at the top of docs/parquet.md.
// The conformance oracles (tests/data/parquet/**/*.oracle.jsonl) are written with these
// functions; they are an independent re-implementation in JavaScript, not a port of the C reader.

// --- doubles: the iaf_fmt_f64 rule (src/util/util.c) -------------------------------------------
// NaN / Infinity / -Infinity; zero (either sign) is "0"; integral values below 2^53 in magnitude
// as plain integers; otherwise the first of C's "%.15g", "%.16g", "%.17g" that reads back as the
// same double.

// Exact decimal expansion of a finite double: [digits (BigInt >= 0), exp10] with
// |v| == digits * 10^exp10.
function exactDecimal(v) {
    const dv = new DataView(new ArrayBuffer(8));
    dv.setFloat64(0, Math.abs(v));
    const hi = dv.getUint32(0), lo = dv.getUint32(4);
    const be = (hi >>> 20) & 0x7ff;
    let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
    let e2;
    if (be === 0) e2 = -1074;
    else {
        mant |= 1n << 52n;
        e2 = be - 1075;
    }
    if (e2 >= 0) return [mant << BigInt(e2), 0];
    return [mant * 5n ** BigInt(-e2), e2];
}

// C's "%.<p>g" for a finite non-zero double. Rounds the exact binary value half-to-even, as
// glibc's printf does (JS toPrecision rounds ties away from zero, and ties are common among
// widened floats, e.g. 984.41363525390625 at 16 digits).
export function cfmtG(v, p) {
    let [digits, e10] = exactDecimal(v);
    let ds = digits.toString();
    // round to p significant digits
    if (ds.length > p) {
        const keep = BigInt(ds.slice(0, p));
        const rest = ds.slice(p);
        const half = '5' + '0'.repeat(rest.length - 1);
        let up = rest > half || (rest === half && keep % 2n === 1n);
        const k = up ? keep + 1n : keep;
        e10 += ds.length - p;
        ds = k.toString();
        if (ds.length > p) {
            ds = ds.slice(0, p);
            e10 += 1;
        }
    }
    // value = ds * 10^e10, ds has <= p digits; x = decimal exponent of the leading digit
    const x = ds.length - 1 + e10;
    const sign = v < 0 ? '-' : '';
    ds = ds.replace(/0+$/, '') || '0';
    if (x >= -4 && x < p) {
        // fixed notation: ds * 10^(x - ds.length + 1)
        const pointAfter = x + 1; // digits before the decimal point
        let s;
        if (pointAfter <= 0) s = '0.' + '0'.repeat(-pointAfter) + ds;
        else if (pointAfter >= ds.length) s = ds + '0'.repeat(pointAfter - ds.length);
        else s = ds.slice(0, pointAfter) + '.' + ds.slice(pointAfter);
        return sign + s;
    }
    const mant = ds.length > 1 ? ds[0] + '.' + ds.slice(1) : ds;
    const ax = Math.abs(x);
    return sign + mant + 'e' + (x < 0 ? '-' : '+') + (ax < 10 ? '0' : '') + String(ax);
}

export function fmtF64(v) {
    if (Number.isNaN(v)) return 'NaN';
    if (v === Infinity) return 'Infinity';
    if (v === -Infinity) return '-Infinity';
    if (v === 0) return '0';
    if (Math.abs(v) < 9007199254740992 && v === Math.floor(v)) return BigInt(v).toString();
    for (let p = 15; p <= 17; p++) {
        const s = cfmtG(v, p);
        if (Number(s) === v) return s;
    }
    return cfmtG(v, 17);
}

// Half-precision bits -> the exactly widened double.
export function float16ToNumber(bits) {
    const sign = bits & 0x8000 ? -1 : 1;
    const e = (bits >> 10) & 0x1f;
    const f = bits & 0x3ff;
    if (e === 0) return sign * f * 2 ** -24;
    if (e === 31) return f ? NaN : sign * Infinity;
    return sign * (1 + f / 1024) * 2 ** (e - 15);
}

// --- dates and times ---------------------------------------------------------------------------
// Proleptic Gregorian civil date from days since 1970-01-01 (H. Hinnant's civil_from_days).
export function civilFromDays(days) {
    let z = BigInt(days) + 719468n;
    const era = (z >= 0n ? z : z - 146096n) / 146097n;
    const doe = z - era * 146097n;
    const yoe = (doe - doe / 1460n + doe / 36524n - doe / 146096n) / 365n;
    let y = yoe + era * 400n;
    const doy = doe - (365n * yoe + yoe / 4n - yoe / 100n);
    const mp = (5n * doy + 2n) / 153n;
    const d = doy - (153n * mp + 2n) / 5n + 1n;
    const m = mp < 10n ? mp + 3n : mp - 9n;
    if (m <= 2n) y += 1n;
    return [y, Number(m), Number(d)];
}

function fmtYear(y) {
    if (y >= 1n && y <= 9999n) return y.toString().padStart(4, '0');
    if (y > 9999n) return y.toString();
    return '-' + (-y).toString().padStart(4, '0');
}

export function fmtDate(days) {
    const [y, m, d] = civilFromDays(days);
    return `${fmtYear(y)}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

// "HH:MM:SS" plus ".fraction" without trailing zeros; ticks counted in 1/unitPerSec seconds.
export function fmtTimeOfDay(ticks, unitPerSec) {
    const t = BigInt(ticks);
    const u = BigInt(unitPerSec);
    const secs = t / u;
    const frac = t % u;
    const hh = secs / 3600n, mm = (secs / 60n) % 60n, ss = secs % 60n;
    let s = `${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}:${String(ss).padStart(2, '0')}`;
    if (frac !== 0n) {
        const digits = u === 1000n ? 3 : u === 1000000n ? 6 : 9;
        s += '.' + frac.toString().padStart(digits, '0').replace(/0+$/, '');
    }
    return s;
}

// "YYYY-MM-DD HH:MM:SS[.frac]" from ticks since the epoch (unitPerSec 1e3, 1e6 or 1e9).
export function fmtTimestamp(ticks, unitPerSec) {
    const t = BigInt(ticks);
    const perDay = 86400n * BigInt(unitPerSec);
    let days = t / perDay;
    let rem = t % perDay;
    if (rem < 0n) {
        rem += perDay;
        days -= 1n;
    }
    return fmtDate(days) + ' ' + fmtTimeOfDay(rem, unitPerSec);
}

// --- decimals ----------------------------------------------------------------------------------
// Exact text of unscaled / 10^scale: "-" if negative, at least one digit before the point,
// exactly `scale` digits after it when scale > 0.
export function fmtDecimalUnscaled(unscaled, scale) {
    let u = BigInt(unscaled);
    const neg = u < 0n;
    if (neg) u = -u;
    let digits = u.toString();
    if (scale > 0) {
        digits = digits.padStart(scale + 1, '0');
        digits = digits.slice(0, digits.length - scale) + '.' + digits.slice(digits.length - scale);
    }
    return (neg ? '-' : '') + digits;
}

// Big-endian two's-complement bytes -> BigInt.
export function bytesToSignedBigInt(bytes) {
    if (bytes.length === 0) return 0n;
    let v = 0n;
    for (const b of bytes) v = (v << 8n) | BigInt(b);
    if (bytes[0] & 0x80) v -= 1n << BigInt(8 * bytes.length);
    return v;
}

// A decimal number literal ("12", "-0.5", "1.5e3") -> exact unscaled integer at `scale`, or
// null when the literal has more fractional digits than the scale allows (it would be lossy).
export function literalToUnscaled(lit, scale) {
    const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(lit);
    if (!m) return null;
    let digits = m[2] + (m[3] ?? '');
    let exp = Number(m[4] ?? 0) - (m[3] ?? '').length; // value = digits * 10^exp
    let shift = exp + scale;
    if (shift < 0) {
        const cut = digits.slice(digits.length + shift);
        if (!/^0*$/.test(cut)) return null;
        digits = digits.slice(0, digits.length + shift) || '0';
        shift = 0;
    }
    const v = BigInt(digits) * 10n ** BigInt(shift);
    return m[1] === '-' ? -v : v;
}

// --- byte strings ------------------------------------------------------------------------------
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

// Raw bytes -> their text when valid UTF-8, else "0x" + lowercase hex (docs/parquet.md).
export function bytesToText(bytes) {
    try {
        return utf8.decode(bytes);
    } catch {
        return '0x' + Buffer.from(bytes).toString('hex');
    }
}

// --- JSON that keeps number literals ------------------------------------------------------------
// hyparquet's oracle JSON has 64-bit integers written out in full; JSON.parse would round them.
// Numbers come back as {num: "<literal>"}.
export function parseJsonKeepNumbers(text) {
    let i = 0;
    const ws = () => {
        while (i < text.length && ' \t\r\n'.includes(text[i])) i++;
    };
    const value = () => {
        ws();
        const c = text[i];
        if (c === '{') {
            i++;
            const o = {};
            ws();
            if (text[i] === '}') {
                i++;
                return o;
            }
            for (;;) {
                ws();
                const k = str();
                ws();
                if (text[i++] !== ':') throw new Error(`json: ':' expected at ${i}`);
                o[k] = value();
                ws();
                const d = text[i++];
                if (d === '}') return o;
                if (d !== ',') throw new Error(`json: ',' expected at ${i}`);
            }
        }
        if (c === '[') {
            i++;
            const a = [];
            ws();
            if (text[i] === ']') {
                i++;
                return a;
            }
            for (;;) {
                a.push(value());
                ws();
                const d = text[i++];
                if (d === ']') return a;
                if (d !== ',') throw new Error(`json: ',' expected at ${i}`);
            }
        }
        if (c === '"') return str();
        for (const [w, v] of [['true', true], ['false', false], ['null', null]]) {
            if (text.startsWith(w, i)) {
                i += w.length;
                return v;
            }
        }
        const m = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
        if (!m) throw new Error(`json: unexpected '${c}' at ${i}`);
        i += m[0].length;
        return { num: m[0] };
    };
    const str = () => {
        const start = i;
        if (text[i] !== '"') throw new Error(`json: string expected at ${i}`);
        i++;
        while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
        i++;
        return JSON.parse(text.slice(start, i));
    };
    const v = value();
    ws();
    if (i !== text.length) throw new Error(`json: trailing data at ${i}`);
    return v;
}
