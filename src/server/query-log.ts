import type { Logger } from 'pino';
import { readName, nameToText } from '../wire/name.js';
import { typeToText } from '../wire/constants.js';

/**
 * Logs one query in every `every`. Parsing for the log line happens only for sampled
 * queries, so with sampling off the hot path pays one comparison.
 */
export class QueryLog {
  private count = 0;

  constructor(
    private readonly logger: Logger,
    private readonly every: number,
  ) {}

  get enabled(): boolean {
    return this.every > 0;
  }

  sample(): boolean {
    if (this.every <= 0) return false;
    this.count = (this.count + 1) % this.every;
    return this.count === 0;
  }

  write(transport: 'udp' | 'tcp', client: string, port: number, query: Buffer, response: Buffer | null): void {
    const q = describeQuery(query);
    this.logger.info(
      {
        transport, client, port, id: q.id, qname: q.qname, qtype: q.qtype, bytes: query.length,
        rcode: response && response.length >= 4 ? response[3] & 0x0f : undefined,
        tc: response && response.length >= 4 ? (response[2] & 0x02) !== 0 : undefined,
        answered: response ? response.length : 0,
      },
      'query',
    );
  }
}

function describeQuery(msg: Buffer): { id?: number; qname?: string; qtype?: string } {
  if (msg.length < 12) return {};
  const id = msg.readUInt16BE(0);
  if (msg.readUInt16BE(4) === 0) return { id };
  try {
    const { labels, end } = readName(msg, 12);
    const qtype = end + 2 <= msg.length ? typeToText(msg.readUInt16BE(end)) : undefined;
    return { id, qname: nameToText(labels), qtype };
  } catch {
    return { id };
  }
}
