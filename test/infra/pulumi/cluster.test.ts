import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { gkeAuthPlugin, gkeKubeconfig } from '../../../infra/pulumi/cluster.js';

/** The parts of a kubeconfig these tests read. */
interface Kubeconfig {
  clusters: unknown[];
  'current-context': string;
  contexts: { context: unknown }[];
  users: { user: { exec: { installHint: string } } }[];
}

describe('GKE kubeconfig', () => {
  const kubeconfig = parse(
    gkeKubeconfig({ contextName: 'gke_p_us-central1_c', endpoint: '203.0.113.1', caCertificate: 'Q0E=' }),
  ) as Kubeconfig;

  it('points at the cluster endpoint over https with its CA', () => {
    expect(kubeconfig.clusters).toEqual([
      { name: 'gke_p_us-central1_c', cluster: { server: 'https://203.0.113.1', 'certificate-authority-data': 'Q0E=' } },
    ]);
    expect(kubeconfig['current-context']).toBe('gke_p_us-central1_c');
    expect(kubeconfig.contexts[0]!.context).toEqual({ cluster: 'gke_p_us-central1_c', user: 'gke_p_us-central1_c' });
  });

  it('authenticates with the gke-gcloud-auth-plugin exec credential and stores no token', () => {
    const user = kubeconfig.users[0]!.user;
    expect(Object.keys(user)).toEqual(['exec']);
    expect(user.exec).toMatchObject({
      apiVersion: 'client.authentication.k8s.io/v1beta1',
      command: 'gke-gcloud-auth-plugin',
      provideClusterInfo: true,
    });
    expect(gkeAuthPlugin).toBe('gke-gcloud-auth-plugin');
    expect(user.exec.installHint).toContain('gcloud components install gke-gcloud-auth-plugin');
  });
});
