/** Reads a Content-Security-Policy and an HTML page for what would let injected script run. Pure. */

/** Directive name → its sources. */
export function parseCsp(header: string): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of header.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), sources);
  }
  return directives;
}

/** Why the policy would let inline or foreign script run, or undefined when it does not. */
export function scriptPolicyProblem(header: string | undefined): string | undefined {
  if (!header) return 'no Content-Security-Policy header';
  const csp = parseCsp(header);
  const sources = csp.get('script-src') ?? csp.get('default-src');
  if (!sources) return 'neither script-src nor default-src is set';
  const unsafe = sources.filter((s) =>
    ["'unsafe-inline'", "'unsafe-eval'", '*', 'data:', 'http:', 'https:'].includes(s.toLowerCase()),
  );
  if (unsafe.length > 0) return `script sources allow ${unsafe.join(' ')}`;
  if (!csp.has('object-src') && !csp.has('default-src')) return 'object-src is not restricted';
  return undefined;
}

/** Inline script in the page: `<script>` without `src`, `on*=` handlers, `javascript:` URLs. */
export function inlineScriptProblem(html: string): string | undefined {
  for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    const attributes = match[1] ?? '';
    if (!/\bsrc\s*=/.test(attributes) || (match[2] ?? '').trim() !== '')
      return `inline <script>: ${match[0].slice(0, 80)}`;
  }
  const handler = /<[^>]+\son[a-z]+\s*=/i.exec(html);
  if (handler) return `inline event handler: ${handler[0].slice(0, 80)}`;
  if (/javascript:/i.test(html)) return 'a javascript: URL';
  return undefined;
}
