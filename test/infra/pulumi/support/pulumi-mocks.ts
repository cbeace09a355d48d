/**
 * Pulumi runtime mocks standing in for the cloud: GCP's getClientConfig, getCluster and getProject, the Kubernetes
 * provider's yaml decode, and resource creation (each resource's state is its inputs plus what the
 * real provider would add, e.g. the pushed image's digest). Every registration and call is recorded
 * so tests can assert on exactly what the program asked for.
 */
import * as pulumi from '@pulumi/pulumi';
import { parseAllDocuments } from 'yaml';

/** One resource registration (or read) the program made. */
export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  /** As the engine would receive them: secret values arrive wrapped (see {@link isSecretValue}). */
  readonly inputs: Record<string, unknown>;
  /** `urn::id` of the explicit provider, if any. */
  readonly provider: string | undefined;
  /** Resource options the engine would see (undefined for reads). */
  readonly options: RecordedOptions | undefined;
  /** The transforms in the resource's options (the mock engine records them; it does not run them). */
  readonly transforms: readonly pulumi.ResourceTransform[];
}

/** The resource options a registration carried. */
export interface RecordedOptions {
  readonly retainOnDelete: boolean;
  readonly protect: boolean;
  readonly ignoreChanges: string[];
  /** How many transforms (callbacks the engine runs on every child) the registration passed. */
  readonly transforms: number;
  /** URNs this resource explicitly or through its inputs depends on. */
  readonly dependencies: string[];
}

/** One provider function call the program made. */
export interface RecordedCall {
  readonly token: string;
  readonly inputs: Record<string, unknown>;
}

export interface MockCloud {
  readonly resources: RecordedResource[];
  readonly calls: RecordedCall[];
  /** The registrations of `type`. */
  ofType(type: string): RecordedResource[];
  /** The single registration of `type` named `name`; throws when absent. */
  one(type: string, name?: string): RecordedResource;
}

export interface MockCloudOptions {
  /** Run as `pulumi preview`. @default false */
  readonly preview?: boolean;
  /** The digest the image push returns; `''` mimics a preview, which pushes nothing. */
  readonly digest?: string;
  /** Extra state for ConfigGroup registrations, by name (e.g. `resources`). */
  readonly configGroupState?: Record<string, Record<string, unknown>>;
  /** Extra state for other registrations, by resource name. */
  readonly stateByName?: Record<string, Record<string, unknown>>;
}

export const mockDigest = `sha256:${'ab'.repeat(32)}`;
export const mockAccessToken = 'ya29.mock-access-token';
export const mockCluster = {
  endpoint: '198.51.100.7',
  network: 'pl-vpc',
  caCertificate: Buffer.from('-----BEGIN CERTIFICATE-----\nmock\n-----END CERTIFICATE-----\n').toString('base64'),
  /** The first node pool's account, as a Standard cluster with a dedicated node account reports it. */
  nodeServiceAccount: 'gke-nodes@pl-test-project.iam.gserviceaccount.com',
};
export const mockProjectNumber = '123456789012';

export const mockMemorystore = {
  host: '10.20.30.40',
  port: 6378,
  authString: 'mock-auth:string/with@url?syntax',
  serverCaCerts: [
    {
      cert: '-----BEGIN CERTIFICATE-----\nmock-ca-1\n-----END CERTIFICATE-----\n',
      createTime: '',
      expireTime: '',
      serialNumber: '1',
      sha1Fingerprint: '',
    },
    {
      cert: '-----BEGIN CERTIFICATE-----\nmock-ca-2\n-----END CERTIFICATE-----',
      createTime: '',
      expireTime: '',
      serialNumber: '2',
      sha1Fingerprint: '',
    },
  ],
};

/** Installs the mocks (project `personalizedline`, stack `prod`) and returns the recorder. */
export async function installMockCloud(options: MockCloudOptions = {}): Promise<MockCloud> {
  const resources: RecordedResource[] = [];
  const calls: RecordedCall[] = [];
  const digest = options.digest ?? mockDigest;
  const pendingOptions = new Map<string, RecordedOptions>();

  const mocks: pulumi.runtime.Mocks = {
    newResource(args) {
      // The SDK types the inputs as `any`; they are the serialized properties, a JSON-like object.
      const inputs = args.inputs as Record<string, unknown>;
      const key = `${args.type}::${args.name}`;
      resources.push({
        type: args.type,
        name: args.name,
        inputs,
        provider: args.provider,
        options: pendingOptions.get(key),
        transforms: args.transforms ?? [],
      });
      const extra = options.stateByName?.[args.name] ?? {};
      switch (args.type) {
        case 'docker-build:index:Image':
          return {
            id: digest === '' ? args.name : digest,
            state: { ...inputs, digest, contextHash: 'mock-context-hash', ref: '', ...extra },
          };
        case 'gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig':
          // The provider answers the check's id, which the uptime alert's filter names.
          return { id: `${args.name}-id`, state: { ...inputs, uptimeCheckId: `${args.name}-check-id`, ...extra } };
        case 'gcp:monitoring/notificationChannel:NotificationChannel':
          return {
            id: `${args.name}-id`,
            state: { ...inputs, name: `projects/mock/notificationChannels/${args.name}`, ...extra },
          };
        case 'gcp:monitoring/alertPolicy:AlertPolicy':
          return {
            id: `${args.name}-id`,
            state: { ...inputs, name: `projects/mock/alertPolicies/${args.name}`, ...extra },
          };
        case 'kubernetes:yaml/v2:ConfigGroup':
          return {
            id: undefined,
            state: { ...inputs, resources: [], ...options.configGroupState?.[args.name] },
          };
        case 'gcp:redis/instance:Instance':
          // What Memorystore adds once the instance exists: its address, AUTH string and CA.
          return {
            id: `projects/${String(inputs.project)}/locations/${String(inputs.region)}/instances/${String(inputs.name)}`,
            state: { ...inputs, ...mockMemorystore, ...extra },
          };
        default:
          return { id: args.id ?? `${args.name}-id`, state: { ...inputs, ...extra } };
      }
    },
    call(args) {
      const inputs = args.inputs as Record<string, unknown>;
      calls.push({ token: args.token, inputs });
      switch (args.token) {
        case 'gcp:organizations/getClientConfig:getClientConfig':
          return {
            accessToken: mockAccessToken,
            id: 'mock',
            project: 'mock',
            region: 'mock',
            zone: '',
            defaultLabels: {},
          };
        case 'gcp:container/getCluster:getCluster':
          return {
            ...inputs,
            endpoint: mockCluster.endpoint,
            network: mockCluster.network,
            masterAuths: [
              {
                clusterCaCertificate: mockCluster.caCertificate,
                clientCertificate: '',
                clientKey: '',
                clientCertificateConfigs: [],
              },
            ],
            enableAutopilot: false,
            nodeConfigs: [{ serviceAccount: mockCluster.nodeServiceAccount }],
            nodePools: [{ name: 'default-pool', nodeConfigs: [{ serviceAccount: mockCluster.nodeServiceAccount }] }],
            clusterAutoscalings: [],
          };
        case 'gcp:organizations/getProject:getProject':
          return { ...inputs, number: mockProjectNumber, name: String(inputs.projectId), labels: {} };
        case 'kubernetes:yaml:decode':
          return { result: parseAllDocuments(String(inputs.text)).map((d) => d.toJSON() as unknown) };
        default:
          throw new Error(`unexpected provider call ${args.token}`);
      }
    },
  };
  // The mock engine supports resource transforms as the CLI's does: a resource's transforms reach
  // newResource (recorded above), so tests can run them; the engine itself never calls them.
  const previous = pulumi.runtime.getMonitor() as unknown as { resources?: Map<string, unknown> } | undefined;
  await pulumi.runtime.setMocks(mocks, 'personalizedline', 'prod', options.preview ?? false);
  // The mock interface hides resource options; read them off the request on its way to the mocks.
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    registerResource: RegisterResource;
    resources?: Map<string, unknown>;
  };
  // A program of an earlier test may still be rehydrating a resource reference (a ConfigGroup's
  // `resources`) after that test ended; the engine it asks is now this one. Let it find what it
  // registered there, or its lookup rejects unhandled in whichever test runs next.
  for (const [urn, state] of previous?.resources ?? [])
    if (!monitor.resources?.has(urn)) monitor.resources?.set(urn, state);
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) => {
    pendingOptions.set(`${req.getType()}::${req.getName()}`, {
      retainOnDelete: req.getRetainondelete() ?? false,
      protect: req.getProtect() ?? false,
      ignoreChanges: req.getIgnorechangesList(),
      transforms: req.getTransformsList().length,
      dependencies: req.getDependenciesList(),
    });
    return register(req, callback);
  };

  const ofType = (type: string): RecordedResource[] => resources.filter((r) => r.type === type);
  return {
    resources,
    calls,
    ofType,
    one(type, name) {
      const found = ofType(type).filter((r) => name === undefined || r.name === name);
      if (found.length !== 1) {
        throw new Error(
          `expected one ${type}${name ? ` named ${name}` : ''}, found ${found.length}: ` +
            resources.map((r) => `${r.type}/${r.name}`).join(', '),
        );
      }
      return found[0]!;
    },
  };
}

type RegisterResource = (
  req: {
    getType(): string;
    getName(): string;
    getRetainondelete(): boolean | undefined;
    getProtect(): boolean | undefined;
    getIgnorechangesList(): string[];
    getTransformsList(): unknown[];
    getDependenciesList(): string[];
  },
  callback: (err: unknown, response: unknown) => void,
) => unknown;

/** True for a value the SDK sent as a secret (wrapped in the secret signature). */
export function isSecretValue(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<string, unknown>)[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig
  );
}

/** The value with every secret wrapper removed, at any depth. */
export function revealSecret(value: unknown): unknown {
  if (isSecretValue(value)) return revealSecret((value as { value: unknown }).value);
  if (Array.isArray(value)) return value.map(revealSecret);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revealSecret(v)]));
  }
  return value;
}

/**
 * Whether the value at `path` inside `root` is secret: it, or an object or array holding it, is
 * wrapped. (The SDK lifts a nested secret's mark up to the top of the property it sends.)
 */
export function isSecretAt(root: unknown, path: (string | number)[]): boolean {
  let node = root;
  for (const key of path) {
    if (isSecretValue(node)) return true;
    if (typeof node !== 'object' || node === null) return false;
    node = (node as Record<string | number, unknown>)[key];
  }
  return isSecretValue(node);
}

/** Resolves an Output's value (it must be known). */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((value) => resolve(value)));
}

/** Whether an Output's value is known (false during a preview before the value exists). */
export function isKnown(output: pulumi.Output<unknown>): Promise<boolean> {
  return (output as unknown as { isKnown: Promise<boolean> }).isKnown;
}
