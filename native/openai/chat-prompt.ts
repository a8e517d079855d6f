// A chat request's messages as the token ids the model is prompted with: rendered with the model's own chat
// template (tokenizer_config.json's chat_template or chat_template.jinja), or, for a model without one (a base
// model such as stories260K), with the plain `role: content` lines that fine-tuning on chats also uses
// (plainChatPrompt), ending in `assistant: ` for the reply.
import { plainChatPrompt, type ChatMessage } from '../text/chat-template.ts';
import type { TextTokenizer } from '../text/tokenizer.ts';
import { invalidParam } from './errors.ts';
import type { ChatRequest } from './params.ts';

export interface ChatPrompt {
  text: string;
  ids: number[];
  /** 'model': the model's chat template; 'plain': the fallback lines. */
  format: 'model' | 'plain';
}

/** Message content as plain text (a list of text parts is joined; other part types are refused by the schema). */
export function messageText(content: ChatRequest['messages'][number]['content']): string {
  if (content === null) return '';
  return typeof content === 'string' ? content : content.map((p) => p.text).join('');
}

export function chatPrompt(tokenizer: TextTokenizer, messages: ChatRequest['messages']): ChatPrompt {
  // 'developer' is OpenAI's newer name for the system message; templates know 'system'.
  const plain: ChatMessage[] = messages.map((m) => ({ role: m.role === 'developer' ? 'system' : m.role, content: messageText(m.content) }));
  if (!tokenizer.chatTemplate) {
    const text = plainChatPrompt(plain);
    return { text, ids: tokenizer.encode(text), format: 'plain' };
  }
  let text: string;
  try {
    text = tokenizer.applyChatTemplate(plain, { addGenerationPrompt: true });
  } catch (err) {
    throw invalidParam('messages', `the model's chat template cannot render these messages: ${(err as Error).message}`);
  }
  // a template that writes BOS itself gets no second one
  return { text, ids: tokenizer.encodePrompt(text), format: 'model' };
}
