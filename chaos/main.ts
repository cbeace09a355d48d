/**
 * `npm run chaos`: the fault, bad-input, load and security suite on the full profile, against the
 * real stack on loopback. Prints one table row per class and exits 1 when any job was lost, any
 * client missed its terminal state, or any case failed.
 *
 *   npm run chaos                          the full profile
 *   npm run chaos -- --quick               the profile `npm test` runs
 *   npm run chaos -- --only redis,tokens   classes whose name contains one of the words
 *   npm run chaos -- --json FILE           also write the results as JSON
 *   CHAOS_SEED=123 npm run chaos           repeat the fast-check inputs of an earlier run
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fullProfile, quickProfile, seedFrom } from './profile.js';
import { isLoss, type ClassResult } from './report/class-result.js';
import { formatDetails, formatTable } from './report/table.js';
import { ALL_CLASSES } from './suite.js';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      json: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write('Usage: npm run chaos [-- --quick] [--only word,word] [--json FILE]\nClasses:\n');
    for (const cls of ALL_CLASSES)
      process.stdout.write(`  ${cls.name}${cls.websocket ? '  (needs the WebSocket endpoint)' : ''}\n`);
    return 0;
  }
  const seed = seedFrom(process.env);
  const profile = values.quick ? quickProfile(seed) : fullProfile(seed);
  const words = values.only
    ?.split(',')
    .map((w) => w.trim().toLowerCase())
    .filter(Boolean);
  const classes = ALL_CLASSES.filter((cls) => !words || words.some((w) => cls.name.toLowerCase().includes(w)));
  process.stdout.write(`chaos: ${classes.length} classes, ${profile.name} profile, seed ${seed}\n`);

  const started = Date.now();
  const results: ClassResult[] = [];
  for (const cls of classes) {
    const classStarted = Date.now();
    const result = await cls.run(profile);
    results.push(result);
    process.stdout.write(
      `${isLoss(result) ? 'FAIL' : 'ok  '} ${cls.name}: ${result.passed}/${result.cases} cases in ${((Date.now() - classStarted) / 1000).toFixed(0)} s\n`,
    );
  }

  process.stdout.write(`\n${formatTable(results)}\n\n${formatDetails(results)}\n`);
  process.stdout.write(
    `\n${profile.name} profile, seed ${seed} (repeat with CHAOS_SEED=${seed}), ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
  );
  if (values.json) writeFileSync(values.json, `${JSON.stringify({ profile, results }, null, 2)}\n`);
  return results.some(isLoss) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`chaos failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(2);
  },
);
