/** Small CSV files of the shape users upload (a header and contact rows), for jobs of a given length. */

/** A CSV with the header `first_name,company,title` and `rows` data rows. */
export function sampleCsv(rows: number): string {
  const lines = ['first_name,company,title'];
  for (let i = 1; i <= rows; i++) lines.push(`Person${i},Company ${i},Engineer`);
  return `${lines.join('\n')}\n`;
}
