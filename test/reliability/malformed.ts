/**
 * Seeded generator of malformed order inputs: valid templates (order model, ERP row, Shopify and
 * WooCommerce webhook bodies) broken in 1–3 random places — wrong types, missing fields, huge and
 * odd unicode strings, NaN/Infinity, negative amounts, impossible dates, `__proto__`/`constructor`
 * keys, deeply nested values — or replaced as a whole. Every input can be re-made from its seed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { seededRandom } from './support';

export type TemplateKind = 'canonical' | 'flatRow' | 'shopify' | 'wooCommerce';

/**
 * `node`: only values an n8n item can hold (JSON plus NaN/Infinity and own `__proto__` keys).
 * `library`: also BigInt, Symbol, functions, Dates, cycles, throwing getters (direct calls only).
 */
export type GeneratorMode = 'node' | 'library';

export interface MalformedInput {
	value: unknown;
	/** What was done, e.g. "lines[1].quantity: negative" (for failure reports). */
	mutations: string[];
	/** True when the input as a whole is not an object: its error may have the empty path. */
	wholeInputReplaced: boolean;
}

const MAPPING_FIXTURES = join(__dirname, '..', 'fixtures', 'mapping');

export const TEMPLATES: Record<TemplateKind, () => Record<string, unknown>> = {
	canonical: () => ({
		id: 'M-1',
		dateTime: '2026-11-21T14:05:00+01:00',
		status: 'created',
		currency: 'EUR',
		customer: {
			id: 'cust-1',
			email: 'jane.doe@example.com',
			phone: '+380501234567',
			firstName: 'Jane',
			lastName: 'Doe',
			billingAddress: { street1: 'Main St 1', city: 'Kyiv', postalCode: '01001', country: 'UA' },
			shippingAddress: { street1: 'Main St 1', street2: 'Flat 2', city: 'Kyiv', region: 'Kyiv', postalCode: '01001', country: 'UA' },
		},
		channel: 'store',
		storeId: 'store-7',
		regionId: 7,
		shipping: 4.9,
		tax: 3,
		discount: 1,
		subtotal: 20,
		total: 26.9,
		couponCode: 'FALL10',
		couponValue: 1,
		paymentMethod: 'card',
		segmentIds: ['s1'],
		segmentNames: ['vip'],
		language: 'en-gb',
		attributes: { loyalty: 'gold', visits: 3 },
		lines: [
			{ productId: '501', sku: 'SKU-1', name: 'Hammer', category: 'tools', quantity: 1, unitPrice: 10, discount: 0, subtotal: 10, url: 'https://shop.example/p/501', imageUrl: 'https://shop.example/i/501.png', description: 'A hammer', attributes: { colour: 'red' } },
			{ productId: '502', sku: 'SKU-2', name: 'Nails', quantity: 2, unitPrice: 5 },
		],
	}),
	flatRow: () => ({
		order_id: '1',
		order_date: '2026-11-21T14:05:00+01:00',
		status: 'created',
		customer_id: 'cust-1',
		email: 'Customer.1@Example.com',
		phone: '+380501234567',
		first_name: 'Olena',
		last_name: 'Shevchenko',
		currency: 'EUR',
		shipping: '4.90',
		tax: '3.00',
		subtotal: '10',
		total: '14.90',
		store_id: 'store-7',
		channel: 'store',
		product_id: '500',
		sku: 'SKU-0',
		product_name: 'Product 0',
		category: 'tools',
		quantity: '1',
		unit_price: '10.00',
	}),
	shopify: cachedFixture('shopify-orders-create.json'),
	wooCommerce: cachedFixture('woocommerce-order-created.json'),
};

function cachedFixture(name: string): () => Record<string, unknown> {
	let text: string | undefined;
	return () => {
		text ??= readFileSync(join(MAPPING_FIXTURES, name), 'utf8');
		return JSON.parse(text) as Record<string, unknown>;
	};
}

/** Paths of fields that hold dates, per template: they also get impossible dates. */
const DATE_KEYS = new Set(['dateTime', 'order_date', 'created_at', 'processed_at', 'date_created', 'date_created_gmt', 'date_paid', 'updated_at']);
const AMOUNT_KEYS = /quantity|price|total|subtotal|tax|shipping|discount|amount|cost|value/i;

// Shared, built once: a 1 MB string, 5,000 lines, deep nests.
const HUGE_STRING = 'x'.repeat(1_000_000);
const LONG_UNICODE = '𝓤ñí©ødé\u200d👩‍👩‍👧‍👦'.repeat(2_000);

function deepObject(depth: number): unknown {
	let value: unknown = { leaf: 1 };
	for (let level = 0; level < depth; level++) value = { nested: value };
	return value;
}
function deepArray(depth: number): unknown {
	let value: unknown = [1];
	for (let level = 0; level < depth; level++) value = [value];
	return value;
}
const DEEP = { node: [deepObject(500), deepArray(500)], library: [deepObject(20_000), deepArray(20_000)] };
/** Values shared between inputs: never walked into, so no mutation changes them for later inputs. */
const SHARED = new WeakSet<object>([...DEEP.node, ...DEEP.library] as object[]);

/** Reads a field without tripping a throwing getter or proxy planted by an earlier mutation. */
function safeGet(value: unknown, key: string | number): unknown {
	try {
		return (value as Record<string | number, unknown>)[key];
	} catch {
		return undefined;
	}
}

const UNICODE_STRINGS = [
	'𝓤𝓷𝓲𝓬𝓸𝓭𝓮',
	'\u202Eevil\u202C',
	'Zalgờ̸̢̛̱͔̙͂',
	'nul\u0000byte',
	'lone \uD800 surrogate',
	'\uFEFFbom',
	'👩‍👩‍👧‍👦',
	'مرحبا بالعالم',
	'注文番号',
	'\t\n\r ',
	'<script>alert(1)</script>',
	"'; DROP TABLE orders; --",
	'${7*7}{{7*7}}',
	'../../etc/passwd',
];

const IMPOSSIBLE_DATES = [
	'2026-02-30T10:00:00Z',
	'2026-13-01T00:00:00Z',
	'2026-11-21T25:61:00Z',
	'0000-00-00',
	'9999-99-99T99:99:99',
	'2026-11-21T14:05:00+25:00',
	'yesterday',
	'',
	'2026-11-21T14:05:00 GMT+99',
	'-271821-04-19T00:00:00Z',
	'+275760-09-13T00:00:00.001Z',
	'1e400',
	8.64e15 + 1,
	-1,
	1e21,
];

const NUMERIC_EDGES = [NaN, Infinity, -Infinity, -0, -5, -0.0001, 1e21, 1e308, 2 ** 53 + 1, '1e400', '12,34,56', '0x10', ' 12 ', '١٢٣', '--1', '1.2.3', 'NaN', 'Infinity'];

function wrongValues(mode: GeneratorMode, random: () => number): unknown[] {
	const values: unknown[] = [42, -1, 0, true, false, null, [], [1, 2], {}, { a: 1 }, 'text', '', '   ', NaN, Infinity];
	if (mode === 'library') {
		values.push(undefined, BigInt(5), Symbol('s'), () => 1, new Date('invalid'), new Date(0), /regex/, new Map([[1, 2]]), new Uint8Array(3), Object.create(null));
	}
	return [values[Math.floor(random() * values.length)]];
}

interface Slot {
	parent: Record<string, unknown> | unknown[];
	key: string | number;
	path: string;
}

/** A field of a template, found once per template kind: inputs are clones, so the same keys reach it. */
interface PlannedSlot {
	keys: Array<string | number>;
	path: string;
	amount: boolean;
	date: boolean;
	numeric: boolean;
}

interface Plan {
	slots: PlannedSlot[];
	amountSlots: PlannedSlot[];
	dateSlots: PlannedSlot[];
	objects: Array<{ keys: Array<string | number>; path: string }>;
	template: Record<string, unknown>;
}

const plans = new Map<TemplateKind, Plan>();

function planOf(kind: TemplateKind): Plan {
	const known = plans.get(kind);
	if (known) return known;
	const template = TEMPLATES[kind]();
	const slots: PlannedSlot[] = [];
	const objects: Plan['objects'] = [];
	const walk = (value: unknown, keys: Array<string | number>, path: string) => {
		if (value === null || typeof value !== 'object') return;
		if (Array.isArray(value)) {
			value.forEach((entry, index) => {
				const next = `${path}[${index}]`;
				slots.push({ keys: [...keys, index], path: next, amount: false, date: false, numeric: typeof entry === 'number' });
				walk(entry, [...keys, index], next);
			});
			return;
		}
		objects.push({ keys, path });
		for (const [key, entry] of Object.entries(value)) {
			const next = path ? `${path}.${key}` : key;
			slots.push({ keys: [...keys, key], path: next, amount: AMOUNT_KEYS.test(key), date: DATE_KEYS.has(key), numeric: typeof entry === 'number' });
			walk(entry, [...keys, key], next);
		}
	};
	walk(template, [], '');
	deepFreeze(template);
	const plan: Plan = {
		slots,
		amountSlots: slots.filter((slot) => slot.amount || slot.numeric),
		dateSlots: slots.filter((slot) => slot.date),
		objects,
		template,
	};
	plans.set(kind, plan);
	return plan;
}

/**
 * Templates are frozen: library-mode inputs share every part of the template that no mutation
 * touched (copy on write, see `resolve`), which keeps generating 100,000 inputs cheap — and a reader
 * that tried to change its input would throw on a frozen part and show up as a crash.
 */
function deepFreeze(value: unknown): void {
	if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return;
	for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
	Object.freeze(value);
}

function shallowCopy(value: Record<string, unknown> | unknown[]): Record<string, unknown> | unknown[] {
	if (Array.isArray(value)) return value.slice();
	const copy: Record<string, unknown> = {};
	for (const key of Object.keys(value)) copy[key] = value[key];
	return copy;
}

/** A plain deep copy of a JSON template (faster than structuredClone). */
function cloneJson(value: unknown): unknown {
	if (value === null || typeof value !== 'object') return value;
	if (Array.isArray(value)) return value.map(cloneJson);
	const copy: Record<string, unknown> = {};
	for (const key of Object.keys(value)) copy[key] = cloneJson((value as Record<string, unknown>)[key]);
	return copy;
}

function isPlainContainer(value: unknown): value is Record<string, unknown> | unknown[] {
	if (value === null || typeof value !== 'object' || SHARED.has(value)) return false;
	const prototype = Object.getPrototypeOf(value);
	return prototype === Object.prototype || prototype === Array.prototype;
}

/**
 * Follows keys from the root and returns a container this input owns (frozen template parts on the
 * way are copied first); undefined when an earlier mutation replaced something on the way.
 */
function resolve(root: unknown, keys: Array<string | number>): Record<string, unknown> | unknown[] | undefined {
	let current: unknown = root;
	for (const key of keys) {
		if (!isPlainContainer(current)) return undefined;
		let child = safeGet(current, key);
		if (isPlainContainer(child) && Object.isFrozen(child) && !Object.isFrozen(current)) {
			child = shallowCopy(child);
			try {
				Object.defineProperty(current, key, { value: child, enumerable: true, writable: true, configurable: true });
			} catch {
				return undefined;
			}
		}
		current = child;
	}
	return isPlainContainer(current) && !Object.isFrozen(current) ? current : undefined;
}

interface MutationContext {
	root: Record<string, unknown>;
	plan: Plan;
	random: () => number;
	mode: GeneratorMode;
	/** Library mode: also plant values that throw when read (getters, proxies). */
	unreadableValues: boolean;
}

function slotFrom(context: MutationContext, candidates: PlannedSlot[]): Slot | undefined {
	for (let attempt = 0; attempt < 4 && candidates.length > 0; attempt++) {
		const planned = pick(candidates, context.random);
		const parent = resolve(context.root, planned.keys.slice(0, -1));
		if (parent) return { parent, key: planned.keys[planned.keys.length - 1], path: planned.path };
	}
	return undefined;
}

function randomSlot(context: MutationContext): Slot | undefined {
	return slotFrom(context, context.plan.slots);
}

function randomObject(context: MutationContext): { object: Record<string, unknown>; path: string; keys: Array<string | number> } {
	for (let attempt = 0; attempt < 4; attempt++) {
		const planned = pick(context.plan.objects, context.random);
		const object = resolve(context.root, planned.keys);
		if (object && !Array.isArray(object)) return { object, path: planned.path, keys: planned.keys };
	}
	return { object: context.root, path: '', keys: [] };
}

function setSlot(slot: Slot, value: unknown): void {
	try {
		Object.defineProperty(slot.parent, slot.key, { value, enumerable: true, writable: true, configurable: true });
	} catch {
		// A frozen or exotic parent keeps its value.
	}
}

/** An own property with a dangerous name, the way JSON.parse creates one. */
function defineOwn(target: Record<string, unknown>, key: string, value: unknown): void {
	try {
		Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
	} catch {
		// A parent made unextensible by an earlier mutation keeps its keys.
	}
}

type Mutation = (context: MutationContext) => string;

const pick = <T>(values: readonly T[], random: () => number): T => values[Math.floor(random() * values.length)];

const MUTATIONS: Array<{ weight: number; name: string; apply: Mutation }> = [
	{
		weight: 4,
		name: 'wrong type',
		apply: (context) => {
			const slot = randomSlot(context);
			if (!slot) return 'nothing';
			const [value] = wrongValues(context.mode, context.random);
			setSlot(slot, value);
			return `${slot.path}: wrong type`;
		},
	},
	{
		weight: 3,
		name: 'missing field',
		apply: (context) => {
			const slot = randomSlot(context);
			if (!slot) return 'nothing';
			try {
				if (Array.isArray(slot.parent)) slot.parent.splice(Number(slot.key), 1);
				else delete slot.parent[slot.key as string];
			} catch {
				return `${slot.path}: not removable`;
			}
			return `${slot.path}: removed`;
		},
	},
	{
		weight: 2,
		name: 'huge or unicode string',
		apply: (context) => {
			const slot = randomSlot(context);
			if (!slot) return 'nothing';
			const roll = context.random();
			setSlot(slot, roll < 0.2 ? HUGE_STRING : roll < 0.35 ? LONG_UNICODE : pick(UNICODE_STRINGS, context.random));
			return `${slot.path}: odd string`;
		},
	},
	{
		weight: 3,
		name: 'numeric edge',
		apply: (context) => {
			const slot = slotFrom(context, context.plan.amountSlots) ?? randomSlot(context);
			if (!slot) return 'nothing';
			setSlot(slot, pick(NUMERIC_EDGES, context.random));
			return `${slot.path}: numeric edge`;
		},
	},
	{
		weight: 2,
		name: 'negative amount',
		apply: (context) => {
			const slot = slotFrom(context, context.plan.amountSlots);
			if (!slot) return 'nothing';
			const raw = safeGet(slot.parent, slot.key);
			const current = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : 3;
			const negative = -Math.abs(Number.isFinite(current) && current !== 0 ? current : 3);
			setSlot(slot, context.random() < 0.5 ? negative : String(negative));
			return `${slot.path}: negative`;
		},
	},
	{
		weight: 2,
		name: 'impossible date',
		apply: (context) => {
			const slot = slotFrom(context, context.plan.dateSlots) ?? randomSlot(context);
			if (!slot) return 'nothing';
			setSlot(slot, pick(IMPOSSIBLE_DATES, context.random));
			return `${slot.path}: impossible date`;
		},
	},
	{
		weight: 2,
		name: 'prototype keys',
		apply: (context) => {
			const { object, path, keys } = randomObject(context);
			const roll = context.random();
			if (roll < 0.4) defineOwn(object, '__proto__', { polluted: 'yes', toString: 'polluted' });
			else if (roll < 0.7) defineOwn(object, 'constructor', { prototype: { polluted: 'yes' } });
			else if (roll < 0.85) defineOwn(object, 'prototype', { polluted: 'yes' });
			else {
				// A dangerous key where a name is expected: attributes, columns.
				const attributes = resolve(context.root, [...keys, 'attributes']);
				const target = (attributes && !Array.isArray(attributes) ? attributes : object) as Record<string, unknown>;
				defineOwn(target, pick(['__proto__', 'constructor', 'hasOwnProperty', 'toString', 'valueOf'], context.random), { polluted: 'yes' });
			}
			return `${path || '(root)'}: prototype key`;
		},
	},
	{
		weight: 1,
		name: 'deeply nested',
		apply: (context) => {
			const slot = randomSlot(context);
			if (!slot) return 'nothing';
			setSlot(slot, pick(DEEP[context.mode], context.random));
			return `${slot.path}: deeply nested`;
		},
	},
	{
		weight: 1,
		name: 'library-only oddity',
		apply: (context) => {
			const slot = randomSlot(context);
			if (!slot) return 'nothing';
			if (context.mode === 'node') {
				setSlot(slot, pick([NaN, Infinity, -Infinity], context.random));
				return `${slot.path}: non-finite`;
			}
			const roll = context.random();
			if (roll < 0.35 || !context.unreadableValues) {
				setSlot(slot, slot.parent);
				return `${slot.path}: cycle`;
			}
			if (roll < 0.7 && !Array.isArray(slot.parent)) {
				try {
					Object.defineProperty(slot.parent, slot.key, {
						enumerable: true,
						configurable: true,
						get() {
							throw new Error('getter exploded');
						},
					});
				} catch {
					return `${slot.path}: not redefinable`;
				}
				return `${slot.path}: throwing getter`;
			}
			const proxy = new Proxy({}, { get: () => { throw new Error('proxy exploded'); }, ownKeys: () => { throw new Error('proxy exploded'); } });
			SHARED.add(proxy);
			setSlot(slot, proxy);
			return `${slot.path}: hostile proxy`;
		},
	},
];
const TOTAL_WEIGHT = MUTATIONS.reduce((sum, mutation) => sum + mutation.weight, 0);

function pickMutation(random: () => number) {
	let roll = random() * TOTAL_WEIGHT;
	for (const mutation of MUTATIONS) {
		roll -= mutation.weight;
		if (roll < 0) return mutation;
	}
	return MUTATIONS[0];
}

/** The whole input replaced by something that is not an order (6% of inputs). */
function wholeReplacement(kind: TemplateKind, random: () => number, mode: GeneratorMode): { value: unknown; label: string; notObject: boolean } {
	const roll = random();
	if (roll < 0.3) {
		const [value] = wrongValues(mode, random);
		return { value, label: 'whole input: wrong type', notObject: value === null || typeof value !== 'object' || Array.isArray(value) };
	}
	if (roll < 0.5) return { value: pick([HUGE_STRING, '{"id": 1,', 'not json', '[]', 'null'], random), label: 'whole input: text', notObject: true };
	if (roll < 0.7) return { value: [TEMPLATES[kind](), TEMPLATES[kind]()], label: 'whole input: list', notObject: true };
	if (roll < 0.85) {
		const value = pick(DEEP[mode], random);
		return { value, label: 'whole input: deeply nested', notObject: Array.isArray(value) };
	}
	return { value: JSON.parse('{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}}'), label: 'whole input: only prototype keys', notObject: false };
}

/** A generator of malformed inputs for one template; the same seed gives the same inputs. */
export function malformedInputs(
	kind: TemplateKind,
	seed: number,
	mode: GeneratorMode,
	{ unreadableValues = mode === 'library' }: { unreadableValues?: boolean } = {},
): () => MalformedInput {
	const random = seededRandom(seed);
	return () => {
		if (random() < 0.06) {
			const whole = wholeReplacement(kind, random, mode);
			return { value: whole.value, mutations: [whole.label], wholeInputReplaced: whole.notObject };
		}
		const plan = planOf(kind);
		// Node mode: a full copy (n8n's engine may touch item objects); library mode: copy on write.
		const root = (mode === 'node' ? cloneJson(plan.template) : shallowCopy(plan.template)) as Record<string, unknown>;
		const context: MutationContext = { root, plan, random, mode, unreadableValues };
		const count = 1 + Math.floor(random() * 3);
		const mutations: string[] = [];
		for (let index = 0; index < count; index++) mutations.push(pickMutation(random).apply(context));
		return { value: root, mutations, wholeInputReplaced: false };
	};
}

/** Markers the prototype-key mutations try to plant on shared prototypes. */
export function prototypeState(): string {
	const probe = {} as Record<string, unknown>;
	return JSON.stringify({
		object: Object.getOwnPropertyNames(Object.prototype).sort(),
		array: Object.getOwnPropertyNames(Array.prototype).sort(),
		function: Object.getOwnPropertyNames(Function.prototype).sort(),
		string: Object.getOwnPropertyNames(String.prototype).sort(),
		polluted: [probe.polluted, ([] as unknown as Record<string, unknown>).polluted, (Object.prototype as Record<string, unknown>).polluted],
		toString: typeof probe.toString,
	});
}
