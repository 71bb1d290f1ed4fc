/** Imported first by scripts: the handlers' logger and metrics read their settings when created. `--logs` keeps both. */
if (!process.argv.includes('--logs')) {
  process.env['POWERTOOLS_LOG_LEVEL'] ??= 'SILENT';
  process.env['POWERTOOLS_METRICS_DISABLED'] ??= 'true';
}
