/** Display names of the monitoring objects in Cloud Monitoring. */

/** The dashboard's title (the SVG in docs/ shows it too). */
export const DASHBOARD_NAME = 'personalizedline';
