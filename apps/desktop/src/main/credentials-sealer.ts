import type { Sealer } from '@taskdeck/hub/auth/credential-store';
import type { SafeStorage } from 'electron';

/**
 * Seals the sign-in credentials with Electron's `safeStorage` (the system keychain's key), once
 * the app is ready. Where it would not protect them (no encryption available, or Linux without
 * a secret store, where Electron falls back to a hard-coded password) there is no sealer and
 * the hub keeps them in its owner-only file, as the web host and the CLI do.
 */
export function credentialsSealer(
  safeStorage: Pick<
    SafeStorage,
    'isEncryptionAvailable' | 'getSelectedStorageBackend' | 'encryptString' | 'decryptString'
  >,
  platform: NodeJS.Platform,
): Sealer | undefined {
  if (!safeStorage.isEncryptionAvailable()) return undefined;
  if (platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') return undefined;
  return {
    description: 'encrypted with the system keychain (Electron safeStorage)',
    seal: (text) => safeStorage.encryptString(text).toString('base64'),
    open: (sealed) => safeStorage.decryptString(Buffer.from(sealed, 'base64')),
  };
}
