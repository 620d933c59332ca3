/** What the answering engine needs from the configuration; defaults in DEFAULT_ANSWER_OPTIONS. */
export interface AnswerOptions {
  /** Largest UDP payload we answer with, whatever the client offers (RFC 6891). */
  ednsMaxPayload: number;
  /** NSID value (RFC 5001) as bytes, or undefined to not answer NSID. */
  nsid?: Buffer;
  /** Add A/AAAA of MX exchanges and SRV targets in the additional section (off: minimal responses). */
  additionalMxSrv: boolean;
  /** Largest number of entries in the response cache (0 disables it). */
  responseCacheEntries: number;
}

export const DEFAULT_ANSWER_OPTIONS: AnswerOptions = {
  ednsMaxPayload: 1232,
  nsid: undefined,
  additionalMxSrv: false,
  responseCacheEntries: 500_000,
};
