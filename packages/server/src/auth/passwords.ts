import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';
import { newSecret } from '../shared/ids.js';

/**
 * Password hashing with scrypt, memory-hard and built into Node (no native add-on to build).
 * Parameters: N = 2^14, r = 8, p = 5, one of OWASP's equivalent scrypt settings (Password
 * Storage Cheat Sheet). Of those, it needs the least memory per hash (16 MiB), which matters
 * because sign-in is open to anyone: Node runs scrypt on its four libuv threads, so at most
 * 64 MiB are in use however many sign-ins arrive. The cost is in `p` instead, which Node
 * computes one lane after another.
 *
 * Stored as `$scrypt$ln=14,r=8,p=5$<salt>$<hash>` (base64, no padding), so parameters can be
 * raised later while older hashes still verify.
 */
const PARAMETERS = { ln: 14, r: 8, p: 5 };
const KEY_BYTES = 32;
const SALT_BYTES = 16;

/** The most a password may be; scrypt takes any length, the limit only bounds request work. */
export const MAX_PASSWORD_LENGTH = 256;
/** NIST SP 800-63B asks for at least 8; a little more costs people little. */
export const MIN_PASSWORD_LENGTH = 10;

function derive(password: string, salt: Buffer, ln: number, r: number, p: number): Promise<Buffer> {
  const N = 2 ** ln;
  // Node refuses above 32 MiB by default; allow what these parameters need, with room.
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEY_BYTES, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

/** A new hash of `password` with a fresh salt. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const { ln, r, p } = PARAMETERS;
  const key = await derive(password, salt, ln, r, p);
  return `$scrypt$ln=${ln},r=${r},p=${p}$${b64(salt)}$${b64(key)}`;
}

const FORMAT = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

/** Whether `password` matches `stored`; a malformed stored value matches nothing. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const match = FORMAT.exec(stored);
  if (!match) return false;
  const [, ln, r, p, salt, expected] = match;
  const want = Buffer.from(expected, 'base64');
  const key = await derive(password, Buffer.from(salt, 'base64'), Number(ln), Number(r), Number(p));
  return key.length === want.length && timingSafeEqual(key, want);
}

let decoy: Promise<string> | undefined;

/**
 * A hash of a random password, for sign-ins with an unknown email: verifying against it costs
 * what a real check costs, so the answer's timing does not say whether the account exists.
 */
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(newSecret(''));
  return decoy;
}

/** A password for people to type once, printed by the first start and `pennon user create`. */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

function b64(bytes: Buffer): string {
  return bytes.toString('base64').replace(/=+$/, '');
}
