import { secretsEqual } from '@taskdeck/node-common/secrets';

/**
 * One sign-in, from the user's click to the tokens:
 * `starting` (discovery, registration) → `waiting` (the user is at the authorization URL) →
 * `exchanging` (the code arrived at the redirect; PKCE exchange) → `signed-in`; any step can end
 * `failed` (with a reason for the user), and a new sign-in or a timeout ends it `cancelled`.
 * The redirect carries the `state` this flow issued: it is accepted once.
 */
export type SignInPhase =
  | { kind: 'starting' }
  | { kind: 'waiting'; authorizationUrl: string }
  | { kind: 'exchanging' }
  | { kind: 'signed-in' }
  | { kind: 'failed'; reason: string }
  | { kind: 'cancelled'; reason: string };

/** What the redirect brought, once checked. */
export type RedirectOutcome = { kind: 'code'; code: string } | { kind: 'refused'; reason: string };

export class SignInFlow {
  phase: SignInPhase = { kind: 'starting' };

  constructor(
    readonly server: string,
    /** The OAuth `state`: random, unguessable, single use. */
    readonly state: string,
  ) {}

  get over(): boolean {
    const { kind } = this.phase;
    return kind === 'signed-in' || kind === 'failed' || kind === 'cancelled';
  }

  /** Whether a redirect's `state` is this flow's (compared in constant time). */
  owns(state: string | null): boolean {
    return state !== null && secretsEqual(state, this.state);
  }

  /** The SDK made the authorization URL: the user goes there now. */
  waitForUser(authorizationUrl: string): void {
    this.expect('starting');
    this.phase = { kind: 'waiting', authorizationUrl };
  }

  /**
   * The authorization server sent the user back with these query parameters (RFC 6749 §4.1.2):
   * a code to exchange, or an error. Accepted once, while waiting, and only with this flow's state.
   */
  receive(params: URLSearchParams): RedirectOutcome {
    if (!this.owns(params.get('state'))) throw new Error('The redirect does not carry this sign-in’s state.');
    this.expect('waiting');
    const error = params.get('error');
    const code = params.get('code');
    if (error !== null || !code) {
      const description = params.get('error_description');
      const reason = error
        ? `the authorization server answered ${error}${description ? ` (${description.slice(0, 300)})` : ''}`
        : 'the authorization server sent no code';
      this.phase = { kind: 'failed', reason };
      return { kind: 'refused', reason };
    }
    this.phase = { kind: 'exchanging' };
    return { kind: 'code', code };
  }

  finish(): void {
    this.expect('exchanging');
    this.phase = { kind: 'signed-in' };
  }

  fail(reason: string): void {
    if (!this.over) this.phase = { kind: 'failed', reason };
  }

  cancel(reason: string): void {
    if (!this.over) this.phase = { kind: 'cancelled', reason };
  }

  private expect(kind: SignInPhase['kind']): void {
    if (this.phase.kind !== kind)
      throw new Error(
        this.over
          ? 'This sign-in is over: start a new one.'
          : `This sign-in is ${this.phase.kind}, not ${kind}.`,
      );
  }
}
