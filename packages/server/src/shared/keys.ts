import { newSecret } from './ids.js';

export const SERVER_KEY_PREFIX = 'ser.';
/** Generated admin tokens start with it; one set by PENNON_ADMIN_TOKEN may not. */
export const ADMIN_TOKEN_PREFIX = 'pat_';

/** Public key of one environment; may sit in a web page. */
export const newClientKey = (): string => newSecret('');
/** Secret key of one environment; can read every rule. */
export const newServerKey = (): string => newSecret(SERVER_KEY_PREFIX);
export const newAdminToken = (): string => newSecret(ADMIN_TOKEN_PREFIX);
