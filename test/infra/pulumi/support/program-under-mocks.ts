/**
 * Runs the whole Pulumi program (infra/pulumi/index.ts) against the mocked cloud, as the program tests
 * need it: a fresh module per run, so each run reads its own stack config.
 */
import * as pulumi from '@pulumi/pulumi';
import { vi } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { secretChecksumAnnotation } from '../../../../infra/pulumi/app-secret.js';
import { asKubeObject, podTemplateOf, type KubeObject } from '../../k8s/support/manifests.js';
import { installMockCloud, type MockCloud, type MockCloudOptions } from './pulumi-mocks.js';

/** A complete stack config: project, region, cluster, a fixed image tag and both secrets. */
export const baseConfig: Record<string, string> = {
  'gcp:project': 'pl-test-project',
  'gcp:region': 'europe-west1',
  'personalizedline:clusterName': 'pl-cluster',
  'personalizedline:imageTag': 'abc123def456',
  'personalizedline:jwtSecret': 'jwt-secret-value-at-least-32-bytes',
  'personalizedline:redisPassword': 'p@ss:w/rd',
};
export const secretKeys = ['personalizedline:jwtSecret', 'personalizedline:redisPassword'];

export type Program = typeof import('../../../../infra/pulumi/index.js');

/** Runs the program with `config` and waits until every resource is registered. */
export async function runProgram(
  config: Record<string, string>,
  options: MockCloudOptions = {},
): Promise<{ cloud: MockCloud; program: Program }> {
  const cloud = await installMockCloud(options);
  pulumi.runtime.setAllConfig(config, secretKeys);
  vi.resetModules();
  const program = await import('../../../../infra/pulumi/index.js');
  // healthUrl depends on the last ConfigGroup, which waits for the Secret, which waits for the first.
  await new Promise<void>((resolve) => program.healthUrl.apply(() => resolve()));
  await new Promise<void>((resolve) => program.imageRef.apply(() => resolve()));
  return { cloud, program };
}

/** The YAML a ConfigGroup was given. */
export const configGroupYaml = (cloud: MockCloud, name: string): string =>
  String(cloud.one('kubernetes:yaml/v2:ConfigGroup', name).inputs.yaml);

/** The objects of a YAML stream, with the Secret checksum annotation taken off (and returned). */
export function withoutChecksum(yaml: string): { objects: KubeObject[]; checksums: Record<string, string> } {
  const checksums: Record<string, string> = {};
  const objects = parseAllDocuments(yaml).map((d) => asKubeObject(d.toJSON() as Record<string, unknown>));
  for (const object of objects) {
    const template = podTemplateOf(object);
    const annotations = template?.metadata?.annotations;
    if (!annotations) continue;
    checksums[`${object.kind}/${object.metadata.name}`] = annotations[secretChecksumAnnotation]!;
    delete annotations[secretChecksumAnnotation];
    if (Object.keys(annotations).length === 0) delete template.metadata!.annotations;
  }
  return { objects, checksums };
}
