import { DEFAULT_PARSE_OPTIONS } from '../options';
import { readOrderForWriter, type ReadOrder } from '../canonical';
import { canonicalFixedPoint } from '../fastCheck';

/**
 * Every writer checks the order it is given as strictly as the canonical reader does: an order that is
 * already canonical (the usual case: it came from a reader) is used as is after a fast check; anything
 * else is re-read with the canonical reader (default options), which normalizes it or reports every
 * problem. Writers only read the order and never hand out its objects.
 */
export function orderForWriter(order: unknown): ReadOrder {
	return canonicalFixedPoint(order) ?? readOrderForWriter(order, DEFAULT_PARSE_OPTIONS);
}

/** Adds the key only when the value is defined (payloads carry no undefined or null fields). */
export function setIf<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
	if (value !== undefined) target[key] = value;
}
