/**
 * With stack config `redis: memorystore`: a Memorystore for Redis instance instead of the in-cluster
 * StatefulSet, on the cluster's own VPC network and in its region, with AUTH on and TLS
 * (`SERVER_AUTHENTICATION`): the app gets `rediss://:<AUTH string>@<host>:<port>` and the instance's CA
 * certificates through the app Secret (app-secret.ts), and the charts are synthesized with
 * `redis: external` (no Redis workload). Its settings are read here, beside the one resource they
 * shape.
 */
import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';

/** Memorystore's service tiers: a single node, or a primary with a replica in another zone. */
export const memorystoreTiers = ['BASIC', 'STANDARD_HA'] as const;
export type MemorystoreTier = (typeof memorystoreTiers)[number];

/** The Memorystore settings, read by {@link readMemorystoreConfig}. */
export interface MemorystoreConfig {
  /**
   * `memorystoreTier`. STANDARD_HA fails over to a replica in another zone; BASIC is one node whose
   * failure loses what was written since the last snapshot. @default 'STANDARD_HA'
   */
  readonly tier: MemorystoreTier;
  /** `memorystoreMemoryGb`: the instance's capacity (its `maxmemory`). @default 1 */
  readonly memorySizeGb: number;
  /** `memorystoreName`: the instance id (`gcloud redis instances describe NAME`). @default 'personalizedline' */
  readonly name: string;
}

export function readMemorystoreConfig(): MemorystoreConfig {
  const config = new pulumi.Config();
  return {
    tier: config.get('memorystoreTier', { allowedValues: [...memorystoreTiers] }) ?? 'STANDARD_HA',
    memorySizeGb: config.getNumber('memorystoreMemoryGb', { min: 1, max: 300 }) ?? 1,
    // Memorystore's rule for instance ids: a lowercase letter, then letters, digits and "-", at most 40.
    name: config.get('memorystoreName', { pattern: /^[a-z][-a-z0-9]{0,38}[a-z0-9]$/ }) ?? 'personalizedline',
  };
}

/** The region of a cluster location: a zone (`europe-west1-b`) loses its zone letter; a region stays. Pure. */
export function regionOf(location: string): string {
  return /^[a-z]+-[a-z]+\d+-[a-z]$/.test(location) ? location.slice(0, -2) : location;
}

/**
 * The network as Memorystore's `authorizedNetwork` wants it, `projects/P/global/networks/N`, from
 * what GKE reports (a name, a relative path, or a self link). Pure.
 */
export function networkPath(project: string, network: string): string {
  const relative = network.replace(/^https:\/\/www\.googleapis\.com\/compute\/v1\//, '');
  return relative.startsWith('projects/') ? relative : `projects/${project}/global/networks/${relative}`;
}

/** The app's `REDIS_URL` for the instance: TLS, the AUTH string as the password (percent-encoded). Pure. */
export function memorystoreUrl(host: string, port: number, authString: string): string {
  return `rediss://:${encodeURIComponent(authString)}@${host}:${port}`;
}

/** Which cluster the instance joins. */
export interface MemorystoreArgs {
  readonly project: string;
  /** The cluster's region or zone; the instance goes into its region. */
  readonly clusterLocation: string;
  readonly clusterName: string;
  readonly config: MemorystoreConfig;
}

/** What the app Secret needs of the instance; both values are secret Outputs. */
export interface MemorystoreConnection {
  readonly instance: gcp.redis.Instance;
  /** `rediss://:<AUTH>@host:port` */
  readonly url: pulumi.Output<string>;
  /** The instance's server CA certificates (PEM, all of them: a new CA appears before the old expires). */
  readonly tlsCa: pulumi.Output<string>;
}

/** Creates the instance on the cluster's network and in its region. */
export function createMemorystore(
  args: MemorystoreArgs,
  opts: pulumi.CustomResourceOptions = {},
): MemorystoreConnection {
  const cluster = gcp.container.getClusterOutput({
    project: args.project,
    location: args.clusterLocation,
    name: args.clusterName,
  });
  const instance = new gcp.redis.Instance(
    'redis',
    {
      name: args.config.name,
      project: args.project,
      region: regionOf(args.clusterLocation),
      tier: args.config.tier,
      memorySizeGb: args.config.memorySizeGb,
      redisVersion: 'REDIS_7_2',
      // Direct peering with the cluster's VPC: the pods (VPC-native alias IPs) reach the instance's IP.
      authorizedNetwork: cluster.network.apply((network) => {
        if (!network) throw new Error(`GKE cluster ${args.clusterName} in ${args.clusterLocation} reported no network`);
        return networkPath(args.project, network);
      }),
      connectMode: 'DIRECT_PEERING',
      authEnabled: true,
      transitEncryptionMode: 'SERVER_AUTHENTICATION',
      // A queue must never lose keys to eviction: a full instance refuses writes, as the in-cluster one does.
      redisConfigs: { 'maxmemory-policy': 'noeviction' },
      // Hourly snapshots bound what a lost node can take with it (Memorystore for Redis has no AOF).
      persistenceConfig: { persistenceMode: 'RDB', rdbSnapshotPeriod: 'ONE_HOUR' },
      deletionProtection: true,
    },
    opts,
  );
  return {
    instance,
    url: pulumi.secret(
      pulumi
        .all([instance.host, instance.port, instance.authString])
        .apply(([host, port, auth]) => memorystoreUrl(host, port, auth)),
    ),
    tlsCa: pulumi.secret(
      instance.serverCaCerts.apply((certs) => {
        if (certs.length === 0)
          throw new Error(`Memorystore instance ${args.config.name} reported no server CA certificate`);
        return certs.map((c) => c.cert.trim()).join('\n') + '\n';
      }),
    ),
  };
}
