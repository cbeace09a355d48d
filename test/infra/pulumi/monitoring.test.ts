/**
 * The program's Cloud Monitoring under mocked GCP: one PromQL alert policy per alert of
 * infra/monitoring/promql.ts (scoped to the stack's namespace), the dashboard built from the same
 * module, the uptime check of /health with its alert, and the email channel when one is configured;
 * MONITORING=none keeps only the uptime check.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { buildDashboard } from '../../../infra/monitoring/dashboard.js';
import { UPTIME_ALERT_NAME } from '../../../infra/monitoring/names.js';
import { alertRules } from '../../../infra/monitoring/promql.js';
import { defaultAlertThresholds } from '../../../infra/monitoring/thresholds.js';
import { installMockCloud, valueOf, type MockCloud, type RecordedResource } from './support/pulumi-mocks.js';

const baseConfig: Record<string, string> = {
  'gcp:project': 'pl-mon-project',
  'personalizedline:imageTag': 'montest',
  'personalizedline:jwtSecret': 'monitoring-test-secret-of-32-bytes!',
  'personalizedline:redisPassword': 'redis-pw',
};
const secretKeys = ['personalizedline:jwtSecret', 'personalizedline:redisPassword'];
const webIp = '203.0.113.20';
const POLICY = 'gcp:monitoring/alertPolicy:AlertPolicy';

type Program = typeof import('../../../infra/pulumi/index.js');

/** Runs the program with the web Service at {@link webIp}; resolves once every policy is registered. */
async function runProgram(config: Record<string, string>): Promise<{ cloud: MockCloud; program: Program }> {
  const options: Parameters<typeof installMockCloud>[0] & {
    configGroupState?: Record<string, Record<string, unknown>>;
  } = {
    stateByName: { 'web-live': { status: { loadBalancer: { ingress: [{ ip: webIp }] } } } },
  };
  const cloud = await installMockCloud(options);
  const liveWeb = new k8s.core.v1.Service('web-live', {
    metadata: { name: 'web', namespace: config['personalizedline:namespace'] ?? 'personalizedline' },
  });
  await valueOf(liveWeb.urn);
  options.configGroupState = { app: { resources: [liveWeb] } };
  pulumi.runtime.setAllConfig(config, secretKeys);
  vi.resetModules();
  const program = await import('../../../infra/pulumi/index.js');
  // Every output, not only the policies: a lookup still in flight when the next test installs new
  // mocks would reject after this test has ended.
  const outputs: pulumi.Output<unknown>[] = [
    program.alertPolicies,
    program.uptimeCheckId,
    program.healthUrl,
    program.imageRef,
    program.appSecretChecksum,
  ];
  await Promise.all(outputs.map((output) => valueOf(output)));
  return { cloud, program };
}

const promqlPolicies = (cloud: MockCloud) => cloud.ofType(POLICY).filter((p) => p.name !== 'alert-uptime-check-failed');
/** The fields of an alert policy's condition that these tests read, as the engine receives them. */
interface RecordedCondition {
  conditionPrometheusQueryLanguage?: { query: string; duration: string; alertRule: string };
  conditionThreshold?: { filter: string };
}
const conditionOf = (policy: RecordedResource): RecordedCondition =>
  (policy.inputs.conditions as RecordedCondition[])[0]!;

describe('pulumi monitoring', () => {
  beforeEach(() => {
    pulumi.runtime.setAllConfig({});
  });

  it("registers one PromQL alert policy per alert of the shared module, in the stack's namespace", async () => {
    const { cloud } = await runProgram(baseConfig);
    const rules = alertRules(defaultAlertThresholds, { namespace: 'personalizedline' });
    const policies = promqlPolicies(cloud);
    expect(policies.map((p) => conditionOf(p).conditionPrometheusQueryLanguage!.alertRule)).toEqual(
      rules.map((r) => r.name),
    );
    policies.forEach((policy, i) => {
      const rule = rules[i]!;
      expect(policy.inputs).toMatchObject({
        project: 'pl-mon-project',
        displayName: `personalizedline (personalizedline): ${rule.name}`,
        combiner: 'OR',
        severity: rule.severity === 'page' ? 'CRITICAL' : 'WARNING',
        notificationChannels: [],
      });
      expect(conditionOf(policy).conditionPrometheusQueryLanguage).toEqual({
        query: rule.expr,
        duration: `${rule.forSeconds}s`,
        evaluationInterval: '30s',
        labels: { severity: rule.severity },
        ruleGroup: 'personalizedline',
        alertRule: rule.name,
        disableMetricValidation: true,
      });
      expect(rule.expr).toContain('namespace="personalizedline"');
      expect((policy.inputs.documentation as { content: string }).content).toContain(
        `Runbook: docs/runbook.md#${rule.name.toLowerCase()}.`,
      );
    });
    expect(cloud.ofType('gcp:monitoring/notificationChannel:NotificationChannel')).toEqual([]);
  });

  it('registers the dashboard built from the same module, and the uptime check of /health with its alert', async () => {
    const { cloud, program } = await runProgram(baseConfig);
    const dashboard = cloud.one('gcp:monitoring/dashboard:Dashboard', 'dashboard');
    expect(JSON.parse(String(dashboard.inputs.dashboardJson))).toEqual(
      buildDashboard('personalizedline (personalizedline)', defaultAlertThresholds, { namespace: 'personalizedline' }),
    );

    const check = cloud.one('gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig', 'uptime-health');
    expect(check.inputs).toMatchObject({
      project: 'pl-mon-project',
      httpCheck: {
        path: '/health',
        port: 80,
        useSsl: false,
        requestMethod: 'GET',
        acceptedResponseStatusCodes: [{ statusValue: 200 }],
      },
      monitoredResource: { type: 'uptime_url', labels: { project_id: 'pl-mon-project', host: webIp } },
      contentMatchers: [{ content: '"status":"ok"', matcher: 'CONTAINS_STRING' }],
    });
    expect(await valueOf(program.uptimeCheckId)).toBe('uptime-health-check-id');
    const uptimeAlert = cloud.one(POLICY, 'alert-uptime-check-failed');
    expect(conditionOf(uptimeAlert).conditionThreshold!.filter).toContain(
      'metric.label.check_id="uptime-health-check-id"',
    );
    expect((uptimeAlert.inputs.documentation as { content: string }).content).toContain(
      `Runbook: docs/runbook.md#${UPTIME_ALERT_NAME.toLowerCase()}.`,
    );
    expect(await valueOf(program.alertPolicies)).toHaveLength(7);
  });

  it('notifies the configured email from every policy, and takes the thresholds from stack config', async () => {
    const { cloud } = await runProgram({
      ...baseConfig,
      'personalizedline:alertEmail': 'oncall@example.com',
      'personalizedline:alertQueueWaitMinutes': '2',
      'personalizedline:deliveryP99ObjectiveSeconds': '0.25',
      'personalizedline:alertNotReadyMinutes': '3',
    });
    const channel = cloud.one('gcp:monitoring/notificationChannel:NotificationChannel', 'alert-email');
    expect(channel.inputs).toMatchObject({
      type: 'email',
      labels: { email_address: 'oncall@example.com' },
      project: 'pl-mon-project',
    });
    for (const policy of cloud.ofType(POLICY))
      expect(policy.inputs.notificationChannels, policy.name).toEqual([
        'projects/mock/notificationChannels/alert-email',
      ]);
    const query = (name: string): string =>
      conditionOf(cloud.one(POLICY, name)).conditionPrometheusQueryLanguage!.query;
    expect(query('alert-jobs-waiting-too-long')).toMatch(/> 120$/);
    expect(query('alert-delivery-latency-p99-high')).toMatch(/> 0.25$/);
    expect(conditionOf(cloud.one(POLICY, 'alert-web-not-ready')).conditionPrometheusQueryLanguage!.duration).toBe(
      '180s',
    );
    const dashboard = JSON.parse(String(cloud.one('gcp:monitoring/dashboard:Dashboard').inputs.dashboardJson)) as {
      mosaicLayout: { tiles: { widget: { title: string; xyChart?: { thresholds: { value: number }[] } } }[] };
    };
    const latency = dashboard.mosaicLayout.tiles.find((t) => t.widget.title === 'Delivery latency p50 / p99')!;
    expect(latency.widget.xyChart!.thresholds[0]!.value).toBe(0.25);
  });

  it('with monitoring=none writes no PodMonitoring and creates no alert policy or dashboard, only the uptime check', async () => {
    const { cloud } = await runProgram({ ...baseConfig, 'personalizedline:monitoring': 'none' });
    await vi.waitFor(() =>
      expect(typeof cloud.one('kubernetes:yaml/v2:ConfigGroup', 'app').inputs.yaml).toBe('string'),
    );
    expect(String(cloud.one('kubernetes:yaml/v2:ConfigGroup', 'app').inputs.yaml)).not.toContain('PodMonitoring');
    expect(cloud.ofType(POLICY).map((p) => p.name)).toEqual(['alert-uptime-check-failed']);
    expect(cloud.ofType('gcp:monitoring/dashboard:Dashboard')).toEqual([]);
    expect(cloud.ofType('gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig')).toHaveLength(1);
  });

  it('with monitoring=gmp (the default) rolls out the PodMonitoring objects with the app', async () => {
    const { cloud } = await runProgram(baseConfig);
    await vi.waitFor(() =>
      expect(typeof cloud.one('kubernetes:yaml/v2:ConfigGroup', 'app').inputs.yaml).toBe('string'),
    );
    const yaml = String(cloud.one('kubernetes:yaml/v2:ConfigGroup', 'app').inputs.yaml);
    expect(yaml.match(/kind: PodMonitoring/g)).toHaveLength(2);
  });

  it('checks https://DOMAIN/health over TLS behind the Ingress', async () => {
    const { cloud } = await runProgram({
      ...baseConfig,
      'personalizedline:edge': 'ingress',
      'personalizedline:domain': 'api.example.com',
    });
    const check = cloud.one('gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig');
    expect(check.inputs.httpCheck).toMatchObject({ port: 443, useSsl: true, validateSsl: true });
    expect(check.inputs.monitoredResource).toEqual({
      type: 'uptime_url',
      labels: { project_id: 'pl-mon-project', host: 'api.example.com' },
    });
  });

  it('stops before creating anything on a threshold out of range or a malformed email', async () => {
    for (const [key, value] of [
      ['alertJobFailureRatio', '2'],
      ['alertEmail', 'not-an-address'],
      ['alertNotReadyMinutes', '0'],
    ] as const) {
      const cloud = await installMockCloud();
      pulumi.runtime.setAllConfig({ ...baseConfig, [`personalizedline:${key}`]: value }, secretKeys);
      vi.resetModules();
      await expect(import('../../../infra/pulumi/index.js'), key).rejects.toThrow(new RegExp(key));
      expect(cloud.resources, key).toEqual([]);
    }
  });
});
