// The Integrate path, step by step: one list, numbered once, for the map at the top of the page (IntegratePage), the
// guided pills (GuidedSteps) and each section's heading. The map numbered four steps (3 · Export) while the pills and
// headings below it numbered compare as a step of its own (4 · Export).
import type { IconName } from '../../ui/icons.tsx';

export const INTEGRATE_STEPS = [
  {
    id: 'merge', icon: 'layers', title: 'Merge', heading: 'Merge a LoRA adapter',
    short: 'a finished LoRA run into its base',
    text: 'Fold a LoRA adapter into its base: one model, no adapter to carry, the same outputs.',
  },
  {
    id: 'quantise', icon: 'cpu', title: 'Quantise', heading: 'Quantise',
    // non-breaking hyphens and space: a narrow pill broke the line at "4-", leaving "bit variants" on the next
    short: 'choose the 8\u2011\u00a0and 4\u2011bit variants',
    text: 'Store weights in 8 or 4 bits: a smaller file and less memory, usually at a small cost in quality.',
  },
  {
    id: 'compare', icon: 'target', title: 'Compare', heading: 'Compare',
    short: 'size, speed and quality beside fp32',
    text: 'Measure each variant beside fp32 on held-out text: file size, speed and perplexity, in a table and charts.',
  },
  {
    id: 'export', icon: 'box', title: 'Export', heading: 'Export',
    short: 'GGUF, ONNX or a Hugging Face folder',
    text: 'GGUF for llama.cpp, Ollama and LM Studio; ONNX for transformers.js; a Hugging Face folder for everything else.',
  },
  {
    id: 'serve', icon: 'activity', title: 'Serve', heading: 'Serve to applications',
    short: 'an OpenAI-compatible API on this machine',
    text: 'Any OpenAI client — an app, a script, an agent framework — calls the model on this machine.',
  },
] as const satisfies readonly { id: string; icon: IconName; title: string; heading: string; short: string; text: string }[];

export type IntegrateStep = (typeof INTEGRATE_STEPS)[number]['id'];

/** A step's place on the path, counted from 1. */
export const stepNumber = (id: IntegrateStep): number => INTEGRATE_STEPS.findIndex((s) => s.id === id) + 1;

/** A step as the map and the pills label it: "2 · Quantise". */
export const stepLabel = (id: IntegrateStep): string => `${stepNumber(id)} · ${INTEGRATE_STEPS[stepNumber(id) - 1].title}`;

/** A step's section heading, numbered as the map numbers it: "1 · Merge a LoRA adapter". */
export const stepHeading = (id: IntegrateStep): string => `${stepNumber(id)} · ${INTEGRATE_STEPS[stepNumber(id) - 1].heading}`;
