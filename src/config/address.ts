import { isIPv4, isIPv6 } from 'node:net';
import type { ListenAddress } from './types.js';

const DNS_PORT = 53;

/**
 * `192.0.2.1:53`, `[2001:db8::1]:53`, or `192.0.2.1` / `[2001:db8::1]` for port 53.
 * Host names are refused: a server must know which sockets it binds before it resolves anything.
 */
export function parseListenAddress(text: string): ListenAddress {
  let host: string;
  let portText: string | undefined;
  const bracket = /^\[([^\]]*)\](?::(.*))?$/.exec(text);
  if (bracket) {
    host = bracket[1];
    portText = bracket[2];
    if (!isIPv6(host)) throw new Error(`"${host}" is not an IPv6 address`);
  } else if (text.indexOf(':') !== text.lastIndexOf(':')) {
    // "::1:53" is itself a valid IPv6 address, so a bare one is never guessed at.
    throw new Error(`"${text}": write an IPv6 address in brackets, as [address]:port`);
  } else {
    const colon = text.lastIndexOf(':');
    host = colon < 0 ? text : text.slice(0, colon);
    portText = colon < 0 ? undefined : text.slice(colon + 1);
    if (!isIPv4(host)) throw new Error(`"${text}" is not addr:port with an IPv4 address, or [IPv6]:port`);
  }
  let port = DNS_PORT;
  if (portText !== undefined) {
    if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) {
      throw new Error(`bad port "${portText}" in "${text}" (0..65535)`);
    }
    port = Number(portText);
  }
  return { family: isIPv4(host) ? 4 : 6, address: host, port };
}

export function formatListenAddress(a: { family: 4 | 6 | string; address: string; port: number }): string {
  return a.address.includes(':') ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
}
