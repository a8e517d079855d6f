// Arrow keys move through a radio group or a tab list and choose the option they land on, as native radio buttons
// do (Home and End jump to the ends). Installed once for the whole renderer, so every segmented control and choice
// grid (buttons with role radio or tab) behaves the same without each page wiring it; a group that handles the
// keys itself calls preventDefault and is left alone.
//
// Each group is also one Tab stop (WAI-ARIA's roving tabindex): the chosen option has tabIndex 0 and the others
// -1, so Tab passes a ten-option group in one press and the arrows move inside it. The chosen option is read from
// aria-checked / aria-selected, which the pages already keep, and the tab stops follow it as the DOM changes.
const OPTION = '[role="radio"], [role="tab"]';
const GROUP = '[role="radiogroup"], [role="tablist"]';
const STEPS: Record<string, number> = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };

// aria-disabled too: an option shown but not choosable (a method not available yet) is skipped like a disabled one.
const isDisabled = (option: HTMLElement) => (option as HTMLButtonElement).disabled || option.getAttribute('aria-disabled') === 'true';
const isChosen = (option: HTMLElement) => option.getAttribute('aria-checked') === 'true' || option.getAttribute('aria-selected') === 'true';

/** The group's own options (not a nested group's), in document order. */
function optionsOf(group: Element): HTMLElement[] {
  return [...group.querySelectorAll<HTMLElement>(OPTION)].filter((o) => o.closest(GROUP) === group);
}

/** Tab lands on the chosen option, or on the first that can be chosen while none is. */
function syncTabStop(group: Element): void {
  const options = optionsOf(group);
  const stop = options.find((o) => isChosen(o) && !isDisabled(o)) ?? options.find((o) => !isDisabled(o));
  for (const o of options) {
    const tabIndex = o === stop ? 0 : -1;
    if (o.tabIndex !== tabIndex) o.tabIndex = tabIndex;
  }
}

/** The groups a batch of DOM changes touched: one drawn, one whose options came or went, or changed choice. */
function touchedGroups(records: MutationRecord[]): Set<Element> {
  const groups = new Set<Element>();
  for (const record of records) {
    const target = record.target instanceof Element ? record.target : record.target.parentElement;
    const around = target?.closest(GROUP);
    if (around) groups.add(around);
    for (const node of record.addedNodes) {
      if (!(node instanceof Element)) continue;
      if (node.matches(GROUP)) groups.add(node);
      for (const inner of node.querySelectorAll(GROUP)) groups.add(inner);
    }
  }
  return groups;
}

function onKeyDown(e: KeyboardEvent): void {
  if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
  if (!(e.key in STEPS) && e.key !== 'Home' && e.key !== 'End') return;
  const option = e.target instanceof Element ? e.target.closest<HTMLElement>(OPTION) : null;
  const group = option?.closest(GROUP);
  if (!option || !group) return;
  const options = optionsOf(group).filter((o) => !isDisabled(o));
  const at = options.indexOf(option);
  const next = e.key === 'Home' ? options[0] : e.key === 'End' ? options[options.length - 1] : options[(at + STEPS[e.key] + options.length) % options.length];
  if (!next || next === option) return;
  e.preventDefault();
  next.focus();
  next.click();
}

export function installGroupArrowKeys(): void {
  document.addEventListener('keydown', onKeyDown);
  // tabindex itself is not watched: setting it here must not wake the observer again.
  new MutationObserver((records) => touchedGroups(records).forEach(syncTabStop)).observe(document.documentElement, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ['aria-checked', 'aria-selected', 'aria-disabled', 'disabled', 'role'],
  });
  document.querySelectorAll(GROUP).forEach(syncTabStop);
}
