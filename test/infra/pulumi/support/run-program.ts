/**
 * Runs infra/pulumi/index.ts the way the Pulumi CLI's Node host does for this project (plain Node with
 * Pulumi.yaml's nodeargs, ES modules, no vitest transform), against the mocked cloud, and prints the
 * registered resources and the outputs as one JSON line. Used by entry.test.ts.
 */
import * as pulumi from '@pulumi/pulumi';
import { installMockCloud, valueOf } from './pulumi-mocks.js';

const cloud = await installMockCloud();
pulumi.runtime.setAllConfig(JSON.parse(process.env.PL_TEST_CONFIG ?? '{}') as Record<string, string>, [
  'personalizedline:jwtSecret',
  'personalizedline:redisPassword',
]);
const program = await import('../../../../infra/pulumi/index.js');
const imageRef = await valueOf(program.imageRef);
await valueOf(program.healthUrl);
await valueOf(program.alertPolicies);
process.stdout.write(`${JSON.stringify({ resources: cloud.resources.map((r) => `${r.type}/${r.name}`), imageRef })}\n`);
// The SDK's transform callback server keeps the event loop alive; the program is done.
process.exit(0);
