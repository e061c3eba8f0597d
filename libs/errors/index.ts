// The base of the contexts' own exceptions.
export { CodedError } from './coded-error.js';
export { periodProblem } from './list-period.js';
export { failureChain, failureName, loggedFailure, type LoggedFailure } from './logged-failure.js';
export { messageOf } from './message-of.js';
export { pageProblem } from './page-limit.js';
