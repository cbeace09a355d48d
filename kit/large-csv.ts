/**
 * Production-sized CSV files, generated (deterministic: the same file every time): a header of
 * contact columns and `rows` rows of plausible text, padded so the file is `bytes` long. Shared by
 * the tests, the chaos suite's capacity class and `npm run bench -- --capacity`.
 */

const HEADER = 'first_name,last_name,company,title,industry,city,email,notes';
const FIRST = [
  'Ada',
  'Grace',
  'Alan',
  'Edsger',
  'Barbara',
  'Donald',
  'Margaret',
  'Ken',
  'Frances',
  'Dennis',
  'Radia',
  'Tim',
];
const TITLES = ['Engineer', 'Head of Sales', 'CTO', 'Product Manager', 'Founder', 'Data Analyst', 'VP Marketing'];
const INDUSTRIES = ['Software', 'Logistics', 'Retail', 'Healthcare', 'Finance', 'Education'];
const CITIES = ['Berlin', 'Lisbon', 'Toronto', 'Osaka', 'Nairobi', 'Austin', 'Utrecht'];
const WORDS = [
  'met',
  'at',
  'the',
  'conference',
  'follow',
  'up',
  'about',
  'pricing',
  'renewal',
  'in',
  'Q3',
  'asked',
  'for',
  'a',
  'demo',
  'budget',
  'approved',
];

/** A pseudo-random sequence from `seed` (xorshift), so files are the same on every run. */
function random(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x1_0000_0000;
  };
}

/**
 * A CSV of exactly `rows` data rows and `bytes` bytes (LF line ends). Some notes are quoted, with
 * commas and doubled quotes in them, and some start like a formula, as real exports do.
 */
export function largeCsv(rows: number, bytes: number, seed = 12): Buffer {
  const next = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const perRow = Math.floor((bytes - HEADER.length - 1) / rows);
  let remainder = bytes - HEADER.length - 1 - perRow * rows;
  const lines: string[] = [HEADER];
  for (let i = 0; i < rows; i++) {
    const first = pick(FIRST);
    const base = `${first},Surname${i},Company ${i % 997},${pick(TITLES)},${pick(INDUSTRIES)},${pick(CITIES)},${first.toLowerCase()}${i}@example.com,`;
    const width = perRow - base.length - 1 + (remainder > 0 ? 1 : 0);
    if (remainder > 0) remainder--;
    lines.push(base + notes(width, i, next, pick));
  }
  const text = `${lines.join('\n')}\n`;
  const buffer = Buffer.from(text);
  if (buffer.length !== bytes)
    throw new Error(`largeCsv: ${rows} rows cannot fill exactly ${bytes} bytes (got ${buffer.length})`);
  return buffer;
}

function notes(width: number, row: number, next: () => number, pick: <T>(list: readonly T[]) => T): string {
  if (width <= 0) return '';
  // Every 10th note is quoted with a comma and a doubled quote inside; every 50th looks like a formula.
  const quoted = row % 10 === 0 && width >= 12;
  const inner = quoted ? width - 2 : width;
  let text = row % 50 === 0 ? '=' : '';
  if (quoted) text += 'said ""yes"", ';
  while (text.length < inner) text += `${pick(WORDS)} `;
  text = text.slice(0, inner);
  // A cut may leave a lone quote of a doubled pair at the end: replace it so the cell stays well-formed.
  if (quoted && /[^"]"$|^"$/.test(text.replace(/""/g, ''))) text = `${text.slice(0, -1)}x`;
  return quoted ? `"${text}"` : text.replace(/[",]/g, ' ');
}

/** The largest file the defaults accept: 50,000 rows (MAX_ROWS) in just under 10 MiB (MAX_UPLOAD_BYTES). */
export function maxSizeCsv(maxUploadBytes = 10 * 1024 * 1024, maxRows = 50_000): Buffer {
  return largeCsv(maxRows, maxUploadBytes - 1024);
}
