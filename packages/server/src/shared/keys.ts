import { newSecret } from './ids.js';

export const SERVER_KEY_PREFIX = 'ser.';

/** Public key of one environment; may sit in a web page. */
export const newClientKey = (): string => newSecret('');
/** Secret key of one environment; can read every rule. */
export const newServerKey = (): string => newSecret(SERVER_KEY_PREFIX);
export const newAdminToken = (): string => newSecret('pat_');
