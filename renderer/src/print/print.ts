/**
 * Printing one sheet of the page (the day report, a person's slip) with the
 * browser's own print (window.print): print to PDF or to the desk's label
 * printer. The page says which sheet on <html data-print="…">; the print
 * style sheet then hides the app and shows only that sheet.
 */
export type SheetName = 'day-report' | 'slip';

export function printSheet(name: SheetName): void {
  const root = document.documentElement;
  root.dataset.print = name;
  const done = () => {
    window.removeEventListener('afterprint', done);
    if (root.dataset.print === name) delete root.dataset.print;
  };
  window.addEventListener('afterprint', done);
  window.print();
}
