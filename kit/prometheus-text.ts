/**
 * The one reader of the Prometheus text exposition format (what `GET /metrics` answers) that
 * `npm run status`, the tests, the chaos suite and the benchmark share: samples by name and labels,
 * summed. Pure. Spec:
 * https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format
 */

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** Parses every sample line; comments, blank and malformed lines are skipped. */
export function parsePrometheusText(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const sample = parseSampleLine(line);
    if (sample) samples.push(sample);
  }
  return samples;
}

function parseSampleLine(line: string): Sample | undefined {
  const nameMatch = /^([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(line);
  if (!nameMatch) return undefined;
  const name = nameMatch[1]!;
  let rest = line.slice(name.length);
  const labels: Record<string, string> = {};
  if (rest.startsWith('{')) {
    const end = parseLabels(rest, labels);
    if (end < 0) return undefined;
    rest = rest.slice(end);
  }
  // value, then an optional timestamp
  const valueText = rest.trim().split(/\s+/)[0] ?? '';
  const value = parseValue(valueText);
  return Number.isNaN(value) && valueText !== 'NaN' ? undefined : { name, labels, value };
}

/** Reads `{a="x",b="y"}` into `labels`; answers the index after `}`, or -1 when malformed. */
function parseLabels(text: string, labels: Record<string, string>): number {
  let i = 1;
  for (;;) {
    while (text[i] === ' ' || text[i] === ',') i++;
    if (text[i] === '}') return i + 1;
    const key = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(text.slice(i))?.[0];
    if (!key || text[i + key.length] !== '=' || text[i + key.length + 1] !== '"') return -1;
    i += key.length + 2;
    let value = '';
    for (;;) {
      const ch = text[i];
      if (ch === undefined) return -1;
      if (ch === '"') break;
      if (ch === '\\') {
        const next = text[i + 1];
        value += next === 'n' ? '\n' : (next ?? '');
        i += 2;
        continue;
      }
      value += ch;
      i++;
    }
    labels[key] = value;
    i++;
  }
}

function parseValue(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return text === '' ? NaN : Number(text);
}

/**
 * Sum of the samples named `name` whose labels match every entry of `where` (a string for equality,
 * a predicate otherwise); undefined when the metric is absent altogether.
 */
export function sumOf(
  samples: readonly Sample[],
  name: string,
  where: Readonly<Record<string, string | ((value: string) => boolean)>> = {},
): number | undefined {
  const named = samples.filter((s) => s.name === name);
  if (named.length === 0) return undefined;
  return named
    .filter((s) =>
      Object.entries(where).every(([key, want]) => {
        const have = s.labels[key];
        if (have === undefined) return false;
        return typeof want === 'string' ? have === want : want(have);
      }),
    )
    .reduce((total, s) => total + s.value, 0);
}
