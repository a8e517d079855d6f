// The Studio API over Electron IPC, through the bridge that electron/preload.ts exposes as window.lathe.
// The main process validates arguments (electron/ipc.ts); results are checked here against the contract.
import { methods, type MethodName, type Params, type Result } from '../../../native/api/contract.ts';
import type { LatheBridge } from './bridge.ts';
import { StudioError } from './errors.ts';
import type { Studio } from './transport.ts';

/** Open-folder where the preload offers it (checked by capability: an older or stripped bridge has none). */
function folderOpener(bridge: LatheBridge): Studio['folders'] {
  if (typeof bridge.revealArtifact !== 'function') return { kind: 'none', reason: 'This window offers no way to open folders: copy the path instead.' };
  return {
    kind: 'native',
    async reveal(artifactId) {
      const response = await bridge.revealArtifact(artifactId);
      if (!response.ok) throw new StudioError(response.error.code, response.error.message, response.error.details);
    },
  };
}

/** The native path dialog; main checks the options and answers in an envelope (electron/pick-path.ts). */
function fileSource(bridge: LatheBridge): Studio['files'] {
  return {
    kind: 'native',
    async pick(options = { kind: 'file' }) {
      const response = await bridge.pickPath(options);
      if (!response.ok) throw new StudioError(response.error.code, response.error.message, response.error.details);
      if (response.result !== null && typeof response.result !== 'string') throw new StudioError('internal', `The path dialog answered ${typeof response.result}, not a path or null.`);
      return response.result;
    },
  };
}

export function createIpcStudio(bridge: LatheBridge): Studio {
  async function call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>> {
    const response = await bridge.call(method, params ?? {});
    if (!response.ok) throw new StudioError(response.error.code, response.error.message, response.error.details);
    const checked = methods[method].result.safeParse(response.result);
    if (!checked.success) {
      throw new StudioError('internal', `The engine's answer to ${method} does not match the API contract: ${checked.error.issues[0]?.message ?? 'unknown'}`);
    }
    return checked.data as Result<M>;
  }
  return {
    transport: 'ipc',
    call,
    listen: (listener) => bridge.listen(listener),
    files: fileSource(bridge),
    folders: folderOpener(bridge),
  };
}
