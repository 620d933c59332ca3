// NOTIFY (RFC 1996): tells the configured secondaries that a zone changed, over UDP,
// retried with backoff until each one answers. Only configured addresses are notified,
// never the zone's NS hosts: a hidden primary's secondaries are listed, not guessed.
import { createSocket, type Socket } from 'node:dgram';
import { randomInt } from 'node:crypto';
import type { Logger } from 'pino';
import { Opcode, Type } from '../wire/constants.js';
import { MessageWriter } from '../wire/writer.js';
import type { Zone } from '../zone/zone.js';
import { signRequest, verifyResponse, TsigVerifyError, type TsigKey } from './tsig.js';

export interface NotifyTarget {
  family: 4 | 6;
  address: string;
  port: number;
  key?: TsigKey;
}

interface Pending {
  zone: string;
  serial: number;
  target: NotifyTarget;
  id: number;
  mac?: Buffer;
  tries: number;
  timer?: NodeJS.Timeout;
}

export interface NotifyOptions {
  /** First retry after this many ms; each later one waits twice as long. */
  retryMs?: number;
  tries?: number;
  now?: () => number;
}

export class Notifier {
  private readonly sockets = new Map<4 | 6, Socket>();
  private readonly pending = new Map<string, Pending>();
  private readonly retryMs: number;
  private readonly tries: number;
  private readonly now: () => number;

  constructor(
    private readonly logger: Logger,
    opts: NotifyOptions = {},
  ) {
    this.retryMs = opts.retryMs ?? 2000;
    this.tries = opts.tries ?? 6;
    this.now = opts.now ?? (() => Math.floor(Date.now() / 1000));
  }

  /** Notifies every target of the zone's current serial, replacing notifications still pending for it. */
  notify(zone: Zone, targets: readonly NotifyTarget[]): void {
    for (const t of targets) {
      const key = `${zone.originKey}|${t.address}|${t.port}`;
      const old = this.pending.get(key);
      if (old?.timer) clearTimeout(old.timer);
      const p: Pending = { zone: zone.originKey, serial: zone.serial, target: t, id: randomInt(0x10000), tries: 0 };
      this.pending.set(key, p);
      this.send(key, p, zone);
    }
  }

  private socket(family: 4 | 6): Socket {
    let s = this.sockets.get(family);
    if (!s) {
      s = createSocket(family === 4 ? 'udp4' : 'udp6');
      s.on('message', (msg, rinfo) => this.onReply(msg, rinfo.address, rinfo.port));
      s.on('error', (err) => this.logger.warn({ err }, 'notify socket error'));
      s.bind(0);
      s.unref();
      this.sockets.set(family, s);
    }
    return s;
  }

  private send(key: string, p: Pending, zone: Zone): void {
    const w = new MessageWriter(512);
    w.question(zone.origin, Type.SOA, 1);
    // RFC 1996 §3.7: the answer section may carry the new SOA, a hint for the secondary.
    w.rrset(1, zone.soa);
    let msg = w.finish(p.id, (Opcode.NOTIFY << 11) | 0x0400);
    if (p.target.key) {
      const signed = signRequest(msg, p.target.key, this.now());
      msg = signed.wire;
      p.mac = signed.mac;
    }
    p.tries++;
    this.socket(p.target.family).send(msg, p.target.port, p.target.address);
    if (p.tries >= this.tries) {
      p.timer = setTimeout(() => {
        if (this.pending.get(key) !== p) return;
        this.pending.delete(key);
        this.logger.warn({ zone: p.zone, serial: p.serial, target: `${p.target.address}#${p.target.port}`, tries: p.tries }, 'notify not acknowledged; giving up');
      }, this.retryMs * 2 ** (p.tries - 1));
    } else {
      p.timer = setTimeout(() => this.pending.get(key) === p && this.send(key, p, zone), this.retryMs * 2 ** (p.tries - 1));
    }
    p.timer.unref();
  }

  private onReply(msg: Buffer, address: string, port: number): void {
    if (msg.length < 12 || (msg[2] & 0x80) === 0 || ((msg[2] >> 3) & 0xf) !== Opcode.NOTIFY) return;
    const id = msg.readUInt16BE(0);
    for (const [key, p] of this.pending) {
      if (p.id !== id || p.target.port !== port || !sameAddress(p.target.address, address)) continue;
      const rcode = msg[3] & 0xf;
      if (p.target.key && p.mac) {
        try {
          const check = verifyResponse(msg, p.target.key, p.mac, this.now());
          if (check.error) {
            this.logger.warn({ zone: p.zone, target: `${address}#${port}`, tsigError: check.error }, 'notify answered with a TSIG error');
          }
        } catch (err) {
          if (!(err instanceof TsigVerifyError)) throw err;
          this.logger.warn({ zone: p.zone, target: `${address}#${port}`, fault: err.fault }, 'notify reply failed TSIG; ignored');
          return;
        }
      }
      clearTimeout(p.timer);
      this.pending.delete(key);
      const fields = { zone: p.zone, serial: p.serial, target: `${address}#${port}`, rcode };
      if (rcode === 0) this.logger.info(fields, 'notify acknowledged');
      else this.logger.warn(fields, 'notify answered with an error');
      return;
    }
  }

  /** Notifications not yet acknowledged. */
  get outstanding(): number {
    return this.pending.size;
  }

  close(): void {
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
    for (const s of this.sockets.values()) s.close();
    this.sockets.clear();
  }
}

function sameAddress(a: string, b: string): boolean {
  return a === b || b === `::ffff:${a}`;
}
