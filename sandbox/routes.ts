import type { IncomingHttpHeaders } from 'http';
import type { Vendor } from './types';

/** One request as a vendor emulator sees it (body fully read, faults already passed). */
export interface VendorCall {
	method: string;
	pathname: string;
	/** Named path segments, URL-decoded. */
	params: Record<string, string>;
	query: Record<string, string>;
	headers: IncomingHttpHeaders;
	rawBody: Buffer;
	/** Sandbox clock, ms since the epoch. */
	now: number;
}

export interface VendorReply {
	status: number;
	/** Objects and arrays are sent as JSON, strings as text/plain, undefined as an empty body. */
	body?: unknown;
	headers?: Record<string, string>;
	/** The vendor would have taken the data. */
	accepted: boolean;
	/**
	 * Accepted requests the vendor answers 2xx but may still drop (eSputnik events of unknown
	 * contacts): false when the data was not saved, with the reason in `note`.
	 */
	saved?: boolean;
	note?: string;
}

export interface VendorRoute {
	vendor: Vendor;
	operation: string;
	method: string;
	/** Anchored; named groups become params. */
	pattern: RegExp;
	/** Data routes meet every fault; the others only latency. */
	dataRoute: boolean;
	/** Largest body this route reads; more is answered 413. */
	maxBodyBytes?: number;
	handle(call: VendorCall): VendorReply;
	/** The path as logged and recorded (hides secrets in paths). */
	redactPath?(pathname: string): string;
	/** The body as recorded (hides secrets in bodies); default: parsed JSON or raw text. */
	recordBody?(call: VendorCall): unknown;
}

export interface VendorEmulator {
	vendor: Vendor;
	routes: VendorRoute[];
	/** The vendor's error shape for statuses the server itself decides (404, 405, 413, 429, 5xx). */
	errorBody(status: number, message: string, now: number): unknown;
	/** Forgets state kept between requests (known orders, rate windows). */
	reset(): void;
}

export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
	const value = headers[name.toLowerCase()];
	if (Array.isArray(value)) return value.join(', ');
	return value;
}

export const STATUS_TEXT: Record<number, string> = {
	400: 'Bad Request',
	401: 'Unauthorized',
	403: 'Forbidden',
	404: 'Not Found',
	405: 'Method Not Allowed',
	413: 'Payload Too Large',
	429: 'Too Many Requests',
	500: 'Internal Server Error',
	502: 'Bad Gateway',
	503: 'Service Unavailable',
};
