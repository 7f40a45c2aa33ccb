import { config } from 'zod';

/**
 * Our CSP has no 'unsafe-eval': zod's probe for it (new Function) would be reported as a CSP
 * violation. Imported first by main.tsx, so the setting is in place before any module that is
 * imported after it parses a schema as it loads (the built-in procedures do).
 */
config({ jitless: true });
