// Arrow keys move through a radio group or a tab list and choose the option they land on, as native radio buttons
// do (Home and End jump to the ends). Installed once for the whole renderer, so every segmented control and choice
// grid (buttons with role radio or tab) behaves the same without each page wiring it; a group that handles the
// keys itself calls preventDefault and is left alone.
const OPTION = '[role="radio"], [role="tab"]';
const GROUP = '[role="radiogroup"], [role="tablist"]';
const STEPS: Record<string, number> = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };

function onKeyDown(e: KeyboardEvent): void {
  if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
  if (!(e.key in STEPS) && e.key !== 'Home' && e.key !== 'End') return;
  const option = e.target instanceof Element ? e.target.closest<HTMLElement>(OPTION) : null;
  const group = option?.closest(GROUP);
  if (!option || !group) return;
  const options = [...group.querySelectorAll<HTMLElement>(OPTION)].filter((o) => o.closest(GROUP) === group && !(o as HTMLButtonElement).disabled);
  const at = options.indexOf(option);
  const next = e.key === 'Home' ? options[0] : e.key === 'End' ? options[options.length - 1] : options[(at + STEPS[e.key] + options.length) % options.length];
  if (!next || next === option) return;
  e.preventDefault();
  next.focus();
  next.click();
}

export function installGroupArrowKeys(): void {
  document.addEventListener('keydown', onKeyDown);
}
