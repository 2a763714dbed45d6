import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

// Sealed form: "v1:" + base64(iv | tag | ciphertext). The key is SHA-256 of the configured key string.
const VERSION = 'v1';

function keyFrom(material: string): Buffer {
  return createHash('sha256').update(material, 'utf8').digest();
}

export function seal(plain: string, keyMaterial: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyFrom(keyMaterial), iv);
  const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64')}`;
}

export function open(sealed: string, keyMaterial: string): string {
  const [version, payload] = sealed.split(':', 2);
  if (version !== VERSION || !payload) throw new Error('Unrecognised sealed secret format');
  const raw = Buffer.from(payload, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', keyFrom(keyMaterial), raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}
