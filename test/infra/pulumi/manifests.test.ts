import { describe, expect, it } from 'vitest';
import { synthesizeManifests } from '../../../infra/k8s/synthesize.js';
import type { StackConfig } from '../../../infra/pulumi/config.js';
import {
  appSecretName,
  manifestOptionsFor,
  renderManifests,
  splitDocuments,
  splitNamespace,
} from '../../../infra/pulumi/manifests.js';

const config = {
  namespace: 'pl-test',
  enableWebsocket: false,
  sessionAffinity: 'ClientIP',
  sessionAffinityTimeoutSeconds: 900,
  webReplicas: 2,
  workerReplicas: 0,
  webMaxReplicas: 4,
  workerMaxReplicas: 1,
  redis: 'memorystore',
} as StackConfig;
const image = `gcr.io/p/personalizedline@sha256:${'0f'.repeat(32)}`;

describe('manifest options from stack config', () => {
  it('carries every flag, the image and the Secret name', () => {
    expect(manifestOptionsFor(config, image)).toEqual({
      namespace: 'pl-test',
      image,
      enableWebsocket: false,
      sessionAffinity: 'ClientIP',
      sessionAffinityTimeoutSeconds: 900,
      webReplicas: 2,
      workerReplicas: 0,
      webMaxReplicas: 4,
      workerMaxReplicas: 1,
      redis: 'external',
      secretName: appSecretName,
    });
    expect(appSecretName).toBe('personalizedline-secrets');
  });
});

describe('splitting the synthesized manifests', () => {
  it('puts the Namespace in one part and everything else, verbatim and in order, in the other', () => {
    const synthesized = synthesizeManifests(manifestOptionsFor(config, image));
    const { namespaceYaml, workloadYaml } = renderManifests(config, image);
    expect(splitDocuments(namespaceYaml)).toHaveLength(1);
    expect(namespaceYaml).toMatch(/^kind: Namespace$/m);
    expect(workloadYaml).not.toMatch(/^kind: Namespace$/m);
    expect([...splitDocuments(namespaceYaml), ...splitDocuments(workloadYaml)].sort()).toEqual(
      splitDocuments(synthesized).sort(),
    );
  });

  it('keeps documents byte for byte and drops empty ones', () => {
    const stream = 'kind: A\nx: "---"\n---\n\n---\nkind: Namespace\nmetadata: {name: n}\n--- \nkind: B\n  # note\n';
    expect(splitDocuments(stream)).toEqual([
      'kind: A\nx: "---"\n',
      'kind: Namespace\nmetadata: {name: n}\n',
      'kind: B\n  # note\n',
    ]);
    expect(splitNamespace(stream)).toEqual({
      namespaceYaml: 'kind: Namespace\nmetadata: {name: n}\n',
      workloadYaml: 'kind: A\nx: "---"\n---\nkind: B\n  # note\n',
    });
  });

  it('rejects options the charts reject, naming the option', () => {
    expect(() => renderManifests({ ...config, namespace: 'Bad_Name' }, image)).toThrow(/namespace/);
    expect(() => renderManifests({ ...config, webReplicas: 1.5 }, image)).toThrow(/webReplicas/);
  });
});
