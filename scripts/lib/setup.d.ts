// Types for scripts/lib/setup.js.
import type { N8nHome } from '../../harness/n8n';
import type { Example } from './examples';

export interface PreparedDemo<S> {
	sandbox: S;
	home: N8nHome;
	tarball: string;
	/** The examples as imported into this home (node types and file paths adapted). */
	examples: Example[];
	timings: Record<string, number>;
	cleanup(): Promise<void>;
}

export function prepareDemo<S extends { url: string; close(): Promise<void> }>(options?: {
	loadStyle?: 'community' | 'custom';
	sandboxPort?: number;
	log?: (line: string) => void;
	startSandbox?: (options: { port: number; quiet: boolean }) => Promise<S>;
}): Promise<PreparedDemo<S>>;
export function ensureProjectDependencies(log: (line: string) => void): Promise<boolean>;
export function dataDir(): string;
export function elapsed(started: number): string;
export const REPO_ROOT: string;
