#!/usr/bin/env node
'use strict';
/**
 * Writes the example workflows into examples/ from scripts/lib/examples.js (the sample webhook bodies
 * embedded in them come from examples/data/). `--check` only compares and exits 1 if a file differs.
 * Usage: node scripts/build-examples.js [--check]
 */
const fs = require('node:fs');
const path = require('node:path');
const { EXAMPLES_DIR, buildExamples, serialize } = require('./lib/examples');

const check = process.argv.includes('--check');
let stale = 0;
for (const { file, workflow } of buildExamples()) {
	const target = path.join(EXAMPLES_DIR, file);
	const text = serialize(workflow);
	const current = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : undefined;
	if (current === text) continue;
	if (check) {
		stale++;
		console.error(`examples/${file} is not what scripts/lib/examples.js builds: run node scripts/build-examples.js`);
	} else {
		fs.writeFileSync(target, text);
		console.log(`wrote examples/${file}`);
	}
}
if (stale) process.exit(1);
