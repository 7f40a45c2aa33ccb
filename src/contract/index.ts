/**
 * The wire contract: zod schemas for every request and answer of the REST API. The server
 * parses with them, the tab infers its types from them, the OpenAPI document is generated from
 * them (openapi.ts). It imports only zod and the domain's own input schemas.
 */
export * from './cases.js';
export * from './responses.js';
export * from './requests.js';
export * from './commands.js';
export * from './placements.js';
export * from './data-protection.js';
