/**
 * Cloud Monitoring for the deployment, built from infra/monitoring/: with `monitoring: gmp`, one alert
 * policy per alert of promql.ts (a PromQL condition evaluated on the metrics Managed Service for
 * Prometheus collects) and the dashboard; always, an uptime check of `/health` from outside with its
 * own alert; with `alertEmail`, the email channel every policy notifies.
 */
import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { buildDashboard } from '../monitoring/dashboard.js';
import { DASHBOARD_NAME, UPTIME_ALERT_NAME } from '../monitoring/names.js';
import { alertAnnotations, alertLabels } from '../monitoring/prometheus-rules.js';
import { ALERT_GROUP, alertRules, type AlertRule } from '../monitoring/promql.js';
import type { AlertingConfig, EdgeConfig } from './config.js';

/** Where the uptime check connects: the public host, and whether over HTTPS. */
export interface UptimeTarget {
  readonly host: pulumi.Input<string>;
  readonly useSsl: boolean;
  readonly port: number;
}

/** Inputs of {@link createMonitoring}. */
export interface MonitoringArgs {
  readonly project: string;
  /** The stack's namespace: every query selects its series only. */
  readonly namespace: string;
  /** `monitoring: gmp`: the metrics are collected, so alert on them and draw them. */
  readonly collectMetrics: boolean;
  readonly alerting: AlertingConfig;
  readonly uptime: UptimeTarget;
}

/** What {@link createMonitoring} registered. */
export interface MonitoringResources {
  readonly channel: gcp.monitoring.NotificationChannel | undefined;
  readonly alertPolicies: readonly gcp.monitoring.AlertPolicy[];
  readonly dashboard: gcp.monitoring.Dashboard | undefined;
  readonly uptimeCheck: gcp.monitoring.UptimeCheckConfig;
  readonly uptimeAlert: gcp.monitoring.AlertPolicy;
}

/** The uptime target of the edge: `https://DOMAIN` behind the Ingress, else the L4 IP over HTTP. */
export function uptimeTarget(edge: EdgeConfig, loadBalancerIp: pulumi.Output<string>): UptimeTarget {
  return edge.edge === 'ingress' && edge.domain !== undefined
    ? { host: edge.domain, useSsl: true, port: 443 }
    : { host: loadBalancerIp, useSsl: false, port: 80 };
}

/** Cloud Monitoring's severity for an alert's. */
const SEVERITY = { page: 'CRITICAL', ticket: 'WARNING' } as const;

/** The alert policy of one PromQL alert. Pure, so its shape is tested without the engine. */
export function alertPolicyArgs(
  rule: AlertRule,
  args: { project: string; namespace: string; channels: pulumi.Input<string>[] },
): gcp.monitoring.AlertPolicyArgs {
  const annotations = alertAnnotations(rule);
  return {
    project: args.project,
    displayName: `${ALERT_GROUP} (${args.namespace}): ${rule.name}`,
    combiner: 'OR',
    severity: SEVERITY[rule.severity],
    conditions: [
      {
        displayName: rule.summary,
        conditionPrometheusQueryLanguage: {
          query: rule.expr,
          duration: `${Math.round(rule.forSeconds)}s`,
          evaluationInterval: '30s',
          labels: alertLabels(rule),
          ruleGroup: ALERT_GROUP,
          alertRule: rule.name,
          // The app's metrics exist only once the pods have been scraped; a policy created in the same
          // `pulumi up` as the first rollout would otherwise be refused for naming unknown metrics.
          disableMetricValidation: true,
        },
      },
    ],
    documentation: {
      subject: `${rule.name}: ${annotations.summary}`,
      content: `${annotations.description}\n\nRunbook: ${annotations.runbook}.`,
      mimeType: 'text/markdown',
    },
    notificationChannels: args.channels,
    alertStrategy: { autoClose: '1800s' },
    userLabels: { app: ALERT_GROUP, namespace: args.namespace },
  };
}

/** `opts` reach every resource (the program passes the Cloud Monitoring API service as a dependency). */
export function createMonitoring(args: MonitoringArgs, opts?: pulumi.CustomResourceOptions): MonitoringResources {
  const { project, namespace } = args;
  const channel =
    args.alerting.alertEmail === undefined
      ? undefined
      : new gcp.monitoring.NotificationChannel(
          'alert-email',
          {
            project,
            type: 'email',
            displayName: `${ALERT_GROUP} (${namespace}) alerts`,
            labels: { email_address: args.alerting.alertEmail },
          },
          opts,
        );
  const channels = channel ? [channel.name] : [];

  const rules = args.collectMetrics ? alertRules(args.alerting.thresholds, { namespace }) : [];
  const alertPolicies = rules.map(
    (rule) =>
      new gcp.monitoring.AlertPolicy(
        `alert-${kebab(rule.name)}`,
        alertPolicyArgs(rule, { project, namespace, channels }),
        opts,
      ),
  );
  const dashboard = args.collectMetrics
    ? new gcp.monitoring.Dashboard(
        'dashboard',
        {
          project,
          dashboardJson: JSON.stringify(
            buildDashboard(`${DASHBOARD_NAME} (${namespace})`, args.alerting.thresholds, { namespace }),
          ),
        },
        opts,
      )
    : undefined;

  const uptimeCheck = new gcp.monitoring.UptimeCheckConfig(
    'uptime-health',
    {
      project,
      displayName: `${ALERT_GROUP} (${namespace}) /health`,
      period: '60s',
      timeout: '10s',
      httpCheck: {
        path: '/health',
        port: args.uptime.port,
        useSsl: args.uptime.useSsl,
        validateSsl: args.uptime.useSsl,
        requestMethod: 'GET',
        acceptedResponseStatusCodes: [{ statusValue: 200 }],
      },
      contentMatchers: [{ content: '"status":"ok"', matcher: 'CONTAINS_STRING' }],
      monitoredResource: { type: 'uptime_url', labels: { project_id: project, host: args.uptime.host } },
    },
    opts,
  );
  // Google's own pattern for an uptime alert: more than one checker region failing.
  const uptimeAlert = new gcp.monitoring.AlertPolicy(
    'alert-uptime-check-failed',
    {
      project,
      displayName: `${ALERT_GROUP} (${namespace}): ${UPTIME_ALERT_NAME}`,
      combiner: 'OR',
      severity: 'CRITICAL',
      conditions: [
        {
          displayName: 'GET /health fails from more than one region',
          conditionThreshold: {
            filter: pulumi.interpolate`metric.type="monitoring.googleapis.com/uptime_check/check_passed" AND metric.label.check_id="${uptimeCheck.uptimeCheckId}" AND resource.type="uptime_url"`,
            comparison: 'COMPARISON_GT',
            thresholdValue: 1,
            duration: '300s',
            aggregations: [
              {
                alignmentPeriod: '1200s',
                perSeriesAligner: 'ALIGN_NEXT_OLDER',
                crossSeriesReducer: 'REDUCE_COUNT_FALSE',
                groupByFields: ['resource.label.*'],
              },
            ],
            trigger: { count: 1 },
          },
        },
      ],
      documentation: {
        subject: `${UPTIME_ALERT_NAME}: the deployment does not answer GET /health`,
        content: `Checkers in several regions get no 200 {"status":"ok"} from /health: no web pod answers through the load balancer.\n\nRunbook: docs/runbook.md#${UPTIME_ALERT_NAME.toLowerCase()}.`,
        mimeType: 'text/markdown',
      },
      notificationChannels: channels,
      alertStrategy: { autoClose: '1800s' },
      userLabels: { app: ALERT_GROUP, namespace },
    },
    opts,
  );
  return { channel, alertPolicies, dashboard, uptimeCheck, uptimeAlert };
}

function kebab(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}
