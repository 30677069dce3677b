import type { OAuthDiscoveryState } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientInformationMixed, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { JsonFileWriter, loadJsonFile } from '@taskdeck/node-common/json-file';
import { z } from 'zod';

/**
 * Seals the credentials file's content (Electron: `safeStorage`, the system keychain's key).
 * Without one the file is plain JSON that only its owner may read.
 */
export interface Sealer {
  /** How the file is protected, for messages: "encrypted with the system keychain". */
  readonly description: string;
  seal(text: string): string;
  /** Throws when the text cannot be opened (another user's key, a changed keychain). */
  open(sealed: string): string;
}

/** What Taskdeck keeps to reach one server as the signed-in user. */
export interface ServerCredentials {
  /** The server's URL they were obtained for: a server renamed to another URL gets none of them. */
  url: string;
  /** This client as registered with the authorization server (dynamic registration or a metadata document URL). */
  clientInformation?: OAuthClientInformationMixed;
  tokens?: OAuthTokens;
  /** Where the authorization server is, and its metadata (saves the discovery at every refresh). */
  discoveryState?: OAuthDiscoveryState;
  /** The scope asked for at the last sign-in; a step-up asks for it and what the server wants on top. */
  requestedScope?: string;
  signedInAt?: number;
}

const Loose = <T extends z.ZodRawShape>(shape: T) => z.object(shape).passthrough();
const CredentialsDocument = z.object({
  version: z.literal(1),
  servers: z.record(
    z.string(),
    Loose({
      url: z.string(),
      clientInformation: Loose({ client_id: z.string() }).optional(),
      tokens: Loose({ access_token: z.string(), token_type: z.string() }).optional(),
      discoveryState: Loose({ authorizationServerUrl: z.string() }).optional(),
      requestedScope: z.string().optional(),
      signedInAt: z.number().optional(),
    }),
  ),
});
const SealedFile = z.object({ sealed: z.string() }).strict();

/**
 * The credentials of every server the user signed in to, in one file owned by the user
 * (`<data dir>/auth/credentials.json`, 0600 in a 0700 folder), sealed when the host has a
 * sealer. Changes apply in memory at once and are written in call order, atomically. A file
 * that cannot be read is moved aside (or, sealed, cannot be opened) and the user is told to
 * sign in again: nothing else depends on it.
 */
export class CredentialStore {
  private readonly writer: JsonFileWriter;

  private constructor(
    readonly path: string,
    private readonly servers: Map<string, ServerCredentials>,
    private readonly sealer: Sealer | undefined,
    /** What went wrong with the saved file, for the user (undefined when all is well). */
    readonly notice: string | undefined,
  ) {
    this.writer = new JsonFileWriter(path, { mode: 0o600, folderMode: 0o700 });
  }

  static async open(path: string, sealer?: Sealer): Promise<CredentialStore> {
    const loaded = await loadJsonFile(path, sealer ? SealedFile : CredentialsDocument);
    const problem = (reason: string) =>
      `The sign-in credentials ${path} ${reason}. Sign in again to your remote servers that need it.`;
    switch (loaded.kind) {
      case 'missing':
        return new CredentialStore(path, new Map(), sealer, undefined);
      case 'corrupt':
        return new CredentialStore(
          path,
          new Map(),
          sealer,
          problem(`${loaded.reason}; moved to ${loaded.backupPath}`),
        );
      case 'stuck':
        return new CredentialStore(path, new Map(), sealer, problem(loaded.reason));
    }
    let document: unknown = loaded.value;
    if (sealer) {
      try {
        document = JSON.parse(sealer.open((loaded.value as z.infer<typeof SealedFile>).sealed));
      } catch (error) {
        const why = `could not be opened (${sealer.description}: ${(error as Error).message}); it is replaced at the next sign-in`;
        return new CredentialStore(path, new Map(), sealer, problem(why));
      }
    }
    const parsed = CredentialsDocument.safeParse(document);
    if (!parsed.success)
      return new CredentialStore(
        path,
        new Map(),
        sealer,
        problem('has unexpected content; it is replaced at the next sign-in'),
      );
    const servers = new Map(Object.entries(parsed.data.servers) as [string, ServerCredentials][]);
    return new CredentialStore(path, servers, sealer, undefined);
  }

  /** The server's credentials, if they were obtained for this URL. */
  get(name: string, url: string): ServerCredentials | undefined {
    const found = this.servers.get(name);
    return found?.url === url ? found : undefined;
  }

  /**
   * Changes one server's credentials (`change` receives what there is for this URL, or a fresh
   * record) and writes the file; resolves once written, rejects when writing failed (the change
   * stays in memory).
   */
  update(
    name: string,
    url: string,
    change: (current: ServerCredentials) => ServerCredentials,
  ): Promise<void> {
    this.servers.set(name, change(this.get(name, url) ?? { url }));
    return this.save();
  }

  /** Forgets a server's credentials (signed out, or the server was removed). */
  delete(name: string): Promise<void> {
    if (!this.servers.delete(name)) return Promise.resolve();
    return this.save();
  }

  private save(): Promise<void> {
    const document = { version: 1, servers: Object.fromEntries(this.servers) };
    const content = this.sealer ? { sealed: this.sealer.seal(JSON.stringify(document)) } : document;
    return this.writer.save(content);
  }
}
