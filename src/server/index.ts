export { startServer, serverOptions } from './server.js';
export type { QueryResponder, RunningServer, ServerAddress, ServerOptions } from './types.js';
export { FrameReader } from './frame-reader.js';
export { loadZones, logZoneFailures, zoneKey, type ZoneLoadResult, type ZoneFailure } from './zones.js';
