// The SDK's own retries, without its retry quota. The standard strategy stops retrying once a
// client has spent its quota (500 tokens, 5 a throttled attempt): right for one busy client, wrong
// for the clients a whole process shares here (one per AWS configuration), where a burst of
// throttling in one request would leave every other request without retries. Attempts stay
// bounded, with full-jitter exponential backoff, longer for throttling.

/** What the SDK's retry middleware reads from a token. */
interface Token {
  getRetryCount(): number;
  getRetryDelay(): number;
  getRetryCost(): number | undefined;
}

/** What the SDK tells the strategy about a failed attempt. */
interface ErrorInfo {
  errorType: 'TRANSIENT' | 'THROTTLING' | 'SERVER_ERROR' | 'CLIENT_ERROR';
}

/** The longest pause between two attempts: a request that waits minutes anyway should not sleep longer. */
const MAX_DELAY_MS = 5_000;

const token = (count: number, delay: number): Token => ({
  getRetryCount: () => count,
  getRetryDelay: () => delay,
  getRetryCost: () => undefined,
});

export class BoundedRetryStrategy {
  readonly mode = 'standard';

  constructor(
    private readonly maxAttempts: number,
    private readonly random: () => number = Math.random,
  ) {}

  async acquireInitialRetryToken(_scope: string): Promise<Token> {
    return token(0, 0);
  }

  async refreshRetryTokenForRetry(previous: Token, info: ErrorInfo): Promise<Token> {
    const retries = previous.getRetryCount() + 1;
    if (info.errorType === 'CLIENT_ERROR' || retries >= this.maxAttempts) {
      throw new Error('no more attempts');
    }
    const base = info.errorType === 'THROTTLING' ? 500 : 100;
    return token(retries, Math.floor(this.random() * Math.min(MAX_DELAY_MS, base * 2 ** (retries - 1))));
  }

  recordSuccess(_token: Token): void {}
}
