export * from './lift-report.service.js';
export * from './pdf/pdf-renderer.js';
export { findBrowser, WHERE_LOOKED } from './pdf/find-browser.js';
export * from './render/render-report.js';
export {
  formatDateTime,
  formatDuration,
  formatFixed,
  formatInteger,
  formatPercent,
  formatPeriod,
  formatSignedInteger,
} from './render/format.js';
export { buildReportView, type HeadlineView, type TriggerVerdict } from './render/report-view.js';
export * from './report-measures.js';
export * from './report-measures.service.js';
export * from './reports.exception.js';
export * from './reports.module.js';
export * from './reports.settings.js';
export * from './snapshots/last-full-week.js';
export * from './snapshots/report-snapshot.job.js';
export * from './snapshots/report-snapshots.repository.js';
export * from './snapshots/report-snapshots.service.js';
export * from './snapshots/snapshot-created.hook.js';
