/**
 * deploy and rollback end by verifying what they changed. This module finds what verify needs when
 * no flag gives it: the URL (stack outputs, or the web Service's load balancer IP) and a token
 * (`JWT_SECRET`, or the stack's `jwtSecret` config, or the `jwtSecret` output the program generated).
 */
import { workloadNames } from '../../infra/k8s/labels.js';
import type { CommandRunner } from './command-runner.js';
import { OpsError, type Output } from './outcome.js';
import {
  CONFIG_KEYS,
  DEFAULT_NAMESPACE,
  OUTPUT_NAMES,
  baseUrlFromIp,
  baseUrlFromOutputs,
  type StackTarget,
} from './pulumi/pulumi-project.js';
import { readConfigValue, readSecretOutput, readStackOutputs } from './pulumi/stack-reads.js';
import { allPassed, runVerify } from './verify/run-verify.js';
import { resolveToken } from './verify/token-source.js';

export interface VerifyAfterChangeOptions {
  /** `--url`, else found from the stack or the cluster. */
  readonly url?: string;
  /** `--token`. */
  readonly token?: string;
  /** `JWT_SECRET` of the operator's environment. */
  readonly jwtSecret?: string;
  readonly websocket: boolean;
  readonly timeoutMs: number;
  /** How long health and ready are retried while the load balancer settles. */
  readonly settleMs: number;
  readonly kubectlNamespace?: string;
  /** `JWT_SECRET`-less token minting and URL lookup use this stack; absent after an emergency rollback. */
  readonly stack?: StackTarget;
  /** Without a stack: the namespace whose Service `web` gives the URL. */
  readonly serviceNamespace?: string;
}

/** Runs verify; answers true when every check passed. */
export async function verifyAfterChange(
  options: VerifyAfterChangeOptions,
  run: CommandRunner,
  out: Output,
): Promise<boolean> {
  const baseUrl = options.url ?? (await findBaseUrl(options, run));
  const secret = options.jwtSecret || (options.stack ? await stackJwtSecret(options.stack, run) : undefined);
  let token: string;
  try {
    token = await resolveToken({ token: options.token, secret });
  } catch {
    throw new OpsError(
      'FAILED',
      'The change is done but cannot be verified: no token. Pass --token JWT or set JWT_SECRET, then run: npm run verify -- --url ' +
        baseUrl,
    );
  }
  out(`==> verify ${baseUrl}${options.websocket ? '' : ' (WebSocket off: checking the polling fallback)'}`);
  const results = await runVerify(
    {
      baseUrl,
      token,
      websocket: options.websocket,
      timeoutMs: options.timeoutMs,
      settleMs: options.settleMs,
      kubectlNamespace: options.kubectlNamespace,
    },
    run,
    out,
  );
  return allPassed(results);
}

async function findBaseUrl(options: VerifyAfterChangeOptions, run: CommandRunner): Promise<string> {
  if (options.stack) {
    const url = baseUrlFromOutputs(await readStackOutputs(options.stack, run));
    if (!url)
      throw new OpsError(
        'FAILED',
        'The change is done, but the stack has no healthUrl or loadBalancerIp output to verify; pass --url.',
      );
    return url;
  }
  const namespace = options.serviceNamespace ?? DEFAULT_NAMESPACE;
  const answer = await run('kubectl', [
    'get',
    'service',
    workloadNames.web,
    '-n',
    namespace,
    '-o',
    'jsonpath={.status.loadBalancer.ingress[0].ip}',
  ]);
  const ip = answer.stdout.trim();
  if (answer.code !== 0 || !ip)
    throw new OpsError(
      'FAILED',
      `The change is done, but Service web in ${namespace} has no load balancer IP to verify; pass --url.`,
    );
  return baseUrlFromIp(ip);
}

/** The stack's configured `jwtSecret`, else the one the program generated (a secret stack output). */
async function stackJwtSecret(stack: StackTarget, run: CommandRunner): Promise<string | undefined> {
  return (
    (await readConfigValue(stack, CONFIG_KEYS.jwtSecret, run)) ??
    (await readSecretOutput(stack, OUTPUT_NAMES.generatedJwtSecret, run))
  );
}
