import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Sealer } from '@taskdeck/hub/auth/credential-store';

/**
 * A sealer as a host provides one (Electron's is `safeStorage`): AES-256-GCM with a key only
 * this sealer holds, so a test sees what a sealed credentials file looks like and what another
 * key makes of it.
 */
export function aesSealer(key: Buffer = randomBytes(32)): Sealer {
  return {
    description: 'AES-256-GCM with the test key',
    seal(text) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const sealed = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64');
    },
    open(text) {
      const bytes = Buffer.from(text, 'base64');
      const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12));
      decipher.setAuthTag(bytes.subarray(12, 28));
      return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}
