/** The shared order-mapping library: readers → canonical order → vendor writers. Imports nothing from n8n. */
export * from './errors';
export * from './model';
export * from './currencies';
export * from './money';
export { parseDate, formatCanonical, type Moment, type DateResult } from './dates';
export { type ParseOptions } from './options';
export { parseCanonicalOrder } from './canonical';
export { parseCsv, type CsvOptions } from './csv';
export * from './flat';
export { readShopifyOrder } from './shopify';
export { readWooCommerceOrder } from './woocommerce';
export * from './writers/optimizely';
export * from './writers/algonomy';
export * from './writers/esputnik';
export * from './writers/odp';
