import { describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { adopt, compiledModule, shareable } from '../../../src/dnssec/crypto/wasm-module.js';
import { sha256x4Module } from '../../../src/dnssec/crypto/sha256-x4.js';
import { p256ScalarModule } from '../../../src/dnssec/crypto/p256-scalar.js';

describe('compiled WebAssembly modules, once per process', () => {
  it('builds a module once per name; a module that does not compile is null and not shared', () => {
    let builds = 0;
    const a = compiledModule('test-empty', () => { builds++; return Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]); });
    const b = compiledModule('test-empty', () => { builds++; throw new Error('built twice'); });
    expect(a).toBeInstanceOf(WebAssembly.Module);
    expect(b).toBe(a);
    expect(builds).toBe(1);
    expect(compiledModule('test-broken', () => Uint8Array.from([1, 2, 3]))).toBeNull();
    expect(Object.keys(shareable())).toContain('test-empty');
    expect(Object.keys(shareable())).not.toContain('test-broken');
  });

  it('a module adopted from elsewhere is used instead of building one', () => {
    const donor = compiledModule('test-donor', () => Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]))!;
    adopt({ 'test-adopted': donor });
    expect(compiledModule('test-adopted', () => { throw new Error('should not build'); })).toBe(donor);
  });

  it('a worker given the modules through workerData has them without assembling', async () => {
    expect(sha256x4Module()).toBeInstanceOf(WebAssembly.Module);
    expect(p256ScalarModule()).toBeInstanceOf(WebAssembly.Module);
    const wasm = shareable();
    // The worker checks that the modules arrived as modules and instantiate: no assembler there.
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      const names = Object.keys(workerData.wasm);
      const ok = ['sha256-x4', 'p256-scalar'].every((n) => workerData.wasm[n] instanceof WebAssembly.Module && new WebAssembly.Instance(workerData.wasm[n]).exports.memory instanceof WebAssembly.Memory);
      parentPort.postMessage({ names, ok });`;
    const w = new Worker(code, { eval: true, workerData: { wasm } });
    const reply = await new Promise<{ names: string[]; ok: boolean }>((resolve, reject) => { w.once('message', resolve); w.once('error', reject); });
    await w.terminate();
    expect(reply.names).toEqual(expect.arrayContaining(['sha256-x4', 'p256-scalar']));
    expect(reply.ok).toBe(true);
  });
});
