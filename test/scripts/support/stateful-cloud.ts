/**
 * Stand-in `pulumi`, `kubectl`, `gcloud` and `gke-gcloud-auth-plugin` that keep their state in one
 * JSON file, for the tests that follow a change across commands: a rollback on an operator's machine,
 * then a deploy as CI runs it from git. What they model, and only that:
 *
 * - Pulumi ESC: `pulumi env set/rm/open` on environments held in the state; `pulumi config get`
 *   resolves a key as the CLI does: the environments the stack file names, in order, then the stack
 *   file's own `config:` on top (explicit stack config wins over ESC).
 * - `pulumi up`: the program's web Deployment (its image and `ENABLE_WEBSOCKET`) from that config:
 *   the image is the pin (`imageDigestOverride`) or a build of the current commit. The engine diffs the
 *   new inputs against the recorded ones; `--refresh` first records what the cluster holds. A changed
 *   object is server-side applied: a field another manager owns with another value is a conflict
 *   (the provider's error) unless the program forces (`enablePatchForce`, read from the real program).
 * - `kubectl set env`: changes the live Deployment and makes `kubectl-set` the field's manager, as
 *   kubectl does.
 *
 * A call the model does not know exits 97, so an unexpected command (say, `pulumi config set` writing
 * the operator's local file) fails the test.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The live web Deployment, as far as the model goes. */
export interface LiveWeb {
  readonly image: string;
  readonly env: { readonly ENABLE_WEBSOCKET: { readonly value: string; readonly manager: string } };
}

export interface CloudState {
  /** ESC environments by name: their `pulumiConfig` values. */
  esc: Record<string, Record<string, unknown>>;
  /** The commit a build would take its digest from (a push to main changes it). */
  commit: string;
  /** What the real program decides (computed by the test from the program's own modules). */
  facts: { enablePatchForce: boolean };
  /** Inputs recorded by the last `pulumi up`, and the stack's outputs. */
  stack: { recorded?: { image: string; ENABLE_WEBSOCKET: string }; outputs: Record<string, unknown> };
  cluster: { web?: LiveWeb };
  /** Every call, as `tool arg arg…`. */
  calls: string[];
}

export interface StatefulCloud {
  readonly dir: string;
  state(): CloudState;
  update(edit: (state: CloudState) => void): void;
  remove(): void;
}

/** The provider's field manager for server-side apply (pulumi-kubernetes PR #2271: a fixed name per provider). */
export const PULUMI_MANAGER = 'pulumi-kubernetes';

/** Writes the stand-ins and `initial` as their state. */
export function createStatefulCloud(initial: Omit<CloudState, 'calls'>): StatefulCloud {
  const dir = mkdtempSync(join(tmpdir(), 'pl-cloud-'));
  const stateFile = join(dir, 'state.json');
  writeFileSync(stateFile, JSON.stringify({ ...initial, calls: [] }, null, 2));
  const yamlModule = createRequire(import.meta.url).resolve('yaml');
  for (const tool of ['pulumi', 'kubectl', 'gcloud', 'gke-gcloud-auth-plugin']) {
    const file = join(dir, tool);
    writeFileSync(file, standInSource(tool, stateFile, yamlModule));
    chmodSync(file, 0o755);
  }
  const read = (): CloudState => JSON.parse(readFileSync(stateFile, 'utf8')) as CloudState;
  return {
    dir,
    state: read,
    update: (edit) => {
      const state = read();
      edit(state);
      writeFileSync(stateFile, JSON.stringify(state, null, 2));
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

function standInSource(tool: string, stateFile: string, yamlModule: string): string {
  return `#!${process.execPath}
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const YAML = require(${JSON.stringify(yamlModule)});
const TOOL = ${JSON.stringify(tool)};
const MANAGER = ${JSON.stringify(PULUMI_MANAGER)};
const args = process.argv.slice(2);
const state = JSON.parse(fs.readFileSync(${JSON.stringify(stateFile)}, 'utf8'));
state.calls.push([TOOL, ...args].join(' '));
const save = () => fs.writeFileSync(${JSON.stringify(stateFile)}, JSON.stringify(state, null, 2));
const done = (stdout, code = 0, stderr = '') => { save(); process.stdout.write(stdout); process.stderr.write(stderr); process.exit(code); };
const unknown = () => done('', 97, 'stand-in ' + TOOL + ': no model for: ' + args.join(' ') + '\\n');
const flag = (name) => { const at = args.indexOf(name); return at >= 0 ? args[at + 1] : undefined; };
const has = (...words) => { let at = 0; for (const w of words) { at = args.indexOf(w, at); if (at < 0) return false; at++; } return true; };

// pulumiConfig["project:key"] -> project:key
const keyOfPath = (p) => { const m = /^pulumiConfig\\[(".*")\\]$/.exec(p); return m ? JSON.parse(m[1]) : undefined; };

function stackFile() {
  const file = path.join(flag('--cwd') || process.cwd(), 'Pulumi.' + (flag('--stack') || 'prod') + '.yaml');
  const parsed = fs.existsSync(file) ? YAML.parse(fs.readFileSync(file, 'utf8')) || {} : {};
  return { environments: Array.isArray(parsed.environment) ? parsed.environment : [], config: parsed.config || {} };
}

// What \`pulumi config get\` and the program see: the environments in order, the stack file on top.
function effectiveConfig() {
  const file = stackFile();
  const config = {};
  for (const name of file.environments) {
    if (!state.esc[name]) done('', 255, 'error: could not open environment ' + name + ': not found\\n');
    Object.assign(config, state.esc[name]);
  }
  return Object.assign(config, file.config);
}

function pulumiUp() {
  const config = effectiveConfig();
  const project = config['gcp:project'];
  const pin = config['personalizedline:imageDigestOverride'];
  const built = 'gcr.io/' + project + '/personalizedline@sha256:' + crypto.createHash('sha256').update(state.commit).digest('hex');
  const desired = { image: pin || built, ENABLE_WEBSOCKET: String(config['personalizedline:enableWebsocket'] ?? true) };
  const live = state.cluster.web;
  // The Kubernetes provider diffs inputs; only a refresh brings what the cluster holds into the record.
  const recorded = args.includes('--refresh') && live
    ? { image: live.image, ENABLE_WEBSOCKET: live.env.ENABLE_WEBSOCKET.value }
    : state.stack.recorded;
  const changed = !recorded || recorded.image !== desired.image || recorded.ENABLE_WEBSOCKET !== desired.ENABLE_WEBSOCKET;
  let log = 'Updating (' + (flag('--stack') || 'prod') + ')\\n';
  if (changed && live) {
    const field = live.env.ENABLE_WEBSOCKET;
    if (field.manager !== MANAGER && field.value !== desired.ENABLE_WEBSOCKET && !state.facts.enablePatchForce) {
      done(log, 255, 'error: update failed\\n  kubernetes:apps/v1:Deployment (personalizedline/web):\\n'
        + '    error: resource personalizedline/web was not successfully updated by the Kubernetes API server: '
        + 'Apply failed with 1 conflict: conflict with "' + field.manager + '" using apps/v1: '
        + '.spec.template.spec.containers[name="web"].env[name="ENABLE_WEBSOCKET"].value\\n');
    }
  }
  if (changed) {
    state.cluster.web = { image: desired.image, env: { ENABLE_WEBSOCKET: { value: desired.ENABLE_WEBSOCKET, manager: MANAGER } } };
    log += ' ~   kubernetes:apps/v1:Deployment  personalizedline/web  updated\\n';
  }
  state.stack.recorded = desired;
  state.stack.outputs = {
    healthUrl: 'http://203.0.113.10/health', loadBalancerIp: '203.0.113.10', websocketUrl: 'ws://203.0.113.10/ws/jobs/{job_id}',
    imageRef: desired.image, imagePinned: Boolean(pin), appSecretChecksum: 'ab'.repeat(32),
  };
  done(log + 'Resources:\\n    ' + (changed ? '~ 1 updated' : '14 unchanged') + '\\n');
}

function pulumi() {
  if (has('version')) done('v3.248.0\\n');
  if (has('whoami')) done('ci-bot\\n');
  if (has('stack', '--show-name')) done('prod\\n');
  if (has('stack', 'ls', '--json')) done(JSON.stringify([{ name: 'prod', current: true }]));
  if (has('stack', 'output', '--json')) done(JSON.stringify(state.stack.outputs));
  if (has('config', 'get')) {
    const value = effectiveConfig()[args[args.indexOf('get') + 1]];
    return value === undefined ? done('', 255, 'error: configuration key not found\\n') : done(String(value) + '\\n');
  }
  if (has('env', 'open')) {
    const env = state.esc[args[args.indexOf('open') + 1]];
    return env ? done(JSON.stringify(env)) : done('', 1, 'error: environment not found\\n');
  }
  if (has('env', 'set') || has('env', 'rm')) {
    const verb = has('env', 'set') ? 'set' : 'rm';
    const name = args[args.indexOf(verb) + 1];
    const key = keyOfPath(args[args.indexOf(verb) + 2] || '');
    if (!state.esc[name] || !key) return unknown();
    if (verb === 'set') state.esc[name][key] = YAML.parse(args[args.indexOf(verb) + 3]);
    else delete state.esc[name][key];
    done('');
  }
  if (has('up', '--yes')) pulumiUp();
  unknown();
}

function kubectl() {
  if (has('version', '--client')) done('Client Version: v1.31.0\\n');
  if (has('get', 'deployment', 'web')) return state.cluster.web ? done('deployment.apps/web\\n') : done('', 1, 'Error from server (NotFound)\\n');
  if (has('set', 'env', 'deployment/web')) {
    const [name, value] = args.find((a) => a.includes('=')).split('=');
    if (name !== 'ENABLE_WEBSOCKET' || !state.cluster.web) return unknown();
    // kubectl set env is an update by field manager "kubectl-set": it now owns the value.
    state.cluster.web.env.ENABLE_WEBSOCKET = { value, manager: 'kubectl-set' };
    done('deployment.apps/web env updated\\n');
  }
  if (has('rollout', 'status', 'deployment/web')) done('deployment "web" successfully rolled out\\n');
  unknown();
}

function gcloud() {
  if (has('--version')) done('Google Cloud SDK 530.0.0\\n');
  if (has('auth', 'list')) done('deployer@example-project.iam.gserviceaccount.com\\n');
  if (has('auth', 'application-default', 'print-access-token')) done('ya29.stand-in-token\\n');
  if (has('artifacts', 'settings', 'describe')) done('REDIRECTION_FROM_GCR_IO_ENABLED\\n');
  unknown();
}

if (TOOL === 'pulumi') pulumi();
else if (TOOL === 'kubectl') kubectl();
else if (TOOL === 'gcloud') gcloud();
else if (args.includes('--version')) done('Kubernetes v1.30.0+1.2.3\\n');
unknown();
`;
}
