/**
 * The shared order-mapping library: readers → canonical order → vendor writers. Imports nothing from n8n.
 * Every exported function answers bad input with an OrderValidationError (or, for the small helpers,
 * undefined/NaN), never with another exception.
 */
export { OrderValidationError, type OrderIssue } from './errors';
export { ORDER_STATUSES, normalizeStatus, type Address, type CanonicalOrder, type Customer, type OrderLine, type OrderStatus } from './model';
export { ISO_4217_CODES, isIsoCurrency } from './currencies';
export { lineAmount, multiplyMoney, roundMoney, subtractMoney, sumMoney, MONEY_DECIMALS } from './money';
export { LIMITS } from './values';
export type { ParseOptions } from './options';
export { parseCanonicalOrder } from './canonical';
export { parseCsv, type CsvOptions } from './csv';
export {
	DEFAULT_FLAT_COLUMNS,
	readFlatRows,
	type FlatColumnMapping,
	type FlatColumns,
	type FlatExtraColumnMapping,
	type FlatRowGroup,
	type FlatRowOptions,
} from './flat';
export { COLUMN_NAMES, detectFlatColumns, headersOf, normalizeHeader, recogniseHeader, type ColumnDetection } from './columnNames';
export { readShopifyOrder, type ShopifyMoney, type ShopifyReadOptions } from './shopify';
export { readWooCommerceOrder } from './woocommerce';
export * from './writers/optimizely';
export * from './writers/algonomy';
export * from './writers/esputnik';
export * from './writers/esputnikContacts';
export * from './writers/odp';
