/**
 * The public edge of the deployment in the cloud: with `edge: ingress`, the reserved global IP the
 * Ingress uses (its name is the Ingress' `kubernetes.io/ingress.global-static-ip-name`) and, with a
 * `dnsZone`, the domain's A record pointing at it. The stack's URLs follow the edge: `https://` and
 * `wss://` on the domain, or `http://` and `ws://` on the L4 load balancer's IP.
 */
import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import type { ManifestOptions } from '../k8s/options.js';
import type { EdgeConfig } from './config.js';

/** The cloud resources of the edge; empty with `loadbalancer`. */
export interface EdgeResources {
  readonly address: gcp.compute.GlobalAddress | undefined;
  readonly record: gcp.dns.RecordSet | undefined;
}

/** The DNS record's TTL: short, so moving the domain to a new address takes minutes. */
export const EDGE_DNS_TTL_SECONDS = 300;

/** The manifest options of the edge: the Ingress' domain and static IP name, the frontends' origins. */
export function edgeManifestOptions(
  edge: EdgeConfig,
): Pick<ManifestOptions, 'edge' | 'domain' | 'staticIpName' | 'allowedOrigins'> {
  const origins = edge.allowedOrigins.length > 0 ? { allowedOrigins: edge.allowedOrigins } : {};
  return edge.edge === 'ingress'
    ? { ...origins, edge: 'ingress', domain: edge.domain, staticIpName: edge.staticIpName }
    : origins;
}

/** Reserves the global IP and writes the A record (with `ingress`; nothing otherwise). */
export function createEdge(edge: EdgeConfig, gcpProject: string): EdgeResources {
  if (edge.edge !== 'ingress' || edge.domain === undefined) return { address: undefined, record: undefined };
  // A global (not regional) external IPv4 address: what GKE's external Application Load Balancer takes.
  const address = new gcp.compute.GlobalAddress('web-ip', {
    name: edge.staticIpName,
    project: gcpProject,
    addressType: 'EXTERNAL',
    ipVersion: 'IPV4',
    description: `personalizedline: the Ingress of https://${edge.domain}`,
  });
  const record =
    edge.dnsZone === undefined
      ? undefined
      : new gcp.dns.RecordSet('web-dns', {
          project: gcpProject,
          managedZone: edge.dnsZone,
          name: `${edge.domain}.`,
          type: 'A',
          ttl: EDGE_DNS_TTL_SECONDS,
          rrdatas: [address.address],
        });
  return { address, record };
}

/** The stack outputs that name where the deployment answers. */
export interface EdgeUrls {
  /** The address clients connect to: the global IP, or the L4 load balancer's. */
  readonly loadBalancerIp: pulumi.Output<string>;
  /** `https://DOMAIN` or `http://IP`: the API's base and the page. */
  readonly appUrl: pulumi.Output<string>;
  readonly healthUrl: pulumi.Output<string>;
  /** The progress WebSocket; replace `{job_id}`. */
  readonly websocketUrl: pulumi.Output<string>;
}

/** The URLs for `edge`; `serviceAddress` is the L4 load balancer's IP (unused with `ingress`). */
export function edgeUrls(edge: EdgeConfig, resources: EdgeResources, serviceAddress: pulumi.Output<string>): EdgeUrls {
  if (edge.edge === 'ingress' && edge.domain !== undefined && resources.address !== undefined) {
    const base = `https://${edge.domain}`;
    return {
      loadBalancerIp: resources.address.address,
      appUrl: pulumi.output(base),
      healthUrl: pulumi.output(`${base}/health`),
      websocketUrl: pulumi.output(`wss://${edge.domain}/ws/jobs/{job_id}`),
    };
  }
  return {
    loadBalancerIp: serviceAddress,
    appUrl: pulumi.interpolate`http://${serviceAddress}`,
    healthUrl: pulumi.interpolate`http://${serviceAddress}/health`,
    websocketUrl: pulumi.interpolate`ws://${serviceAddress}/ws/jobs/{job_id}`,
  };
}
