/** Imported first by scripts: the handlers' logger reads its level when it is created. `--logs` keeps them. */
if (!process.argv.includes('--logs')) process.env['POWERTOOLS_LOG_LEVEL'] ??= 'SILENT';
