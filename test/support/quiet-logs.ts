// Handlers log one JSON line per run; in tests those lines bury jest's own report. Tests that assert
// on logs build their own Logger with an explicit level. `POWERTOOLS_LOG_LEVEL=INFO npm test` shows them.
process.env['POWERTOOLS_LOG_LEVEL'] ??= 'SILENT';
// The same for the handlers' metrics (one EMF line per run): tests that read them build their own
// Metrics with them on (test/scenario/metrics.test.ts).
process.env['POWERTOOLS_METRICS_DISABLED'] ??= 'true';
