/**
 * A real image build of the project's Dockerfile (buildah, no Docker engine, nothing pulled: the bases
 * are stand-ins made around Node 24's own binary from the npm registry), then the image's own default
 * command answering GET /health. Skipped, with a message saying why, only where buildah is not
 * installed.
 */
import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { requiredNodeMajor } from '../../scripts/require-node.mjs';

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
const script = fileURLToPath(new URL('../../scripts/build-image.sh', import.meta.url));
const tag = 'localhost/personalizedline:build-test';

const hasBuildah = await promisify(execFile)('buildah', ['--version']).then(
  () => true,
  () => false,
);
if (!hasBuildah) {
  process.stdout.write(
    'test/image: SKIPPED the real image build: buildah is not installed (Debian: apt-get install buildah; .ci/run installs it)\n',
  );
}

interface BuildResult {
  image: string;
  storage: string;
  sizeBytes: number;
  /** The runtime stand-in's size (what the shipped image sits on). */
  baseSizeBytes: number;
  addedBytes: number;
  buildSeconds: number;
  health: string;
  /** What the web command printed up to its /health answer that is not a JSON log line. */
  otherOutput: string[];
}

/** Runs the build script; resolves with its RESULT line and its whole output (for failure messages). */
function runBuildScript(): Promise<{ code: number | null; output: string; result: BuildResult | undefined }> {
  return new Promise((resolve, reject) => {
    const child = spawn(script, ['--tag', tag], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = output.split('\n').find((l) => l.startsWith('RESULT '));
      resolve({ code, output, result: line ? (JSON.parse(line.slice('RESULT '.length)) as BuildResult) : undefined });
    });
  });
}

describe.skipIf(!hasBuildah)('the Dockerfile, built for real with buildah', () => {
  let build: Awaited<ReturnType<typeof runBuildScript>>;
  let buildah: (...args: string[]) => Promise<string>;

  beforeAll(async () => {
    build = await runBuildScript();
    const storage = build.result?.storage ?? '/var/tmp/personalizedline-buildah';
    buildah = async (...args) =>
      (
        await promisify(execFile)(
          'buildah',
          ['--root', `${storage}/storage`, '--runroot', `${storage}/run`, '--storage-driver', 'vfs', ...args],
          { maxBuffer: 16 * 1024 * 1024 },
        )
      ).stdout;
    // A cold machine downloads every npm package once; later builds reuse the host's npm cache.
  }, 30 * 60_000);

  it('builds, and the image web command answers GET /health without Redis', () => {
    expect(build.code, build.output).toBe(0);
    expect(build.result, build.output).toBeDefined();
    expect(JSON.parse(build.result!.health)).toEqual({ status: 'ok' });
    // No Node or library warning (deprecations included) from the compiled web command on the real runtime.
    expect(build.result!.otherOutput).toEqual([]);
    process.stdout.write(
      `test/image: built in ${build.result!.buildSeconds}s; ${(build.result!.sizeBytes / 1e6).toFixed(1)} MB ` +
        `(runtime stand-in ${(build.result!.baseSizeBytes / 1e6).toFixed(1)} MB + ${(build.result!.addedBytes / 1e6).toFixed(1)} MB)\n`,
    );
  });

  it(`runs Node ${requiredNodeMajor()}, with no shell and no npm in the image`, async () => {
    const container = (await buildah('from', '--quiet', tag)).trim();
    try {
      expect((await buildah('run', '--isolation', 'chroot', container, '--', 'node', '-v')).trim()).toMatch(
        new RegExp(`^v${requiredNodeMajor()}\\.\\d+\\.\\d+$`),
      );
      const present = JSON.parse(
        await buildah(
          'run',
          '--isolation',
          'chroot',
          container,
          '--',
          'node',
          '-p',
          `
        JSON.stringify(['/bin/sh', '/bin/bash', '/usr/bin/sh', '/usr/local/bin/npm', '/usr/local/lib/node_modules/npm', '/nodejs/lib/node_modules/npm']
          .filter((p) => require('fs').existsSync(p)))`,
        ),
      ) as string[];
      expect(present).toEqual([]);
    } finally {
      await buildah('rm', container);
    }
  });

  it('runs as a numeric non-root user with NODE_ENV=production and the web command by default', async () => {
    const inspected = JSON.parse(await buildah('inspect', '--type', 'image', tag)) as { OCIv1: { config: unknown } };
    const config = inspected.OCIv1.config as {
      User?: string;
      Env?: string[];
      Cmd?: string[];
      Entrypoint?: string[];
      WorkingDir?: string;
      ExposedPorts?: Record<string, unknown>;
    };
    expect(config.User).toMatch(/^[1-9]\d*(:\d+)?$/);
    expect(config.Env).toContain('NODE_ENV=production');
    expect(config.Entrypoint ?? []).toEqual([]);
    expect(config.Cmd).toEqual(['node', 'build/app/server/main.js']);
    expect(config.WorkingDir).toBe('/app');
    expect(Object.keys(config.ExposedPorts ?? {})).toEqual(['8080/tcp']);
  });

  it('holds the compiled app and production dependencies only', async () => {
    const container = (await buildah('from', '--quiet', tag)).trim();
    try {
      const listing = await buildah(
        'run',
        '--isolation',
        'chroot',
        container,
        '--',
        'node',
        '-e',
        `
        const fs = require('fs');
        const names = (dir) => fs.readdirSync(dir).flatMap((n) => n.startsWith('@') ? fs.readdirSync(dir + '/' + n).map((m) => n + '/' + m) : [n]);
        console.log(JSON.stringify({
          app: fs.readdirSync('/app').sort(),
          modules: names('/app/node_modules'),
          worker: fs.existsSync('/app/build/app/worker/main.js'),
          web: fs.existsSync('/app/build/app/server/main.js'),
          sources: fs.existsSync('/app/app'),
        }));`,
      );
      const contents = JSON.parse(listing) as {
        app: string[];
        modules: string[];
        worker: boolean;
        web: boolean;
        sources: boolean;
      };
      expect(contents.app).toEqual(['build', 'node_modules', 'package.json']);
      expect(contents.web).toBe(true);
      expect(contents.worker).toBe(true);
      expect(contents.sources).toBe(false);
      for (const wanted of ['fastify', 'ioredis', 'bullmq', 'ws', 'pino', 'jose'])
        expect(contents.modules).toContain(wanted);
      for (const devOnly of [
        'typescript',
        'tsx',
        'vitest',
        '@pulumi/pulumi',
        '@pulumi/gcp',
        'cdk8s',
        'cdk8s-plus-28',
        'playwright-core',
        'socket.io',
      ]) {
        expect(contents.modules, `${devOnly} must not be in the runtime image`).not.toContain(devOnly);
      }
    } finally {
      await buildah('rm', container);
    }
  });
});
