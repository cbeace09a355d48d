/** Display names of the monitoring objects in Cloud Monitoring. */

/** The dashboard's title (the SVG in docs/ shows it too). */
export const DASHBOARD_NAME = 'personalizedline';

/** The alert on the uptime check of `/health`, the one alert not written in PromQL (it is not a scraped metric). */
export const UPTIME_ALERT_NAME = 'UptimeCheckFailed';
