/**
 * Bad and odd CSV uploads: random bytes, generated tables (quotes, BOM, CRLF, formula cells),
 * mismatched columns, unclosed quotes, size and type limits. Every refusal must carry the contract's
 * status and code (`400` with the right `line N`, `413`, `415`, `422`); every accepted file must end
 * `succeeded` with every cell kept and formula cells neutralised in the result.
 */
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import type { Profile } from '../profile.js';
import { awaitJobOutcome, judgeOutcomes } from '../clients/job-outcome.js';
import type { CaseRecorder } from '../report/class-result.js';
import { runClass, type ChaosClass } from '../run-class.js';
import type { ChaosStack } from '../stack/chaos-stack.js';
import { checkErrorAnswer, rawRequest, type RawResponse } from '../stack/raw-http.js';
import { createdJob, errorOf } from '../../kit/api-answers.js';
import { countLineBreaks, expectedResultRecords, serialize, tableArbitrary, type CsvTableInput } from './csv-cases.js';
import { INPUT_MAX_ROWS, INPUT_STACK } from './input-stack.js';
import { checkProperty } from './property.js';
import { checkBadCsvAt, fixedCsvCases } from './csv-fixed-cases.js';

const REFUSAL_CODES = ['BAD_CSV', 'EMPTY_FILE', 'NO_DATA_ROWS'];

/** An accepted upload, checked once its job has ended. */
interface Accepted {
  readonly id: string;
  readonly rows: number;
  /** The exact result records expected, when the input was a generated table. */
  readonly expected?: string[][];
}

export function postCsv(
  stack: ChaosStack,
  token: string,
  body: string | Buffer,
  contentType = 'text/csv',
  filename = 'in.csv',
): Promise<RawResponse> {
  return rawRequest(stack.url, {
    method: 'POST',
    path: `/jobs?filename=${encodeURIComponent(filename)}`,
    headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
    body,
  });
}

export const csvUploads: ChaosClass = {
  name: 'input: CSV uploads',
  run: (profile: Profile) =>
    runClass(csvUploads.name, profile, INPUT_STACK, async ({ stack, recorder }) => {
      const token = await stack.token('csv-uploader');
      const accepted: Accepted[] = [];

      await checkProperty(
        recorder,
        'random bytes answer 201 or a contract 400/422',
        fc.oneof(
          fc.uint8Array({ maxLength: 3_000 }),
          fc
            .tuple(
              fc.constantFrom('name,company\n', 'a\n', '"x","y"\r\n'),
              fc.string({ unit: 'binary', maxLength: 500 }),
            )
            .map(([head, rest]) => new Uint8Array(Buffer.from(head + rest, 'utf8'))),
        ),
        async (bytes) => {
          const response = await postCsv(stack, token, Buffer.from(bytes));
          if (response.status === 201) {
            const job = createdJob(response.json);
            if (!job) return `answered 201 without a Job: ${response.text.slice(0, 200)}`;
            accepted.push({ id: job.id, rows: job.total });
            return undefined;
          }
          if (response.status === 422) return checkErrorAnswer(response, 422, ['TOO_MANY_ROWS']);
          const failure = checkErrorAnswer(response, 400, REFUSAL_CODES);
          if (failure) return failure;
          const error = errorOf(response.json);
          return error?.code === 'BAD_CSV' && !/\bline \d+\b/.test(error.message)
            ? `BAD_CSV message names no line: ${error.message}`
            : undefined;
        },
        profile,
      );

      await checkProperty(
        recorder,
        'well-formed tables (quotes, BOM, CRLF, formulas) are accepted whole',
        tableArbitrary(),
        async (table: CsvTableInput) => {
          const { text } = serialize(table, [table.header, ...table.rows]);
          const response = await postCsv(stack, token, text);
          if (response.status !== 201) return `answered ${response.status}: ${response.text.slice(0, 200)}`;
          const job = createdJob(response.json);
          if (!job) return `answered 201 without a Job: ${response.text.slice(0, 200)}`;
          if (job.total !== table.rows.length) return `total ${job.total}, expected ${table.rows.length}`;
          accepted.push({ id: job.id, rows: table.rows.length, expected: expectedResultRecords(table) });
          return undefined;
        },
        profile,
      );

      await checkProperty(
        recorder,
        'a row with a wrong field count answers 400 naming its line',
        fc
          .record({ table: tableArbitrary(8), pick: fc.nat(), delta: fc.constantFrom(-1, 1, 2) })
          .map(({ table, pick, delta }) => {
            const index = pick % table.rows.length;
            const rows = table.rows.map((row, i) =>
              i !== index ? row : delta < 0 ? row.slice(0, delta) : [...row, ...Array<string>(delta).fill('extra')],
            );
            return { table, index, rows };
          })
          // A record of one blank field reads as a blank line, which the service skips by design.
          .filter(({ rows, index }) => !(rows[index]!.length === 1 && rows[index]![0]!.trim() === '')),
        async ({ table, index, rows }) => {
          const { text, startLines } = serialize(table, [table.header, ...rows]);
          return checkBadCsvAt(await postCsv(stack, token, text), startLines[index + 1]!);
        },
        profile,
      );

      await checkProperty(
        recorder,
        'an unclosed quote answers 400 naming the line where its record starts',
        fc.record({ table: tableArbitrary(8), tail: fc.string({ maxLength: 20 }).filter((s) => !s.includes('"')) }),
        async ({ table, tail }) => {
          const { text } = serialize(table, [table.header, ...table.rows]);
          // The broken record starts on the line after the last complete one.
          const badLine = 1 + countLineBreaks(text);
          return checkBadCsvAt(await postCsv(stack, token, `${text}"${tail}`), badLine);
        },
        profile,
      );

      for (const fixed of fixedCsvCases(INPUT_MAX_ROWS)) {
        const response = await postCsv(stack, token, fixed.body, fixed.contentType);
        const failure = fixed.check(response);
        // A passed check of a 201 has read its Job already.
        const job = failure || response.status !== 201 ? undefined : createdJob(response.json);
        if (job) accepted.push({ id: job.id, rows: job.total });
        recorder.check(fixed.name, failure);
      }

      await judgeAccepted(stack, token, accepted, recorder);
    }),
};

/** Every accepted upload must succeed with every row; generated tables must come back cell for cell. */
async function judgeAccepted(
  stack: ChaosStack,
  token: string,
  accepted: readonly Accepted[],
  recorder: CaseRecorder,
): Promise<void> {
  const outcomes = await Promise.all(
    accepted.map((job) =>
      awaitJobOutcome({
        urls: () => stack.webs.map((w) => w.url),
        token,
        jobId: job.id,
        expectedRows: job.rows,
        timeoutMs: 120_000,
      }),
    ),
  );
  judgeOutcomes(recorder, outcomes, { allowFailed: false });
  for (const job of accepted) {
    if (!job.expected) continue;
    const response = await rawRequest(stack.url, {
      path: `/jobs/${job.id}/result`,
      headers: { authorization: `Bearer ${token}` },
    });
    recorder.check(
      `result of ${job.id} keeps every cell and neutralises formulas`,
      compareResult(response.text, job.expected),
    );
  }
}

function compareResult(text: string, expected: readonly (readonly string[])[]): string | undefined {
  const records = parse(text);
  if (records.length !== expected.length) return `${records.length} records, expected ${expected.length}`;
  for (const [i, record] of records.entries()) {
    const want = expected[i]!;
    const got = record.slice(0, -1);
    if (JSON.stringify(got) !== JSON.stringify(want))
      return `record ${i + 1}: ${JSON.stringify(got).slice(0, 200)} != ${JSON.stringify(want).slice(0, 200)}`;
    const line = record[record.length - 1]!;
    if (i > 0 && /^[=+\-@\t\r]/.test(line))
      return `the generated line of record ${i + 1} starts like a formula: ${line.slice(0, 60)}`;
  }
  return undefined;
}
