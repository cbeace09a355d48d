/**
 * The cdk8s charts, synthesized in-process from stack config and the pushed image's digest, and split
 * in two so the Secret can be created between them: the Namespace first, then everything that lives
 * in it (whose pods need the Secret). Pure: no Pulumi resources here.
 */
import { parse, parseDocument } from 'yaml';
import { defaultManifestOptions, type ManifestOptions } from '../k8s/options.js';
import { synthesizeManifests } from '../k8s/synthesize.js';
import type { EdgeConfig, StackConfig } from './config.js';
import { edgeManifestOptions } from './edge.js';

/** The Secret the charts reference (`secretKeyRef`); the program creates it under the charts' default name. */
export const appSecretName = defaultManifestOptions.secretName;

/** The manifest options for `config`, with `image` as the web and rq-worker image (and `edge`, if given). */
export function manifestOptionsFor(config: StackConfig, image: string, edge?: EdgeConfig): ManifestOptions {
  return {
    ...(edge === undefined ? {} : edgeManifestOptions(edge)),
    namespace: config.namespace,
    image,
    enableWebsocket: config.enableWebsocket,
    sessionAffinity: config.sessionAffinity,
    sessionAffinityTimeoutSeconds: config.sessionAffinityTimeoutSeconds,
    webReplicas: config.webReplicas,
    workerReplicas: config.workerReplicas,
    webMaxReplicas: config.webMaxReplicas,
    workerMaxReplicas: config.workerMaxReplicas,
    redis: config.redis === 'memorystore' ? 'external' : 'in-cluster',
    secretName: appSecretName,
    monitoring: config.monitoring,
  };
}

/** The synthesized manifests, split by {@link splitNamespace}. */
export interface RenderedManifests {
  /** The Namespace object(s), verbatim. */
  readonly namespaceYaml: string;
  /** Every other object, verbatim and in the synthesized order. */
  readonly workloadYaml: string;
}

/** Synthesizes the charts for `config` and `image` (a digest reference) and splits them. */
export function renderManifests(config: StackConfig, image: string, edge?: EdgeConfig): RenderedManifests {
  return splitNamespace(synthesizeManifests(manifestOptionsFor(config, image, edge)));
}

/**
 * Splits a multi-document YAML stream into its Namespace documents and the rest, keeping each
 * document's text exactly. A `---` line at column 0 can only be a document marker in Kubernetes
 * manifests (block scalars are always indented under their key).
 */
export function splitNamespace(manifests: string): RenderedManifests {
  const namespaces: string[] = [];
  const others: string[] = [];
  for (const document of splitDocuments(manifests)) {
    const object = parse(document) as { kind?: unknown } | null;
    (object?.kind === 'Namespace' ? namespaces : others).push(document);
  }
  return { namespaceYaml: joinDocuments(namespaces), workloadYaml: joinDocuments(others) };
}

/** The documents of a YAML stream, each ending in a newline; empty documents are dropped. */
export function splitDocuments(manifests: string): string[] {
  return manifests
    .split(/^---[ \t]*$\n?/m)
    .filter((document) => document.trim() !== '')
    .map((document) => (document.endsWith('\n') ? document : `${document}\n`));
}

/** Kinds whose pod template {@link withPodAnnotations} annotates. */
const podTemplateKinds = new Set(['Deployment', 'StatefulSet']);

/**
 * Adds `annotations` to the pod template of every Deployment and StatefulSet in a YAML stream; other
 * documents keep their text exactly. The charts know no secret, so the program adds what depends on
 * one (the Secret's checksum) here.
 */
export function withPodAnnotations(manifests: string, annotations: Readonly<Record<string, string>>): string {
  return joinDocuments(
    splitDocuments(manifests).map((text) => {
      const document = parseDocument(text);
      if (!podTemplateKinds.has(String(document.get('kind')))) return text;
      for (const [key, value] of Object.entries(annotations)) {
        document.setIn(['spec', 'template', 'metadata', 'annotations', key], value);
      }
      return document.toString();
    }),
  );
}

function joinDocuments(documents: string[]): string {
  return documents.join('---\n');
}
