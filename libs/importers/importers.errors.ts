/** A source file that cannot be converted: where (1-based line, column name) and why. */
export class ImportFormatError extends Error {
  constructor(
    readonly line: number,
    readonly column: string,
    readonly reason: string,
  ) {
    super(`line ${line}, ${column}: ${reason}`);
    this.name = 'ImportFormatError';
  }
}
