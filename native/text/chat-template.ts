// Chat templates: the Jinja templates that HF tokenizer_config.json carries, rendered with @huggingface/jinja
// under the same variables transformers passes (messages, bos_token, eos_token, add_generation_prompt).
import { Template } from '@huggingface/jinja';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool' | string;
  content: string;
}

export interface ChatTemplateOptions {
  bosToken?: string;
  eosToken?: string;
  addGenerationPrompt?: boolean;
  /** More template variables (tools, documents, date_string, …). */
  extra?: Record<string, unknown>;
}

const compiled = new Map<string, Template>();

export function renderChatTemplate(template: string, messages: ChatMessage[], opts: ChatTemplateOptions = {}): string {
  let t = compiled.get(template);
  if (!t) {
    try {
      t = new Template(template);
    } catch (err) {
      throw new Error(`chat template does not parse: ${(err as Error).message}`);
    }
    compiled.set(template, t);
  }
  try {
    return t.render({
      messages,
      bos_token: opts.bosToken ?? '',
      eos_token: opts.eosToken ?? '',
      add_generation_prompt: opts.addGenerationPrompt ?? true,
      ...opts.extra,
    });
  } catch (err) {
    throw new Error(`chat template failed to render: ${(err as Error).message}`);
  }
}

/** A ChatML template (Qwen, SmolLM), for models that ship without one. */
export const CHATML_TEMPLATE =
  "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

/**
 * The chat format for models without a template: one `role: content` line per message, then `assistant: ` for the
 * reply. Fine-tuning on chat data (train/sft-examples.ts) writes the same text, so a LoRA trained on chats of a
 * base model without a template is prompted at inference exactly as it was trained.
 */
export function plainChatPrompt(messages: readonly ChatMessage[]): string {
  return messages.map((m) => `${m.role}: ${m.content}\n`).join('') + 'assistant: ';
}
