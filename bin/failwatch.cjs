#!/usr/bin/env node
// `npx failwatch <command>` (package.json "bin"): runs the TypeScript CLI through tsx, as `npm run failwatch` does.
require('tsx/cjs/api').register();
require('../lib/cli/main.ts').runAsProgram();
