// Types for the tests that read the house's allow-lists (the rule itself is plain JavaScript for ESLint).
export const NATIVE_ALLOW: Record<string, string[]>;
export const LAYERS: { name: string; dir?: string; file?: string; may: string[]; packages: string[]; node: boolean }[];
declare const plugin: { rules: Record<string, unknown> };
export default plugin;
