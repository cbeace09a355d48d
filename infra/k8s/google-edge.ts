/**
 * Facts about GKE's HTTP(S) load balancer that both the `web` chart (its Service and container) and
 * the `edge` chart (Ingress, certificate, backend and frontend config) need. No constructs here.
 */

/**
 * Where Google's front ends (the proxies of the external Application Load Balancer) and its health
 * checks connect from, for zonal NEG backends such as GKE's container-native load balancing.
 * https://cloud.google.com/load-balancing/docs/firewall-rules
 */
export const googleFrontEndRanges = ['130.211.0.0/22', '35.191.0.0/16'] as const;

/** The name of the Ingress, ManagedCertificate, BackendConfig and FrontendConfig (all `web`). */
export const edgeObjectName = 'web';

/**
 * Annotations of Service `web` behind the Ingress: container-native load balancing (a NEG of pod
 * IPs, so the load balancer reaches the pods directly and its health check is the pod's), and the
 * BackendConfig that sets the backend service's timeout, draining, health check and affinity.
 */
export function edgeServiceAnnotations(): Record<string, string> {
  return {
    'cloud.google.com/neg': '{"ingress": true}',
    'cloud.google.com/backend-config': JSON.stringify({ default: edgeObjectName }),
  };
}

/**
 * `TRUST_PROXY` of the web container behind the Ingress: only Google's front ends may say the
 * request came over HTTPS (`X-Forwarded-Proto`), which turns on HSTS.
 */
export const edgeTrustProxy = googleFrontEndRanges.join(',');
