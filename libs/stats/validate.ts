// Argument checks shared by the stats modules. Internal: not re-exported from index.ts.
import { StatsErrorCode, StatsException } from './errors.js';

function invalid(message: string): never {
  throw new StatsException(StatsErrorCode.InvalidArgument, message);
}

/** `value` if it is a finite number; otherwise throws {@link StatsException}. */
export function requireFinite(name: string, value: number): number {
  if (!Number.isFinite(value)) {
    invalid(`${name} must be a finite number, got ${value}`);
  }
  return value;
}

/** `value` if it is a non-negative safe integer (a count of persons); otherwise throws. */
export function requireCount(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    invalid(`${name} must be a non-negative integer, got ${value}`);
  }
  return value;
}

/** `value` if it is a positive safe integer; otherwise throws {@link StatsException}. */
export function requirePositiveCount(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    invalid(`${name} must be a positive integer, got ${value}`);
  }
  return value;
}

/** `value` if it is a probability in the closed interval [0, 1]; otherwise throws. */
export function requireProbability(name: string, value: number): number {
  if (!(value >= 0 && value <= 1)) {
    invalid(`${name} must be in [0, 1], got ${value}`);
  }
  return value;
}

/** `value` if it is a level, share or error rate in the open interval (0, 1); otherwise throws. */
export function requireOpenUnit(name: string, value: number): number {
  if (!(value > 0 && value < 1)) {
    invalid(`${name} must be strictly between 0 and 1, got ${value}`);
  }
  return value;
}

/** `value` if it is finite and ≥ 0; otherwise throws {@link StatsException}. */
export function requireNonNegative(name: string, value: number): number {
  if (!(value >= 0) || !Number.isFinite(value)) {
    invalid(`${name} must be a finite number >= 0, got ${value}`);
  }
  return value;
}

/** `value` if it is finite and > 0; otherwise throws {@link StatsException}. */
export function requirePositive(name: string, value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) {
    invalid(`${name} must be a finite number > 0, got ${value}`);
  }
  return value;
}
