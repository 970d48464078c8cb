/**
 * The sent-orders ledger (issue 13) over a store that behaves like n8n 2.41's deduplication store
 * (whole-list read and write per call, nothing guarding the gap between them), then through the
 * ODP and eSputnik nodes in n8n's engine against the sandbox. The real-n8n runs are in
 * test/e2e/ledger.test.ts.
 */
import { Ledger } from '../../nodes/shared/ledger';
import type { LedgerSettings, LedgerUnit } from '../../nodes/shared/ledger';
import { ODP_DEFAULT_IDENTIFIERS, startSandbox } from '../../sandbox';
import type { Sandbox } from '../../sandbox';
import { MemoryDedupStore, installEngineDedupStore } from '../helpers/dedup-store';
import { erpRows, mainOutput, runVendorNode, sandboxCredentials } from './support';

/** ODP versions 1 and 1.1 send customer_id: an account where that identifier was created (a fresh one refuses it). */
const ODP_WITH_CUSTOMER_ID = [...ODP_DEFAULT_IDENTIFIERS, 'customer_id'];

const settings = (extra: Partial<LedgerSettings> = {}): LedgerSettings => ({
	forgetSentOrders: false,
	resendOrderIds: new Set(),
	resendInDoubt: false,
	...extra,
});
const unit = (orderId: string, key = `purchase|${orderId}`): LedgerUnit => ({ orderId, key });

describe('Ledger over a store like n8n 2.41 deduplication', () => {
	let store: MemoryDedupStore;
	beforeEach(() => {
		store = new MemoryDedupStore();
	});
	const ledger = (kind: 'event' | 'upsert', extra: Partial<LedgerSettings> = {}) =>
		new Ledger(store.helpersFor('wf|n:node') as never, 'op|account', kind, settings(extra));

	it('an accepted event is skipped by the next run; a refused one is sent again', async () => {
		const first = ledger('event');
		expect(await first.claim([unit('1'), unit('2')])).toEqual([{ send: true }, { send: true }]);
		first.accepted(unit('1'));
		first.refused(unit('2'));
		await first.flush();

		const second = ledger('event');
		const verdicts = await second.claim([unit('1'), unit('2'), unit('3')]);
		expect(verdicts.map((v) => (v.send ? 'send' : v.ledger))).toEqual(['sentBefore', 'send', 'send']);
	});

	it('an event claimed but never answered (n8n killed mid-request) is in doubt, not resent, unless asked', async () => {
		const killed = ledger('event');
		expect(await killed.claim([unit('7')])).toEqual([{ send: true }]);
		// no accepted(), no flush(): the process died here

		const rerun = await ledger('event').claim([unit('7')]);
		expect(rerun[0]).toMatchObject({ send: false, ledger: 'inDoubt' });
		expect(await ledger('event', { resendInDoubt: true }).claim([unit('7')])).toEqual([{ send: true }]);
		expect(await ledger('event', { resendOrderIds: new Set(['7']) }).claim([unit('7')])).toEqual([{ send: true }]);
		// Asking did not record anything: without the option it is still in doubt.
		expect((await ledger('event').claim([unit('7')]))[0]).toMatchObject({ ledger: 'inDoubt' });
	});

	it('an upsert is skipped only when unchanged; one in doubt is simply sent again', async () => {
		const first = ledger('upsert');
		await first.claim([unit('A', 'fp-1'), unit('B', 'fp-2')]);
		first.accepted(unit('A', 'fp-1'));
		await first.flush(); // B: sent, no answer recorded
		const verdicts = await ledger('upsert').claim([unit('A', 'fp-1'), unit('A', 'fp-1-changed'), unit('B', 'fp-2')]);
		expect(verdicts.map((v) => (v.send ? 'send' : v.ledger))).toEqual(['sentBefore', 'send', 'send']);
		expect(store.rows.get('wf|n:node')?.every((entry) => !entry.includes('fp-'))).toBe(true); // hashes only
	});

	it('two executions claiming the same orders at the same moment: each order is sent by exactly one', async () => {
		store.interleaveMs = 15; // a read and its write are 0–30 ms apart, other calls land in between
		for (let trial = 0; trial < 6; trial++) {
			const units = Array.from({ length: 5 }, (_v, index) => unit(`${trial}-${index}`));
			// Two copies of the same orders, and a third execution writing other orders in between.
			const others = Array.from({ length: 5 }, (_v, index) => unit(`other-${trial}-${index}`));
			// Each execution claims, "sends" what it won (the vendor accepts), records it.
			const execution = async (batch: LedgerUnit[]) => {
				const own = ledger('event');
				const verdicts = await own.claim(batch);
				batch.forEach((entry, index) => verdicts[index].send && own.accepted(entry));
				await own.flush();
				return verdicts;
			};
			const [a, b, c] = await Promise.all([execution(units), execution(units), execution(others)]);
			for (let index = 0; index < units.length; index++) {
				const senders = [a[index], b[index]].filter((verdict) => verdict.send).length;
				expect(senders).toBe(1);
				// The one that did not send says why.
				const loser = [a[index], b[index]].find((verdict) => !verdict.send);
				expect(loser).toMatchObject({ ledger: 'claimedElsewhere' });
			}
			expect(c.every((verdict) => verdict.send)).toBe(true);
		}
	});

	it('without the timed re-read the same store lets both executions send (the hazard the claim protocol removes)', async () => {
		store.interleaveMs = 15;
		let doubled = 0;
		for (let trial = 0; trial < 8; trial++) {
			const key = `naive-${trial}`;
			const naive = () => store.checkProcessedAndRecord('wf|n:node', [key]).then((answer) => answer.new.length === 1);
			const [a, b] = await Promise.all([naive(), naive()]);
			if (a && b) doubled++;
		}
		expect(doubled).toBeGreaterThan(0);
	});

	it('confirmations dropped by another execution\'s write are written again by flush()', async () => {
		const a = ledger('event');
		await a.claim([unit('x')]);
		a.accepted(unit('x'));
		store.interleaveMs = 10;
		const b = ledger('event');
		// b's claim read happens before a's confirmation lands and its write after: a's entry is lost once.
		await Promise.all([a.flush(), b.claim([unit('y')]).then(() => b.flush())]);
		store.interleaveMs = 0;
		expect((await ledger('event').claim([unit('x')]))[0]).toMatchObject({ ledger: 'sentBefore' });
	});
});

describe('ledger through the nodes in n8n\'s engine, against the sandbox', () => {
	let sandbox: Sandbox;
	let store: MemoryDedupStore;
	beforeAll(async () => {
		store = await installEngineDedupStore();
		sandbox = await startSandbox({ quiet: true, odpRateLimitPerSecond: 0, odp: { identifiers: ODP_WITH_CUSTOMER_ID } });
	});
	afterAll(async () => await sandbox.close());
	beforeEach(() => {
		sandbox.reset();
		store.reset();
	});

	const odp = (typeVersion: number, options: Record<string, unknown> = {}, items = erpRows(6, 2)) =>
		runVendorNode({
			node: 'optimizelyDataPlatform',
			typeVersion,
			credential: sandboxCredentials(sandbox).optimizelyDataPlatform,
			items,
			parameters: { operation: 'sendOrderEvent', eventAction: 'purchase', orderSource: 'flatRows', options },
		});
	const sentIds = () =>
		sandbox.received('odp').flatMap((r) => (r.body as Array<{ data: { order: { order_id: string } } }>).map((e) => e.data.order.order_id));

	it('ODP 1.2: the second run of the same export sends nothing and says why for every item', async () => {
		const first = await odp(1.2);
		expect(first.status).toBe('success');
		expect(sentIds().sort()).toEqual(['1000', '1001', '1002', '1003', '1004', '1005']);
		expect(mainOutput(first).every((item) => item.status === 'sent' && item.ledger === 'recorded')).toBe(true);

		const requestsBefore = sandbox.received('odp').length;
		const second = await odp(1.2);
		expect(second.status).toBe('success');
		expect(sandbox.received('odp').length).toBe(requestsBefore);
		const output = mainOutput(second);
		expect(output).toHaveLength(12); // 6 orders × 2 rows, one item per row
		for (const item of output) {
			expect(item.status).toBe('skipped');
			expect(item.ledger).toBe('sentBefore');
			expect(String(item.message)).toContain('sent the same order before');
		}
	});

	it('ODP 1.2: Resend Order IDs sends just those; Forget Sent Orders sends everything again', async () => {
		await odp(1.2);
		sandbox.reset();
		await odp(1.2, { resendOrderIds: '1002, 1004' });
		expect(sentIds().sort()).toEqual(['1002', '1004']);
		sandbox.reset();
		await odp(1.2, { forgetSentOrders: true });
		expect(sentIds()).toHaveLength(6);
	});

	it('ODP 1.1 (saved workflows) keeps sending every run; 1.1 with the option on skips', async () => {
		await odp(1.1);
		await odp(1.1);
		expect(sentIds()).toHaveLength(12);
		sandbox.reset();
		await odp(1.1, { skipSentBefore: true });
		await odp(1.1, { skipSentBefore: true });
		expect(sentIds()).toHaveLength(6);
	});

	it('ODP 1.2: events ODP refused are sent on the next run; events whose answer was lost are reported, not resent', async () => {
		// Every request answered 5xx, one try: ODP refused them, nothing was applied.
		sandbox.setFaults('odp', { serverErrorRate: 1 });
		const refused = await odp(1.2, { maxTries: 1 }, erpRows(3, 1));
		expect(refused.status).toBe('error');
		sandbox.setFaults('odp', {});
		expect(sentIds()).toEqual([]);
		await odp(1.2, {}, erpRows(3, 1));
		expect(sentIds().sort()).toEqual(['1000', '1001', '1002']);

		// Connection dropped mid-request: ODP may have applied them.
		sandbox.reset();
		store.reset();
		sandbox.setFaults('odp', { dropRate: 1 });
		const dropped = await odp(1.2, {}, erpRows(3, 1));
		expect(dropped.status).toBe('error');
		sandbox.setFaults('odp', {});
		const rerun = await odp(1.2, {}, erpRows(3, 1));
		expect(rerun.status).toBe('success');
		expect(sentIds()).toEqual([]);
		const output = mainOutput(rerun);
		expect(output.map((item) => item.ledger)).toEqual(['inDoubt', 'inDoubt', 'inDoubt']);
		expect(String(output[0].message)).toContain('may already have applied it');
		await odp(1.2, { resendInDoubt: true }, erpRows(3, 1));
		expect(sentIds().sort()).toEqual(['1000', '1001', '1002']);
	});

	it('eSputnik 1.2: order events sent before are skipped', async () => {
		const run = () =>
			runVendorNode({
				node: 'esputnik',
				typeVersion: 1.2,
				credential: sandboxCredentials(sandbox).esputnik,
				items: erpRows(4, 1),
				parameters: { resource: 'order', operation: 'sendOrderEvent', eventTypeKey: 'orderCreated', contactIdentifier: 'email', orderSource: 'flatRows', options: {} },
			});
		// Version 1.2 creates each contact first (v1/contacts, then its import status); count the events.
		const events = () => sandbox.received('esputnik').filter((r) => r.operation === 'event');
		expect((await run()).status).toBe('success');
		const sent = events().length;
		expect(sent).toBe(4);
		expect(sandbox.esputnikEvents().saved).toHaveLength(4);
		const second = await run();
		expect(events().length).toBe(4);
		expect(mainOutput(second).map((item) => item.ledger)).toEqual(['sentBefore', 'sentBefore', 'sentBefore', 'sentBefore']);
	});
});
