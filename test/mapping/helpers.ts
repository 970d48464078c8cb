import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OrderValidationError, type OrderIssue } from '../../mapping';

export const FIXTURES = join(__dirname, '..', 'fixtures', 'mapping');

export function fixtureText(name: string): string {
	return readFileSync(join(FIXTURES, name), 'utf8');
}

export function fixture<T = unknown>(name: string): T {
	return JSON.parse(fixtureText(name)) as T;
}

/** Runs `work`, expects an OrderValidationError and returns its issues (fails the test otherwise). */
export function issuesOf(work: () => unknown): OrderIssue[] {
	try {
		work();
	} catch (error) {
		if (error instanceof OrderValidationError) return error.issues;
		throw new Error(`expected an OrderValidationError, got ${String(error)}`);
	}
	throw new Error('expected an OrderValidationError, but nothing was thrown');
}

/** JSON round trip: what a vendor receives. */
export function wire(value: unknown): unknown {
	return JSON.parse(JSON.stringify(value));
}
