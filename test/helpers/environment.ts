/**
 * Process-wide set-up n8n-core needs before it can run a workflow in-process: a capturing logger,
 * the DI services the engine asks the container for, and the expression engine.
 * Everything here is idempotent; `ensureEngineEnvironment()` is called by every harness entry point.
 */
import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import { BinaryDataService, ErrorReporter, InstanceSettings } from 'n8n-core';
import { Expression, LoggerProxy } from 'n8n-workflow';
import type { LogMetadata, Logger as WorkflowLogger } from 'n8n-workflow';

type LogLevel = 'error' | 'warn' | 'info' | 'debug';

/** Every line logged by the engine, nodes (this.logger / LoggerProxy) and console while the harness is loaded. */
const capturedLogs: string[] = [];

/** Marks the current end of the captured log so a run can slice out its own lines. */
export function logMark(): number {
	return capturedLogs.length;
}

export function logsSince(mark: number): string[] {
	return capturedLogs.slice(mark);
}

/** Serialises metadata fully (errors included, cycles cut) so leaked secrets anywhere in it are visible. */
export function stringifyForLog(value: unknown): string {
	const seen = new WeakSet<object>();
	const walk = (current: unknown, depth: number): unknown => {
		if (current === null || typeof current !== 'object') {
			if (typeof current === 'function') return `[Function ${(current as { name?: string }).name ?? ''}]`;
			if (typeof current === 'bigint' || typeof current === 'symbol') return String(current);
			return current;
		}
		if (seen.has(current)) return '[Circular]';
		if (depth > 12) return '[Deep]';
		seen.add(current);
		if (Buffer.isBuffer(current)) return `[Buffer ${current.toString('utf8')}]`;
		const result: Record<string, unknown> = {};
		if (current instanceof Error) {
			// message/stack/cause are not enumerable, and are where secrets usually end up
			// (an AxiosError cause carries the request config with its auth headers).
			result.name = current.name;
			result.message = current.message;
			result.stack = current.stack;
			const { cause } = current as { cause?: unknown };
			if (cause !== undefined) result.cause = walk(cause, depth + 1);
		}
		if (Array.isArray(current)) return current.map((entry) => walk(entry, depth + 1));
		for (const key of Object.keys(current)) {
			try {
				result[key] = walk((current as Record<string, unknown>)[key], depth + 1);
			} catch (error) {
				result[key] = `[Unreadable: ${(error as Error).message}]`;
			}
		}
		return result;
	};
	try {
		return JSON.stringify(walk(value, 0)) ?? String(value);
	} catch (error) {
		return `[Unserialisable: ${(error as Error).message}]`;
	}
}

function capture(level: LogLevel | 'console', message: unknown, metadata?: unknown): void {
	const text = typeof message === 'string' ? message : stringifyForLog(message);
	const hasMetadata =
		metadata !== undefined && !(typeof metadata === 'object' && metadata !== null && Object.keys(metadata).length === 0 && !(metadata instanceof Error));
	capturedLogs.push(hasMetadata ? `${level}: ${text} ${stringifyForLog(metadata)}` : `${level}: ${text}`);
}

/** Stands in for @n8n/backend-common's winston Logger (same method surface), keeping every line in memory. */
class CapturingLogger implements WorkflowLogger {
	error(message: string, metadata?: LogMetadata): void {
		capture('error', message, metadata);
	}
	warn(message: string, metadata?: LogMetadata): void {
		capture('warn', message, metadata);
	}
	info(message: string, metadata?: LogMetadata): void {
		capture('info', message, metadata);
	}
	debug(message: string, metadata?: LogMetadata): void {
		capture('debug', message, metadata);
	}
	scoped(): CapturingLogger {
		return this;
	}
}

/** ErrorReporter normally ships to Sentry; here reports become log lines so they are checked for secrets too. */
class CapturingErrorReporter {
	error(error: unknown, options?: unknown): void {
		capture('error', 'ErrorReporter.error', { error, options });
	}
	warn(warning: unknown, options?: unknown): void {
		capture('warn', 'ErrorReporter.warn', { warning, options });
	}
	info(message: string, options?: unknown): void {
		capture('info', `ErrorReporter.info ${message}`, options);
	}
	async shutdown(): Promise<void> {}
}

export type ExpressionEngineName = 'legacy' | 'quickjs';

let environmentReady = false;
let consolePatched = false;
let activeExpressionEngine: ExpressionEngineName | undefined;

function patchConsole(): void {
	if (consolePatched) return;
	consolePatched = true;
	// Nodes must not use console, but if anything does, its output is checked for secrets as well.
	for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
		const original = console[method].bind(console);
		console[method] = (...args: unknown[]) => {
			capture('console', args.map((arg) => (typeof arg === 'string' ? arg : stringifyForLog(arg))).join(' '));
			original(...args);
		};
	}
}

/**
 * Chooses how n8n-workflow evaluates `={{ }}` expressions. n8n-workflow's own default is 'legacy'
 * (in-process tournament evaluator). The n8n 2.41 CLI defaults to 'vm' (isolated-vm), which is not
 * built here; 'quickjs' runs the same sandboxed expression runtime as 'vm' on WebAssembly.
 */
export async function useExpressionEngine(engine: ExpressionEngineName): Promise<void> {
	if (activeExpressionEngine === engine) return;
	if (engine === 'quickjs') {
		try {
			await Expression.initExpressionEngine({
				engine: 'quickjs',
				bridgeTimeout: 5000,
				bridgeMemoryLimit: 128,
				poolSize: 1,
				maxCodeCacheSize: 1024,
			});
		} catch (error) {
			// A failed start leaves 'quickjs' selected with no evaluator, which breaks every expression.
			Expression.setExpressionEngine('legacy');
			activeExpressionEngine = 'legacy';
			throw new Error(
				`The quickjs expression engine did not start (${(error as Error).message}). It loads its runtime with a dynamic import(), which jest only allows with NODE_OPTIONS=--experimental-vm-modules.`,
			);
		}
	} else {
		await Expression.disposeExpressionEngine();
		Expression.setExpressionEngine('legacy');
	}
	activeExpressionEngine = engine;
}

export function getActiveExpressionEngine(): string {
	return Expression.getActiveImplementation();
}

export function ensureEngineEnvironment(): void {
	if (environmentReady) return;
	environmentReady = true;

	const logger = new CapturingLogger();
	LoggerProxy.init(logger);
	Container.set(Logger, logger as unknown as Logger);

	const errorReporter = new CapturingErrorReporter();
	Container.set(ErrorReporter, errorReporter as unknown as ErrorReporter);

	// The real InstanceSettings reads and writes ~/.n8n/config; the engine only reads these fields.
	Container.set(InstanceSettings, {
		instanceId: 'engine-harness-instance',
		hmacSignatureSecret: 'engine-harness-hmac',
		instanceRole: 'main',
		instanceType: 'main',
		isLeader: true,
		isFollower: false,
		isMultiMain: false,
		encryptionKey: 'engine-harness-encryption-key',
		n8nFolder: '/nonexistent/engine-harness',
	} as unknown as InstanceSettings);

	// Without managers (no init()) BinaryDataService keeps binary data inline as base64: in memory only.
	Container.set(
		BinaryDataService,
		new BinaryDataService(
			{ mode: 'default', signingSecret: 'engine-harness-signing' } as never,
			errorReporter as unknown as ErrorReporter,
			logger as unknown as Logger,
		),
	);

	patchConsole();
}
