import { DEFAULT_PARSE_OPTIONS } from '../options';
import { readOrderForWriter, type ReadOrder } from '../canonical';

/**
 * Every writer first re-reads the order it is given with the canonical reader (default options), so a
 * hand-built or edited object is checked as strictly as a parsed one and every writer sees the same
 * normalized values.
 */
export function orderForWriter(order: unknown): ReadOrder {
	return readOrderForWriter(order, DEFAULT_PARSE_OPTIONS);
}

/** Adds the key only when the value is defined (payloads carry no undefined or null fields). */
export function setIf<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
	if (value !== undefined) target[key] = value;
}
