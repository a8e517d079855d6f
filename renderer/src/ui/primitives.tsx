// The small components every page is built from. Each is a thin, typed wrapper over the classes in
// styles/components.css so that pages compose them instead of styling ad hoc.
import { Children, cloneElement, isValidElement, useEffect, useId, useLayoutEffect, useRef, useState, type ButtonHTMLAttributes, type CSSProperties, type InputHTMLAttributes, type ReactElement, type ReactNode, type Ref, type SelectHTMLAttributes } from 'react';
import { Icon, type IconName } from './icons.tsx';

/** danger: the strong red button that confirms a deletion in its dialog; danger-quiet: red words, the Delete that opens it (DeleteAction). */
type ButtonVariant = 'default' | 'primary' | 'danger' | 'danger-quiet' | 'ghost';
/** A button says what it does in words, or, icon only, in an aria-label: a screen reader has nothing else to read. */
type ButtonName = { children: ReactNode } | { children?: undefined; 'aria-label': string };
type ButtonProps = Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'children'> & ButtonName & { variant?: ButtonVariant; size?: 'sm'; icon?: IconName; shortcut?: string; ref?: Ref<HTMLButtonElement> };
export function Button({ variant = 'default', size, icon, shortcut, children, className, ...rest }: ButtonProps) {
  const classes = ['btn', variant !== 'default' && `btn-${variant}`, size && `btn-${size}`, className].filter(Boolean).join(' ');
  return (
    <button type="button" className={classes} {...rest}>
      {icon && <Icon name={icon} size={14} />}
      {children}
      {shortcut && <kbd>{shortcut}</kbd>}
    </button>
  );
}

/**
 * The one look of a destructive action where it is offered (a page's or card's Delete, a row's Remove): red words on
 * no fill, no icon, placed last among its actions and set apart from the ones that make or open things (.delete-action).
 * It only asks: the confirmation dialog it opens carries the strong red button (variant 'danger'). Pages had a grey
 * "Delete" beside "New project", a red outlined "× Delete" and an outlined "× Remove", one rule each.
 */
export function DeleteAction({ className, ...rest }: Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'children'> & ButtonName & { size?: 'sm' }) {
  return <Button variant="danger-quiet" className={['delete-action', className].filter(Boolean).join(' ')} {...rest} />;
}

/**
 * The one look and place of a create action ("New project", "New run", "Train from scratch"): a primary button with a
 * plus, top right of what it adds to — the page header on a page of its own (Projects, Scope, Train from scratch),
 * the list card's header on a tab that shares its page's header (Documents, Fine-tune, Align). Pages had it primary
 * in the header, secondary in the header, primary inside a list card and outlined in a list card's header.
 */
export function CreateAction(props: Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'children'> & { children: ReactNode; size?: 'sm' }) {
  return <Button variant="primary" icon="plus" {...props} />;
}

/**
 * The one way back to a list from a page inside it ("← All runs", "← All models"): a quiet link at the top left, over
 * the page's title (.back-link lines it up). The pretraining page had a "‹ Back to models" button at its top right.
 */
export function BackLink({ href, children }: { href: string; children: ReactNode }) {
  return <a className="btn btn-ghost btn-sm back-link" href={href}>← {children}</a>;
}

/**
 * A select box (.select). A chosen value too long for the box ends in an ellipsis (components.css), and the box's
 * title holds it whole, read from the option the box shows after each render (options come from many helpers, in
 * groups); a `title` the page gives (what the choice is for) follows it on a line of its own.
 */
export function Select({ title, className, ...rest }: SelectHTMLAttributes<HTMLSelectElement>) {
  const own = useRef<HTMLSelectElement>(null);
  const [shown, setShown] = useState('');
  useLayoutEffect(() => setShown(own.current?.selectedOptions[0]?.text ?? ''));
  return <select ref={own} className={['select', className].filter(Boolean).join(' ')} title={[shown, title].filter(Boolean).join('\n') || undefined} {...rest} />;
}

/**
 * A slider (.range), drawn from the design tokens in both themes instead of by the browser, whose own track stayed
 * bright white on the dark theme's cards. The track is filled with the accent up to the thumb: Chromium draws no
 * filled part of its own, so the value's place between min and max goes to the style as --range-value (0 to 1).
 */
export function Range({ className, style, min, max, value, ...rest }: Omit<InputHTMLAttributes<HTMLInputElement>, 'type' | 'min' | 'max' | 'value'> & { min: number; max: number; value: number }) {
  const at = max > min ? Math.min(1, Math.max(0, (value - min) / (max - min))) : 0;
  return <input type="range" className={['range', className].filter(Boolean).join(' ')} min={min} max={max} value={value} style={{ ...style, '--range-value': at } as CSSProperties} {...rest} />;
}

export function Card({ children, className, ...rest }: { children: ReactNode; className?: string; 'aria-label'?: string; 'data-testid'?: string }) {
  return <section className={['card', className].filter(Boolean).join(' ')} {...rest}>{children}</section>;
}

export function CardHeader({ title, subtitle, actions }: { title: ReactNode; subtitle?: ReactNode; actions?: ReactNode }) {
  return (
    <header className="card-header">
      <div>
        <h2>{title}</h2>
        {subtitle && <p className="card-subtitle">{subtitle}</p>}
      </div>
      {actions}
    </header>
  );
}

/**
 * The control a Field labels, marked by the Field itself: aria-describedby names the help or error line, and
 * aria-invalid is set while there is an error. Found by its id among the plain elements the children return (a
 * control may sit in a wrapper, e.g. an input with its unit after it), so no page has to remember to do it.
 */
function markControl(node: ReactNode, id: string, describedBy: string, invalid: boolean): ReactNode {
  if (!isValidElement<Record<string, unknown>>(node)) return node;
  const props = node.props;
  if (props.id === id) {
    const ids = new Set(String(props['aria-describedby'] ?? '').split(/\s+/).filter(Boolean)).add(describedBy);
    return cloneElement(node, { 'aria-describedby': [...ids].join(' '), 'aria-invalid': invalid ? true : props['aria-invalid'] });
  }
  if (typeof node.type !== 'string' || props.children === undefined) return node;
  return cloneElement(node, undefined, ...Children.toArray(props.children as ReactNode).map((child) => markControl(child, id, describedBy, invalid)));
}

/** A labelled form field with one line of help under it; `children` receives the id to put on the control. */
export function Field({ label, help, error, optional, className, children }: { label: string; help: ReactNode; error?: string | null; optional?: boolean; className?: string; children: (id: string, describedBy: string) => ReactElement }) {
  const id = useId();
  const helpId = `${id}-help`;
  return (
    <div className={['field', className].filter(Boolean).join(' ')}>
      <label className="field-label" htmlFor={id}>
        {label}
        {optional && <span className="field-optional">optional</span>}
      </label>
      {markControl(children(id, helpId), id, helpId, Boolean(error))}
      {error ? <p className="field-error" id={helpId} role="alert">{error}</p> : <p className="field-help" id={helpId}>{help}</p>}
    </div>
  );
}

export type Tone = 'neutral' | 'accent' | 'success' | 'warning' | 'danger';
export function Badge({ tone = 'neutral', children }: { tone?: Tone; children: ReactNode }) {
  return <span className={tone === 'neutral' ? 'badge' : `badge badge-${tone}`}>{children}</span>;
}

/**
 * An amount drawn against a scale: bars that should be compared must be given the same `max`. `tone` danger marks
 * one that is over a limit.
 */
export function Meter({ value, max, label, tone }: { value: number; max: number; label: string; tone?: 'warning' | 'danger' }) {
  const percent = max > 0 ? Math.min(100, Math.max(0, (100 * value) / max)) : 0;
  return (
    <div className="meter" role="meter" aria-label={label} aria-valuemin={0} aria-valuemax={max} aria-valuenow={value} data-tone={tone}>
      <div className="meter-bar" style={{ width: `${Math.max(percent, 0.5)}%` }} />
    </div>
  );
}

/**
 * Brings its content into view when it appears (the progress that a Start button just began, below the fold of a
 * long form); instant when the user asks for reduced motion. When focus was lost on the way (the Start button went
 * disabled, or the form it was in gave way to this), focus moves here too, so Tab goes on from the new content
 * (the run's Cancel) instead of from the top of the page; focus the user left in a field stays there.
 */
export function Reveal({ children, testId }: { children: ReactNode; testId?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const reduce = window.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;
    ref.current?.scrollIntoView({ block: 'start', behavior: reduce ? 'auto' : 'smooth' });
    if (!document.activeElement || document.activeElement === document.body) ref.current?.focus({ preventScroll: true });
  }, []);
  return <div ref={ref} className="reveal" tabIndex={-1} data-testid={testId}>{children}</div>;
}

/** A labelled progress bar; `value` null means the amount is not known yet (indeterminate). */
export function ProgressBar({ value, label, state }: { value: number | null; label: string; state?: string }) {
  const percent = value === null ? undefined : Math.round(Math.min(1, Math.max(0, value)) * 100);
  return (
    <div className="progress" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} data-indeterminate={value === null} data-state={state}>
      <div className="progress-bar" style={{ width: `${percent ?? 0}%` }} />
    </div>
  );
}

export function EmptyState({ icon, title, children, action }: { icon: IconName; title: string; children: ReactNode; action?: ReactNode }) {
  return (
    <div className="empty">
      <div className="empty-icon"><Icon name={icon} size={22} /></div>
      <div className="empty-title">{title}</div>
      <div className="empty-text">{children}</div>
      {action}
    </div>
  );
}

/**
 * A command, snippet, prompt, log or file shown as it is (.code-block: the code face on the sunken surface, wrapped):
 * the one look for every such block. With `scroll` it keeps to a height and scrolls, and while its text overflows it
 * is a Tab stop named by `label`, so the arrow keys can scroll it without a mouse.
 */
export function CodeBlock({ children, label, scroll = false, className, ...rest }: { children: string; label: string; scroll?: boolean; className?: string; role?: string; 'data-testid'?: string; 'data-kind'?: string }) {
  const ref = useRef<HTMLPreElement>(null);
  const [overflows, setOverflows] = useState(false);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!scroll || !el) return;
    const measure = () => setOverflows(el.scrollHeight > el.clientHeight + 1);
    measure();
    // a narrower window wraps more lines: the same text may overflow then
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, [scroll, children]);
  const classes = ['code-block', scroll && 'code-block-scroll', className].filter(Boolean).join(' ');
  return <pre ref={ref} className={classes} aria-label={label} tabIndex={scroll && overflows ? 0 : undefined} {...rest}>{children}</pre>;
}

export function Callout({ tone = 'neutral', title, children }: { tone?: 'neutral' | 'danger' | 'warning'; title: string; children?: ReactNode }) {
  return (
    <div className={tone === 'neutral' ? 'callout' : `callout callout-${tone}`} role={tone === 'danger' ? 'alert' : undefined}>
      <Icon name={tone === 'neutral' ? 'sparkle' : 'alert'} />
      <div className="stack gap-1">
        <div className="callout-title">{title}</div>
        {children && <div>{children}</div>}
      </div>
    </div>
  );
}

export function Stat({ label, value, mono }: { label: string; value: ReactNode; mono?: boolean }) {
  return (
    <div className="stat">
      <span className="stat-label" title={label}>{label}</span>
      <span className={mono ? 'stat-value mono' : 'stat-value'}>{value}</span>
    </div>
  );
}

export function Keys({ keys, className }: { keys: string[]; className?: string }) {
  return <span className={className}>{keys.map((k) => <kbd className="key" key={k}>{k}</kbd>)}</span>;
}

export function PageHeader({ title, lede, actions }: { title: string; lede: ReactNode; actions?: ReactNode }) {
  return (
    <header className="page-header">
      <div>
        <h1 className="page-title">{title}</h1>
        <p className="page-lede">{lede}</p>
      </div>
      {actions && <div className="row">{actions}</div>}
    </header>
  );
}

/** What ReadError needs of a read: useQuery's answer (StudioContext.tsx) has it, so a page passes its query whole. */
export interface RetryableRead {
  error: Error | null;
  loading: boolean;
  reload: () => void;
}

/** "<what>: <message>", then `then` as a sentence of its own after it (the message ended with a full stop if it had none). */
export function readErrorText(what: string, message: string, then?: string): string {
  const said = `${what}: ${message.trim()}`;
  return then ? `${/[.!?…]$/.test(said) ? said : `${said}.`} ${then}` : said;
}

/**
 * A read that failed (a network blip, a locked store, a 500): what could not be read, the engine's words, `then` (what
 * waits on it, what to do), and Try again, which asks once more with the same params (the query's reload) so that
 * nothing short of reloading the app is needed. Nothing while the read has no error; the error stays, the button
 * saying it is trying, until the new answer replaces it. The button stays enabled meanwhile (a press is ignored), so
 * the focus a keyboard user put there is not lost. When the answer comes while the focus is in the error, the focus
 * moves to a place kept where the error was (visually hidden, saying the read worked), not to the page's body: the
 * next Tab reaches what follows it, the content that came back.
 */
export function ReadError({ what, read, then, className }: { what: string; read: RetryableRead; then?: string; className?: string }) {
  const box = useRef<HTMLDivElement>(null);
  const place = useRef<HTMLSpanElement>(null);
  const focusWasInside = useRef(false);
  const [recovered, setRecovered] = useState(false);
  // while rendering, the DOM is still the one with the error: whether the focus is in what is about to go
  if (!read.error && box.current?.contains(document.activeElement)) focusWasInside.current = true;
  useLayoutEffect(() => {
    if (read.error || !focusWasInside.current) return;
    focusWasInside.current = false;
    place.current?.focus();
    setRecovered(true);
  }, [read.error]);
  // A caller that draws the error only while there is one (`error && <ReadError …/>`) unmounts it, place and all, when
  // the retry works: the focus would fall to the body. It goes to the page's start instead (the skip link's target).
  useLayoutEffect(() => {
    const shownBox = box.current;
    return () => {
      if (!shownBox?.contains(document.activeElement)) return;
      requestAnimationFrame(() => {
        if (!document.activeElement || document.activeElement === document.body) document.getElementById('page-start')?.focus();
      });
    };
  }, [read.error]);
  return (
    <>
      <span ref={place} tabIndex={-1} role="status" className="visually-hidden" data-testid="read-error-place" onBlur={() => setRecovered(false)}>{recovered ? 'Read again successfully.' : null}</span>
      {read.error && (
        <div ref={box} className={['read-error', className].filter(Boolean).join(' ')}>
          <p className="field-error" role="alert">{readErrorText(what, read.error.message, then)}</p>
          <Button size="sm" aria-busy={read.loading || undefined} onClick={() => { if (!read.loading) read.reload(); }}>{read.loading ? 'Trying again…' : 'Try again'}</Button>
        </div>
      )}
    </>
  );
}
