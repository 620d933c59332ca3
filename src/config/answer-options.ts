import type { AnswerOptions } from '../answer/options.js';
import type { Config } from './types.js';

/** The part of the configuration the answering engine reads. */
export function answerOptions(config: Config): AnswerOptions {
  return {
    ednsMaxPayload: config.ednsMaxPayload,
    nsid: config.nsid,
    additionalMxSrv: config.additionalTargets,
    responseCacheEntries: config.responseCacheEntries,
  };
}
