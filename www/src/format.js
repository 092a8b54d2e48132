// Number formatting and parsing for people: "$100M", "1e26 FLOP", "14%", "2,450".

const nf0 = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** Round to `sig` significant digits, as a number. */
export function roundSig(x, sig = 3) {
  if (!Number.isFinite(x) || x === 0) return x;
  const d = Math.ceil(Math.log10(Math.abs(x)));
  const f = Math.pow(10, sig - d);
  return Math.round(x * f) / f;
}

/** A plain number with thousands separators and up to `sig` significant digits. */
export function fmtNumber(x, sig = 3) {
  if (x === null || x === undefined || Number.isNaN(x)) return '–';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e15)) return fmtExp(x, sig);
  const r = roundSig(x, sig);
  const digits = a >= 1 ? Math.max(0, sig - Math.floor(Math.log10(a)) - 1) : sig + Math.max(0, -Math.floor(Math.log10(a)) - 1);
  return minus(new Intl.NumberFormat('en-US', { maximumFractionDigits: Math.min(digits, 10) }).format(r));
}

/** Integer with thousands separators: 2,450. */
export function fmtInt(x) {
  if (x === null || x === undefined || Number.isNaN(x)) return '–';
  return minus(nf0.format(Math.round(x)));
}

function minus(s) {
  // A value that rounds to zero from below shows as 0, not −0.
  if (/^-0(\.0*)?$/.test(s)) return s.slice(1);
  return s.replace(/^-/, '−');
}

/** 3e25, 1.5e26 (no plus sign). */
export function fmtExp(x, sig = 2) {
  if (x === 0) return '0';
  let e = Math.floor(Math.log10(Math.abs(x)));
  let m = roundSig(x / Math.pow(10, e), sig);
  if (Math.abs(m) >= 10) {
    m /= 10;
    e += 1;
  }
  return minus(`${+m.toFixed(sig)}e${e}`);
}

/** Dollars, compact: $100M, $1.25M, $2.4B, $500, $0, $1e-18. */
export function fmtUsd(x, sig = 3) {
  if (x === null || x === undefined || Number.isNaN(x)) return '–';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  const a = Math.abs(x);
  const sign = x < 0 ? '−' : '';
  if (a === 0) return '$0';
  if (a < 0.01) return `${sign}$${fmtExp(a, sig)}`;
  const units = [
    [1e12, 'T'],
    [1e9, 'B'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [v, s] of units) {
    if (a >= v * 0.9995) {
      const r = roundSig(a / v, sig);
      if (r >= 1000 && s === 'T') return `${sign}$${fmtExp(a, sig)}`;
      return `${sign}$${trimNum(r)}${s}`;
    }
  }
  return `${sign}$${trimNum(roundSig(a, sig))}`;
}

function trimNum(r) {
  return String(+r.toPrecision(12));
}

/** Share 0–1 as a percentage: 14%, 0.5%. */
export function fmtPct(x, sig = 2) {
  if (x === null || x === undefined || Number.isNaN(x)) return '–';
  const p = x * 100;
  const a = Math.abs(p);
  if (a === 0) return '0%';
  if (a >= 10) return `${minus(String(Math.round(p)))}%`;
  return `${minus(String(roundSig(p, sig)))}%`;
}

/** Percentage points: +3.2 pp. */
export function fmtPp(x) {
  if (x === null || x === undefined || Number.isNaN(x)) return '–';
  const p = x * 100;
  return `${signed(roundSig(p, 2))} pp`;
}

function signed(x) {
  return x > 0 ? `+${x}` : minus(String(x));
}

/** log10 FLOP as 1e26 FLOP (x = 25.477… gives 3e25). */
export function fmtLogFlop(x) {
  if (x === null || x === undefined || Number.isNaN(x)) return '–';
  return fmtExp(Math.pow(10, x), 2);
}

/**
 * Parse a number typed by a person: "1e26", "100M", "$1.25M", "1,000", "3e25 FLOP", "14%".
 * Returns NaN when it is not a number.
 */
export function parseHuman(text) {
  if (typeof text !== 'string') return NaN;
  // A comma is read only as a thousands separator (1,000,000): "2,5" is not 25.
  if (text.includes(',') && !thousandsOnly(text)) return NaN;
  let s = text.trim().replace(/[\s,_$]/g, '').replace(/−/g, '-');
  s = s.replace(/(flop|\/quarter|\/yr|\/year|×|x)$/i, '');
  let mult = 1;
  if (s.endsWith('%')) {
    mult = 0.01;
    s = s.slice(0, -1);
  } else {
    const m = /^(.*\d\.?)([kKmMbBtT])$/.exec(s);
    if (m) {
      mult = { k: 1e3, m: 1e6, b: 1e9, t: 1e12 }[m[2].toLowerCase()];
      s = m[1];
    }
  }
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(s)) return NaN;
  return Number(s) * mult;
}

/** What to say when a list item is the tail of a number written with thousands separators. */
export const thousandsHint = (separators = 'commas') => `${separators} separate items, so write numbers without thousands separators (5000000 or 5e6)`;

/** Whether every comma in a typed number separates groups of three digits, as in 1,000,000.5. */
function thousandsOnly(text) {
  return /^[^\d,]*\d{1,3}(,\d{3})+(\.\d*)?[^\d,]*$/.test(text.trim());
}

/** Whether a typed number uses a comma where a decimal point belongs ("2,5M", "0,5"). */
export function decimalComma(text) {
  return typeof text === 'string' && /\d,\d/.test(text) && !thousandsOnly(text);
}

/** "2034Q4" → "2034 Q4". */
export function quarterText(q) {
  return String(q).replace(/^(\d{4})Q(\d)$/, '$1 Q$2');
}

/** A value as an error message shows it: "abc" (cut at 60 characters), NaN, 10n, an array. */
export function show(v) {
  if (typeof v === 'number' || v === null || v === undefined) return String(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'symbol') return 'a symbol';
  const t = String(v);
  return JSON.stringify(t.length > 60 ? `${t.slice(0, 60)}…` : t);
}
