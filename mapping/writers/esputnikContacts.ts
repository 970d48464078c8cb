import { z } from 'zod';
import { describe, guard, IssueList, OrderValidationError } from '../errors';
import { optionsResolver } from '../options';
import { isRecord, LIMITS } from '../values';
import type { Address, CanonicalOrder } from '../model';
import { orderForWriter, setIf } from './common';

/**
 * eSputnik contacts: POST https://esputnik.com/api/v1/contacts ("Add/update contacts"). It creates new
 * contacts and updates existing ones, at most 3,000 per request, found by `dedupeOn`; when a contact
 * carries externalCustomerId, eSputnik finds it by that and ignores dedupeOn. The import runs
 * asynchronously: the answer carries an asyncSessionId, and GET v1/importstatus/{sessionId} tells when
 * it is FINISHED (or ERROR). Phone numbers are the "sms" channel.
 */

/** At most this many contacts in one v1/contacts request (vendor's documented limit). */
export const ESPUTNIK_CONTACTS_MAX = 3000;

/** The identifier the user picks to find (deduplicate) contacts. */
export type EsputnikContactKey = 'email' | 'phone' | 'externalCustomerId';

export interface EsputnikContactChannel {
	type: 'email' | 'sms';
	value: string;
}

export interface EsputnikContactAddress {
	region?: string;
	town?: string;
	address?: string;
	postcode?: string;
}

/** One element of v1/contacts "contacts". */
export interface EsputnikContact {
	firstName?: string;
	lastName?: string;
	channels: EsputnikContactChannel[];
	address?: EsputnikContactAddress;
	externalCustomerId?: string;
}

/** Body of POST v1/contacts. */
export interface EsputnikContactsRequest {
	contacts: EsputnikContact[];
	/** "email", "sms" or "externalCustomerId" */
	dedupeOn: 'email' | 'sms' | 'externalCustomerId';
	/** the contact fields to update on existing contacts: only those every contact of the request carries, so none is cleared */
	contactFields: string[];
	/** segments the contacts are added to */
	groupNames?: string[];
}

export interface EsputnikContactOptions {
	/** which identifier finds the contact in eSputnik; the order's customer must have it */
	dedupeOn: EsputnikContactKey;
}

const resolveContactOptions = optionsResolver(
	z.object({ dedupeOn: z.enum(['email', 'phone', 'externalCustomerId']) }),
	['dedupeOn'],
	(checked) => ({ dedupeOn: checked.dedupeOn }),
);

function toContactAddress(address: Address | undefined): EsputnikContactAddress | undefined {
	if (address === undefined) return undefined;
	const result: EsputnikContactAddress = {};
	setIf(result, 'region', address.region);
	setIf(result, 'town', address.city);
	const street = [address.street1, address.street2].filter((part): part is string => part !== undefined).join(', ');
	setIf(result, 'address', street === '' ? undefined : street);
	setIf(result, 'postcode', address.postalCode);
	return Object.keys(result).length > 0 ? result : undefined;
}

/**
 * The order's customer as an eSputnik contact: first and last name, e-mail and phone channels, the
 * billing address (else the shipping address). externalCustomerId is sent only when contacts are found
 * by it (eSputnik would otherwise use it instead of the chosen identifier). eSputnik needs a channel:
 * an e-mail or phone is required, and the chosen identifier is.
 */
export function toEsputnikContact(order: CanonicalOrder, options: EsputnikContactOptions): EsputnikContact {
	return guard(() => {
		const settings = resolveContactOptions(options);
		const { order: source } = orderForWriter(order);
		const customer = source.customer;
		const issues = new IssueList();
		if (settings.dedupeOn === 'email' && customer.email === undefined) issues.add('customer.email', 'is required (contacts are found by e-mail)');
		if (settings.dedupeOn === 'phone' && customer.phone === undefined) issues.add('customer.phone', 'is required (contacts are found by phone)');
		if (settings.dedupeOn === 'externalCustomerId' && customer.id === undefined) issues.add('customer.id', 'is required (contacts are found by external customer ID)');
		if (customer.email === undefined && customer.phone === undefined && settings.dedupeOn === 'externalCustomerId') {
			issues.add('customer', 'needs an e-mail or phone: an eSputnik contact needs at least one channel');
		}
		if (customer.id !== undefined && customer.id.length > LIMITS.text) issues.add('customer.id', `is too long (at most ${LIMITS.text} characters)`);
		if (issues.length > 0) throw new OrderValidationError(issues.items);
		const contact = {} as EsputnikContact;
		setIf(contact, 'firstName', customer.firstName);
		setIf(contact, 'lastName', customer.lastName);
		contact.channels = [];
		if (customer.email !== undefined) contact.channels.push({ type: 'email', value: customer.email });
		if (customer.phone !== undefined) contact.channels.push({ type: 'sms', value: customer.phone });
		setIf(contact, 'address', toContactAddress(customer.billingAddress ?? customer.shippingAddress));
		if (settings.dedupeOn === 'externalCustomerId') contact.externalCustomerId = customer.id;
		return contact;
	});
}

/** Refuses anything that is not a contact as toEsputnikContact writes it. */
function checkContact(contact: unknown, path: string): EsputnikContact {
	const ok =
		isRecord(contact) &&
		Array.isArray(contact.channels) &&
		contact.channels.every((channel: unknown) => isRecord(channel) && (channel.type === 'email' || channel.type === 'sms') && typeof channel.value === 'string') &&
		(contact.address === undefined || isRecord(contact.address)) &&
		(contact.externalCustomerId === undefined || typeof contact.externalCustomerId === 'string');
	if (!ok) throw new OrderValidationError([{ path, message: `expected an eSputnik contact (from toEsputnikContact), got ${describe(contact)}` }]);
	return contact as unknown as EsputnikContact;
}

function checkKey(dedupeOn: unknown): EsputnikContactKey {
	if (dedupeOn !== 'email' && dedupeOn !== 'phone' && dedupeOn !== 'externalCustomerId') {
		throw new OrderValidationError([{ path: 'options.dedupeOn', message: `expected "email", "phone" or "externalCustomerId", got ${describe(dedupeOn)}` }]);
	}
	return dedupeOn;
}

/** The value that identifies the contact for `dedupeOn` (e-mail compared without case), to send each contact once. */
export function esputnikContactKey(contact: EsputnikContact, dedupeOn: EsputnikContactKey): string | undefined {
	return guard(() => {
		const checked = checkContact(contact, 'contact');
		const key = checkKey(dedupeOn);
		if (key === 'externalCustomerId') return checked.externalCustomerId;
		const channel = checked.channels.find((entry) => entry.type === (key === 'email' ? 'email' : 'sms'));
		if (channel === undefined) return undefined;
		return key === 'email' ? channel.value.toLowerCase() : channel.value;
	});
}

/** Contact fields (eSputnik's contactFields names) a contact carries. */
function fieldsOf(contact: EsputnikContact): string[] {
	const fields: string[] = [];
	if (contact.firstName !== undefined) fields.push('firstName');
	if (contact.lastName !== undefined) fields.push('lastName');
	if (contact.channels.some((channel) => channel.type === 'email')) fields.push('email');
	if (contact.channels.some((channel) => channel.type === 'sms')) fields.push('sms');
	const address = contact.address ?? {};
	if (address.address !== undefined) fields.push('address');
	if (address.town !== undefined) fields.push('town');
	if (address.region !== undefined) fields.push('region');
	if (address.postcode !== undefined) fields.push('postcode');
	return fields;
}

/** Sort key that puts contacts carrying the same fields next to each other (see contactFields). */
export function esputnikContactShape(contact: EsputnikContact): string {
	return guard(() => fieldsOf(checkContact(contact, 'contact')).join(','));
}

/**
 * The v1/contacts body for up to 3,000 contacts. Without contactFields eSputnik updates every field
 * and clears those a contact lacks; so contactFields lists only the fields every contact of the
 * request carries: a field is never cleared, and a field only some contacts carry is written for new
 * contacts but not updated on existing ones (send contacts of the same shape together to avoid it).
 */
export function toEsputnikContactsRequest(
	contacts: EsputnikContact[],
	options: { dedupeOn: EsputnikContactKey; groupNames?: string[] },
): EsputnikContactsRequest {
	return guard(() => {
	if (!Array.isArray(contacts) || contacts.length === 0 || contacts.length > ESPUTNIK_CONTACTS_MAX) {
		throw new OrderValidationError([{ path: 'contacts', message: `must hold 1 to ${ESPUTNIK_CONTACTS_MAX} contacts, got ${Array.isArray(contacts) ? contacts.length : describe(contacts)}` }]);
	}
	contacts.forEach((contact, index) => checkContact(contact, `contacts[${index}]`));
	if (!isRecord(options)) throw new OrderValidationError([{ path: 'options', message: `expected an object of settings, got ${describe(options)}` }]);
	const dedupeOn = checkKey(options.dedupeOn);
	const names: unknown = options.groupNames;
	if (names !== undefined && !(Array.isArray(names) && names.every((name) => typeof name === 'string'))) {
		throw new OrderValidationError([{ path: 'options.groupNames', message: `expected a list of segment names, got ${describe(names)}` }]);
	}
	let common = fieldsOf(contacts[0]);
	for (const contact of contacts.slice(1)) {
		const fields = new Set(fieldsOf(contact));
		common = common.filter((field) => fields.has(field));
	}
	const body: EsputnikContactsRequest = {
		contacts,
		dedupeOn: dedupeOn === 'phone' ? 'sms' : dedupeOn,
		contactFields: common,
	};
	const groups = ((names as string[] | undefined) ?? []).map((name) => name.trim()).filter((name) => name !== '');
	if (groups.length > 0) body.groupNames = groups;
	return body;
	});
}
