/**
 * Money arithmetic in scaled integers (millionths), so sums and products never show binary float drift
 * (0.1 + 0.2 gives 0.3). Amounts keep up to 6 decimals, which keeps prices such as 256.678 intact.
 * Numbers stay safe integers while |amount| < 9e9; larger values switch to BigInt for the arithmetic.
 */
export const MONEY_DECIMALS = 6;
const SCALE = 1_000_000;
const SCALE_BIG = BigInt(SCALE);
const HALF_SCALE = SCALE / 2;
const HALF_SCALE_BIG = BigInt(HALF_SCALE);
const SAFE = Number.MAX_SAFE_INTEGER;

/** Rounds to 6 decimals, half away from zero. */
export function roundMoney(value: number): number {
	if (typeof value !== 'number') return Number.NaN;
	if (Number.isInteger(value)) return value + 0; // + 0 turns -0 into 0
	const scaled = Math.round(Math.abs(value) * SCALE);
	return (value < 0 ? -scaled : scaled) / SCALE;
}

/** The amount in millionths as an integer-valued number. */
export function toScaled(value: number): number {
	if (typeof value !== 'number') return Number.NaN;
	const scaled = Math.round(Math.abs(value) * SCALE);
	return value < 0 ? -scaled : scaled;
}

function scaledToNumber(scaled: number | bigint): number {
	if (typeof scaled === 'number') return scaled / SCALE;
	// Split so that the integer part and the fraction each convert exactly before the final division.
	const whole = scaled / SCALE_BIG;
	const fraction = scaled % SCALE_BIG;
	return Number(whole) + Number(fraction) / SCALE;
}

/** Sum of amounts, exact to 6 decimals. */
export function sumMoney(values: readonly number[]): number {
	if (!Array.isArray(values)) return Number.NaN;
	let total = 0;
	for (let i = 0; i < values.length; i++) {
		total += toScaled(values[i]);
		if (total > SAFE || total < -SAFE) return sumMoneyBig(values);
	}
	return scaledToNumber(total);
}

function sumMoneyBig(values: readonly number[]): number {
	const scaled = values.map(toScaled);
	// Beyond ~1.8e302 the scaled value itself overflows to Infinity, which BigInt() cannot take.
	if (!scaled.every((value) => Number.isFinite(value))) return Number.NaN;
	let total = BigInt(0);
	for (const value of scaled) total += BigInt(value);
	return scaledToNumber(total);
}

/** a − b, exact to 6 decimals. */
export function subtractMoney(a: number, b: number): number {
	const left = toScaled(a);
	const right = toScaled(b);
	if (!Number.isFinite(left) || !Number.isFinite(right)) return Number.NaN;
	const difference = left - right;
	if (difference > SAFE || difference < -SAFE) return scaledToNumber(BigInt(left) - BigInt(right));
	return scaledToNumber(difference);
}

/** quantity × price in millionths (rounded half away from zero), as number or BigInt when large. */
function multiplyScaled(quantity: number, price: number): number | bigint {
	const a = toScaled(quantity);
	const b = toScaled(price);
	if (!Number.isFinite(a) || !Number.isFinite(b)) return Number.NaN; // garbage in, NaN out (never a BigInt error)
	const product = a * b;
	if (product <= SAFE && product >= -SAFE) {
		const remainder = product % SCALE;
		const whole = (product - remainder) / SCALE;
		if (remainder >= HALF_SCALE) return whole + 1;
		if (remainder <= -HALF_SCALE) return whole - 1;
		return whole;
	}
	const big = BigInt(a) * BigInt(b);
	const remainder = big % SCALE_BIG;
	let whole = (big - remainder) / SCALE_BIG;
	if (remainder >= HALF_SCALE_BIG) whole += BigInt(1);
	else if (remainder <= -HALF_SCALE_BIG) whole -= BigInt(1);
	return whole;
}

/** quantity × price, exact to 6 decimals. */
export function multiplyMoney(quantity: number, price: number): number {
	return scaledToNumber(multiplyScaled(quantity, price));
}

/** quantity × unitPrice − discount, computed in scaled integers (the line subtotal rule). */
export function lineAmount(quantity: number, unitPrice: number, discount = 0): number {
	const gross = multiplyScaled(quantity, unitPrice);
	const cut = toScaled(discount);
	if (!Number.isFinite(cut) || (typeof gross === 'number' && !Number.isFinite(gross))) return Number.NaN;
	if (typeof gross === 'number') {
		const net = gross - cut;
		if (net <= SAFE && net >= -SAFE) return scaledToNumber(net);
		return scaledToNumber(BigInt(gross) - BigInt(cut));
	}
	return scaledToNumber(gross - BigInt(cut));
}

/** Compares quantity × unitPrice with an amount without float drift: <0, 0, >0. */
export function compareLineGross(quantity: number, unitPrice: number, amount: number): number {
	const gross = multiplyScaled(quantity, unitPrice);
	const other = toScaled(amount);
	if (!Number.isFinite(other) || (typeof gross === 'number' && !Number.isFinite(gross))) return Number.NaN;
	if (typeof gross === 'number') return gross - other;
	const difference = gross - BigInt(other);
	return difference > BigInt(0) ? 1 : difference < BigInt(0) ? -1 : 0;
}

/** Formats like Java's Double.toString for the amounts we produce: "258.0", "258.5" (eSputnik examples). */
export function formatDecimal(value: number): string {
	return Number.isInteger(value) && Math.abs(value) < 1e21 ? value.toFixed(1) : String(value);
}
