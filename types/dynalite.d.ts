// dynalite ships no types; this is the part of its API ndx uses (index.js of dynalite 4).
declare module 'dynalite' {
  import type { Server } from 'node:http';
  interface DynaliteOptions {
    path?: string;
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    maxItemSizeKb?: number;
    ssl?: boolean;
    verbose?: boolean;
  }
  export default function dynalite(options?: DynaliteOptions): Server;
}
