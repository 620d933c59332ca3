// The native handle under a dgram socket, used directly on the UDP hot path.
//
// Why: dgram.send() resolves the address through dns.lookup() on every datagram (an IP
// check, a closure and a nextTick), makes a request object, and 'message' goes through an
// EventEmitter. Measured with dnsperf against a bare loop that answers with one fixed
// packet (bench/bare-udp.mjs): 203k q/s through the public API, 243k through the handle.
// The handle's send() also tells whether the datagram left at once (the usual case), so a
// cached answer can be sent without copying it first.
//
// These are Node internals (lib/dgram.js, src/udp_wrap.cc, unchanged from Node 12 to 22).
// Everything is checked before use; when anything differs, rawUdpHandle() says undefined
// and the server uses the public API.
import type { Socket } from 'node:dgram';

type OnMessage = (msg: Buffer, rinfo: { address: string; port: number }) => void;

export interface RawUdpHandle {
  /** Replaces the socket's 'message' path; errno < 0 reports a receive error. */
  onMessage(fn: OnMessage, onError: (errno: number) => void): void;
  /** > 0: sent; 0: queued (keep the bytes unchanged until sent); < 0: an errno. */
  send(buf: Buffer, port: number, address: string): number;
}

interface NativeHandle {
  onmessage: (nread: number, handle: unknown, buf: Buffer, rinfo: { address: string; port: number }) => void;
  send: (req: object, list: Buffer[], count: number, port: number, address: string, hasCallback: boolean) => number;
}

type SendWrapClass = new () => { buf?: Buffer };

let sendWrap: SendWrapClass | null | undefined;

function sendWrapClass(): SendWrapClass | null {
  if (sendWrap !== undefined) return sendWrap;
  sendWrap = null;
  try {
    const binding = (process as unknown as { binding(name: string): { SendWrap?: unknown } }).binding('udp_wrap');
    if (typeof binding.SendWrap === 'function') sendWrap = binding.SendWrap as SendWrapClass;
  } catch {
    // No process.binding (a future Node, or --no-deprecation policies): public API then.
  }
  return sendWrap;
}

/** The bound socket's native handle, or undefined when this Node's internals are not the ones we know. */
export function rawUdpHandle(sock: Socket): RawUdpHandle | undefined {
  const SendWrap = sendWrapClass();
  if (!SendWrap) return undefined;
  const stateKey = Object.getOwnPropertySymbols(sock).find((s) => s.description === 'state symbol');
  if (!stateKey) return undefined;
  const handle = (sock as unknown as Record<symbol, { handle?: NativeHandle } | undefined>)[stateKey]?.handle;
  if (!handle || typeof handle.send !== 'function' || typeof handle.onmessage !== 'function') return undefined;

  // One request object serves every send that completes at once (it is only taken by a
  // queued send); the list is read synchronously by the native side.
  let req = new SendWrap();
  const list: Buffer[] = [Buffer.alloc(0)];
  return {
    onMessage(fn, onError) {
      handle.onmessage = (nread, _h, buf, rinfo) => {
        if (nread < 0) onError(nread);
        else fn(buf, rinfo);
      };
    },
    send(buf, port, address) {
      list[0] = buf;
      const r = handle.send(req, list, 1, port, address, false);
      if (r === 0) {
        // The queued send owns `req` now; it keeps the bytes alive until done.
        req.buf = buf;
        req = new SendWrap();
      }
      return r;
    },
  };
}
