// Public API of the package for code users: the shared order-mapping library (no n8n imports).
export * from './mapping';
