export { loadConfig, parseConfig } from './load.js';
export { ConfigError, formatIssue, type ConfigIssue } from './error.js';
export { answerOptions } from './answer-options.js';
export { parseListenAddress, formatListenAddress } from './address.js';
export { parseDuration } from './duration.js';
export * from './types.js';
