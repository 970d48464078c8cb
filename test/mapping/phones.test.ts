import { toE164, toOdpOrderEvent } from '../../mapping';

/** Issue 12: one phone rule for every source; expected numbers written by hand from each national plan. */
describe('toE164: national formats of many countries', () => {
	it.each([
		// country, calling code, national with trunk, national without trunk, E.164
		['FR', '33', '06 12 34 56 78', '6 12 34 56 78', '+33612345678'],
		['GB', '44', '020 7946 0958', '20 7946 0958', '+442079460958'],
		['DE', '49', '0151 2345678', '151 2345678', '+491512345678'],
		['NL', '31', '06-12345678', '6-12345678', '+31612345678'],
		['BE', '32', '0470 12 34 56', '470 12 34 56', '+32470123456'],
		['AT', '43', '0664 1234567', '664 1234567', '+436641234567'],
		['CH', '41', '078 123 45 67', '78 123 45 67', '+41781234567'],
		['SE', '46', '070-123 45 67', '70-123 45 67', '+46701234567'],
		['AU', '61', '0412 345 678', '412 345 678', '+61412345678'],
		['JP', '81', '090-1234-5678', '90-1234-5678', '+819012345678'],
		['HU', '36', '06 30 123 4567', '30 123 4567', '+36301234567'],
		['RU', '7', '8 912 345-67-89', '912 345-67-89', '+79123456789'],
	])('%s: trunk prefix is dropped, with and without it, +, 00', (_country, code, withTrunk, withoutTrunk, e164) => {
		expect(toE164(withTrunk, code)).toBe(e164);
		expect(toE164(withoutTrunk, code)).toBe(e164);
		expect(toE164(`+${code} ${withoutTrunk}`)).toBe(e164);
		expect(toE164(`00${code} ${withoutTrunk}`)).toBe(e164);
	});

	it.each([
		// countries without a trunk prefix: the national number is taken whole
		['DK', '45', '20 12 34 56', '+4520123456'],
		['NO', '47', '412 34 567', '+4741234567'],
		['ES', '34', '612 34 56 78', '+34612345678'],
		['PL', '48', '512 345 678', '+48512345678'],
		['IT', '39', '06 1234 5678', '+390612345678'], // Italy keeps its 0
		['PT', '351', '912 345 678', '+351912345678'],
	])('%s: no trunk prefix', (_country, code, national, e164) => {
		expect(toE164(national, code)).toBe(e164);
		expect(toE164(`+${code} ${national}`)).toBe(e164);
		expect(toE164(`00 ${code} ${national}`)).toBe(e164);
	});

	it('drops a bracketed trunk (0) and a 0 written after the country code', () => {
		expect(toE164('+33 (0)6 12 34 56 78')).toBe('+33612345678');
		expect(toE164('+44 (0)20 7946 0958')).toBe('+442079460958');
		expect(toE164('0044 (0) 20 7946 0958')).toBe('+442079460958');
		expect(toE164('+33 06 12 34 56 78')).toBe('+33612345678');
		expect(toE164('+39 06 1234 5678')).toBe('+390612345678'); // Italy: the 0 belongs to the number
	});

	it('North America: 10 digits, optionally led by 1', () => {
		expect(toE164('(555) 555-5555', '1')).toBe('+15555555555');
		expect(toE164('1-555-555-5555', '1')).toBe('+15555555555');
		expect(toE164('555-5555', '1')).toBeUndefined();
	});

	it('refuses what cannot be E.164', () => {
		expect(toE164('06 12 34 56 78')).toBeUndefined(); // national, no country known
		expect(toE164('+12')).toBeUndefined();
		expect(toE164('call me', '33')).toBeUndefined();
	});

	it('the ODP writer takes the calling code from the address country (DK national number)', () => {
		const event = toOdpOrderEvent(
			{
				id: '1',
				dateTime: '2025-03-10T15:28:02.000+00:00',
				status: 'in_progress',
				customer: { phone: '20 12 34 56', billingAddress: { country: 'DK' } },
				total: 10,
				lines: [{ productId: 'p', quantity: 1, unitPrice: 10 }],
			},
			{ action: 'purchase' },
		);
		expect(event.identifiers).toEqual({ phone: '+4520123456' });
	});
});
