import { describe, expect, it } from 'vitest';
import { jobsFor, OptionsError, parseOptions, SYSTEMS } from '../../bench/options.js';
import { planRuns } from '../../bench/plan.js';

describe('bench options', () => {
  it('runs the full profile by default: three sizes, 20 s, every system', () => {
    const options = parseOptions([]);
    expect(options.profile).toBe('full');
    expect(options.sizes).toEqual([1000, 5000, 10000]);
    expect(options.durationS).toBe(20);
    expect(options.systems).toEqual([...SYSTEMS]);
    expect(options.rate).toBe(1000);
  });

  it('makes --quick one size of 1,000 for 10 s', () => {
    const options = parseOptions(['--quick', '--json', 'out.json']);
    expect(options).toMatchObject({ profile: 'quick', sizes: [1000], durationS: 10, json: 'out.json' });
  });

  it('makes --smoke a tiny profile for tests', () => {
    const options = parseOptions(['--smoke']);
    expect(options).toMatchObject({ profile: 'smoke', sizes: [200], durationS: 3 });
  });

  it('takes overrides in both --flag value and --flag=value forms and calls the profile custom', () => {
    const options = parseOptions([
      '--connections=19000',
      '--systems',
      'this,ws-relay',
      '--jobs',
      '500',
      '--rate=2000',
      '--cpu-prof',
    ]);
    expect(options).toMatchObject({
      profile: 'custom',
      sizes: [19000],
      systems: ['this', 'ws-relay'],
      jobs: 500,
      rate: 2000,
      cpuProfile: true,
    });
  });

  it('names every bad argument at once', () => {
    let error: unknown;
    try {
      parseOptions(['--rate', 'fast', '--systems', 'this,kafka', '--bogus', '--duration']);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(OptionsError);
    const problems = (error as OptionsError).problems.join('\n');
    expect(problems).toContain('--rate');
    expect(problems).toContain('kafka');
    expect(problems).toContain('--bogus');
    expect(problems).toContain('--duration needs a value');
  });

  it('takes -h for --help, refuses a value on a switch, and does not take an option as a value', () => {
    expect(parseOptions(['-h']).help).toBe(true);
    expect(() => parseOptions(['--cpu-prof=false'])).toThrow(/--cpu-prof takes no value/);
    expect(() => parseOptions(['--duration', '--rate', '5'])).toThrow(/--duration needs a value; unknown argument "5"/);
    expect(() => parseOptions(['smoke'])).toThrow(/unknown argument "smoke"/);
  });

  it('reads --web-processes as a list of process counts and refuses zero or too many', () => {
    expect(parseOptions([]).webProcesses).toBeUndefined();
    expect(parseOptions(['--quick', '--web-processes', '1,2,3'])).toMatchObject({
      webProcesses: [1, 2, 3],
      profile: 'custom',
      sizes: [1000],
    });
    expect(() => parseOptions(['--web-processes', '0'])).toThrow(
      /--web-processes must be whole numbers from 1 to 8, got "0"/,
    );
    expect(() => parseOptions(['--web-processes', '2,9'])).toThrow(/--web-processes/);
  });

  it('gives J = C / 10 jobs unless --jobs says otherwise', () => {
    expect(jobsFor(parseOptions([]), 10_000)).toBe(1000);
    expect(jobsFor(parseOptions([]), 3)).toBe(1);
    expect(jobsFor(parseOptions(['--jobs', '7']), 10_000)).toBe(7);
  });
});

describe('run plan', () => {
  it('runs every system at every size and rotates the system order on each repeat', () => {
    const plans = planRuns(
      parseOptions(['--connections', '100,200', '--systems', 'this,ws-relay,floor', '--repeat', '2']),
    );
    expect(plans).toHaveLength(12);
    expect(plans.slice(0, 3).map((p) => `${p.system}@${p.size}`)).toEqual(['this@100', 'ws-relay@100', 'floor@100']);
    expect(plans.slice(6, 9).map((p) => `${p.system}@${p.size}#${p.repeat}`)).toEqual([
      'ws-relay@100#2',
      'floor@100#2',
      'this@100#2',
    ]);
    expect(plans.every((p) => p.jobs === p.size / 10)).toBe(true);
  });

  it('runs this once per --web-processes count and every other system as before', () => {
    const plans = planRuns(
      parseOptions(['--connections', '100', '--systems', 'this,ws-relay', '--web-processes', '1,3']),
    );
    expect(plans.map((p) => `${p.system}${p.webProcesses === undefined ? '' : `×${p.webProcesses}`}`)).toEqual([
      'this×1',
      'this×3',
      'ws-relay',
    ]);
  });
});
