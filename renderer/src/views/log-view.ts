/** The log area: what each step did, like the reference application's text box. */
import { el } from '../format.ts';

export class LogView {
  constructor(
    private readonly root: HTMLElement,
    private readonly max = 1000,
  ) {}

  append(text: string, level: 'info' | 'warn' | 'error' = 'info', time = Date.now()): void {
    const atBottom = this.root.scrollTop + this.root.clientHeight >= this.root.scrollHeight - 4;
    const line = el('div', undefined, `log-line ${level}`);
    line.append(el('time', new Date(time).toLocaleTimeString()), document.createTextNode(` ${text}`));
    this.root.append(line);
    while (this.root.childElementCount > this.max) this.root.firstElementChild!.remove();
    if (atBottom) this.root.scrollTop = this.root.scrollHeight;
  }
}
