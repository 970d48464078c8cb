/**
 * The one phone rule of the library (issue 12): every writer that needs E.164 calls `toE164`, whatever
 * the source (Shopify, WooCommerce, ERP rows, canonical JSON). A small table instead of libphonenumber
 * (no new dependency): calling code and national trunk prefix per country.
 */

interface CountryDialing {
	/** ITU calling code without "+" */
	code: string;
	/** national trunk prefixes dropped before the country code is put in front ('' = the country has none) */
	trunk: readonly string[];
}

const NONE: readonly string[] = [];
const ZERO: readonly string[] = ['0'];

/**
 * Markets our users ship to most. Trunk prefixes from the ITU national numbering plans: most use 0;
 * Denmark, Norway, Spain, Portugal, Greece, Italy (the 0 is part of the number), Poland, Czechia, the
 * Baltic states but Lithuania, Luxembourg, Iceland, Singapore, Hong Kong, Mexico, Chile, Colombia have
 * none; Hungary uses 06; Lithuania 8 (0 since 2025); Russia, Kazakhstan, Belarus 8.
 */
const DIALING: Readonly<Record<string, CountryDialing>> = Object.freeze({
	US: { code: '1', trunk: NONE }, CA: { code: '1', trunk: NONE }, PR: { code: '1', trunk: NONE },
	GB: { code: '44', trunk: ZERO }, IE: { code: '353', trunk: ZERO }, DE: { code: '49', trunk: ZERO },
	AT: { code: '43', trunk: ZERO }, CH: { code: '41', trunk: ZERO }, FR: { code: '33', trunk: ZERO },
	BE: { code: '32', trunk: ZERO }, NL: { code: '31', trunk: ZERO }, LU: { code: '352', trunk: NONE },
	IT: { code: '39', trunk: NONE }, ES: { code: '34', trunk: NONE }, PT: { code: '351', trunk: NONE },
	DK: { code: '45', trunk: NONE }, SE: { code: '46', trunk: ZERO }, NO: { code: '47', trunk: NONE },
	FI: { code: '358', trunk: ZERO }, IS: { code: '354', trunk: NONE }, PL: { code: '48', trunk: NONE },
	CZ: { code: '420', trunk: NONE }, SK: { code: '421', trunk: ZERO }, HU: { code: '36', trunk: ['06'] },
	RO: { code: '40', trunk: ZERO }, BG: { code: '359', trunk: ZERO }, GR: { code: '30', trunk: NONE },
	HR: { code: '385', trunk: ZERO }, SI: { code: '386', trunk: ZERO }, EE: { code: '372', trunk: NONE },
	LV: { code: '371', trunk: NONE }, LT: { code: '370', trunk: ['8', '0'] }, UA: { code: '380', trunk: ZERO },
	TR: { code: '90', trunk: ZERO }, IL: { code: '972', trunk: ZERO }, AE: { code: '971', trunk: ZERO },
	SA: { code: '966', trunk: ZERO }, IN: { code: '91', trunk: ZERO }, CN: { code: '86', trunk: ZERO },
	JP: { code: '81', trunk: ZERO }, KR: { code: '82', trunk: ZERO }, SG: { code: '65', trunk: NONE },
	HK: { code: '852', trunk: NONE }, AU: { code: '61', trunk: ZERO }, NZ: { code: '64', trunk: ZERO },
	ZA: { code: '27', trunk: ZERO }, BR: { code: '55', trunk: ZERO }, MX: { code: '52', trunk: NONE },
	AR: { code: '54', trunk: ZERO }, CL: { code: '56', trunk: NONE }, CO: { code: '57', trunk: NONE },
	RU: { code: '7', trunk: ['8'] }, KZ: { code: '7', trunk: ['8'] }, BY: { code: '375', trunk: ['8'] },
});

/** Calling code → whether its numbers take a 0 trunk prefix (then "+33 06…" is a typo for "+33 6…"). */
const ZERO_TRUNK_CODES = new Set(Object.values(DIALING).filter((entry) => entry.trunk.includes('0') && entry.trunk.length === 1).map((entry) => entry.code));

const TRUNK_BY_CODE = new Map<string, readonly string[]>();
for (const entry of Object.values(DIALING)) if (!TRUNK_BY_CODE.has(entry.code)) TRUNK_BY_CODE.set(entry.code, entry.trunk);

/** The calling code of an ISO alpha-2 country, when known. */
export function callingCodeForCountry(country: string | undefined): string | undefined {
	if (typeof country !== 'string') return undefined;
	const key = country.trim().toUpperCase();
	return Object.prototype.hasOwnProperty.call(DIALING, key) ? DIALING[key].code : undefined;
}

/** The known calling code the international digits start with (longest match), if any. */
function leadingCode(digits: string): string | undefined {
	for (let length = 3; length >= 1; length--) {
		const code = digits.slice(0, length);
		if (ZERO_TRUNK_CODES.has(code) || TRUNK_BY_CODE.has(code)) return code;
	}
	return undefined;
}

/**
 * Phone in E.164 ("+4915112345678"). The rule, the same for every source:
 * - spaces, hyphens, dots, slashes and brackets are dropped; a bracketed trunk "(0)" is dropped first
 *   ("+33 (0)6 12 34 56 78" → +33612345678, "+44 (0)20 7946 0958" → +442079460958);
 * - "+" or the international prefix "00" starts the country code; a 0 trunk prefix written after a
 *   country that uses one is dropped ("+33 06…" → +336…);
 * - otherwise the number is national: the country calling code comes from `defaultCallingCode` (the
 *   writers use the customer's address country when the option is not given), and the country's trunk
 *   prefix, when the number starts with it, is dropped (FR 06… → +336…, HU 06 30… → +3630…, DK has none:
 *   20 12 34 56 → +4520123456; Italy keeps its 0). North America: 10 digits, optionally led by 1.
 * Undefined when it cannot be E.164 (7 to 15 digits, first not 0).
 */
export function toE164(phone: string, defaultCallingCode?: string): string | undefined {
	if (typeof phone !== 'string' || phone.length > 100) return undefined;
	if (defaultCallingCode !== undefined && (typeof defaultCallingCode !== 'string' || !/^\+?[1-9]\d{0,3}$/.test(defaultCallingCode))) return undefined;
	const callingCode = defaultCallingCode?.replace('+', '');
	let digits = phone.trim().replace(/\(\s*0\s*\)/g, '').replace(/[\s\-()./]/g, '');
	let international = false;
	if (digits.startsWith('+')) {
		digits = digits.slice(1);
		international = true;
	} else if (digits.startsWith('00')) {
		digits = digits.slice(2);
		international = true;
	}
	if (!/^\d+$/.test(digits)) return undefined;
	if (international) {
		const code = leadingCode(digits);
		if (code !== undefined && ZERO_TRUNK_CODES.has(code) && digits[code.length] === '0') digits = code + digits.slice(code.length + 1);
	} else {
		if (callingCode === undefined) return undefined;
		if (callingCode === '1') {
			// North America has no trunk "0": a national number is 10 digits, optionally led by 1.
			if (digits.length === 11 && digits.startsWith('1')) digits = digits.slice(1);
			if (digits.length !== 10) return undefined;
		} else {
			const trunks = TRUNK_BY_CODE.get(callingCode) ?? ZERO;
			const trunk = trunks.find((prefix) => digits.startsWith(prefix));
			if (trunk !== undefined) digits = digits.slice(trunk.length);
		}
		digits = callingCode + digits;
	}
	return /^[1-9]\d{6,14}$/.test(digits) ? `+${digits}` : undefined;
}
