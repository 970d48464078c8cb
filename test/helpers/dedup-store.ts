/**
 * An in-memory stand-in for n8n's deduplication store (packages/cli DeduplicationHelper, 2.41.1),
 * with the two properties our ledger must live with: one list of MD5 (base64) hashes per workflow
 * and node, read whole and written whole on every call, and nothing guarding a read and its write
 * against another call in between (`interleave` makes that gap real with a random wait).
 */
import { createHash } from 'node:crypto';

import { DataDeduplicationService } from 'n8n-core';
import type { DeduplicationItemTypes, DeduplicationScope, ICheckProcessedContextData, ICheckProcessedOptions, IDataDeduplicator } from 'n8n-workflow';

const hash = (value: DeduplicationItemTypes) => createHash('md5').update(value.toString()).digest('base64');

export class MemoryDedupStore {
	readonly rows = new Map<string, string[]>();
	/** Longest random wait (ms) between a call's read and its write. */
	interleaveMs = 0;
	calls = 0;

	private async gap(): Promise<void> {
		if (this.interleaveMs > 0) await new Promise((resolve) => setTimeout(resolve, Math.random() * this.interleaveMs));
		else await Promise.resolve();
	}

	async checkProcessedAndRecord(rowKey: string, items: DeduplicationItemTypes[]) {
		this.calls++;
		const stored = [...(this.rows.get(rowKey) ?? [])]; // findOne: a copy of the row
		await this.gap();
		const seen = new Set(stored);
		const result = { new: [] as DeduplicationItemTypes[], processed: [] as DeduplicationItemTypes[] };
		for (const item of items) {
			const hashed = hash(item);
			if (seen.has(hashed)) result.processed.push(item);
			else {
				result.new.push(item);
				stored.push(hashed);
				seen.add(hashed);
			}
		}
		await this.gap();
		this.rows.set(rowKey, stored); // update: the whole row
		return result;
	}

	async removeProcessed(rowKey: string, items: DeduplicationItemTypes[]) {
		this.calls++;
		const stored = [...(this.rows.get(rowKey) ?? [])];
		await this.gap();
		for (const item of items) {
			const index = stored.indexOf(hash(item));
			if (index !== -1) stored.splice(index, 1);
		}
		this.rows.set(rowKey, stored);
	}

	size(): number {
		let total = 0;
		for (const row of this.rows.values()) total += row.length;
		return total;
	}

	reset(): void {
		this.rows.clear();
		this.interleaveMs = 0;
		this.calls = 0;
	}

	/** The helper functions a node gets as `this.helpers`, for one workflow and node. */
	helpersFor(rowKey: string) {
		return {
			checkProcessedAndRecord: (items: DeduplicationItemTypes[]) => this.checkProcessedAndRecord(rowKey, items),
			removeProcessed: (items: DeduplicationItemTypes[]) => this.removeProcessed(rowKey, items),
			clearAllProcessedItems: async () => void this.rows.delete(rowKey),
		};
	}
}

const rowKeyOf = (scope: DeduplicationScope, context: ICheckProcessedContextData) =>
	`${String(context.workflow.id)}|${scope === 'node' ? `n:${context.node?.id}` : ''}`;

/** The store behind n8n-core's DataDeduplicationService for engine tests (one per jest worker). */
export const engineDedupStore = new MemoryDedupStore();

let installed = false;
export async function installEngineDedupStore(): Promise<MemoryDedupStore> {
	if (installed) return engineDedupStore;
	installed = true;
	const deduplicator: IDataDeduplicator = {
		checkProcessedAndRecord: (items, scope, context, _options: ICheckProcessedOptions) =>
			engineDedupStore.checkProcessedAndRecord(rowKeyOf(scope, context), items),
		removeProcessed: (items, scope, context) => engineDedupStore.removeProcessed(rowKeyOf(scope, context), items),
		clearAllProcessedItems: async (scope, context) => void engineDedupStore.rows.delete(rowKeyOf(scope, context)),
		getProcessedDataCount: async (scope, context) => engineDedupStore.rows.get(rowKeyOf(scope, context))?.length ?? 0,
	} as unknown as IDataDeduplicator;
	await DataDeduplicationService.init(deduplicator);
	return engineDedupStore;
}
