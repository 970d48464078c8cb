/** Types for harness/queue.js (n8n queue mode: Postgres, Redis, main, workers). */
import type { N8nHome, RunningN8n } from './n8n';

export interface LoggedProcess {
	label: string;
	pid: number | undefined;
	output(): string;
	exited(): { code?: number | null; signal?: string | null; error?: string } | undefined;
	stop(options?: { timeoutMs?: number }): Promise<unknown>;
	waitFor(pattern: RegExp, options?: { timeoutMs?: number }): Promise<void>;
}

export interface Stoppable {
	port: number;
	process: LoggedProcess;
	stop(): Promise<void>;
}

export interface PostgresServer extends Stoppable {
	user: string;
	database: string;
	dir: string;
}

export interface QueueWorker {
	process: LoggedProcess;
	home: N8nHome;
	healthPort: number;
}

export interface QueueMode {
	main: RunningN8n;
	workers: QueueWorker[];
	mainHome: N8nHome;
	postgres: PostgresServer;
	redis: Stoppable;
	env: Record<string, string>;
	stop(): Promise<void>;
}

export function missingBinaries(): string[];
export function startPostgres(): Promise<PostgresServer>;
export function startRedis(): Promise<Stoppable>;
export function queueEnv(options: { postgres: PostgresServer; redis: Stoppable; encryptionKey: string }): Record<string, string>;
export function startQueueMode(options: {
	tarball: string;
	workers?: number;
	concurrency?: number;
	setup?: (mainHome: N8nHome) => Promise<void>;
	/** Extra environment for main and every worker. */
	env?: Record<string, string>;
}): Promise<QueueMode>;
export function startedExecutionIds(output: string): string[];
export function finishedExecutionIds(output: string): string[];
