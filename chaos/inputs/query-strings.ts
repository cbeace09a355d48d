/**
 * Query strings: `offset`/`limit` of `GET /jobs` in every shape (valid, too big, negative, text,
 * repeated, prototype keys) answer `200` with the page asked for or `400 BAD_REQUEST`; random query
 * strings on every route never answer `500`; `?filename=` is reduced to a display name.
 */
import fc from 'fast-check';
import { sampleCsv } from '../../kit/sample-csv.js';
import { uploadCsv } from '../../kit/csv-upload.js';
import type { Profile } from '../profile.js';
import { runClass, type ChaosClass } from '../run-class.js';
import { checkErrorAnswer, rawRequest } from '../stack/raw-http.js';
import { INPUT_STACK } from './input-stack.js';
import { checkProperty } from './property.js';
import { MAX_PAGE_LIMIT, PAGE_SIZE } from '../../app/domain/wire-contract.js';

/** A value of `offset` or `limit` and whether the contract accepts it there. */
interface PageValue {
  readonly raw: string | undefined;
  readonly valid: (name: 'offset' | 'limit') => boolean;
}

const pageValue: fc.Arbitrary<PageValue> = fc.oneof(
  fc.constant<PageValue>({ raw: undefined, valid: () => true }),
  fc.integer({ min: 1, max: MAX_PAGE_LIMIT }).map<PageValue>((n) => ({ raw: String(n), valid: () => true })),
  fc.constant<PageValue>({ raw: '0', valid: (name) => name === 'offset' }),
  fc
    .integer({ min: MAX_PAGE_LIMIT + 1, max: 1e9 })
    .map<PageValue>((n) => ({ raw: String(n), valid: (name) => name === 'offset' && n < 1e9 })),
  fc.integer({ min: -1e6, max: -1 }).map<PageValue>((n) => ({ raw: String(n), valid: () => false })),
  fc
    .constantFrom(
      '1.5',
      '1e3',
      '0x10',
      'abc',
      '',
      ' 1',
      'NaN',
      'Infinity',
      '%00',
      '1%00',
      '99999999999999999999',
      '[]',
      '{}',
    )
    .map<PageValue>((raw) => ({ raw, valid: () => false })),
);

function queryOf(offset: PageValue, limit: PageValue): string {
  const parts: string[] = [];
  if (offset.raw !== undefined) parts.push(`offset=${encodeURIComponent(offset.raw)}`);
  if (limit.raw !== undefined) parts.push(`limit=${encodeURIComponent(limit.raw)}`);
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

const ROUTES = ['/jobs', '/health', '/ready', '/config', '/metrics', '/', '/jobs/{id}', '/jobs/{id}/progress', '/nope'];

/** A path separator, a C0 control or DEL: none may survive into a display name. */
function isPathOrControlCharacter(char: string): boolean {
  const code = char.codePointAt(0) ?? 0;
  return char === '/' || char === '\\' || code <= 0x1f || code === 0x7f;
}

export const queryStrings: ChaosClass = {
  name: 'input: query strings',
  run: (profile: Profile) =>
    runClass(queryStrings.name, profile, INPUT_STACK, async ({ stack, recorder }) => {
      const token = await stack.token('query-prober');
      const headers = { authorization: `Bearer ${token}` };
      const jobs = await Promise.all([1, 2, 3].map(() => uploadCsv(stack.url, token, sampleCsv(2))));
      const jobId = jobs[0]!.body.id;

      await checkProperty(
        recorder,
        'GET /jobs pages answer 200 as asked or 400',
        fc.record({ offset: pageValue, limit: pageValue }),
        async ({ offset, limit }) => {
          const response = await rawRequest(stack.url, { path: `/jobs${queryOf(offset, limit)}`, headers });
          if (!(offset.valid('offset') && limit.valid('limit')))
            return checkErrorAnswer(response, 400, ['BAD_REQUEST']);
          if (response.status !== 200) return `answered ${response.status}: ${response.text.slice(0, 160)}`;
          const page = response.json as { jobs: unknown[]; total: number; offset: number; limit: number };
          const wantOffset = Number(offset.raw ?? 0);
          const wantLimit = Number(limit.raw ?? PAGE_SIZE);
          const wantCount = Math.max(0, Math.min(wantLimit, page.total - wantOffset));
          if (
            page.offset !== wantOffset ||
            page.limit !== wantLimit ||
            page.total !== 3 ||
            page.jobs.length !== wantCount
          ) {
            return `page ${JSON.stringify({ ...page, jobs: page.jobs.length })}, expected offset ${wantOffset} limit ${wantLimit} total 3 jobs ${wantCount}`;
          }
          return undefined;
        },
        profile,
      );

      const queryText = fc.oneof(
        fc
          .string({ unit: 'grapheme', maxLength: 60 })
          .map((s) => encodeURIComponent(s).replace(/%3D/g, '=').replace(/%26/g, '&')),
        fc.constantFrom(
          '__proto__[x]=1',
          'constructor[prototype][x]=1',
          '__proto__=1&limit=1',
          'a[b][c][d][e]=1',
          'limit=1&limit=2',
          'offset[]=1',
          '&&&&',
          '=',
          '%',
          '%zz',
          'token',
          `${'a='.repeat(2_000)}1`,
          'x='.concat('%F0%9F%92%A9'.repeat(500)),
        ),
      );
      await checkProperty(
        recorder,
        'random query strings never answer 5xx',
        fc.record({ route: fc.constantFrom(...ROUTES), query: queryText }),
        async ({ route, query }) => {
          const response = await rawRequest(stack.url, { path: `${route.replace('{id}', jobId)}?${query}`, headers });
          if (response.status >= 500)
            return `${route}?${query.slice(0, 80)} answered ${response.status}: ${response.text.slice(0, 160)}`;
          if (response.status >= 400) return checkErrorAnswer(response, response.status);
          return undefined;
        },
        profile,
      );

      await checkProperty(
        recorder,
        '?filename= becomes a display name (no path, no control characters, at most 200 characters)',
        fc.oneof(
          fc.string({ unit: 'grapheme', maxLength: 300 }),
          fc.constantFrom(
            '../../etc/passwd',
            'C:\\Windows\\x.csv',
            'a\r\nSet-Cookie: x=1',
            '<script>x</script>.csv',
            '"quoted".csv',
            '\u0000.csv',
          ),
        ),
        async (filename) => {
          const response = await uploadCsv(stack.url, token, sampleCsv(1), { filename });
          if (response.status !== 201) return `answered ${response.status}`;
          const name = String(response.body.filename);
          if (name.length === 0 || name.length > 200) return `filename of ${name.length} characters`;
          if ([...name].some(isPathOrControlCharacter))
            return `filename keeps a path or control character: ${JSON.stringify(name)}`;
          return undefined;
        },
        profile,
      );
    }),
};
