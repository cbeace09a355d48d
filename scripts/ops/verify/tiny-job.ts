/** The tiny job verify uploads, and reading its result back. */
import { CheckFailure } from './check-result.js';
import { errorMessageOf, request } from './http-checks.js';

/** Three rows: enough to see progress, small enough to finish at once. */
export const TINY_CSV =
  'first_name,company,title\nAda,Analytical Engines,Engineer\nGrace,Compilers Inc,Admiral\nAlan,Bletchley Works,Mathematician\n';
export const TINY_ROWS = 3;

/** `POST /jobs` with the tiny CSV; answers the new job id. */
export async function uploadTinyJob(baseUrl: string, token: string): Promise<string> {
  const answer = await request(`${baseUrl}/jobs?filename=verify.csv`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
    body: TINY_CSV,
  });
  if (answer.status !== 201) {
    const hint =
      answer.status === 401
        ? " The token does not match this deployment's JWT_SECRET: pass --token, or set JWT_SECRET to its secret."
        : '';
    throw new CheckFailure(
      `POST /jobs answered ${answer.status} (${errorMessageOf(answer.text)}); expected 201.${hint}`,
    );
  }
  const id = (JSON.parse(answer.text) as { id?: unknown }).id;
  if (typeof id !== 'string')
    throw new CheckFailure(`POST /jobs answered 201 without a job id: ${answer.text.slice(0, 200)}`);
  return id;
}

/** `GET /jobs/{id}/result` is the input with a `personalized_line` column, one line per row. */
export async function checkJobResult(baseUrl: string, token: string, jobId: string): Promise<string> {
  const answer = await request(`${baseUrl}/jobs/${jobId}/result`, { headers: { authorization: `Bearer ${token}` } });
  if (answer.status !== 200)
    throw new CheckFailure(
      `GET /jobs/${jobId}/result answered ${answer.status} (${errorMessageOf(answer.text)}); expected 200.`,
    );
  const lines = answer.text.trim().split(/\r?\n/);
  const header = lines[0]?.split(',') ?? [];
  if (
    !answer.contentType.startsWith('text/csv') ||
    !header.includes('personalized_line') ||
    lines.length !== TINY_ROWS + 1
  ) {
    throw new CheckFailure(
      `GET /jobs/${jobId}/result is not the expected CSV (${answer.contentType}, header "${lines[0] ?? ''}", ${lines.length - 1} rows).`,
    );
  }
  return `${TINY_ROWS} rows with personalized_line`;
}
