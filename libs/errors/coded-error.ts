/**
 * The shape every context's own exception shares: a code from that context's enum, which one
 * exhaustive `switch` maps to an HTTP status and a GraphQL error, and a message meant for the
 * caller. Pure (no Nest), so that `libs/stats` can use it too. A subclass is named after itself.
 */
export class CodedError<Code extends string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}
