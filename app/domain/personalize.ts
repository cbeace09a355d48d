/**
 * The built-in, deterministic `personalized_line` generator: it uses whatever columns a row has
 * (first name, company, title, industry, city) and falls back to friendly neutral text. Pure.
 */

const COLUMN_ALIASES = {
  firstName: ['first_name', 'firstname', 'first name', 'given_name', 'name', 'full_name', 'contact'],
  company: ['company', 'company_name', 'organization', 'organisation', 'employer', 'account'],
  title: ['title', 'job_title', 'jobtitle', 'role', 'position'],
  industry: ['industry', 'sector', 'vertical'],
  city: ['city', 'location', 'town'],
} as const;

type Field = keyof typeof COLUMN_ALIASES;

/** For each known field, the index of the first header column that names it. */
export type ColumnMap = Partial<Record<Field, number>>;

export function mapColumns(header: readonly string[]): ColumnMap {
  const normalized = header.map((h) =>
    h
      .trim()
      .toLowerCase()
      .replace(/[\s-]+/g, '_'),
  );
  const map: ColumnMap = {};
  for (const field of Object.keys(COLUMN_ALIASES) as Field[]) {
    const aliases: readonly string[] = COLUMN_ALIASES[field].map((a) => a.replace(/\s+/g, '_'));
    const index = normalized.findIndex((h) => aliases.includes(h));
    if (index >= 0) map[field] = index;
  }
  return map;
}

export function personalizeRow(row: readonly string[], columns: ColumnMap): string {
  const value = (field: Field): string | undefined => {
    const index = columns[field];
    const raw = index === undefined ? undefined : row[index]?.trim();
    return raw ? raw : undefined;
  };
  const fullName = value('firstName');
  const name = fullName?.split(/\s+/)[0];
  const company = value('company');
  const title = value('title');
  const industry = value('industry');
  const city = value('city');

  const greeting = name ? `Hi ${name}` : 'Hi there';
  let hook: string;
  if (title && company) hook = `as ${title} at ${company}, you know how much time outreach takes`;
  else if (company) hook = `teams at ${company} tell us outreach eats their week`;
  else if (title) hook = `as a ${title}, you know how much time outreach takes`;
  else hook = 'outreach that feels personal usually takes hours';
  const where = industry ? ` in ${industry}` : city ? ` in ${city}` : '';
  return `${greeting}, ${hook}; we help people${where} write lines like this one in seconds.`;
}
