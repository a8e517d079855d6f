// Chooses the transport: Electron's bridge when the preload exposed one, otherwise HTTP to the server that
// served this page, authorised by the token from the URL or this tab's session.
import './bridge.ts';
import { createHttpStudio } from './httpTransport.ts';
import { createIpcStudio } from './ipcTransport.ts';
import { takeTokenFromLocation } from './token.ts';
import type { Studio } from './transport.ts';

export type Connection = { ok: true; studio: Studio } | { ok: false; reason: 'no-token' };

export function connectStudio(): Connection {
  if (window.lathe) return { ok: true, studio: createIpcStudio(window.lathe) };
  const token = takeTokenFromLocation();
  if (!token) return { ok: false, reason: 'no-token' };
  return { ok: true, studio: createHttpStudio(window.location.origin, token) };
}
