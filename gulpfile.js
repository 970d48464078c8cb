const path = require('path');
const { task, src, dest } = require('gulp');

// tsc emits only JavaScript: icons and codex files must be copied next to the compiled nodes.
task('build:icons', copyStatic);

function copyStatic() {
	const nodeSource = path.resolve('nodes', '**', '*.{png,svg,json}');
	const nodeDestination = path.resolve('dist', 'nodes');
	src(nodeSource, { encoding: false }).pipe(dest(nodeDestination));

	const credSource = path.resolve('credentials', '**', '*.{png,svg}');
	const credDestination = path.resolve('dist', 'credentials');
	return src(credSource, { encoding: false }).pipe(dest(credDestination));
}
