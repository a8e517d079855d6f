// A group of handlers whose module is imported at the group's first call, not when the studio loads: the heavy
// groups (training, evaluation, models, deployment, retrieval) import onnxruntime and the engine behind them, which a
// CLI command such as `lathe runs list` never needs. The method names come from the group's map in native/api, the
// same map the contract is built from, so the lazy group answers exactly the methods the loaded one does.
import type { MethodName } from '../api/contract.ts';
import type { HandlerContext, HandlersFor } from './context.ts';

export function lazyHandlers<Group>(methods: Group, load: () => Promise<HandlersFor<Group>>): HandlersFor<Group> {
  let loading: Promise<HandlersFor<Group>> | undefined;
  const names = Object.keys(methods as object) as (keyof Group & MethodName)[];
  return Object.fromEntries(names.map((name) => [name, async (params: unknown, raw: unknown, ctx: HandlerContext) => {
    // a failed import is not kept: the next call tries again
    const group = await (loading ??= load().catch((err: unknown) => { loading = undefined; throw err; }));
    return (group[name] as (p: unknown, r: unknown, c: HandlerContext) => unknown)(params, raw, ctx);
  }])) as unknown as HandlersFor<Group>;
}
